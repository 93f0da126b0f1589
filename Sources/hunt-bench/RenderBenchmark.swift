// hunt-bench render: the report renderer on a 100,000-row result. See `renderBenchmark`,
// `generateRenderTable` and Benchmarks/README.md.
import Foundation
import Hunting
import HuntingReports
import KQL
import SampleTenant

// MARK: - The input table

/// Helpers on the sample tenant's seeded generator, so `render gen` writes the same bytes on every
/// machine and every Swift version (the standard library's generators are neither seedable nor stable).
extension SplitMix64 {
    /// A number in `range` (the tiny modulo bias does not matter here).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
}

/// The rows and columns of the render benchmark's table.
enum RenderTable {
    static let rows = 100_000
    static let seed: UInt64 = 20_261_125

    /// A DeviceProcessEvents/DeviceNetworkEvents-style result as Graph types it: 20 columns.
    static let schema: [(name: String, type: KQLScalarType)] = [
        ("Timestamp", .datetime), ("DeviceId", .string), ("DeviceName", .string), ("ActionType", .string),
        ("FileName", .string), ("FolderPath", .string), ("SHA256", .string), ("ProcessId", .long),
        ("ProcessCommandLine", .string), ("InitiatingProcessFileName", .string),
        ("InitiatingProcessCommandLine", .string), ("AccountName", .string), ("AccountDomain", .string),
        ("RemoteIP", .string), ("RemotePort", .long), ("RemoteUrl", .string), ("LocalIP", .string),
        ("ReportId", .long), ("Score", .real), ("AdditionalFields", .dynamic),
    ]

    static let accounts: [(name: String, domain: String)] = [
        ("system", "NT AUTHORITY"), ("local service", "NT AUTHORITY"), ("network service", "NT AUTHORITY"),
        ("adm-jsmith", "CONTOSO"), ("j.doe", "CONTOSO"), ("josé.garcía", "CONTOSO"), ("müller", "CONTOSO-EU"),
        ("svc_backup", "CONTOSO"), ("李雷", "CONTOSO-CN"), ("o'brien", "CONTOSO"),
    ]
    static let files = [
        "cmd.exe", "powershell.exe", "svchost.exe", "rundll32.exe", "msedge.exe", "python.exe", "conhost.exe",
        "wmiprvse.exe", "reg.exe", "schtasks.exe", "certutil.exe", "bitsadmin.exe",
    ]
    static let parents = [
        "explorer.exe", "services.exe", "svchost.exe", "cmd.exe", "powershell.exe", "winword.exe", "outlook.exe",
        "ccmexec.exe", "senseir.exe", "msedge.exe",
    ]
    static let folders = [
        "C:\\Windows\\System32\\", "C:\\Windows\\SysWOW64\\", "C:\\Program Files\\Microsoft\\Edge\\Application\\",
        "C:\\Users\\{user}\\AppData\\Local\\Temp\\", "C:\\ProgramData\\Tools, Inc\\",
    ]
    static let actions = [
        "ProcessCreated", "ConnectionSuccess", "ConnectionFailed", "FileCreated", "FileModified", "LogonSuccess",
        "RegistryValueSet", "DnsQueryResponse",
    ]
    /// Arguments with spaces, quotes, commas, markup characters, backslashes and non-ASCII text.
    static let words = [
        "/c", "-NoProfile", "-ExecutionPolicy Bypass", "--type=renderer", "--lang=en-US,fr-FR", "/s /q",
        "\"C:\\Users\\Public\\run me.bat\"", "echo \"a, b, c\" > out.csv", "-k netsvcs -p",
        "\"quoted \\\"inner\\\" text\"", "--user-data-dir=\"C:\\Users\\Ünïcødé\\Profile 1\"", "日本語のファイル.txt",
        "\\\\fileserver\\share\\drop", "Get-Process | Where-Object {$_.CPU -gt 100}", "😀", "a<b>&c",
        "/create /tn \"Update, daily\" /tr", "-urlcache -split -f http://203.0.113.7/p.exe",
    ]
    static let urls = [
        "https://login.microsoftonline.com/common/oauth2/v2.0/token", "http://update.contoso.local:8080/feed?channel=stable&arch=x64",
        "https://cdn.example.org/a/b/c.js?v=1,2,3", "graph.microsoft.com", "https://пример.рф/файл",
        "http://203.0.113.7/p.exe",
    ]
    static let integrity = ["High", "Medium", "System", "Low"]

