public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Headers

/// HTTP header fields in the order they were sent, looked up by case-insensitive name.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One `Name: value` line.
    public struct Field: Sendable, Hashable {
        /// The name as sent; compare names case-insensitively.
        public var name: String
        /// The value without surrounding whitespace.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields in order; a name may repeat.
    public private(set) var fields: [Field]

    /// Creates headers from name–value pairs, keeping their order.
    /// - Parameter pairs: the fields; repeated names are kept.
    public init(_ pairs: [(String, String)] = []) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// Creates headers from a literal such as `["Content-Type": "application/json"]`.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The first value of a field, by case-insensitive name; setting replaces every field of that
    /// name (nil removes them).
    public subscript(name: String) -> String? {
        get {
            let key = name.lowercased()
            return fields.first { $0.name.lowercased() == key }?.value
        }
        set {
            if let newValue { set(name, newValue) } else { remove(name) }
        }
    }

    /// Every value of a field, in order, by case-insensitive name.
    public func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name.lowercased() == key }.map(\.value)
    }

    /// Whether a field is present, by case-insensitive name.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Appends a field, keeping any earlier ones of the same name.
    /// - Parameters:
    ///   - name: the field name.
    ///   - value: the field value.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field of this name with one field.
    /// - Parameters:
    ///   - name: the field name (matched case-insensitively).
    ///   - value: the new value.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every field of this name.
    /// - Parameter name: the field name (matched case-insensitively).
    public mutating func remove(_ name: String) {
        let key = name.lowercased()
        fields.removeAll { $0.name.lowercased() == key }
    }

    /// The number of fields.
    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }
}

// MARK: - Request

/// One HTTP request as the server received it.
public struct HTTPRequest: Sendable {
    /// One `name=value` pair of the query string, percent-decoded.
    public struct QueryItem: Sendable, Hashable {
        /// The decoded name.
        public var name: String
        /// The decoded value; empty when the item had no `=`.
        public var value: String

        /// Creates a query item.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The method as sent (`GET`, `POST`; methods are case-sensitive).
    public var method: String
    /// The request target exactly as sent: path and query, still percent-encoded.
    public var target: String
    /// The percent-decoded path of the target, without the query (`+` stays a plus here).
    public var path: String
    /// The query items, percent-decoded with `+` read as a space, as Microsoft's endpoints do;
    /// a client that means a literal plus must send `%2B`.
    public var queryItems: [QueryItem]
    /// The protocol version from the request line: `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// The header fields in the order they were sent.
    public var headers: HTTPHeaders
    /// The body, exactly `Content-Length` bytes.
    public var body: [UInt8]

    /// Creates a request, deriving `path` and `queryItems` from the target; handy for calling a
    /// handler in-process without a server.
    /// - Parameters:
    ///   - method: the method, such as `GET`.
    ///   - target: the path and query, percent-encoded (`/v1.0/security/runHuntingQuery?x=1`).
    ///   - version: the protocol version.
    ///   - headers: the header fields.
    ///   - body: the body bytes.
    public init(
        method: String, target: String, version: String = "HTTP/1.1", headers: HTTPHeaders = [:], body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        let (rawPath, rawQuery) = Self.split(target: target)
        path = PercentDecoding.decode(rawPath, plusAsSpace: false)
        queryItems = PercentDecoding.formItems(rawQuery).map { QueryItem(name: $0.0, value: $0.1) }
    }

    /// The first value of a header field, by case-insensitive name.
    /// - Parameter name: the field name, in any case.
    public func header(_ name: String) -> String? { headers[name] }

    /// The first value of a query item, by exact name.
    /// - Parameter name: the decoded item name, such as `$top`.
    public func query(_ name: String) -> String? { queryItems.first { $0.name == name }?.value }

    /// The body as UTF-8 text; invalid bytes become U+FFFD.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body decoded as `application/x-www-form-urlencoded` (`+` is a space, `%XX` a byte);
    /// a repeated name keeps its first value. The content type is not checked.
    public func formFields() -> [String: String] {
        var fields: [String: String] = [:]
        for (name, value) in PercentDecoding.formItems(body[...]) where fields[name] == nil {
            fields[name] = value
        }
        return fields
    }

