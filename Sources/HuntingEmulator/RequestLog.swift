import Foundation
import Glibc
import Hunting
import KQL
import Synchronization

/// Why the request log could not be opened.
public struct RequestLogError: Error, Sendable, CustomStringConvertible {
    /// The file that could not be opened.
    public var path: String
    /// The `errno` of the failed `open`.
    public var errno: Int32

    public var description: String {
        "cannot write the request log \(path): \(String(cString: strerror(errno))); check that its folder exists and is writable"
    }
}

/// The emulator's machine-readable request log (`hunt emulator --request-log FILE`): one JSON
/// object per line for each hunting and token call, written when the call is answered, so a
/// script outside the process can audit retries, throttling and faults (the fault gauntlet).
///
/// A line never holds a secret: no `Authorization` header, no client secret or assertion, no
/// issued token and no query text (its hash names the query). Each line goes out in one `write`
/// on a file opened for appending, so a reader never sees half a line from a finished call.
public final class RequestLog: Sendable {
    private let descriptor: Mutex<Int32>

    /// Creates (or empties) the file.
    /// - Parameter path: where to write; the folder must exist.
    /// - Throws: ``RequestLogError`` when the file cannot be opened for writing.
    public init(path: String) throws(RequestLogError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RequestLogError(path: path, errno: Glibc.errno) }
        descriptor = Mutex(fd)
    }

    deinit { close() }

    /// Closes the file; later lines are dropped.
    public func close() {
        descriptor.withLock { fd in
            if fd >= 0 { _ = Glibc.close(fd) }
            fd = -1
        }
    }

    /// Appends one line.
    func append(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if written < 0, Glibc.errno == EINTR { continue }
                guard written > 0 else { return }  // a full disk loses lines, never the emulator
                offset += written
            }
        }
    }

    /// The first 16 hex digits of the SHA-256 of a query's text: names the query without showing it.
    public static func queryHash(_ text: String) -> String {
        String(Digest.hex(Digest.sha256(text.utf8)).prefix(16))
    }

    /// A time with 7 fractional digits, as the service and `--log-format json` write them.
    static func timestamp(_ date: Date) -> String {
        KQLDateTime(unixSeconds: date.timeIntervalSince1970).iso8601
    }
}

/// One call to a token endpoint (secret, assertion, password, device code, refresh, managed
/// identity) as the emulator answered it, for the request log. Nothing of the form is kept but
/// the grant type.
struct IdentityCallRecord: Sendable {
    var arrived: Date
    var answered: Date
    var method: String
    var path: String
    var status: Int
    var grantType: String?
    var clientRequestId: String?
}

/// Builds one JSON object per line; `nil` values are written as `null`, so every line of a kind
/// has the same keys.
private struct JSONLine {
    private var text = "{"

    mutating func add(_ key: String, _ value: String?) {
        separator(key)
        if let value { KQLDynamic.writeJSONString(value, to: &text) } else { text += "null" }
    }

    mutating func add(_ key: String, _ value: Int) {
        separator(key)
        text += String(value)
    }

    mutating func add(_ key: String, _ value: Double?) {
        separator(key)
        if let value, value.isFinite { text += String(value) } else { text += "null" }
    }

    private mutating func separator(_ key: String) {
        if text.count > 1 { text += "," }
        KQLDynamic.writeJSONString(key, to: &text)
        text += ":"
    }

    var line: String { text + "}" }
}

extension HuntingCallRecord {
    /// The request-log line: `time` (answered), `arrived`, `kind` (`hunting`), `api`, `method`,
    /// `path`, `status`, `clientRequestId`, `requestId`, `queryId`, `queryHash`, `fault`,
    /// `retryAfter` (the header as sent), `cpuQuotaWait` (seconds the CPU-quota answer named),
    /// `latency`.
    var requestLogLine: String {
        var line = JSONLine()
        line.add("time", RequestLog.timestamp(answered ?? arrived))
        line.add("arrived", RequestLog.timestamp(arrived))
        line.add("kind", "hunting")
        line.add("api", api)
        line.add("method", method)
        line.add("path", path)
        line.add("status", status)
        line.add("clientRequestId", clientRequestId)
        line.add("requestId", requestId)
        line.add("queryId", queryId)
        line.add("queryHash", queryHash)
        line.add("fault", fault)
        line.add("retryAfter", retryAfter)
        line.add("cpuQuotaWait", cpuQuotaWait)
        line.add("latency", latency)
        return line.line
    }
}

extension IdentityCallRecord {
    /// The request-log line: `time` (answered), `arrived`, `kind` (`token`), `method`, `path`,
    /// `status`, `clientRequestId`, `grantType`.
    var requestLogLine: String {
        var line = JSONLine()
        line.add("time", RequestLog.timestamp(answered))
        line.add("arrived", RequestLog.timestamp(arrived))
        line.add("kind", "token")
        line.add("method", method)
        line.add("path", path)
        line.add("status", status)
        line.add("clientRequestId", clientRequestId)
        line.add("grantType", grantType)
        return line.line
    }
}
