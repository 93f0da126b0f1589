import Foundation
import Hunting
@testable import HuntingReports
import KQL
import Testing
import TestSupport

@Suite("Report model and files")
struct ReportTests {
    static func files(_ options: ReportOptions = ReportOptions()) -> [String: [UInt8]] {
        let rendered = ReportRenderer().render(ReportModel(run: ReportFixture.run(), options: options))
        return Dictionary(uniqueKeysWithValues: rendered.map { ($0.path, $0.bytes) })
    }

    static func text(_ bytes: [UInt8]?) -> String { String(decoding: bytes ?? [], as: UTF8.self) }

    @Test func sectionsAreOrderedFindingsBySeverityThenFailuresThenEmpty() {
        let model = ReportModel(run: ReportFixture.run())
        #expect(model.entries.map(\.outcome.query.query.id) == [
            "execution/encoded-powershell.kql", "triage/hostile.kql", "lateral-movement/many-logons.kql",
            "credential-access/lsass-access.kql", "defense-evasion/broken.kql", "persistence/registry-run-key.kql",
        ])
        #expect(model.entries.map(\.status) == [.findings, .findings, .findings, .failed, .failed, .empty])
    }

    @Test func everyFileIsWrittenAndNamedAfterTheQuery() {
        let files = Self.files()
        #expect(files.keys.sorted() == [
            "manifest.json",
            "queries/execution.encoded-powershell.csv", "queries/execution.encoded-powershell.json",
            "queries/lateral-movement.many-logons.csv", "queries/lateral-movement.many-logons.json",
            "queries/persistence.registry-run-key.csv", "queries/persistence.registry-run-key.json",
            "queries/triage.hostile.csv", "queries/triage.hostile.json",
            "report.html", "report.md",
        ])
        let onlyCSV = Self.files(ReportOptions(formats: [.csv]))
        #expect(onlyCSV.keys.allSatisfy { $0.hasSuffix(".csv") || $0 == "manifest.json" })
    }

    @Test func slugsAreSafeAndUnique() {
        #expect(ReportText.slug("Execution/Encoded PowerShell.kql") == "execution.encoded-powershell")
        #expect(ReportText.slug("../../etc/passwd") == "etc.passwd")
        #expect(ReportText.slug("<script>") == "-script")
        #expect(ReportText.slug("///") == "query")
        #expect(ReportText.uniqueSlugs(["a/b.kql", "a-b.kql", "a.b.kql", "A/B.kql"]) == ["a.b", "a-b", "a.b-2", "a.b-3"])
    }

    @Test func numbersDurationsAndDatesAreLocaleFree() {
        #expect(ReportText.grouped(0) == "0")
        #expect(ReportText.grouped(1_234_567) == "1,234,567")
        #expect(ReportText.grouped(-1000) == "-1,000")
        #expect(ReportText.count(1, "row") == "1 row")
        #expect(ReportText.count(100_000, "row") == "100,000 rows")
        #expect(ReportText.duration(0.42) == "0.4 s")
        #expect(ReportText.duration(83.4) == "1 min 23 s")
        #expect(ReportText.duration(3725) == "1 h 02 min")
        #expect(ReportText.iso(ReportFixture.started) == "2025-11-25T02:00:00Z")
        #expect(ReportText.display(ReportFixture.started) == "2025-11-25 02:00 UTC")
        #expect(ReportText.shortened("héllo wörld", to: 5) == ("héllo…", true))
        #expect(ReportText.shortened("short", to: 5) == ("short", false))
    }

    @Test func histogramCountsEveryRowInTheRightBucket() throws {
        let base = KQLDateTime(unixSeconds: 1_699_999_800).ticks
        let times: [KQLValue] = [0, 1, 2, 70, 71, 180].map { .datetime(KQLDateTime(ticks: base + Int64($0) * KQLTimespan.minute)) } + [.null(.datetime)]
        let table = KQLTable(schema: [("Timestamp", .datetime)], rows: times.map { [$0] })
        let histogram = try #require(Charts.histogram(table))
        #expect(histogram["rows"] == 6)
        #expect(histogram["bucket"] == "5-minute")
        guard case .array(let bars) = histogram["bars"] else { Issue.record("no bars"); return }
        #expect(bars.compactMap { $0["rows"] } == [3, 2, 1])
        #expect(Charts.histogram(KQLTable(schema: [("Timestamp", .string)], rows: [[.string("x")]])) == nil)
        #expect(Charts.histogram(KQLTable(schema: [("Timestamp", .datetime)], rows: [[.null(.datetime)]])) == nil)
        #expect(Charts.sparkline([0, 1, 8]) == " ▁█")
    }

    @Test func findingsChartKeepsTheLargestFirst() {
        let bars = (1...25).map { Charts.FindingBar(label: "q\($0)", anchor: "q-\($0)", rows: $0, severity: "low") }
        let chart = Charts.findings(bars)
        #expect(chart["more"] == 5)
        guard case .array(let shown) = chart["bars"] else { Issue.record("no bars"); return }
        #expect(shown.count == 20)
        #expect(shown.first?["rows"] == 25)
        #expect(shown.first?["barWidth"] == 300)
    }

    @Test func markdownFenceIsLongerThanAnyBacktickRunInTheQuery() {
        #expect(ReportModel.fence(for: "no ticks") == "```")
        #expect(ReportModel.fence(for: "a ```` b") == "`````")
    }

    // MARK: Hostile values

    @Test func htmlReportCarriesNoHostileMarkup() {
        let html = Self.text(Self.files()["report.html"])
        for vector in Hostile.all where vector.contains("<") || vector.contains("\"") {
            #expect(!html.contains(vector), "raw \(vector) in the HTML report")
        }
        // Only the page's own elements: every <script and <style in the page is the template's.
        #expect(html.components(separatedBy: "<script").count - 1 == html.components(separatedBy: "</script>").count - 1)
        #expect(!html.lowercased().contains("href=\"javascript:"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<svg/onload"))
    }

    @Test func htmlReportHasAStrictPolicyWithHashesOfItsOwnScriptsAndStyles() throws {
        let html = Self.text(Self.files()["report.html"])
        let policy = ContentSecurityPolicy.policy(for: html)
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"\(policy)\">"))
        #expect(!html.contains(ContentSecurityPolicy.placeholder))
        #expect(policy.hasPrefix("default-src 'none'; script-src 'sha256-"))
        #expect(!policy.contains("unsafe-inline"))
        #expect(!html.contains(" style=\""), "style attributes would be blocked by the policy")
        let tags = try NSRegularExpression(pattern: "<[a-zA-Z][^>]*>").matches(in: html, range: NSRange(html.startIndex..., in: html))
        #expect(!tags.isEmpty)
        for tag in tags {
            let text = (html as NSString).substring(with: tag.range)
            #expect(text.range(of: #"\son[a-z]+\s*="#, options: [.regularExpression, .caseInsensitive]) == nil, "inline handler in \(text)")
        }
    }

    @Test func policyHashesEachInlineElement() {
        let page = "<head><meta content=\"\(ContentSecurityPolicy.placeholder)\"><style>b{}</style><script>1</script><script type=\"module\">2</script><scripts></head>"
        let filled = ContentSecurityPolicy.fill(page)
        let sha = { (text: String) in Data(Digest.sha256(Array(text.utf8))).base64EncodedString() }
        #expect(filled.contains("script-src 'sha256-\(sha("1"))' 'sha256-\(sha("2"))';"))
        #expect(filled.contains("style-src 'sha256-\(sha("b{}"))';"))
        #expect(ContentSecurityPolicy.policy(for: "<p>").contains("script-src 'none'; style-src 'none'"))
    }

    @Test func markdownReportEscapesTableSyntaxAndMarkup() {
        let markdown = Self.text(Self.files()["report.md"])
        // Outside code fences nothing from data is markup: no tags, no links to javascript:, no raw pipes in cells.
        var outside = ""
        var fence: Substring?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if let open = fence {
                if line.hasPrefix(open), line.allSatisfy({ $0 == "`" }) { fence = nil }
                continue
            }
            if line.hasPrefix("```") {
                fence = line.prefix { $0 == "`" }
                continue
            }
            outside += line + "\n"
        }
        #expect(fence == nil, "every fence is closed")
        for tag in ["<script", "<img", "<svg", "</style"] { #expect(!outside.contains(tag), "\(tag) outside code") }
        #expect(outside.range(of: #"(?<!\\)\]\(javascript:"#, options: .regularExpression) == nil, "a link from data")
        // Every row of the hostile table has exactly one unescaped pipe per column plus one.
        let hostileRows = outside.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.contains("alert") && !$0.contains("](#") }
        #expect(!hostileRows.isEmpty)
        for row in hostileRows where row.contains("col ") || row.contains("&lt;script") {
            var pipes = 0
            var previous: Character = " "
            for character in row {
                if character == "|", previous != "\\" { pipes += 1 }
                previous = character
            }
            #expect(pipes == Hostile.all.count + 1, "\(row)")
        }
    }

    @Test func markdownShortensLongCells() {
        let markdown = Self.text(Self.files(ReportOptions(markdownCellLimit: 40))["report.md"])
        #expect(markdown.contains("powershell -enc SQBFAFgA powershell -enc…"))
        #expect(!markdown.contains(String(repeating: "powershell -enc SQBFAFgA ", count: 3)))
    }

    @Test func csvGuardsFormulasButNotNumbers() {
        let csv = Self.text(Self.files()["queries/triage.hostile.csv"])
        #expect(csv.hasPrefix("# Sample data:"))
        #expect(csv.contains("'=cmd|' /C calc'!A0"))
        #expect(!csv.contains(",=cmd"))
        let numbers = Self.text(Self.files()["queries/execution.encoded-powershell.csv"])
        #expect(numbers.contains(",-5000,0.0,"), "negative numbers are data, not formulas")
        #expect(numbers.contains(",-1.5,"))
        for cell in ["-cmd", "+cmd", "@SUM(A1)", "\tx", "\rx", "=1+1"] {
            #expect(CSVWriter.field(cell).hasPrefix("'") || CSVWriter.field(cell).hasPrefix("\"'"), "\(cell)")
        }
    }

    @Test func jsonFilesReadBackThroughTheServiceDecoder() throws {
        let files = Self.files()
        for entry in ReportModel(run: ReportFixture.run()).entries {
            guard let table = entry.outcome.table else { continue }
            let bytes = try #require(files[ReportModel.jsonPath(entry)])
            let decoded = try HuntingResponseDecoder.decode(Data(bytes))
            #expect(decoded.table.schema.map(\.name) == table.schema.map(\.name))
            #expect(decoded.table.schema.map(\.type) == table.schema.map(\.type))
            #expect(decoded.table.rowCount == table.rowCount)
            for row in 0..<table.rowCount { #expect(decoded.table.row(row) == table.row(row), "\(entry.slug) row \(row)") }
            let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            #expect(object["sampleData"] as? Bool == true)
            #expect(object["query"] as? String == entry.outcome.query.query.id)
        }
        let hostile = Self.text(files["queries/triage.hostile.json"])
        #expect(!hostile.contains("<script>"), "angle brackets are escaped even in JSON")
    }

    @Test func manifestRecordsProvenanceAndFileDigests() throws {
        let files = Self.files()
        let manifestBytes = try #require(files["manifest.json"])
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(manifestBytes)) as? [String: Any])
        #expect(manifest["sampleData"] as? Bool == true)
        #expect(manifest["started"] as? String == "2025-11-25T02:00:00.0000000Z")
        let queries = try #require(manifest["queries"] as? [[String: Any]])
        #expect(queries.count == 6)
        let cpu = try #require(queries.first { $0["id"] as? String == "credential-access/lsass-access.kql" })
        #expect((cpu["error"] as? [String: Any])?["kind"] as? String == "cpuQuota")
        #expect((cpu["provenance"] as? [String: Any])?["requestIds"] as? [String] == ["req-6"])
        let listed = try #require(manifest["files"] as? [[String: Any]])
        for file in listed {
            let path = try #require(file["path"] as? String)
            let bytes = try #require(files[path])
            #expect(file["sha256"] as? String == Digest.hex(Digest.sha256(bytes)))
            #expect(file["bytes"] as? Int == bytes.count)
        }
        #expect(listed.count == files.count - 1)
    }

    @Test func secretLookingParametersAreRedactedEverywhere() throws {
        let query = try #require(QueryFileParser.parse("// @title: T\nlet apiToken = \"hunter2-secret\";\nDeviceInfo | take 1\n", id: "t.kql", path: "t.kql").query)
        let run = RunResult(
            outcomes: [ReportFixture.outcome(query, .success(HuntingResult(table: KQLTable(schema: [("x", .long)], rows: [[.long(1)]]))), offset: 0)],
            endpoint: ReportFixture.endpoint, started: ReportFixture.started, finished: ReportFixture.started)
        for file in ReportRenderer().render(ReportModel(run: run)) where file.path != "report.md" && file.path != "report.html" {
            #expect(!Self.text(file.bytes).contains("hunter2-secret"), "\(file.path)")
        }
        // The reports show the parameter as redacted; the query text itself is the team's own file.
        let html = Self.text(ReportRenderer().render(ReportModel(run: run)).first { $0.path == "report.html" }?.bytes)
        #expect(html.contains("&lt;redacted&gt;"))
    }

    // MARK: Templates

    @Test func overridesReplaceAndExtendTheBuiltins() throws {
        let folder = try TemporaryFolder()
        try folder.write("report.md.mustache", "{{<default/report.md}}{{$footer}}custom footer {{counts.queries}}{{/footer}}{{/default/report.md}}")
        try folder.write("notes.txt", "ignored")
        let library = try ReportTemplates.library(overriding: URL(fileURLWithPath: folder.path))
        let files = ReportRenderer(templates: library).render(ReportModel(run: ReportFixture.run()))
        let markdown = Self.text(files.first { $0.path == "report.md" }?.bytes)
        #expect(markdown.hasSuffix("custom footer 6"))
        #expect(markdown.contains("## 1. Encoded PowerShell command lines"))
    }

    /// The example in the README: extend the default page with a colour and a footer.
    @Test func readmeOverrideExampleWorksAndKeepsThePolicyRight() throws {
        let folder = try TemporaryFolder()
        try folder.write("report.html.mustache", """
            {{! my-templates/report.html.mustache: the default page with our own accent colour and footer }}
            {{<default/report.html}}
            {{$extraStyle}}:root { --accent: #7b2cbf; }{{/extraStyle}}
            {{$footer}}<footer>Contoso SOC · on call: +1 555 0100</footer>{{/footer}}
            {{/default/report.html}}
            """)
        let library = try ReportTemplates.library(overriding: URL(fileURLWithPath: folder.path))
        let html = Self.text(ReportRenderer(templates: library).render(ReportModel(run: ReportFixture.run())).first { $0.path == "report.html" }?.bytes)
        #expect(html.contains("--accent: #7b2cbf;"))
        #expect(html.contains("<footer>Contoso SOC · on call: +1 555 0100</footer>"))
        #expect(html.contains("<h1"), "the rest of the default page is kept")
        #expect(html.contains("content=\"\(ContentSecurityPolicy.policy(for: html))\""), "the policy hashes the extended style")
    }

    @Test func brokenOverridesNameTheFileLineAndColumn() throws {
        let folder = try TemporaryFolder()
        try folder.write("query.html.mustache", "<p>\n  {{#failed}}\n")
        do {
            _ = try ReportTemplates.library(overriding: URL(fileURLWithPath: folder.path))
            Issue.record("a template with an unclosed section loaded")
        } catch {
            #expect(error.path.hasSuffix("query.html.mustache"))
            #expect(error.line == 2)
            #expect(error.description.contains("query.html.mustache:2:3: error:"))
        }
        try folder.write("bad.mustache", bytes: [0x7B, 0x7B, 0xFF])
        #expect(throws: ReportTemplateError.self) { try ReportTemplates.library(overriding: URL(fileURLWithPath: folder.path + "/missing")) }
    }

    // MARK: Writing

    @Test func writerReplacesAReportAndRefusesOtherFolders() throws {
        let folder = try TemporaryFolder()
        let target = URL(fileURLWithPath: folder.path + "/share/report")
        try ReportWriter.write([ReportFile(path: "manifest.json", bytes: Array("{}".utf8)), ReportFile(path: "a/b.csv", bytes: [0x41])], to: target)
        #expect(FileManager.default.fileExists(atPath: target.path + "/a/b.csv"))
        try ReportWriter.write([ReportFile(path: "manifest.json", bytes: Array("{\"v\":2}".utf8))], to: target)
        #expect(!FileManager.default.fileExists(atPath: target.path + "/a/b.csv"))
        #expect(try String(contentsOfFile: target.path + "/manifest.json", encoding: .utf8) == "{\"v\":2}")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/share") == ["report"])
        try folder.write("mine/keep.txt", "mine")
        #expect(throws: ReportWriteError.self) { try ReportWriter.write([], to: URL(fileURLWithPath: folder.path + "/mine")) }
        #expect(FileManager.default.fileExists(atPath: folder.path + "/mine/keep.txt"))
        try folder.write("file", "x")
        #expect(throws: ReportWriteError.self) { try ReportWriter.write([], to: URL(fileURLWithPath: folder.path + "/file")) }
    }
}