    /// Splits a target into path and query bytes, dropping any fragment and, for an
    /// absolute-form target (`http://host/p`), the scheme and authority.
    static func split(target: String) -> (path: ArraySlice<UInt8>, query: ArraySlice<UInt8>) {
        var bytes = Array(target.utf8)[...]
        if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) { bytes = bytes[..<hash] }
        if bytes.first != UInt8(ascii: "/"), let scheme = target.range(of: "://") {
            let afterScheme = target.utf8.distance(from: target.startIndex, to: scheme.upperBound)
            let rest = bytes[(bytes.startIndex + afterScheme)...]
            let start = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
            bytes = rest[start...]
        }
        guard let question = bytes.firstIndex(of: UInt8(ascii: "?")) else { return (bytes, []) }
        return (bytes[..<question], bytes[(question + 1)...])
    }
}

// MARK: - Response

/// One HTTP response a handler returns, with optional faults for testing clients.
public struct HTTPResponse: Sendable {
    /// The status code, such as 200 or 429.
    public var status: Int
    /// Header fields; the server adds `Content-Length`, `Connection: close` and (unless present) `Date`,
    /// and drops any `Content-Length`, `Connection`, `Keep-Alive` or `Transfer-Encoding` given here.
    public var headers: HTTPHeaders
    /// The body bytes (not sent for `HEAD`, 1xx, 204 and 304).
    public var body: [UInt8]
    /// Fault: seconds to wait before sending anything, to trip client timeouts. The wait ends early
    /// when the client closes its side of the connection (it gave up) or the server stops.
    public var delay: TimeInterval
    /// Fault: send only the first this-many bytes of the serialized response (status line, headers
    /// and body together), then reset the connection, like a connection dropped mid-transfer.
    /// The status line and headers take about 140 bytes plus the handler's own headers.
    public var closeAfterBytes: Int?
    /// Fault: send nothing and reset the connection (`SO_LINGER` 0), so the client sees a reset.
    public var abortWithoutResponse: Bool

    /// Creates a response.
    /// - Parameters:
    ///   - status: the status code.
    ///   - headers: header fields.
    ///   - body: body bytes.
    public init(status: Int = 200, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        delay = 0
        closeAfterBytes = nil
        abortWithoutResponse = false
    }

    /// A JSON response (`Content-Type: application/json; charset=utf-8`).
    /// - Parameters:
    ///   - status: the status code.
    ///   - text: the JSON text, sent as UTF-8.
    ///   - headers: more header fields.
    public static func json(_ status: Int, _ text: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        withContentType("application/json; charset=utf-8", status, text, headers)
    }

    /// A plain-text response (`Content-Type: text/plain; charset=utf-8`).
    /// - Parameters:
    ///   - status: the status code.
    ///   - text: the body, sent as UTF-8.
    ///   - headers: more header fields.
    public static func text(_ status: Int, _ text: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        withContentType("text/plain; charset=utf-8", status, text, headers)
    }

    /// A response that sends nothing and resets the connection.
    public static var abort: HTTPResponse {
        var response = HTTPResponse(status: 500)
        response.abortWithoutResponse = true
        return response
    }

    /// This response, sent only after a delay.
    /// - Parameter seconds: how long to wait before the first byte.
    public func delayed(by seconds: TimeInterval) -> HTTPResponse {
        var copy = self
        copy.delay = seconds
        return copy
    }

    /// This response, cut off after a number of bytes of its serialized form.
    /// - Parameter bytes: how many bytes (status line and headers included) reach the client.
    public func truncated(afterBytes bytes: Int) -> HTTPResponse {
        var copy = self
        copy.closeAfterBytes = bytes
        return copy
    }

    /// The reason phrase for the status, such as `Too Many Requests`.
    public var reason: String { Self.reasonPhrase(for: status) }

