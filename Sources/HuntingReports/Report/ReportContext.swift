import Foundation
public import Hunting
import KQL

/// What a report is made from: a run's outcomes plus the names of the files beside the report.
///
/// ``context(for:)`` turns it into the data templates render; README "Template context" lists
/// every name in it.
public struct ReportModel: Sendable {
    /// One query's place in the report.
    public struct Entry: Sendable {
        /// The outcome.
        public var outcome: QueryOutcome
        /// The file and anchor name (`execution.encoded-powershell`).
        public var slug: String
        /// Where the outcome falls: findings first, then failures, then empty results.
        public var status: Status
    }

    /// How a query ended, as the report groups it.
    public enum Status: String, Sendable, Comparable {
        case findings, failed, empty

        private var rank: Int { self == .findings ? 0 : self == .failed ? 1 : 2 }
        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
    }

    /// The run.
    public var run: RunResult
    /// The options.
    public var options: ReportOptions
    /// The queries in report order: findings by severity (highest first), then failures, then empty
    /// results; the run's order breaks ties.
    public var entries: [Entry]

    /// Creates the model of `run`.
    public init(run: RunResult, options: ReportOptions = ReportOptions()) {
        self.run = run
        self.options = options
        let slugs = ReportText.uniqueSlugs(run.outcomes.map(\.query.query.id))
        let unsorted = zip(run.outcomes, slugs).map { outcome, slug in
            let status: Status
            switch outcome.result {
            case .success(let value): status = value.table.rowCount > 0 ? .findings : .empty
            case .failure: status = .failed
            }
            return Entry(outcome: outcome, slug: slug, status: status)
        }
        entries = unsorted.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.status != y.status { return x.status < y.status }
            let (sx, sy) = (x.outcome.query.query.metadata.severity, y.outcome.query.query.metadata.severity)
            if sx != sy { return sx > sy }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The CSV file of an entry, relative to the report.
    public static func csvPath(_ entry: Entry) -> String { "queries/\(entry.slug).csv" }
    /// The JSON file of an entry, relative to the report.
    public static func jsonPath(_ entry: Entry) -> String { "queries/\(entry.slug).json" }

    /// The text every output carries when the data is not from a real tenant.
    public var sampleDataNotice: String? {
        run.endpoint.isSampleData
            ? "Sample data: these results come from \(run.endpoint), not from a real Defender tenant." : nil
    }

    /// The template context for one output format.
    public func context(for format: ReportFormat) -> MustacheValue {
        let cellLimit = format == .markdown ? options.markdownCellLimit : options.htmlCellLimit
        let queries = entries.enumerated().map { index, entry in query(entry, number: index + 1, cellLimit: cellLimit) }
        let rows = entries.reduce(0) { $0 + ($1.outcome.table?.rowCount ?? 0) }
        let count = { (status: Status) in entries.filter { $0.status == status }.count }
        let severities: [MustacheValue] = QuerySeverity.allCases.reversed().map { severity in
            let matching = entries.filter { $0.outcome.query.query.metadata.severity == severity }
            let found = matching.filter { $0.status == .findings }
            return [
                "name": .string(severity.rawValue),
                "label": .string(Self.label(severity)),
                "queries": .int(matching.count),
                "withFindings": .int(found.count),
                "rows": .int(found.reduce(0) { $0 + ($1.outcome.table?.rowCount ?? 0) }),
                "rowsText": .string(ReportText.grouped(found.reduce(0) { $0 + ($1.outcome.table?.rowCount ?? 0) })),
            ]
        }
        let chart = Charts.findings(entries.filter { $0.status == .findings }.map {
            Charts.FindingBar(
                label: $0.outcome.query.query.metadata.title, anchor: "q-\($0.slug)", rows: $0.outcome.table?.rowCount ?? 0,
                severity: $0.outcome.query.query.metadata.severity.rawValue)
        })
        let endpoint = run.endpoint
        return [
            "title": .string(options.title),
            "generator": .string(options.generator),
            "sampleData": .bool(endpoint.isSampleData),
            "sampleDataNotice": sampleDataNotice.map(MustacheValue.string) ?? .null,
            "run": [
                "started": .string(ReportText.iso(run.started)),
                "finished": .string(ReportText.iso(run.finished)),
                "startedText": .string(ReportText.display(run.started)),
                "date": .string(ReportText.day(run.started)),
                "duration": .string(ReportText.duration(run.finished.timeIntervalSince(run.started))),
                "durationSeconds": Charts.number(run.finished.timeIntervalSince(run.started)),
                "endpoint": .string(endpoint.description),
                "endpointKind": .string(endpoint.kind.rawValue),
                "endpointURL": .string(endpoint.url),
                "tenant": endpoint.tenant.map(MustacheValue.string) ?? .null,
            ],
            "counts": [
                "queries": .int(entries.count),
                "succeeded": .int(entries.count - count(.failed)),
                "withFindings": .int(count(.findings)),
                "empty": .int(count(.empty)),
                "failed": .int(count(.failed)),
                "rows": .int(rows),
                "rowsText": .string(ReportText.grouped(rows)),
            ],
            "severities": .array(severities),
            "chart": chart,
            "hasFindings": .bool(count(.findings) > 0),
            "hasFailures": .bool(count(.failed) > 0),
            "queries": .array(queries),
            "formats": [
                "csv": .bool(options.formats.contains(.csv)),
                "json": .bool(options.formats.contains(.json)),
                "html": .bool(options.formats.contains(.html)),
                "markdown": .bool(options.formats.contains(.markdown)),
            ],
        ]
    }

    static func label(_ severity: QuerySeverity) -> String {
        switch severity {
        case .informational: "Informational"
        case .low: "Low"
        case .medium: "Medium"
        case .high: "High"
        }
    }

    private func query(_ entry: Entry, number: Int, cellLimit: Int) -> MustacheValue {
        let outcome = entry.outcome
        let query = outcome.query.query
        let metadata = query.metadata
        let provenance = outcome.provenance
        var value: [String: MustacheValue] = [
            "number": .int(number),
            "id": .string(query.id),
            "anchor": .string("q-\(entry.slug)"),
            "slug": .string(entry.slug),
            "path": .string(query.path),
            "title": .string(metadata.title),
            "description": metadata.description.isEmpty ? .null : .string(metadata.description),
            "severity": .string(metadata.severity.rawValue),
            "severityLabel": .string(Self.label(metadata.severity)),
            "mitre": .array(metadata.mitre.map { id in
                ["id": .string(id), "url": .string("https://attack.mitre.org/techniques/\(id.replacingOccurrences(of: ".", with: "/"))/")]
            }),
            "tags": .array(metadata.tags.map(MustacheValue.string)),
            "tagsText": metadata.tags.isEmpty ? .null : .string(metadata.tags.joined(separator: ", ")),
            "owner": metadata.owner.map(MustacheValue.string) ?? .null,
            "status": .string(entry.status.rawValue),
            "hasFindings": .bool(entry.status == .findings),
            "failed": .bool(entry.status == .failed),
            "empty": .bool(entry.status == .empty),
            "parameters": .array(outcome.query.values.map { name, _ in
                [
                    "name": .string(name),
                    "value": .string(provenance.parameters[name] ?? ""),
                    "overridden": .bool(outcome.query.overridden.contains(name)),
                ]
            }),
            "hasParameters": .bool(!outcome.query.values.isEmpty),
            "queryText": .string(outcome.query.text),
            "fence": .string(Self.fence(for: outcome.query.text)),
            "contentHash": .string(provenance.contentHash),
            "attempts": .int(provenance.attempts),
            "attemptsText": .string(ReportText.count(provenance.attempts, "attempt")),
            "duration": .string(ReportText.duration(provenance.duration)),
            "requestIds": .array(provenance.requestIds.map(MustacheValue.string)),
            "defenderLink": .string(DefenderPortalLink.url(
                query: outcome.query.text, portalHost: DefenderPortalLink.portalHost(forEndpointURL: run.endpoint.url),
                timeRange: options.portalTimeRange)),
        ]
        switch outcome.result {
        case .success(let result):
            let table = result.table
            let shown = min(options.rowLimit, table.rowCount)
            value["rowCount"] = .int(table.rowCount)
            value["rowCountText"] = .string(ReportText.count(table.rowCount, "row"))
            value["truncated"] = .bool(result.truncated)
            value["shownRows"] = .int(shown)
            value["hiddenRows"] = .int(table.rowCount - shown)
            value["hiddenRowsText"] = .string(ReportText.count(table.rowCount - shown, "more row"))
            value["allRowsShown"] = .bool(shown == table.rowCount)
            value["columns"] = .array(table.columns.enumerated().map { index, column in
                ["name": .string(column.name), "type": .string(column.type.rawValue), "index": .int(index),
                 "numeric": .bool(Self.isNumeric(column.type))]
            })
            value["rows"] = .array(Self.rows(table, count: shown, cellLimit: cellLimit))
            value["hasHiddenRows"] = .bool(shown < table.rowCount)
            value["histogram"] = Charts.histogram(table) ?? .null
            if options.formats.contains(.csv) { value["csvFile"] = .string(Self.csvPath(entry)) }
            if options.formats.contains(.json) { value["jsonFile"] = .string(Self.jsonPath(entry)) }
        case .failure(let error):
            var details: [String: MustacheValue] = [
                "kind": .string(error.kind.rawValue),
                "label": .string(ErrorText.label(error.kind)),
                "message": .string(error.message),
                "hint": .string(ErrorText.hint(error.kind)),
                "retryable": .bool(error.isRetryable),
            ]
            if let status = error.status { details["status"] = .int(status) }
            if let code = error.serviceCode { details["serviceCode"] = .string(code) }
            if let requestId = error.requestId { details["requestId"] = .string(requestId) }
            if let position = error.position {
                details["position"] = .string("line \(position.line), column \(position.column)")
            }
            value["error"] = .dictionary(details)
        }
        return .dictionary(value)
    }

    /// A Markdown code fence longer than any run of backticks in `text`, so the text cannot close it.
    static func fence(for text: String) -> String {
        var longest = 0
        var run = 0
        for byte in text.utf8 {
            run = byte == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    static func isNumeric(_ type: KQLScalarType) -> Bool {
        switch type {
        case .int, .long, .real, .decimal, .timespan: true
        default: false
        }
    }

    /// The first `count` rows as cells of display text, each cut to `cellLimit` characters.
    static func rows(_ table: KQLTable, count: Int, cellLimit: Int) -> [MustacheValue] {
        let numeric = table.columns.map { isNumeric($0.type) }
        return (0..<count).map { row in
            let cells: [MustacheValue] = table.columns.enumerated().map { index, column in
                let value = column[row]
                let (text, cut) = ReportText.shortened(CellText.plain(value), to: cellLimit)
                var cell: [String: MustacheValue] = ["text": .string(text)]
                var classes: [String] = []
                if numeric[index] { cell["numeric"] = true; classes.append("num") }
                if value.isNull { cell["null"] = true; classes.append("null") }
                if cut { cell["shortened"] = true; classes.append("cut") }
                if !classes.isEmpty { cell["classes"] = .string(classes.joined(separator: " ")) }
                if case .timespan(let span) = value { cell["sortValue"] = .string(String(span.ticks)) }
                return .dictionary(cell)
            }
            return ["cells": .array(cells)]
        }
    }
}

/// How the report names each class of failure and what it tells the reader to do.
enum ErrorText {
    static func label(_ kind: HuntingError.Kind) -> String {
        switch kind {
        case .authentication: "Sign-in failed"
        case .permission: "Permission denied"
        case .syntax: "Syntax error"
        case .semantic: "Query error"
        case .missingTable: "Table not available"
        case .badRequest: "Request rejected"
        case .callQuota: "Call quota exhausted"
        case .cpuQuota: "CPU quota exhausted"
        case .resultTooLarge: "Result too large"
        case .timeout: "Timed out"
        case .transient: "Service unavailable"
        case .malformedResponse: "Unreadable response"
        case .cancelled: "Cancelled"
        case .unsupported: "Not supported"
        }
    }

    static func hint(_ kind: HuntingError.Kind) -> String {
        switch kind {
        case .authentication: "Check the credential settings; the run could not get a valid token."
        case .permission: "Grant the application ThreatHunting.Read.All (Graph) or AdvancedQuery.Read.All (legacy) and admin consent."
        case .syntax: "Fix the query text; run hunt check on the file to locate the problem."
        case .semantic: "A table, column or function the query names is wrong; run hunt check on the file."
        case .missingTable: "The tenant does not have this table (licence or workload); disable the query for this tenant."
        case .badRequest: "The service rejected the request; see the message."
        case .callQuota: "The tenant's call quota ran out; lower --width or --calls-per-minute, or spread the queries."
        case .cpuQuota: "The tenant's CPU allocation ran out; make the query cheaper (shorter lookback, earlier filters) or run it later."
        case .resultTooLarge: "Return fewer rows or columns (project, summarize, take)."
        case .timeout: "Make the query cheaper (shorter lookback, earlier filters) or raise --timeout."
        case .transient: "A passing service failure; it should succeed on the next run."
        case .malformedResponse: "The answer could not be read; if it repeats, report it with the request id."
        case .cancelled: "The run was stopped before this query finished."
        case .unsupported: "This backend cannot run the query; see the message."
        }
    }
}
