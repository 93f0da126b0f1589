public import KQL

/// Writes result tables as CSV (RFC 4180): a header row, CRLF line ends, fields quoted when they
/// hold a comma, a quote or a line break. Every cell is hostile text: a cell a spreadsheet would
/// run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed
/// with `'`, the guard OWASP recommends against CSV injection.
public struct CSVWriter: Sendable {
    /// Whether to start with a UTF-8 byte-order mark, so Excel reads the file as UTF-8.
    public var byteOrderMark: Bool

    /// Creates a writer.
    public init(byteOrderMark: Bool = false) {
        self.byteOrderMark = byteOrderMark
    }

    /// The table as CSV text.
    public func write(_ table: KQLTable) -> String {
        var out = byteOrderMark ? "\u{FEFF}" : ""
        out += table.columns.map { Self.field($0.name) }.joined(separator: ",") + "\r\n"
        for row in 0..<table.rowCount {
            var first = true
            for column in table.columns {
                if !first { out += "," }
                first = false
                out += Self.field(CellText.plain(column[row]))
            }
            out += "\r\n"
        }
        return out
    }

    /// One field: formula-guarded, then quoted when needed.
    public static func field(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// How a cell reads as text in every output: strings as they are, datetimes in ISO 8601 with seven
/// fractional digits, timespans as `[-][d.]hh:mm:ss[.fffffff]`, dynamic values as compact JSON,
/// nulls as nothing.
public enum CellText {
    /// The text of a value.
    public static func plain(_ value: KQLValue) -> String {
        switch value {
        case .null: ""
        case .string(let s): s
        case .datetime(let d): d.iso8601
        case .timespan(let t): t.constantFormat
        case .guid(let g): g.uuidString.lowercased()
        case .dynamic(let d): d == .null ? "" : d.json
        case .bool(let b): b ? "true" : "false"
        case .int(let v): String(v)
        case .long(let v): String(v)
        case .real(let v): v.isNaN ? "NaN" : v.isInfinite ? (v < 0 ? "-Infinity" : "Infinity") : String(v)
        case .decimal(let d): d.description
        }
    }
}
