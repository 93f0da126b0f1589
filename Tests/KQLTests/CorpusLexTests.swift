import Foundation
import Testing
import TestSupport

@testable import KQL

@Suite("Lexer over the public corpus")
struct CorpusLexTests {
    @Test func corpusIsPresent() {
        #expect(PackagePaths.corpusFiles.count == 857)
    }

    /// Every file lexes; the only errors are in files that are broken as published.
    @Test func everyFileLexes() throws {
        var filesWithErrors: [String: [String]] = [:]
        for file in PackagePaths.corpusFiles {
            let lexed = Lexer.lex(bytes: Array(try Data(contentsOf: file)))
            #expect(lexed.tokens.last?.kind == .endOfFile)
            let errors = lexed.diagnostics.filter { $0.severity == .error }
            if !errors.isEmpty { filesWithErrors[file.lastPathComponent] = errors.map(\.description) }
        }
        #expect(filesWithErrors == CorpusLexTests.knownBroken, "\(filesWithErrors)")
    }

    /// Every literal in the corpus (strings above all) formats to one token that reads back equal.
    @Test func everyCorpusLiteralRoundTrips() throws {
        var checked = 0
        for file in PackagePaths.corpusFiles {
            for token in Lexer.lex(bytes: Array(try Data(contentsOf: file))).tokens where token.kind == .literal {
                let value = try #require(token.value)
                let relexed = Lexer.lex(value.kqlLiteral)
                #expect(relexed.diagnostics.isEmpty, "\(file.lastPathComponent): \(value.kqlLiteral)")
                #expect(relexed.tokens.count == 2 && relexed.tokens[0].value == value, "\(file.lastPathComponent) \(token)")
                checked += 1
            }
        }
        #expect(checked > 5000)
    }

    /// Files that are broken as published, with the errors Kusto would also report.
    static let knownBroken: [String: [String]] = [
        // A comma is missing between "Microsoft Exchange Servers" and "Remote Desktop Users"; inside
        // dynamic(…) adjacent strings are not joined (Kusto's ParseJsonValue takes one literal).
        "alexverboon__ActiveDirectory.AD-SensitiveGroupChanges__1.kql": [
            "5:1: error: invalid dynamic literal: expected ',' or ']' in array"
        ]
    ]
}
