import HuntingReports
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

    /// A value as a person reads it.
    static func display(_ value: KQLValue) -> String { CellText.plain(value) }

    static func shorten(_ text: String, _ width: Int) -> String {
        Terminal.width(text) <= width ? text : String(text.unicodeScalars.prefix(width - 1).map(Character.init)) + "…"
    }

    /// RFC 4180 CSV with a header row and the formula guard.
    static func csv(_ table: KQLTable) -> String { CSVWriter().write(table) }

    static func csvCell(_ text: String) -> String { CSVWriter.field(text) }
}
