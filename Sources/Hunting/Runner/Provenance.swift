public import Foundation
public import KQL

/// Where a query's result came from, recorded for every query of a run (the run manifest).
public struct Provenance: Sendable, Hashable, Codable {
    /// The query's id.
    public var queryId: String
    /// The query file's path.
    public var path: String
    /// SHA-256 of the query file's text (hex), so a report says exactly which version ran.
    public var contentHash: String
    /// Parameter values as KQL literals; values of secret-looking parameters are `<redacted>`.
    public var parameters: [String: String]
    /// The endpoint queried.
    public var endpoint: HuntingEndpoint
    /// The `Timespan` sent (ISO 8601), when one was.
    public var timespan: String?
    /// When the first attempt started.
    public var started: Date
    /// When the last attempt ended.
    public var finished: Date
    /// How many calls were made (1 without retries).
    public var attempts: Int
    /// Rows returned, on success.
    public var rows: Int?
    /// Whether the 100,000-row cap was hit.
    public var truncated: Bool
    /// The error class, on failure.
    public var errorKind: HuntingError.Kind?
    /// The service's `request-id` of each answered attempt.
    public var requestIds: [String]
    /// Our `client-request-id` of each attempt.
    public var clientRequestIds: [String]

    /// Creates a record.
    public init(
        queryId: String, path: String, contentHash: String, parameters: [String: String], endpoint: HuntingEndpoint,
        timespan: String? = nil, started: Date, finished: Date, attempts: Int = 1, rows: Int? = nil, truncated: Bool = false,
        errorKind: HuntingError.Kind? = nil, requestIds: [String] = [], clientRequestIds: [String] = []
    ) {
        self.queryId = queryId
        self.path = path
        self.contentHash = contentHash
        self.parameters = parameters
        self.endpoint = endpoint
        self.timespan = timespan
        self.started = started
        self.finished = finished
        self.attempts = attempts
        self.rows = rows
        self.truncated = truncated
        self.errorKind = errorKind
        self.requestIds = requestIds
        self.clientRequestIds = clientRequestIds
    }

    /// Seconds from start to finish.
    public var duration: TimeInterval { finished.timeIntervalSince(started) }

    /// Parameter names whose values never appear in provenance.
    static let secretNamePattern = try! NSRegularExpression(pattern: "(?i)(secret|password|passwd|token|apikey|api_key|credential|private)")

    /// The parameters of a bound query as they may be recorded: secret-looking names get `<redacted>`.
    public static func redactedParameters(_ bound: BoundQuery) -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in bound.values {
            let isSecret = secretNamePattern.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
            out[name] = isSecret ? "<redacted>" : value.kqlLiteral
        }
        return out
    }
}

/// What happened to one query in a run: a table or a classified error, and where it came from.
public struct QueryOutcome: Sendable {
    /// The query as bound.
    public var query: BoundQuery
    /// The table, or why there is none.
    public var result: Result<HuntingResult, HuntingError>
    /// The provenance record.
    public var provenance: Provenance

    /// Creates an outcome.
    public init(query: BoundQuery, result: Result<HuntingResult, HuntingError>, provenance: Provenance) {
        self.query = query
        self.result = result
        self.provenance = provenance
    }

    /// The table, on success.
    public var table: KQLTable? { try? result.get().table }
    /// The error, on failure.
    public var error: HuntingError? {
        if case .failure(let error) = result { return error }
        return nil
    }
}

/// Every query's outcome, in the order the queries were given.
public struct RunResult: Sendable {
    /// One outcome per query, in input order.
    public var outcomes: [QueryOutcome]
    /// Where the queries ran.
    public var endpoint: HuntingEndpoint
    /// When the run started.
    public var started: Date
    /// When the last query ended.
    public var finished: Date

    /// Creates a run result.
    public init(outcomes: [QueryOutcome], endpoint: HuntingEndpoint, started: Date, finished: Date) {
        self.outcomes = outcomes
        self.endpoint = endpoint
        self.started = started
        self.finished = finished
    }

    /// The outcomes that failed.
    public var failures: [QueryOutcome] { outcomes.filter { $0.error != nil } }
}
