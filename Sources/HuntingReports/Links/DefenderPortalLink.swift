import Foundation

/// Builds links that open a hunting query in the Microsoft Defender portal's advanced hunting page.
///
/// The format is not documented by Microsoft; it was decoded from published links (see the hunting
/// API notes, section 8b): the query travels as base64 of the gzip of its UTF-16LE bytes, because
/// the portal's editor garbles UTF-8.
public enum DefenderPortalLink {
    /// The time window the portal preselects for the query.
    public enum TimeRange: String, Sendable {
        /// The last 24 hours.
        case day
        /// The last 7 days.
        case week
        /// The last 30 days.
        case month
    }

    /// A link that opens `query` in the portal's advanced hunting editor.
    ///
    /// - Parameters:
    ///   - query: The KQL text, exactly as it should appear in the editor.
    ///   - portalHost: The portal to open; see ``portalHost(forEndpointURL:)`` for sovereign clouds.
    ///   - timeRange: The time window the portal preselects.
    ///   - tenant: A tenant id for operators who manage several tenants, sent as `tid`.
    /// - Returns: `https://<host>/v2/advanced-hunting?query=<Q>&timeRangeId=<range>[&tid=<tenant>]`.
    public static func url(
        query: String, portalHost: String = "security.microsoft.com", timeRange: TimeRange = .week,
        tenant: String? = nil
    ) -> String {
        var link = "https://\(portalHost)/v2/advanced-hunting?query=\(encodedQuery(query))&timeRangeId=\(timeRange.rawValue)"
        if let tenant { link += "&tid=" + percentEncoded(tenant) }
        return link
    }

    /// The portal host that belongs to a Graph or Defender API endpoint.
    ///
    /// - Parameter url: An API URL such as `https://graph.microsoft.us/v1.0/security/runHuntingQuery`.
    /// - Returns: `security.apps.mil` for DoD, `security.microsoft.us` for other US government clouds,
    ///   `security.microsoft.com` for everything else (including loopback emulators).
    public static func portalHost(forEndpointURL url: String) -> String {
        let host = hostName(of: url)
        if host.contains("dod-graph.microsoft.us") { return "security.apps.mil" }
        if host.hasSuffix(".microsoft.us") { return "security.microsoft.us" }
        return "security.microsoft.com"
    }

    /// `Q`: gzip of the UTF-16LE bytes, standard base64, then the three base64 symbols that are not
    /// safe in a query string percent-encoded.
    static func encodedQuery(_ query: String) -> String {
        var utf16LE: [UInt8] = []
        utf16LE.reserveCapacity(query.utf16.count * 2)
        for unit in query.utf16 {
            utf16LE.append(UInt8(truncatingIfNeeded: unit))
            utf16LE.append(UInt8(truncatingIfNeeded: unit >> 8))
        }
        let base64 = Data(Gzip.compress(utf16LE)).base64EncodedString()
        var out = ""
        out.reserveCapacity(base64.utf8.count + 16)
        for scalar in base64.unicodeScalars {
            switch scalar {
            case "+": out += "%2B"
            case "/": out += "%2F"
            case "=": out += "%3D"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Percent-encodes every UTF-8 byte outside the RFC 3986 unreserved set.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The lowercased host of a URL, or of a bare `host[:port][/path]` string.
    static func hostName(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("[") {
            // IPv6 literal: keep the brackets' content, drop any port.
            if let close = rest.firstIndex(of: "]") { rest = rest[rest.index(after: rest.startIndex)..<close] }
        } else if let colon = rest.lastIndex(of: ":") {
            rest = rest[..<colon]
        }
        var host = rest.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        return host
    }
}
