public import Foundation
public import KQL

/// One query to run once: the exact text and the window.
public struct HuntingRequest: Sendable {
    /// The query's id, for logs and fixtures.
    public var queryId: String
    /// The exact text to send (parameters bound).
    public var text: String
    /// The window to send as Graph's `Timespan` (the legacy API has none).
    public var timespan: KQLTimespan?
    /// Our id for this call, sent as `client-request-id` so a support case can find it.
    public var clientRequestId: String
    /// Seconds the transport waits for an answer.
    public var timeout: TimeInterval
    /// Called right before each call leaves for the service (after the token is in hand), so a
    /// quota budget counts calls when they are sent, not when they start waiting for a token.
    /// - Throws: ``HuntingError`` when the call may not go (deadline, cancellation).
    public var admission: (@Sendable () async throws(HuntingError) -> Void)?

    /// Creates a request.
    public init(queryId: String, text: String, timespan: KQLTimespan? = nil, clientRequestId: String = UUID().uuidString.lowercased(), timeout: TimeInterval = 200) {
        self.queryId = queryId
        self.text = text
        self.timespan = timespan
        self.clientRequestId = clientRequestId
        self.timeout = timeout
    }
}

/// A table the service returned, with what identifies the call.
public struct HuntingResult: Sendable {
    /// The rows.
    public var table: KQLTable
    /// Whether the service's 100,000-row cap was reached (more rows may exist).
    public var truncated: Bool
    /// The service's `request-id`.
    public var requestId: String?
    /// Our `client-request-id`, as echoed.
    public var clientRequestId: String?
    /// The legacy API's `Stats` object, when sent.
    public var stats: KQLDynamic?

    /// Creates a result.
    public init(table: KQLTable, truncated: Bool = false, requestId: String? = nil, clientRequestId: String? = nil, stats: KQLDynamic? = nil) {
        self.table = table
        self.truncated = truncated
        self.requestId = requestId
        self.clientRequestId = clientRequestId
        self.stats = stats
    }
}

/// Where queries run: which API, at which URL, for which tenant.
public struct HuntingEndpoint: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kind of backend.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Microsoft Graph `security/runHuntingQuery`.
        case graph
        /// The legacy Defender for Endpoint `api/advancedqueries/run` (being retired).
        case defender
        /// Saved responses on disk.
        case fixtures
        /// The in-process engine over sample or user tables.
        case local
    }

    public var kind: Kind
    /// The URL queries go to (or a folder for fixtures).
    public var url: String
    /// The tenant, when known.
    public var tenant: String?
    /// Whether results are made-up data (sample tenant, emulator, fixtures): every report says so.
    public var isSampleData: Bool

    /// Creates an endpoint description.
    public init(kind: Kind, url: String, tenant: String? = nil, isSampleData: Bool = false) {
        self.kind = kind
        self.url = url
        self.tenant = tenant
        self.isSampleData = isSampleData
    }

    /// The key of the quota budget this endpoint shares: one per (tenant, endpoint).
    public var budgetKey: String { "\(tenant ?? "-")|\(url)" }

    public var description: String {
        switch kind {
        case .graph: "Microsoft Graph runHuntingQuery at \(url)"
        case .defender: "legacy Defender API at \(url) (retiring)"
        case .fixtures: "saved responses in \(url)"
        case .local: "local engine over \(url)"
        }
    }
}

/// Runs one query once and returns its table or a classified error. Retries, quotas and
/// deadlines belong to the runner, except the single token refresh after a 401.
public protocol HuntingBackend: Sendable {
    /// Where queries go.
    var endpoint: HuntingEndpoint { get }

    /// Runs one query once.
    /// - Throws: ``HuntingError``, classified.
    func run(_ request: HuntingRequest) async throws(HuntingError) -> HuntingResult
}