    /// The body as UTF-8 text; invalid bytes become U+FFFD.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The standard reason phrase of a status code, or its class name for unlisted codes.
    /// - Parameter status: the status code.
    public static func reasonPhrase(for status: Int) -> String {
        if let phrase = reasonPhrases[status] { return phrase }
        switch status {
        case 100..<200: return "Informational"
        case 200..<300: return "Success"
        case 300..<400: return "Redirection"
        case 400..<500: return "Client Error"
        default: return "Server Error"
        }
    }

    private static let reasonPhrases: [Int: String] = [
        100: "Continue", 101: "Switching Protocols",
        200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content",
        206: "Partial Content",
        301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
        307: "Temporary Redirect", 308: "Permanent Redirect",
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
        406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict", 410: "Gone", 411: "Length Required",
        412: "Precondition Failed", 413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
        417: "Expectation Failed", 422: "Unprocessable Content", 429: "Too Many Requests",
        431: "Request Header Fields Too Large",
        500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
        504: "Gateway Timeout", 505: "HTTP Version Not Supported",
    ]

    private static func withContentType(
        _ type: String, _ status: Int, _ text: String, _ headers: HTTPHeaders
    ) -> HTTPResponse {
        var all = headers
        if !all.contains("Content-Type") { all.add("Content-Type", type) }
        return HTTPResponse(status: status, headers: all, body: Array(text.utf8))
    }

    /// Header names the server owns: it frames every response itself and always closes.
    private static let framingHeaders: Set<String> = ["content-length", "connection", "keep-alive", "transfer-encoding"]

    /// The bytes on the wire: status line, headers, blank line and (where allowed) the body.
    /// - Parameters:
    ///   - method: the request's method; `HEAD` gets headers only.
    ///   - date: the value of the `Date` header when the handler set none.
    func serialized(forMethod method: String, date: Date) -> [UInt8] {
        // RFC 9110 §6.4.1: these statuses never carry content, so they get no Content-Length either.
        let bodyAllowed = !(100..<200).contains(status) && status != 204 && status != 304
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        for field in headers where !Self.framingHeaders.contains(field.name.lowercased()) {
            // Strip line breaks so a handler's value cannot inject header lines.
            let name = Self.headerSafe(field.name)
            guard !name.isEmpty, !name.contains(":"), !name.contains(" ") else { continue }
            head += "\(name): \(Self.headerSafe(field.value))\r\n"
        }
        if !headers.contains("Date") { head += "Date: \(HTTPDate.format(date))\r\n" }
        if bodyAllowed { head += "Content-Length: \(body.count)\r\n" }
        head += "Connection: close\r\n\r\n"
        var bytes = Array(head.utf8)
        if bodyAllowed && method != "HEAD" { bytes += body }
        return bytes
    }

    private static func headerSafe(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" })
    }
}

// MARK: - Parsing

/// Why a request was refused before reaching the handler: the status to answer and why.
struct HTTPRequestError: Error, Sendable {
    var status: Int
    var message: String

    init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }
}

/// The request line and header fields of a request, parsed from bytes.
struct HTTPRequestHead: Sendable {
    var method: String
    var target: String
    var version: String
    var headers: HTTPHeaders

    /// Where the head ends in a buffer: the index after its blank line. Accepts bare LF line
    /// endings as RFC 9112 §2.2 allows.
    /// - Parameters:
    ///   - buffer: bytes received so far.
    ///   - start: where to resume scanning (bytes before it were already scanned).
    static func end(in buffer: [UInt8], from start: Int) -> Int? {
        var index = max(start, 1)
        while index < buffer.count {
            if buffer[index] == UInt8(ascii: "\n") {
                if buffer[index - 1] == UInt8(ascii: "\n") { return index + 1 }
                if index >= 2, buffer[index - 1] == UInt8(ascii: "\r"), buffer[index - 2] == UInt8(ascii: "\n") {
                    return index + 1
                }
            }
            index += 1
        }
        return nil
    }

