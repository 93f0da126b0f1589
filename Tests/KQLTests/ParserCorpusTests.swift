import Foundation
import Testing
import TestSupport

@testable import KQL

@Suite("Parser over the public corpus")
struct ParserCorpusTests {
    /// Files that are invalid as published, with the position of their first error.
    static let knownInvalid: [String: String] = [
        // A comma is missing inside dynamic([…]) between two group names (reported by the lexer).
        "alexverboon__ActiveDirectory.AD-SensitiveGroupChanges__1.kql": "5:1",
        // `join kind=leftouter (` is never closed: `on $left…` follows the subquery's last `where`.
        "alexverboon__Defender_For_Endpoint.TVM.MDE-Windows11-Issues-OS_Build_26100-2033__1.kql": "16:12",
        // The `|` before `ActionType startswith …` is missing.
        "alexverboon__Defender_For_Endpoint.WDAC.MDE-WDAC__1.kql": "2:1",
        // A comment continues on a line without `//`.
        "m365d-hq__Webcasts.Airlift_2021_-_Lets_Invoke__8.kql": "40:19",
        // The subquery's lines appear twice, the second copy without a `|` before it.
        "m365d-hq__Webcasts.Ignite_2020_-_Best_practices_for_hunting_across_domains_with_Microsoft_365_Defender__10.kql": "8:9",
        // A line of dashes separates two scratch queries.
        "m365d-hq__Webcasts.TrackingTheAdversary.Episode_3_-_Summarizing_Pivoting_and_Joining__6.kql": "14:1",
    ]

    static func load(_ file: URL) throws -> [UInt8] { Array(try Data(contentsOf: file)) }

    @Test func atLeast99PercentParseWithoutErrors() throws {
        let files = PackagePaths.corpusFiles
        #expect(files.count == 857)
        var failures: [String: String] = [:]
        var report: [String] = []
        for file in files {
            let parsed = KQLParser.parse(bytes: try Self.load(file), path: file.lastPathComponent)
            #expect(!parsed.script.statements.isEmpty, "\(file.lastPathComponent) has no statements")
            if let first = parsed.errors.first {
                failures[file.lastPathComponent] = first.location.map { "\($0.line):\($0.column)" } ?? "?"
                report.append(first.description)
            }
        }
        let clean = files.count - failures.count
        #expect(Double(clean) >= 0.99 * Double(files.count), "\(clean)/\(files.count) parse cleanly:\n\(report.joined(separator: "\n"))")
        #expect(failures == Self.knownInvalid, "\(report.joined(separator: "\n"))")
    }

    @Test func errorsInInvalidFilesAreSyntaxErrorsWithSourceLines() throws {
        for (name, position) in Self.knownInvalid {
            let bytes = try Self.load(PackagePaths.corpus.appendingPathComponent(name))
            let parsed = KQLParser.parse(bytes: bytes, path: name)
            let first = try #require(parsed.errors.first)
            #expect(first.description.hasPrefix("\(name):\(position): error: "))
            let rendered = first.rendered(with: String(decoding: bytes, as: UTF8.self))
            #expect(rendered.split(separator: "\n").count == 3, "\(rendered)")
            #expect(rendered.hasSuffix("^"))
        }
    }

    @Test func everyCleanFileRoundTrips() throws {
        var checked = 0
        var failures: [String] = []
        for file in PackagePaths.corpusFiles {
            let parsed = KQLParser.parse(bytes: try Self.load(file))
            guard !parsed.hasErrors else { continue }
            let printed = KQLPrinter.print(parsed.script)
            let reparsed = KQLParser.parse(printed)
            if reparsed.hasErrors || reparsed.script != parsed.script {
                failures.append("\(file.lastPathComponent): \(reparsed.errors.first?.description ?? "different tree")\n\(printed)")
            } else if KQLPrinter.print(reparsed.script) != printed {
                failures.append("\(file.lastPathComponent): printing is not stable")
            }
            checked += 1
        }
        #expect(checked >= 848)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
    }

    /// Every file cut at several byte offsets (mid-token, mid-string, mid-UTF-8 sequence) parses
    /// to a tree and diagnostics: no trap, no hang.
    @Test func truncatedFilesNeverCrash() throws {
        var generator = SplitMix64(seed: 5)
        var parses = 0
        for file in PackagePaths.corpusFiles {
            let bytes = try Self.load(file)
            guard bytes.count > 2 else { continue }
            var cuts = [1, bytes.count / 4, bytes.count / 2, bytes.count * 3 / 4, bytes.count - 1]
            cuts.append(Int.random(in: 1..<bytes.count, using: &generator))
            for cut in cuts {
                let parsed = KQLParser.parse(bytes: Array(bytes[..<cut]))
                _ = KQLPrinter.print(parsed.script)
                parses += 1
            }
        }
        #expect(parses > 5000)
    }

    /// Files with random bytes deleted, duplicated or replaced by KQL punctuation.
    @Test func mutatedFilesNeverCrash() throws {
        var generator = SplitMix64(seed: 55)
        let noise = Array("()[]{}|;,.=!<>\"'`@*-+:/\\ \n".utf8)
        for file in PackagePaths.corpusFiles {
            var bytes = try Self.load(file)
            guard !bytes.isEmpty else { continue }
            for _ in 0..<3 {
                let i = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes.remove(at: i)
                case 1: bytes.insert(bytes[i], at: i)
                default: bytes[i] = noise.randomElement(using: &generator)!
                }
                if bytes.isEmpty { break }
            }
            let parsed = KQLParser.parse(bytes: bytes)
            _ = KQLPrinter.print(parsed.script)
        }
    }
}
