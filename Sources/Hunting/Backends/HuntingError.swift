public import Foundation
import KQL

/// Why a query did not return a table, classified so the runner knows whether to retry and the
/// report can say what to do.
public struct HuntingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// No valid token (401), or no token could be had.
        case authentication
        /// The token lacks the permission or role (403).
        case permission
        /// The query does not parse (400).
        case syntax
        /// The query parses but refers to something wrong (400: unknown column, function, type).
        case semantic
        /// The table does not exist or is not licensed in the tenant (400 "Failed to resolve table").
        case missingTable
        /// Another request problem (400) the service named.
        case badRequest
        /// Too many calls (429 with a call-rate message, Retry-After).
        case callQuota
        /// The tenant's CPU allocation is used up (429 "You can run queries again in …").
        case cpuQuota
        /// The result is over the service's size limit (400).
        case resultTooLarge
        /// No answer in time: 504 from the service, or our own deadline.
        case timeout
        /// A passing failure: 5xx, connection reset, DNS.
        case transient
        /// The answer could not be read (not JSON, cut short, wrong shape).
        case malformedResponse
        /// The run was stopped before this query finished (Ctrl-C, run deadline).
        case cancelled
        /// The backend cannot run this query at all (an unsupported feature, a retired endpoint).
        case unsupported
    }

    /// The class.
    public var kind: Kind
    /// What happened and, where it helps, what to do.
    public var message: String
    /// The HTTP status, when there was one.
    public var status: Int?
    /// The service's error code (`BadRequest`, `TooManyRequests`).
    public var serviceCode: String?
    /// How long the service asked us to wait (Retry-After, or the CPU-quota hint).
    public var retryAfter: TimeInterval?
    /// Where in the query the service located the problem (line, column), when it said.
    public var position: (line: Int, column: Int)?
    /// The service's `request-id`, for support cases.
    public var requestId: String?
    /// Our `client-request-id`.
    public var clientRequestId: String?

    /// Creates an error.
    public init(
        _ kind: Kind, _ message: String, status: Int? = nil, serviceCode: String? = nil, retryAfter: TimeInterval? = nil,
        position: (line: Int, column: Int)? = nil, requestId: String? = nil, clientRequestId: String? = nil
    ) {
        self.kind = kind
        self.message = SecretScrubber.scrub(message)
        self.status = status
        self.serviceCode = serviceCode
        self.retryAfter = retryAfter
        self.position = position
        self.requestId = requestId
        self.clientRequestId = clientRequestId
    }

    /// Whether trying again can help. Syntax, permission and similar errors are never retried.
    public var isRetryable: Bool {
        switch kind {
        case .callQuota, .cpuQuota, .timeout, .transient, .malformedResponse: true
        default: false
        }
    }

    public var description: String {
        var text = "\(kind.rawValue): \(message)"
        if let position { text += " (query line \(position.line), column \(position.column))" }
        if let requestId { text += " [request-id \(requestId)]" }
        return text
    }

    public static func == (lhs: HuntingError, rhs: HuntingError) -> Bool {
        lhs.kind == rhs.kind && lhs.message == rhs.message && lhs.status == rhs.status
            && lhs.serviceCode == rhs.serviceCode && lhs.retryAfter == rhs.retryAfter
            && lhs.position?.line == rhs.position?.line && lhs.position?.column == rhs.position?.column
            && lhs.requestId == rhs.requestId && lhs.clientRequestId == rhs.clientRequestId
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(message)
        hasher.combine(status)
    }
}

