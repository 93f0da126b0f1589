import Foundation
import Hunting
import KQL

/// `manifest.json`: what ran, where, when and how each query ended — the runner's provenance for
/// every query — plus the size and SHA-256 of every other file in the report.
struct RunManifest: Encodable {
    struct Counts: Encodable {
        var queries, withFindings, empty, failed, rows: Int
        /// With history only.
        var newFindings, resolved, suppressed: Int?
    }

    struct Tenant: Encodable {
        var name: String?
        var endpoint: HuntingEndpoint
        var started: Date
        var finished: Date
        var notes: [String]
    }

    struct History: Encodable {
        var keyColumns: [String]
        var comparedWith: Date?
        var newFindings: Int
        var resolved: Int
        var suppressed: Int
        var resolvedUnknown: Bool
        var lastSuccess: Date?
    }

    struct ExpiredSuppression: Encodable {
        var query: String
        var tenant: String?
        var what: String
        var owner: String
        var expires: String
        var location: String
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
        var tenant: String?
        var title: String
        var severity: String
        var status: String
        var rows: Int?
        var truncated: Bool
        var error: QueryError?
        var csv: String?
        var json: String?
        var history: History?
        var provenance: Provenance
    }

    struct File: Encodable {
        var path: String
        var bytes: Int
        var sha256: String
    }

    var formatVersion = 2
    var generator: String
    var title: String
    var sampleData: Bool
    var notice: String?
    var endpoint: HuntingEndpoint
    var tenants: [Tenant]
    var expiredSuppressions: [ExpiredSuppression]?
    var notes: [String]
    var started: Date
    var finished: Date
    var counts: Counts
    var queries: [Query]
    var files: [File]

    init(model: ReportModel, files rendered: [ReportFile]) {
        let paths = Set(rendered.map(\.path))
        generator = model.options.generator
        title = model.options.title
        sampleData = model.isSampleData
        notice = model.sampleDataNotice
        endpoint = model.tenants.first?.result.endpoint ?? HuntingEndpoint(kind: .local, url: "")
        tenants = model.tenants.map {
            Tenant(name: $0.name, endpoint: $0.result.endpoint, started: $0.result.started, finished: $0.result.finished, notes: $0.notes)
        }
        let history = model.hasHistory
        expiredSuppressions = history
            ? model.expiredSuppressions.map {
                ExpiredSuppression(query: $0.query, tenant: $0.tenant, what: $0.what, owner: $0.owner, expires: $0.expiresText, location: $0.location)
            } : nil
        notes = model.notes
        started = model.started
        finished = model.finished
        queries = model.entries.map { entry in
            let outcome = entry.outcome
            let csv = ReportModel.csvPath(entry)
            let json = ReportModel.jsonPath(entry)
            return Query(
                id: outcome.query.query.id, tenant: entry.tenant, title: outcome.query.query.metadata.title,
                severity: outcome.query.query.metadata.severity.rawValue, status: entry.status.rawValue,
                rows: entry.table?.rowCount, truncated: (try? outcome.result.get())?.truncated ?? false,
                error: outcome.error.map {
                    QueryError(kind: $0.kind.rawValue, message: $0.message, status: $0.status, serviceCode: $0.serviceCode, requestId: $0.requestId)
                },
                csv: paths.contains(csv) ? csv : nil, json: paths.contains(json) ? json : nil,
                history: entry.review.map {
                    History(
                        keyColumns: $0.keyColumns?.names ?? [], comparedWith: $0.comparedWith, newFindings: $0.newFindings,
                        resolved: $0.resolved.count, suppressed: $0.suppressed.count, resolvedUnknown: $0.resolvedUnknown,
                        lastSuccess: $0.lastSuccess?.run)
                },
                provenance: outcome.provenance)
        }
        let reviews = model.entries.compactMap(\.review)
        counts = Counts(
            queries: queries.count, withFindings: model.entries.filter { $0.status == .findings }.count,
            empty: model.entries.filter { $0.status == .empty }.count, failed: model.entries.filter { $0.status == .failed }.count,
            rows: queries.reduce(0) { $0 + ($1.rows ?? 0) },
            newFindings: history ? reviews.reduce(0) { $0 + $1.newFindings } : nil,
            resolved: history ? reviews.reduce(0) { $0 + $1.resolved.count } : nil,
            suppressed: history ? reviews.reduce(0) { $0 + $1.suppressed.count } : nil)
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