    /// The table: the same cells for the same seed, on every machine.
    static func make(rows: Int = rows, seed: UInt64 = seed) -> KQLTable {
        var rng = SplitMix64(seed: seed)
        let devices = (0..<400).map { i in
            (id: rng.hex(40), name: "\(rng.pick(["ws", "srv", "build", "lap"]))-\(String(format: "%04d", i)).contoso.local")
        }
        let hashes = (0..<3000).map { _ in rng.hex(64) }
        let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

        func commandLine(_ folder: String, _ name: String) -> String {
            // Mostly short; one in a hundred a long encoded PowerShell line, as in real process events;
            // one in five hundred starts like a spreadsheet formula.
            if rng.chance(0.01) {
                let length = rng.int(100...1500)
                return "\(name) -NoProfile -EncodedCommand " + String(decoding: (0..<length).map { _ in rng.pick(base64) }, as: UTF8.self)
            }
            if rng.chance(0.002) { return "=cmd|' /C calc'!A0 \(rng.pick(words))" }
            if rng.chance(0.5) { return name + (0..<rng.int(0...3)).map { _ in " " + rng.pick(words) }.joined() }
            return (["\"\(folder)\(name)\""] + (0..<rng.int(0...3)).map { _ in rng.pick(words) }).joined(separator: " ")
        }

        var builder = KQLTableBuilder(schema: schema)
        let start = KQLDateTime(year: 2026, month: 5, day: 1)!.ticks
        var seconds: Int64 = 0
        var reportId: Int64 = 1000
        for _ in 0..<rows {
            seconds += Int64(rng.int(0...25))
            let device = rng.pick(devices)
            let account = rng.pick(accounts)
            let name = rng.pick(files)
            let folder = rng.pick(folders).replacingOccurrences(of: "{user}", with: account.name)
            let parent = rng.pick(parents)
            // Network events carry no file hash or path; file and process events no remote endpoint.
            let network = rng.chance(0.5)
            reportId += Int64(rng.int(1...40))
            var c = 0
            func next() -> Int {
                defer { c += 1 }
                return c
            }
            builder.columns[next()].append(datetimeTicks: start + seconds * KQLDateTime.ticksPerSecond + Int64(rng.int(0...9_999_999)))
            builder.columns[next()].append(string: device.id)
            builder.columns[next()].append(string: device.name)
            builder.columns[next()].append(string: network ? rng.pick(["ConnectionSuccess", "ConnectionFailed"]) : rng.pick(actions))
            builder.columns[next()].append(string: name)
            builder.columns[next()].append(string: network ? "" : folder + name)
            builder.columns[next()].append(string: network ? "" : rng.pick(hashes))
            builder.columns[next()].append(long: Int64(rng.int(4...65535)))
            builder.columns[next()].append(string: commandLine(folder, name))
            builder.columns[next()].append(string: parent)
            builder.columns[next()].append(string: commandLine("C:\\Windows\\", parent))
            builder.columns[next()].append(string: account.name)
            builder.columns[next()].append(string: account.domain)
            if network {
                let remote = rng.chance(0.8)
                    ? "10.\(rng.int(0...255)).\(rng.int(0...255)).\(rng.int(1...254))"
                    : "fe80::\(String(rng.int(0...65535), radix: 16)):\(String(rng.int(0...65535), radix: 16))"
                builder.columns[next()].append(string: remote)
                builder.columns[next()].append(long: Int64(rng.pick([443, 80, 445, 3389, 53, 8080, rng.int(1024...65535)])))
                builder.columns[next()].append(string: rng.chance(0.6) ? rng.pick(urls) : "")
                builder.columns[next()].append(string: "10.1.\(rng.int(0...255)).\(rng.int(1...254))")
            } else {
                builder.columns[next()].append(string: "")
                builder.columns[next()].appendNull()
                builder.columns[next()].append(string: "")
                builder.columns[next()].append(string: "")
            }
            builder.columns[next()].append(long: reportId)
            if rng.chance(0.2) {
                builder.columns[next()].appendNull()
            } else {
                builder.columns[next()].append(real: Double(rng.int(0...10_000)) / 100)
            }
            if rng.chance(0.35) {
                var bag: [(key: String, value: KQLDynamic)] = [
                    ("ProcessIntegrityLevel", .string(rng.pick(integrity))),
                    ("Ports", .array((0..<rng.int(0...3)).map { _ in .long(Int64(rng.int(1...65535))) })),
                ]
                if rng.chance(0.3) { bag.append(("Note", .string("opened \"\(rng.pick(files))\", then <\(rng.pick(parents))> & more"))) }
                if rng.chance(0.5) { bag.append(("Confidence", .real(Double(rng.int(0...1000)) / 1000))) }
                builder.columns[next()].append(dynamic: .bag(bag))
            } else {
                builder.columns[next()].append(dynamic: .null)
            }
            precondition(c == schema.count)
        }
        return builder.finish()
    }
}

