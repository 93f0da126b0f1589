public import Hunting
import KQL

/// A backend that refuses, without a call, the queries that do not parse: a syntax error costs
/// no quota and fails only its query, with the place of the first error.
///
/// The queries are parsed up front (``syntaxErrors(_:)``, on the caller's thread: the parser may
/// use more stack than a task's thread has), not while the run is under way.
public struct SyntaxCheckedBackend: HuntingBackend {
    /// The backend the other queries go to.
    public let base: any HuntingBackend
    /// The queries refused, by id, with their error.
    public let rejected: [String: HuntingError]

    /// Wraps `base`, refusing the queries in `rejected`.
    public init(_ base: any HuntingBackend, rejected: [String: HuntingError]) {
        self.base = base
        self.rejected = rejected
    }

    public var endpoint: HuntingEndpoint { base.endpoint }

    public func run(_ request: HuntingRequest) async throws(HuntingError) -> HuntingResult {
        if var error = rejected[request.queryId] {
            error.clientRequestId = request.clientRequestId
            throw error
        }
        return try await base.run(request)
    }

    /// The syntax errors of the queries that have one, as `syntax` errors that say no call was made.
    public static func syntaxErrors(_ queries: [BoundQuery]) -> [String: HuntingError] {
        var errors: [String: HuntingError] = [:]
        for query in queries {
            let parsed = KQLParser.parse(query.text, path: query.query.path)
            guard let first = parsed.errors.first else { continue }
            let more = parsed.errors.count > 1 ? " (and \(parsed.errors.count - 1) more; run hunt check on the file)" : ""
            errors[query.query.id] = HuntingError(
                .syntax, "not sent: the query does not parse: \(first.message)\(more)",
                position: first.location.map { ($0.line, $0.column) })
        }
        return errors
    }
}