    /// Parses a head (everything up to and including its blank line).
    /// - Throws: ``HTTPRequestError`` with 400 for malformed syntax, 505 for other HTTP versions.
    static func parse(_ bytes: ArraySlice<UInt8>) throws(HTTPRequestError) -> HTTPRequestHead {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { throw HTTPRequestError(400, "empty request") }
        var head = try parseRequestLine(requestLine)
        for line in lines.dropFirst() {
            let field = try parseField(line)
            head.headers.add(field.name, field.value)
        }
        return head
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPRequestError) -> HTTPRequestHead {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte) else {
            throw HTTPRequestError(400, "malformed request line; expected 'METHOD /path HTTP/1.1'")
        }
        let target = parts[1]
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw HTTPRequestError(400, "malformed request target")
        }
        let isOrigin = target.first == UInt8(ascii: "/")
        let isAbsolute = String(decoding: target.prefix(8), as: UTF8.self).lowercased().hasPrefix("http")
        let isAsterisk = target.elementsEqual("*".utf8)
        guard isOrigin || isAbsolute || isAsterisk else {
            throw HTTPRequestError(400, "request target must start with '/'")
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        if version != "HTTP/1.1" && version != "HTTP/1.0" {
            let looksLikeHTTP = version.hasPrefix("HTTP/") && version.count == 8
            throw looksLikeHTTP
                ? HTTPRequestError(505, "only HTTP/1.1 and HTTP/1.0 are supported")
                : HTTPRequestError(400, "malformed protocol version in request line")
        }
        return HTTPRequestHead(
            method: String(decoding: parts[0], as: UTF8.self), target: String(decoding: target, as: UTF8.self),
            version: version, headers: [:])
    }

    private static func parseField(_ line: ArraySlice<UInt8>) throws(HTTPRequestError) -> HTTPHeaders.Field {
        // Obsolete line folding (a line starting with whitespace) must be refused (RFC 9112 §5.2).
        if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
            throw HTTPRequestError(400, "folded header lines are not supported")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw HTTPRequestError(400, "malformed header line (no colon)")
        }
        let name = line[..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            throw HTTPRequestError(400, "malformed header name")
        }
        let value = line[(colon + 1)...].trimmingWhitespace()
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw HTTPRequestError(400, "control character in header value")
        }
        return HTTPHeaders.Field(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    /// RFC 9110 `tchar`: the bytes allowed in methods and header names.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}

extension ArraySlice<UInt8> {
    /// The slice without leading and trailing spaces and tabs.
    fileprivate func trimmingWhitespace() -> ArraySlice<UInt8> {
        let isSpace = { (b: UInt8) in b == 0x20 || b == 0x09 }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return []
        }
        return self[first...last]
    }
}

// MARK: - Percent decoding and dates

/// Percent-decoding for paths, query strings and form bodies.
enum PercentDecoding {
    /// Decodes `%XX` escapes (and `+` as space when asked); malformed escapes stay as they are and
    /// invalid UTF-8 becomes U+FFFD, since a lenient emulator should show the client what it sent.
    static func decode(_ bytes: ArraySlice<UInt8>, plusAsSpace: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
                continue
            }
            out.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Splits `a=1&b=2` into decoded pairs, skipping empty items; an item without `=` has an empty value.
    static func formItems(_ bytes: ArraySlice<UInt8>) -> [(String, String)] {
        bytes.split(separator: UInt8(ascii: "&")).map { item in
            guard let equals = item.firstIndex(of: UInt8(ascii: "=")) else {
                return (decode(item, plusAsSpace: true), "")
            }
            return (decode(item[..<equals], plusAsSpace: true), decode(item[(equals + 1)...], plusAsSpace: true))
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// The IMF-fixdate format of the `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`), built with
/// `gmtime_r` because `DateFormatter` is neither cheap nor `Sendable`.
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let day = days[Int(parts.tm_wday)]
        let month = months[Int(parts.tm_mon)]
        return "\(day), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
