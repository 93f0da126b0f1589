import Foundation

/// A failure the emulator can inject into a hunting call.
public enum Fault: Sendable, Hashable, CustomStringConvertible {
    /// 429 call-quota answer; Retry-After as an integer, a fraction, or absent.
    case throttle(retryAfter: RetryAfterStyle)
    /// 429 CPU-quota answer with "You can run queries again in <seconds>".
    case cpuQuota(seconds: Int)
    /// An error status (500, 502, 503, 504) with the service's body.
    case status(Int)
    /// The connection drops halfway through the body.
    case resetMidBody
    /// The answer comes after this many seconds (beyond the client's deadline).
    case slow(seconds: Double)
    /// A 200 whose body is not JSON.
    case malformedJSON
    /// A 200 whose body is cut short (with a Content-Length that says otherwise).
    case truncatedBody
    /// A 401 as for an expired token.
    case expiredToken

    /// How Retry-After is sent.
    public enum RetryAfterStyle: Sendable, Hashable {
        case seconds(Int)
        case fractional(Double)
        case absent
    }

    /// Parses the `X-Emulator-Fault` header and `--fault` flag form: `429`, `429;retry-after=2`,
    /// `429;retry-after=0.5`, `429;retry-after=none`, `cpu;seconds=30`, `500`, `502`, `503`, `504`,
    /// `reset`, `slow;seconds=5`, `malformed`, `truncated`, `expired-token`.
    public init?(header: String) {
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let kind = parts.first else { return nil }
        var options: [String: String] = [:]
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { options[pair[0]] = pair[1] }
        }
        switch kind {
        case "429", "throttle":
            switch options["retry-after"] {
            case nil: self = .throttle(retryAfter: .seconds(1))
            case "none", "absent": self = .throttle(retryAfter: .absent)
            case let value?:
                if let whole = Int(value) { self = .throttle(retryAfter: .seconds(whole)) }
                else if let fraction = Double(value) { self = .throttle(retryAfter: .fractional(fraction)) }
                else { return nil }
            }
        case "cpu", "cpu-quota": self = .cpuQuota(seconds: Int(options["seconds"] ?? "") ?? 60)
        case "500", "502", "503", "504": self = .status(Int(kind)!)
        case "reset": self = .resetMidBody
        case "slow": self = .slow(seconds: Double(options["seconds"] ?? "") ?? 5)
        case "malformed": self = .malformedJSON
        case "truncated": self = .truncatedBody
        case "expired-token": self = .expiredToken
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .throttle(let style):
            switch style {
            case .seconds(let s): "429;retry-after=\(s)"
            case .fractional(let f): "429;retry-after=\(f)"
            case .absent: "429;retry-after=none"
            }
        case .cpuQuota(let seconds): "cpu;seconds=\(seconds)"
        case .status(let code): "\(code)"
        case .resetMidBody: "reset"
        case .slow(let seconds): "slow;seconds=\(seconds)"
        case .malformedJSON: "malformed"
        case .truncatedBody: "truncated"
        case .expiredToken: "expired-token"
        }
    }
}

/// When to inject a fault.
public struct FaultRule: Sendable, Hashable {
    /// Which calls a rule applies to.
    public enum Match: Sendable, Hashable {
        /// Every call.
        case always
        /// Each call with this probability (seeded, so runs repeat).
        case probability(Double)
        /// The first `n` calls that reach the rule.
        case firstCalls(Int)
        /// Calls whose query text contains this marker (a permanently broken query).
        case queryContains(String)
        /// The first `n` calls for each distinct query text (every query fails, then recovers).
        case firstCallsPerQuery(Int)
    }

    public var match: Match
    public var fault: Fault

    /// Creates a rule.
    public init(_ match: Match, _ fault: Fault) {
        self.match = match
        self.fault = fault
    }
}
