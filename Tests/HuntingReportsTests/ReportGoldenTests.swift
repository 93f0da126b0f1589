import Foundation
@testable import HuntingReports
import Testing
import TestSupport

/// Golden files: the HTML and Markdown reports of ``ReportFixture`` byte for byte, and the compiled-in
/// copy of `Templates/`. Re-record with `HUNT_RECORD=1 swift test --filter ReportGolden`.
@Suite("Report golden files")
struct ReportGoldenTests {
    static let recording = ProcessInfo.processInfo.environment["HUNT_RECORD"] == "1"
    static let goldenFolder = PackagePaths.root.appendingPathComponent("Tests/HuntingReportsTests/Golden")

    static func rendered() -> [String: [UInt8]] {
        let files = ReportRenderer().render(ReportModel(run: ReportFixture.run(), options: ReportOptions(generator: "hunt (golden)")))
        return Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.bytes) })
    }

    /// Compares `actual` with the file at `url`, or rewrites the file when recording.
    static func compare(_ actual: String, with url: URL, rerecord: String) {
        if recording {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try! Data(actual.utf8).write(to: url)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("no golden file at \(url.path); record it with \(rerecord)")
            return
        }
        if expected != actual {
            Issue.record("\(url.lastPathComponent) differs from the golden file (re-record with \(rerecord) if the change is intended):\n\(lineDiff(expected, actual))")
        }
    }

    /// The first differing lines, `-` expected and `+` actual, with line numbers.
    static func lineDiff(_ expected: String, _ actual: String, limit: Int = 12) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        var shown = 0
        for i in 0..<max(a.count, b.count) where shown < limit {
            let left = i < a.count ? String(a[i]) : nil
            let right = i < b.count ? String(b[i]) : nil
            guard left != right else { continue }
            if let left { out.append("-\(i + 1): \(left.prefix(200))") }
            if let right { out.append("+\(i + 1): \(right.prefix(200))") }
            shown += 1
        }
        if a.count != b.count { out.append("(expected \(a.count) lines, got \(b.count))") }
        return out.joined(separator: "\n")
    }

    @Test func htmlReportMatchesGolden() {
        let html = String(decoding: Self.rendered()["report.html"] ?? [], as: UTF8.self)
        Self.compare(html, with: Self.goldenFolder.appendingPathComponent("report.html"), rerecord: "HUNT_RECORD=1 swift test --filter ReportGolden")
    }

    @Test func markdownReportMatchesGolden() {
        let markdown = String(decoding: Self.rendered()["report.md"] ?? [], as: UTF8.self)
        Self.compare(markdown, with: Self.goldenFolder.appendingPathComponent("report.md"), rerecord: "HUNT_RECORD=1 swift test --filter ReportGolden")
    }

    @Test func manifestMatchesGolden() {
        let manifest = String(decoding: Self.rendered()["manifest.json"] ?? [], as: UTF8.self)
        Self.compare(manifest, with: Self.goldenFolder.appendingPathComponent("manifest.json"), rerecord: "HUNT_RECORD=1 swift test --filter ReportGolden")
    }

    static func renderedNightly() -> [String: [UInt8]] {
        let files = ReportRenderer().render(NightlyFixture.model())
        return Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.bytes) })
    }

    /// The nightly report: two tenants, new and resolved findings, suppressions.
    @Test(arguments: ["report.html", "report.md", "manifest.json"])
    func nightlyReportMatchesGolden(file: String) {
        let text = String(decoding: Self.renderedNightly()[file] ?? [], as: UTF8.self)
        Self.compare(text, with: Self.goldenFolder.appendingPathComponent("nightly-" + file), rerecord: "HUNT_RECORD=1 swift test --filter ReportGolden")
    }

    @Test func renderingTwiceGivesTheSameBytes() {
        #expect(Self.rendered() == Self.rendered())
    }

    /// The templates compiled into the program are exactly the files in `Templates/`.
    @Test func builtinTemplatesMatchTemplatesFolder() throws {
        let folder = PackagePaths.root.appendingPathComponent("Templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }.sorted()
        var files: [String: String] = [:]
        for name in names {
            files[String(name.dropLast(".mustache".count))] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        #expect(!files.isEmpty)
        let source = Self.builtinSource(files)
        Self.compare(source, with: PackagePaths.root.appendingPathComponent("Sources/HuntingReports/Report/BuiltinTemplates.swift"),
                     rerecord: "HUNT_RECORD=1 swift test --filter ReportGolden")
        if !Self.recording, BuiltinTemplates.files != files {
            let stale = Set(files.keys).union(BuiltinTemplates.files.keys).filter { BuiltinTemplates.files[$0] != files[$0] }.sorted()
            Issue.record("the compiled-in templates differ from Templates/ (\(stale.joined(separator: ", "))): re-record with HUNT_RECORD=1 swift test --filter ReportGolden, then rebuild")
        }
    }

    /// The Swift source holding `files` as raw string literals.
    static func builtinSource(_ files: [String: String]) -> String {
        var out = """
            // Generated from Templates/ by `HUNT_RECORD=1 swift test --filter ReportGolden`; do not edit.
            // swift-format-ignore-file
            enum BuiltinTemplates {
                static let files: [String: String] = [

            """
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            precondition(!text.contains("\"\"\"##") && !text.contains("\\##"), "\(name) holds the raw-string delimiter")
            // A multi-line literal drops the newline before its closing delimiter: add one for a text that ends in one.
            out += "        \"\(name)\": ##\"\"\"\n\(text)\(text.hasSuffix("\n") ? "\n" : "")\"\"\"##,\n"
        }
        out += "    ]\n}\n"
        return out
    }
}
