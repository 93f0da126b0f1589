import Foundation
import Hunting
import HuntingReports
import KQL
import TestSupport

/// Attack strings placed in every position a report shows: cells, column names, titles,
/// descriptions, tags, parameter values and error messages.
enum Hostile {
    static let script = "<script>alert('cell')</script>"
    static let attribute = "\"><img src=x onerror=alert(1)>"
    static let javascriptURL = "javascript:alert(document.domain)"
    static let styleBreak = "</style><script>alert('style')</script>"
    static let markdownPipe = "a | b | c"
    static let markdownFence = "```\n# heading\n```"
    static let markdownLink = "[click](javascript:alert(1))"
    static let formula = "=cmd|' /C calc'!A0"
    static let svg = "<svg/onload=alert('svg')>"
    static let all = [script, attribute, javascriptURL, styleBreak, markdownPipe, markdownFence, markdownLink, formula, svg]
}

/// A fixed run with every shape a report must handle: findings with a histogram, more rows than
/// are shown, a truncated result, an empty one, failures, hostile text everywhere, sample data.
enum ReportFixture {
    static let started = Date(timeIntervalSince1970: 1_764_036_000)  // 2025-11-25T02:00:00Z
    static let endpoint = HuntingEndpoint(kind: .graph, url: "http://127.0.0.1:8443/v1.0/security/runHuntingQuery", tenant: "contoso.onmicrosoft.com", isSampleData: true)

    static func query(_ path: String, _ text: String) -> HuntingQuery {
        let parsed = QueryFileParser.parse(text, id: path, path: "Queries/\(path)")
        guard let query = parsed.query else { fatalError("fixture query \(path) does not parse: \(parsed.diagnostics)") }
        return query
    }

    static func outcome(_ query: HuntingQuery, _ result: Result<HuntingResult, HuntingError>, offset: Double, values: [String: String] = [:]) -> QueryOutcome {
        let bound = try! query.bind(values)
        let provenance = Provenance(
            queryId: query.id, path: query.path, contentHash: Digest.hex(Digest.sha256(Array(query.text.utf8))),
            parameters: Provenance.redactedParameters(bound), endpoint: endpoint, timespan: "P7D",
            started: started.addingTimeInterval(offset), finished: started.addingTimeInterval(offset + 1.25),
            attempts: 1, rows: try? result.get().table.rowCount, truncated: (try? result.get().truncated) ?? false,
            errorKind: { if case .failure(let e) = result { return e.kind } else { return nil } }(),
            requestIds: ["req-\(Int(offset))"], clientRequestIds: ["client-\(Int(offset))"])
        return QueryOutcome(query: bound, result: result, provenance: provenance)
    }

    static let powershell = query("execution/encoded-powershell.kql", """
        // @title: Encoded PowerShell command lines
        // @description: PowerShell started with -EncodedCommand. Review the parent process.
        // @severity: high
        // @tags: execution, powershell
        // @mitre: T1059.001, T1027
        // @owner: Detection Engineering
        // @param lookback: How far back to search.
        let lookback = 7d;
        let allowedParents = dynamic(["ccmexec.exe", "senseir.exe"]);
        DeviceProcessEvents
        | where Timestamp > ago(lookback)
        | where InitiatingProcessFileName !in~ (allowedParents)
        """)

    static let hostile = query("triage/hostile.kql", """
        // @title: \(Hostile.script) \(Hostile.attribute) | pipes | ```fence```
        // @description: \(Hostile.styleBreak) \(Hostile.javascriptURL) \(Hostile.markdownLink) \(Hostile.markdownPipe)
        // @severity: medium
        // @tags: \(Hostile.svg), \(Hostile.formula)
        let needle = "placeholder";
        DeviceEvents | where AdditionalFields has needle
        """)

    static let empty = query("persistence/registry-run-key.kql", """
        // @title: Registry run key written
        // @severity: low
        DeviceRegistryEvents | where RegistryKey has "CurrentVersion\\\\Run"
        """)

    static let cpu = query("credential-access/lsass-access.kql", """
        // @title: LSASS memory access
        // @severity: high
        DeviceEvents | where ActionType == "OpenProcessApiCall"
        """)

    static let syntax = query("defense-evasion/broken.kql", """
        // @title: A query the service rejects
        // @severity: informational
        DeviceEvents | where
        """)

    static let big = query("lateral-movement/many-logons.kql", """
        // @title: Logons from many devices
        // @severity: medium
        DeviceLogonEvents | summarize count() by AccountName
        """)

    static func powershellTable() -> KQLTable {
        var rows: [[KQLValue]] = []
        for i in 0..<40 {
            let time = KQLDateTime(unixSeconds: started.timeIntervalSince1970 - Double(i * i) * 600)
            rows.append([
                .datetime(time), .string("ws-\(i % 7).contoso.local"),
                .string(i == 3 ? String(repeating: "powershell -enc SQBFAFgA ", count: 100) : "powershell.exe -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC\(i)"),
                .long(Int64(i * 1000 - 5000)), .real(i == 5 ? -1.5 : Double(i) / 4), .dynamic(.array([.string("a\(i)"), .long(Int64(i))])),
                .timespan(KQLTimespan(ticks: Int64(i - 10) * KQLTimespan.minute)), i == 7 ? .null(.string) : .string("winword.exe"),
            ])
        }
        return KQLTable(
            schema: [("Timestamp", .datetime), ("DeviceName", .string), ("ProcessCommandLine", .string), ("Bytes", .long),
                     ("Score", .real), ("Tags", .dynamic), ("Offset", .timespan), ("InitiatingProcessFileName", .string)],
            rows: rows)
    }