/// `hunt-bench render gen FILE`: writes the table as a Graph `runHuntingQuery` body (`schema` and
/// `results`, through `JSONTableWriter`), which `HuntingResponseDecoder` and Python's `json.load`
/// both read, then checks that it decodes back to the same shape.
func generateRenderTable(path: String) {
    let table = RenderTable.make()
    let bytes = JSONTableWriter().bytes(table)
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { fail("cannot write \(path)", status: 73) }
    do {
        let decoded = try HuntingResponseDecoder.decode(bytes)
        guard decoded.table.rowCount == table.rowCount, decoded.table.schema.map(\.type) == table.schema.map(\.type) else {
            fail("\(path) decodes to a different table", status: 70)
        }
    } catch {
        fail("\(path) does not decode: \(error)", status: 70)
    }
    let result: [String: Any] = ["path": path, "bytes": bytes.count, "rows": table.rowCount, "columns": table.columns.count]
    printJSON(result)
}

// MARK: - The benchmark

/// Seconds of a `Duration`.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

func printJSON(_ object: [String: Any]) {
    let json = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}

/// The one-query run the report is rendered from, as `hunt run` would hand it to the renderer.
struct RenderRun {
    static let started = Date(timeIntervalSince1970: 1_795_572_000)  // 2026-11-25T00:00:00Z
    static let endpoint = HuntingEndpoint(
        kind: .graph, url: "https://graph.microsoft.com/v1.0/security/runHuntingQuery", tenant: "contoso.onmicrosoft.com")
    static let options = ReportOptions(formats: [.html, .markdown, .csv])

    let query: BoundQuery
    let provenance: Provenance

    init() {
        let text = """
            // @title: Process and network activity on watched devices
            // @description: Every process and connection event of the last week, for triage.
            // @severity: high
            // @tags: execution, command-and-control
            // @mitre: T1059.001, T1071
            // @owner: Detection Engineering
            union DeviceProcessEvents, DeviceNetworkEvents
            | where Timestamp > ago(7d)
            | take 100000
            """
        let parsed = QueryFileParser.parse(text, id: "triage/activity.kql", path: "Queries/triage/activity.kql")
        guard let parsedQuery = parsed.query else { fail("the benchmark query does not parse: \(parsed.diagnostics)", status: 70) }
        query = parsedQuery.unbound
        provenance = Provenance(
            queryId: parsedQuery.id, path: parsedQuery.path, contentHash: Digest.hex(Digest.sha256(Array(parsedQuery.text.utf8))),
            parameters: [:], endpoint: Self.endpoint, timespan: "P7D", started: Self.started,
            finished: Self.started.addingTimeInterval(41.7), attempts: 1, rows: RenderTable.rows, truncated: true,
            requestIds: ["0b7c5e1a-render"], clientRequestIds: ["hunt-render"])
    }

    /// The run holding `table` as the query's result.
    func result(_ table: KQLTable, truncated: Bool) -> RunResult {
        let outcome = QueryOutcome(
            query: query, result: .success(HuntingResult(table: table, truncated: truncated, requestId: "0b7c5e1a-render")),
            provenance: provenance)
        return RunResult(outcomes: [outcome], endpoint: Self.endpoint, started: Self.started, finished: Self.started.addingTimeInterval(42))
    }
}

