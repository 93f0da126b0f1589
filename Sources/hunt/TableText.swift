import KQL

/// Renders result tables for the terminal and as CSV.
enum TableText {
    /// An aligned text table of at most `maxRows` rows; cells are sanitized and cut at `maxWidth`.
    static func aligned(_ table: KQLTable, maxRows: Int, maxWidth: Int = 48) -> String {
        let rows = min(table.rowCount, maxRows)
        var cells: [[String]] = [table.columns.map { Terminal.sanitize($0.name) }]
        for row in 0..<rows {
            cells.append(table.columns.map { shorten(Terminal.sanitize(display($0[row])), maxWidth) })
        }
        let widths = (0..<table.columns.count).map { column in cells.map { Terminal.width($0[column]) }.max() ?? 0 }
        var out = ""
        for (index, line) in cells.enumerated() {
            var text = ""
            for (column, cell) in line.enumerated() {
                text += cell
                if column < line.count - 1 { text += String(repeating: " ", count: widths[column] - Terminal.width(cell) + 2) }
            }
            out += text + "\n"
            if index == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        if table.rowCount > rows { out += "… \(table.rowCount - rows) more rows (use --format csv or json for all)\n" }
        return out
    }

    /// A value as a person reads it: strings bare, datetimes in ISO 8601, nulls empty.
    static func display(_ value: KQLValue) -> String {
        switch value {
        case .null: ""
        case .string(let s): s
        case .datetime(let d): d.iso8601
        case .timespan(let t): t.constantFormat
        case .guid(let g): g.uuidString.lowercased()
        case .dynamic(let d): d.json
        case .bool(let b): b ? "true" : "false"
        case .int(let v): String(v)
        case .long(let v): String(v)
        case .real(let v): v.isNaN ? "NaN" : v.isInfinite ? (v < 0 ? "-Infinity" : "Infinity") : String(v)
        case .decimal(let d): d.description
        }
    }

    static func shorten(_ text: String, _ width: Int) -> String {
        Terminal.width(text) <= width ? text : String(text.unicodeScalars.prefix(width - 1).map(Character.init)) + "…"
    }

    /// RFC 4180 CSV with a header row. Cells that a spreadsheet would run as a formula (starting
    /// with `=`, `+`, `-`, `@`, a tab or a carriage return) get a leading `'`.
    static func csv(_ table: KQLTable) -> String {
        var out = table.columns.map { csvCell($0.name) }.joined(separator: ",") + "\r\n"
        for row in 0..<table.rowCount {
            out += table.columns.map { csvCell(display($0[row])) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func csvCell(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { value = "'" + value }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}