    static func hostileTable() -> KQLTable {
        let names = Hostile.all.map { "col \($0)" }
        let rows: [[KQLValue]] = Hostile.all.indices.map { shift in
            Hostile.all.indices.map { column in .string(Hostile.all[(column + shift) % Hostile.all.count]) }
        }
        return KQLTable(schema: names.map { ($0, KQLScalarType.string) }, rows: rows)
    }

    static func bigTable() -> KQLTable {
        KQLTable(
            schema: [("AccountName", .string), ("Devices", .long)],
            rows: (0..<600).map { [.string("user\($0)@contoso.com"), .long(Int64(600 - $0))] })
    }

    /// The run the golden files are made from.
    static func run() -> RunResult {
        let outcomes = [
            outcome(powershell, .success(HuntingResult(table: powershellTable(), requestId: "req-0")), offset: 0, values: ["lookback": "3d"]),
            outcome(hostile, .success(HuntingResult(table: hostileTable())), offset: 2, values: ["needle": Hostile.attribute]),
            outcome(empty, .success(HuntingResult(table: KQLTable(schema: [("RegistryKey", .string)], rows: []))), offset: 4),
            outcome(cpu, .failure(HuntingError(
                .cpuQuota, "You have exceeded processing resources allocated to this tenant. You can run queries again in 00:14:10. \(Hostile.script)",
                status: 429, serviceCode: "TooManyRequests", retryAfter: 850, requestId: "9f0c-req")), offset: 6),
            outcome(syntax, .failure(HuntingError(.syntax, "Query could not be parsed at 'where'", status: 400, serviceCode: "BadRequest", position: (1, 16))), offset: 8),
            outcome(big, .success(HuntingResult(table: bigTable(), truncated: true)), offset: 10),
        ]
        return RunResult(outcomes: outcomes, endpoint: endpoint, started: started, finished: started.addingTimeInterval(83.4))
    }
}

/// A nightly report of two tenants with history: new and known rows, a resolved finding, a
/// suppressed row with its appendix, an expired suppression, a failed query with its last
/// success, notes, and hostile text in every new place (suppression reasons, resolved values,
/// notes).
enum NightlyFixture {
    static let lastNight = ReportFixture.started.addingTimeInterval(-86_400)

    static let suppression = SuppressionNote(
        query: "execution/*", tenant: "contoso", what: "DeviceName = ws-1*", reason: "Build agents \(Hostile.script)",
        owner: "owner \(Hostile.attribute)", expires: ReportFixture.started.addingTimeInterval(30 * 86_400), expiresText: "2025-12-25",
        location: "suppressions.json:4:5")
    static let expired = SuppressionNote(
        query: "lateral-movement/many-logons", tenant: nil, what: "key 00aa11bb22cc33dd", reason: "Pen test \(Hostile.markdownPipe)",
        owner: "red team", expires: ReportFixture.started.addingTimeInterval(-86_400), expiresText: "2025-11-24",
        location: "suppressions.json:11:5")

    /// Last night's state of the PowerShell query: the first five rows' findings, plus one gone since.
    static func lastNightState(_ table: KQLTable, query: String) -> QueryState {
        let columns = FindingKeyColumns(table: table, declared: [])
        var findings = (0..<5).map {
            RecordedFinding(key: columns.key(table, row: $0), firstSeen: lastNight, values: columns.values(table, row: $0))
        }
        findings.append(RecordedFinding(key: "0123456789abcdef", firstSeen: lastNight.addingTimeInterval(-86_400), values: columns.names.map { "gone \(Hostile.script) \($0)" }))
        return QueryState(tenant: "contoso", query: query, run: lastNight, status: .succeeded, keyColumns: columns.names, findings: findings)
    }

    static func model() -> ReportModel {
        let run = ReportFixture.run()
        let table = ReportFixture.powershellTable()
        let suppressor: RowSuppressor = { _, cell in cell(1).hasPrefix("ws-1") ? suppression : nil }
        let contosoReviews = run.outcomes.map { outcome -> FindingReview in
            let id = outcome.query.query.id
            let previous: QueryState? = switch id {
            case ReportFixture.powershell.id: lastNightState(table, query: id)
            case ReportFixture.cpu.id: QueryState(tenant: "contoso", query: id, run: lastNight, status: .succeeded, findings: [
                RecordedFinding(key: "aa", firstSeen: lastNight, values: ["x"])])
            default: nil
            }
            return FindingReview.review(
                outcome, tenant: "contoso", run: run.started, previous: previous,
                suppressor: id == ReportFixture.powershell.id ? suppressor : nil)
        }
        let fabrikamRun = RunResult(
            outcomes: [run.outcomes[0], run.outcomes[2]],
            endpoint: HuntingEndpoint(kind: .graph, url: "https://graph.microsoft.com/v1.0/security/runHuntingQuery", tenant: "fabrikam.onmicrosoft.com"),
            started: run.started.addingTimeInterval(1), finished: run.finished)
        let fabrikamReviews = fabrikamRun.outcomes.map {
            FindingReview.review($0, tenant: "fabrikam", run: fabrikamRun.started, previous: nil)
        }
        return ReportModel(
            tenants: [
                TenantRun(name: "contoso", result: run, reviews: contosoReviews),
                TenantRun(name: "fabrikam", result: fabrikamRun, reviews: fabrikamReviews, notes: ["Tenant note \(Hostile.svg)"]),
            ],
            options: ReportOptions(title: "Nightly hunting report", generator: "hunt (golden)"), expiredSuppressions: [expired],
            notes: ["Queries/broken.kql:3:1: error: expected an expression \(Hostile.script)"])
    }
}
