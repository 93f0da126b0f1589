public import Foundation

/// How important a log record is.
public enum LogLevel: String, Sendable, Comparable, CaseIterable, Codable {
    case debug, info, notice, warning, error

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}

/// One thing the library wants the operator to know.
public struct LogRecord: Sendable, CustomStringConvertible {
    /// How important it is.
    public var level: LogLevel
    /// The sentence, already scrubbed of secrets.
    public var message: String
    /// Key-value context (query id, attempt, status), already scrubbed.
    public var metadata: [String: String]
    /// When it happened.
    public var time: Date

    public var description: String {
        let context = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(level.rawValue): \(message)" + (context.isEmpty ? "" : " [\(context)]")
    }
}

/// Where the library reports what it does. The library never prints: the application passes a
/// sink (the terminal, a JSON log, a test's collector). Every record passes through
/// ``SecretScrubber`` first, so a token that slips into a message is still not written.
public struct HuntingLog: Sendable {
    private let sink: @Sendable (LogRecord) -> Void
    /// Records below this level are dropped.
    public var minimumLevel: LogLevel

    /// Creates a log that hands records to `sink`.
    public init(minimumLevel: LogLevel = .info, sink: @escaping @Sendable (LogRecord) -> Void) {
        self.sink = sink
        self.minimumLevel = minimumLevel
    }

    /// A log that drops everything.
    public static let discard = HuntingLog(minimumLevel: .error) { _ in }

    /// Records a message.
    public func log(_ level: LogLevel, _ message: String, _ metadata: [String: String] = [:]) {
        guard level >= minimumLevel else { return }
        sink(LogRecord(
            level: level, message: SecretScrubber.scrub(message),
            metadata: metadata.mapValues(SecretScrubber.scrub), time: Date()))
    }

    public func debug(_ message: String, _ metadata: [String: String] = [:]) { log(.debug, message, metadata) }
    public func info(_ message: String, _ metadata: [String: String] = [:]) { log(.info, message, metadata) }
    public func warning(_ message: String, _ metadata: [String: String] = [:]) { log(.warning, message, metadata) }
    public func error(_ message: String, _ metadata: [String: String] = [:]) { log(.error, message, metadata) }
}

/// Removes what looks like a credential from text bound for logs and error messages: bearer
/// tokens, JWTs, `client_secret=`/`password=`/`refresh_token=` form values and `Authorization`
/// header values. A second line of defence: secrets are never put into messages on purpose.
public enum SecretScrubber {
    private static let patterns: [NSRegularExpression] = [
        #"(?i)(bearer\s+)[A-Za-z0-9\-._~+/]+=*"#,
        #"eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"#,
        #"(?i)((?:client_secret|password|refresh_token|access_token|client_assertion|device_code)["']?\s*[=:]\s*["']?)[^&\s"',}]+"#,
        #"(?i)(authorization["']?\s*[:=]\s*["']?)[^\r\n"',}]+"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    /// The text with credential-looking parts replaced by `<redacted>`.
    public static func scrub(_ text: String) -> String {
        guard text.contains(where: { $0 == "=" || $0 == ":" || $0 == "." || $0 == " " }) else { return text }
        var result = text
        for pattern in patterns {
            let range = NSRange(result.startIndex..., in: result)
            let template = pattern.numberOfCaptureGroups > 0 ? "$1<redacted>" : "<redacted>"
            result = pattern.stringByReplacingMatches(in: result, range: range, withTemplate: template)
        }
        return result
    }
}