/// `hunt-bench render FILE REPEAT [DIR]`: decodes FILE once (not timed), then REPEAT times (after
/// one untimed warm-up) builds the run, renders HTML, Markdown and CSV through `ReportRenderer`
/// (which adds `manifest.json` with every file's SHA-256) and writes the report with
/// `ReportWriter.write` into a new folder under DIR; each repetition is timed with
/// `ContinuousClock` from building the run to the written folder. The folders are removed
/// afterwards, outside the timing. Then it times the parts separately (model, HTML context and
/// template, Markdown, CSV, SHA-256, writing) to show where the time goes, and prints one JSON
/// object. With `--keep`, the last report is left in DIR/report for comparison.
func renderBenchmark(path: String, repeat count: Int, directory: String?, keep: Bool) {
    guard let body = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)", status: 66) }
    let decoded: DecodedResponse
    do {
        decoded = try HuntingResponseDecoder.decode(body)
    } catch {
        fail("\(path): \(error)", status: 65)
    }
    let table = decoded.table
    let fileManager = FileManager.default
    let root = URL(fileURLWithPath: directory ?? fileManager.temporaryDirectory.appendingPathComponent("hunt-bench-render-\(ProcessInfo.processInfo.processIdentifier)").path)
    do {
        try fileManager.createDirectory(at: root, withIntermediateDirectories: true)
    } catch {
        fail("cannot create \(root.path): \(error)", status: 73)
    }
    let run = RenderRun()
    let renderer = ReportRenderer()
    let clock = ContinuousClock()

    /// One repetition: run → model → files → folder.
    func once(into folder: URL) -> [ReportFile] {
        let model = ReportModel(run: run.result(table, truncated: decoded.truncated), options: RenderRun.options)
        let files = renderer.render(model)
        do {
            try ReportWriter.write(files, to: folder)
        } catch {
            fail("\(error)", status: 73)
        }
        return files
    }

    var files = once(into: root.appendingPathComponent("warm-up"))
    try? fileManager.removeItem(at: root.appendingPathComponent("warm-up"))
    guard files.contains(where: { $0.path == "report.html" }) else {
        fail("the renderer wrote no report.html (is the built-in HTML template missing?)", status: 70)
    }
    var times: [Double] = []
    for index in 0..<count {
        let folder = root.appendingPathComponent("report-\(index)")
        var rendered: [ReportFile] = []
        times.append(seconds(clock.measure { rendered = once(into: folder) }))
        files = rendered
        try? fileManager.removeItem(at: folder)
    }
    let sections = renderSections(table: table, truncated: decoded.truncated, run: run, renderer: renderer, root: root, count: min(count, 5))
    if keep {
        let folder = root.appendingPathComponent("report")
        try? fileManager.removeItem(at: folder)
        _ = once(into: folder)
    } else if directory == nil {
        try? fileManager.removeItem(at: root)
    }
    let sizes = Dictionary(files.map { ($0.path, $0.bytes.count) }, uniquingKeysWith: { first, _ in first })
    let result: [String: Any] = [
        "rows": table.rowCount,
        "columns": table.columns.count,
        "runs": count,
        "times_s": times,
        "median_s": median(times),
        "min_s": times.min() ?? 0,
        "max_s": times.max() ?? 0,
        "files": sizes,
        "total_bytes": files.reduce(0) { $0 + $1.bytes.count },
        "sections_median_s": sections,
        "peak_rss_bytes": peakRSSBytes(),
    ]
    printJSON(result)
}

/// The parts of one repetition timed on their own (medians of `count` runs each): not a partition
/// of the total, but each is the work the renderer does for it.
func renderSections(
    table: KQLTable, truncated: Bool, run: RenderRun, renderer: ReportRenderer, root: URL, count: Int
) -> [String: Double] {
    let clock = ContinuousClock()
    var samples: [String: [Double]] = [:]
    let html = ReportTemplates.builtin[ReportTemplates.html]
    let markdown = ReportTemplates.builtin[ReportTemplates.markdown]
    for index in 0..<count {
        func time(_ name: String, _ body: () -> Void) { samples[name, default: []].append(seconds(clock.measure(body))) }
        let runResult = run.result(table, truncated: truncated)
        var model = ReportModel(run: runResult, options: RenderRun.options)
        time("model") { model = ReportModel(run: runResult, options: RenderRun.options) }
        var context = MustacheValue.null
        time("html_context") { context = model.context(for: .html) }
        time("html_template") { _ = html?.render(context, partials: ReportTemplates.builtin, escape: .html) }
        time("markdown_context") { context = model.context(for: .markdown) }
        time("markdown_template") { _ = markdown?.render(context, partials: ReportTemplates.builtin, escape: .markdown) }
        for format in [ReportFormat.html, .markdown, .csv] {
            var options = RenderRun.options
            options.formats = [format]
            let single = ReportModel(run: runResult, options: options)
            time("render_\(format.rawValue)_only") { _ = renderer.render(single) }
        }
        var csv: [UInt8] = []
        time("csv_bytes") { csv = CSVWriter().bytes(table) }
        time("sha256_csv") { _ = Digest.sha256(csv) }
        time("data_copy_csv") { _ = Data(csv) }
        let files = renderer.render(model)
        let folder = root.appendingPathComponent("sections-\(index)")
        time("write_folder") {
            do { try ReportWriter.write(files, to: folder) } catch { fail("\(error)", status: 73) }
        }
        try? FileManager.default.removeItem(at: folder)
    }
    return samples.mapValues(median)
}

let renderUsage = "usage: hunt-bench render gen FILE | hunt-bench render [--keep] FILE REPEAT [DIR]"