/// Turns HTTP answers from the hunting APIs into ``HuntingError``s.
public enum HuntingErrorClassifier {
    /// Classifies a non-200 answer.
    /// - Parameters:
    ///   - permission: the permission to name for a 403 (`ThreatHunting.Read.All`).
    public static func classify(_ response: HTTPResponseData, permission: String, clientRequestId: String?) -> HuntingError {
        let envelope = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        let error = envelope?["error"] as? [String: Any] ?? envelope?["Error"] as? [String: Any]
        let code = error?["code"] as? String ?? error?["Code"] as? String
        let serviceMessage = (error?["message"] as? String ?? error?["Message"] as? String ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let inner = error?["innerError"] as? [String: Any] ?? error?["innererror"] as? [String: Any]
        let requestId = response.header("request-id") ?? inner?["request-id"] as? String ?? error?["target"] as? String
        let shown = serviceMessage.isEmpty ? "" : ": " + Self.shorten(serviceMessage)
        func make(_ kind: HuntingError.Kind, _ message: String, retryAfter: TimeInterval? = nil,
                  position: (Int, Int)? = nil) -> HuntingError {
            HuntingError(
                kind, message, status: response.status, serviceCode: code, retryAfter: retryAfter,
                position: position.map { (line: $0.0, column: $0.1) }, requestId: requestId,
                clientRequestId: response.header("client-request-id") ?? clientRequestId)
        }
        let lower = serviceMessage.lowercased()
        switch response.status {
        case 401:
            return make(.authentication, "the API refused the token (401\(code.map { " \($0)" } ?? ""))\(shown)")
        case 403:
            return make(.permission, "the app or user lacks permission (403)\(shown). Grant \(permission) with admin consent; a user also needs a Defender role that allows advanced hunting.")
        case 429:
            let hint = cpuQuotaWait(in: serviceMessage)
            if hint != nil || lower.contains("processing resources") || lower.contains("cpu") {
                return make(.cpuQuota, "the tenant's CPU quota for hunting is used up\(shown)", retryAfter: hint ?? retryAfter(response))
            }
            return make(.callQuota, "too many calls to the hunting API (429)\(shown)", retryAfter: retryAfter(response))
        case 400, 413:
            if lower.contains("result size") || lower.contains("exceeded the allowed") || response.status == 413 {
                return make(.resultTooLarge, "the result is larger than the service allows\(shown). Narrow the query: project fewer columns, filter more, or summarize.")
            }
            if lower.contains("failed to resolve table") || lower.contains("could not find table") {
                return make(.missingTable, "a table in the query does not exist in this tenant\(shown). The product that fills it may not be licensed, or the name is misspelled.", position: position(in: serviceMessage))
            }
            if lower.contains("syntax error") || lower.contains("could not be parsed") || lower.contains("recognition error") || lower.contains("syn0002") {
                return make(.syntax, "the query does not parse\(shown)", position: position(in: serviceMessage))
            }
            if lower.contains("semantic error") || lower.contains("failed to resolve") || lower.contains("sem0") {
                return make(.semantic, "the query refers to something the service does not know\(shown)", position: position(in: serviceMessage))
            }
            if lower.contains("not supported offline") {
                return make(.unsupported, "the local engine cannot run this query\(shown)", position: position(in: serviceMessage))
            }
            return make(.badRequest, "the service refused the request (\(response.status))\(shown)")
        case 504, 408:
            return make(.timeout, "the service gave up on the query (\(response.status)); it may be too expensive: narrow its time range or filter earlier\(shown)")
        case 500...599:
            return make(.transient, "the service failed (\(response.status)\(code.map { " \($0)" } ?? ""))\(shown)", retryAfter: retryAfter(response))
        case 404, 410:
            return make(.unsupported, "the endpoint answered \(response.status)\(shown); check the API URL (the legacy Defender API is being retired)")
        default:
            return make(.transient, "unexpected HTTP \(response.status)\(shown)")
        }
    }

    /// `Retry-After` as seconds (integer or fractional) or an HTTP date.
    public static func retryAfter(_ response: HTTPResponseData) -> TimeInterval? {
        guard let value = response.header("retry-after")?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds.isFinite, seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let date = formatter.date(from: value) { return max(0, date.timeIntervalSinceNow) }
        return nil
    }

    /// The wait in "You can run queries again in 00:12:30", "… in 5 minutes", "… in 30 seconds".
    public static func cpuQuotaWait(in message: String) -> TimeInterval? {
        guard let range = message.range(of: "again in ", options: .caseInsensitive) else { return nil }
        let words = message[range.upperBound...].split(separator: " ", maxSplits: 2)
        guard let first = words.first?.trimmingCharacters(in: CharacterSet(charactersIn: ".,;")) else { return nil }
        if let span = LiteralSyntax.parseTimespan(first), span.ticks > 0 { return span.seconds }
        guard words.count >= 2, let amount = Double(first) else { return nil }
        let unit = words[1].lowercased()
        if unit.hasPrefix("sec") { return amount }
        if unit.hasPrefix("min") { return amount * 60 }
        if unit.hasPrefix("hour") { return amount * 3600 }
        return nil
    }

    /// `line [2,15]`, `line 2, column 15` or `(2,15)` positions in Kusto messages.
    static func position(in message: String) -> (Int, Int)? {
        for pattern in [#"line \[(\d+),\s*(\d+)\]"#, #"line (\d+),? (?:column|col|position|pos) (\d+)"#, #"\((\d+),\s*(\d+)\)"#, #"\((\d+):(\d+)\)"#] {
            guard let regex = try? NSRegularExpression(pattern: pattern, options: .caseInsensitive),
                let match = regex.firstMatch(in: message, range: NSRange(message.startIndex..., in: message)),
                let l = Range(match.range(at: 1), in: message), let c = Range(match.range(at: 2), in: message),
                let line = Int(message[l]), let column = Int(message[c])
            else { continue }
            return (line, column)
        }
        return nil
    }

    /// Long service messages are cut to keep reports and logs readable.
    static func shorten(_ text: String) -> String {
        let oneLine = text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
        return oneLine.count > 600 ? String(oneLine.prefix(597)) + "..." : oneLine
    }
}
