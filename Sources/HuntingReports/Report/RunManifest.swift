import Foundation
import Hunting
import KQL

/// `manifest.json`: what ran, where, when and how each query ended — the runner's provenance for
/// every query — plus the size and SHA-256 of every other file in the report.
struct RunManifest: Encodable {
    struct Counts: Encodable {
        var queries, withFindings, empty, failed, rows: Int
    }

    struct QueryError: Encodable {
        var kind: String
        var message: String
        var status: Int?
        var serviceCode: String?
        var requestId: String?
    }

    struct Query: Encodable {
        var id: String
        var title: String
        var severity: String
        var status: String
        var rows: Int?
        var truncated: Bool
        var error: QueryError?
        var csv: String?
        var json: String?
        var provenance: Provenance
    }

    struct File: Encodable {
        var path: String
        var bytes: Int
        var sha256: String
    }

    var formatVersion = 1
    var generator: String
    var title: String
    var sampleData: Bool
    var notice: String?
    var endpoint: HuntingEndpoint
    var started: Date
    var finished: Date
    var counts: Counts
    var queries: [Query]
    var files: [File]

    init(model: ReportModel, files rendered: [ReportFile]) {
        let paths = Set(rendered.map(\.path))
        generator = model.options.generator
        title = model.options.title
        sampleData = model.run.endpoint.isSampleData
        notice = model.sampleDataNotice
        endpoint = model.run.endpoint
        started = model.run.started
        finished = model.run.finished
        queries = model.entries.map { entry in
            let outcome = entry.outcome
            let csv = ReportModel.csvPath(entry)
            let json = ReportModel.jsonPath(entry)
            return Query(
                id: outcome.query.query.id, title: outcome.query.query.metadata.title,
                severity: outcome.query.query.metadata.severity.rawValue, status: entry.status.rawValue,
                rows: outcome.table?.rowCount, truncated: (try? outcome.result.get())?.truncated ?? false,
                error: outcome.error.map {
                    QueryError(kind: $0.kind.rawValue, message: $0.message, status: $0.status, serviceCode: $0.serviceCode, requestId: $0.requestId)
                },
                csv: paths.contains(csv) ? csv : nil, json: paths.contains(json) ? json : nil, provenance: outcome.provenance)
        }
        counts = Counts(
            queries: queries.count, withFindings: model.entries.filter { $0.status == .findings }.count,
            empty: model.entries.filter { $0.status == .empty }.count, failed: model.entries.filter { $0.status == .failed }.count,
            rows: queries.reduce(0) { $0 + ($1.rows ?? 0) })
        files = rendered.map { File(path: $0.path, bytes: $0.bytes.count, sha256: Digest.hex(Digest.sha256($0.bytes))) }
    }

    /// Pretty-printed with sorted keys and dates in ISO 8601 with seven fractional digits: deterministic.
    func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(KQLDateTime(unixSeconds: date.timeIntervalSince1970).iso8601)
        }
        // Every member is a plain value; encoding cannot fail.
        return Array((try? encoder.encode(self)) ?? Data("{}".utf8)) + [0x0A]
    }
}
