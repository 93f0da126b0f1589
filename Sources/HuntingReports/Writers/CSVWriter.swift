public import KQL

/// Writes result tables as CSV (RFC 4180): a header row, CRLF line ends, fields quoted when they
/// hold a comma, a quote or a line break. Every text cell is hostile: one a spreadsheet would run
/// as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with
/// `'`, the guard OWASP recommends against CSV injection. Numbers, datetimes and other typed
/// values are written as they are.
public struct CSVWriter: Sendable {
    /// Whether to start with a UTF-8 byte-order mark, so Excel reads the file as UTF-8.
    public var byteOrderMark: Bool

    /// Creates a writer.
    public init(byteOrderMark: Bool = false) {
        self.byteOrderMark = byteOrderMark
    }

    /// The table as CSV text.
    public func write(_ table: KQLTable) -> String {
        String(decoding: bytes(table), as: UTF8.self)
    }

    /// The table as CSV, UTF-8 encoded.
    public func bytes(_ table: KQLTable) -> [UInt8] {
        var out: [UInt8] = byteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        out.reserveCapacity(Self.estimatedSize(table))
        for (index, column) in table.columns.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            CellBytes.string(column.name, quoting: .csv, to: &out)
        }
        out.append(contentsOf: [0x0D, 0x0A])
        for row in 0..<table.rowCount {
            for (index, column) in table.columns.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                CellBytes.append(column, row: row, quoting: .csv, to: &out)
            }
            out.append(contentsOf: [0x0D, 0x0A])
        }
        return out
    }

    /// One text field: formula-guarded, then quoted when needed.
    public static func field(_ text: String) -> String {
        var out: [UInt8] = []
        CellBytes.string(text, quoting: .csv, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A guess at the output size, so the buffer grows once or twice rather than twenty times.
    static func estimatedSize(_ table: KQLTable) -> Int {
        table.columns.reduce(64) { total, column in
            if case .string(let strings) = column.storage { return total + strings.bytes.count + 3 * table.rowCount }
            return total + 24 * table.rowCount
        }
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
