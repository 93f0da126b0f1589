import Foundation
import KQL

/// Reads an RFC 4180 CSV file into a table, one pass over the bytes, cells appended straight into
/// typed column builders.
///
/// - Fields are separated by commas and records end at LF or CRLF (a CR before LF or at the end of
///   the file is not part of the field). A field in double quotes may hold commas, line breaks and
///   doubled quotes (`""` is one `"`); a quote inside an unquoted field is kept as it is.
/// - The first record is the header. A header cell `Name:type` declares the column's KQL type;
///   otherwise the type comes from the table's schema when the table and column are known, else
///   `string`. Header names are trimmed of spaces.
/// - Empty lines are skipped (a one-column table writes an empty value as `""`).
/// - Every row must have as many fields as the header. A blank cell is null (for `string`
///   columns, the text as it is); a cell that does not convert to its column's type is an error.
struct CSVReader {
    let text: FileText
    let tableName: String
    let schema: TableSchema?
    /// The content of the current quoted field with its doubled quotes undone.
    private var scratch: [UInt8] = []

    init(text: FileText, tableName: String, schema: TableSchema?) {
        self.text = text
        self.tableName = tableName
        self.schema = schema
    }

    /// One field as found in the bytes.
    struct Field {
        /// The offset of its first byte (the opening quote when quoted).
        var start: Int
        var contentStart: Int
        var contentEnd: Int
        /// Just past the content, or past the closing quote.
        var end: Int
        /// Whether the content holds `""` pairs to undo.
        var hasDoubledQuotes: Bool
        /// Whether a line break (or the end of the file) follows rather than a comma.
        var endsRecord: Bool
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D

    mutating func read() throws(TableFolderError) -> KQLTable {
        var i = skipEmptyLines(from: text.bodyStart)
        guard i < text.count else {
            throw text.error(
                .invalidHeader, at: text.bodyStart,
                "the file is empty; its first line must name the columns, such as Timestamp:datetime,DeviceName")
        }
        let plans = try readHeader(&i)
        var builders = plans.map { KQLColumnBuilder(type: $0.type) }
        let columnCount = plans.count
        while true {
            i = skipEmptyLines(from: i)
            if i >= text.count { break }
            var column = 0
            var field: Field
            repeat {
                field = try nextField(&i)
                guard column < columnCount else {
                    throw text.error(
                        .wrongFieldCount, at: field.start,
                        "this row has more fields than the \(columnCount) columns the header names; "
                            + "quote fields that contain commas, such as \"a, b\"")
                }
                try append(field, to: &builders[column], plan: plans[column])
                column += 1
            } while !field.endsRecord
            guard column == columnCount else {
                throw text.error(
                    .wrongFieldCount, at: field.end,
                    "this row has \(column) field\(column == 1 ? "" : "s") but the header names \(columnCount) columns; "
                        + "add the missing fields (empty for null), and quote fields that contain commas or line breaks"
                )
            }
        }
        return KQLTable(columns: zip(plans, builders).map { KQLColumn(name: $0.name, storage: $1.finish()) })
    }

    // MARK: Header

    private mutating func readHeader(_ i: inout Int) throws(TableFolderError) -> [ColumnPlan] {
        var plans: [ColumnPlan] = []
        var offsets: [String: Int] = [:]
        var field: Field
        repeat {
            field = try nextField(&i)
            let cell = cellText(field).trimmingCharacters(in: .whitespaces)
            var name = cell
            var declared: KQLScalarType?
            if let colon = cell.lastIndex(of: ":") {
                name = cell[..<colon].trimmingCharacters(in: .whitespaces)
                let typeName = cell[cell.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                guard let type = KQLScalarType(kqlName: typeName) else {
                    throw text.error(
                        .invalidHeader, at: field.start,
                        "unknown type \(ColumnPlan.quoted(typeName)) in header cell \(ColumnPlan.quoted(cell)); write "
                            + "Name:type with one of " + KQLScalarType.allCases.map(\.rawValue).joined(separator: ", "))
                }
                declared = type
            }
            guard !name.isEmpty else {
                throw text.error(
                    .invalidHeader, at: field.start,
                    "column \(plans.count + 1) has no name in the header; name every column")
            }
            if let first = offsets[name] {
                throw text.error(
                    .invalidHeader, at: field.start,
                    "column \(name) is named twice in the header (also at column \(text.location(of: first).column)); "
                        + "give each column its own name")
            }
            offsets[name] = field.start
            if let declared {
                plans.append(ColumnPlan(name: name, type: declared, origin: .header))
            } else if let known = schema?.column(named: name) {
                plans.append(ColumnPlan(name: name, type: known.type, origin: .schema(table: tableName)))
            } else {
                plans.append(ColumnPlan(name: name, type: .string, origin: .data))
            }
        } while !field.endsRecord
        return plans
    }

    // MARK: Cells

    private mutating func append(
        _ field: Field, to builder: inout KQLColumnBuilder, plan: ColumnPlan
    ) throws(TableFolderError) {
        let failure: CellParser.Failure
        do {
            if field.hasDoubledQuotes {
                undoDoubledQuotes(field)
                try scratch.withUnsafeBufferPointer { (cell) throws(CellParser.Failure) in
                    try CellParser.append(cell, to: &builder)
                }
            } else {
                try CellParser.append(
                    UnsafeBufferPointer(rebasing: text.bytes[field.contentStart..<field.contentEnd]), to: &builder)
            }
            return
        } catch {
            failure = error
        }
        throw text.error(
            .invalidValue, at: field.start,
            plan.invalidValueMessage(
                got: ColumnPlan.quoted(cellText(field)), detail: failure.detail,
                nullHint: "leave the cell empty for null"))
    }

    /// The field's content as a string, doubled quotes undone.
    private func cellText(_ field: Field) -> String {
        let raw = text.string(field.contentStart..<field.contentEnd)
        return field.hasDoubledQuotes ? raw.replacingOccurrences(of: "\"\"", with: "\"") : raw
    }

    private mutating func undoDoubledQuotes(_ field: Field) {
        scratch.removeAll(keepingCapacity: true)
        var i = field.contentStart
        while i < field.contentEnd {
            let byte = text.bytes[i]
            scratch.append(byte)
            i += byte == Self.quote ? 2 : 1
        }
    }

    // MARK: Scanning

    /// Skips lines with nothing on them (LF or CRLF alone).
    private func skipEmptyLines(from start: Int) -> Int {
        let bytes = text.bytes
        var i = start
        while i < bytes.count {
            if bytes[i] == Self.lf {
                i += 1
            } else if bytes[i] == Self.cr, i + 1 < bytes.count, bytes[i + 1] == Self.lf {
                i += 2
            } else {
                break
            }
        }
        return i
    }

    /// Reads the field at `i` and moves `i` past it and past the comma or line break after it.
    @inline(__always)
    private func nextField(_ i: inout Int) throws(TableFolderError) -> Field {
        let bytes = text.bytes
        let n = bytes.count
        let start = i
        if i < n, bytes[i] == Self.quote {
            var j = i + 1
            var doubled = false
            while true {
                while j < n, bytes[j] != Self.quote { j += 1 }
                guard j < n else {
                    throw text.error(
                        .invalidCSV, at: start,
                        "this quoted field is never closed; end it with a quote, and double any quote inside it (\"\")")
                }
                if j + 1 < n, bytes[j + 1] == Self.quote {
                    doubled = true
                    j += 2
                    continue
                }
                break
            }
            var field = Field(
                start: start, contentStart: start + 1, contentEnd: j, end: j + 1, hasDoubledQuotes: doubled,
                endsRecord: true)
            i = j + 1
            if i == n {
                return field
            } else if bytes[i] == Self.comma {
                field.endsRecord = false
                i += 1
            } else if bytes[i] == Self.lf {
                i += 1
            } else if bytes[i] == Self.cr, i + 1 == n || bytes[i + 1] == Self.lf {
                i += i + 1 == n ? 1 : 2
            } else {
                throw text.error(
                    .invalidCSV, at: i,
                    "unexpected text after the closing quote of a field; put a comma between fields "
                        + "and double any quote inside a quoted field (\"\")")
            }
            return field
        }
        var j = i
        while j < n {
            let byte = bytes[j]
            if byte == Self.comma || byte == Self.lf { break }
            j += 1
        }
        if j < n, bytes[j] == Self.comma {
            i = j + 1
            return Field(
                start: start, contentStart: start, contentEnd: j, end: j, hasDoubledQuotes: false, endsRecord: false)
        }
        let contentEnd = j > start && bytes[j - 1] == Self.cr ? j - 1 : j
        i = j < n ? j + 1 : j
        return Field(
            start: start, contentStart: start, contentEnd: contentEnd, end: contentEnd, hasDoubledQuotes: false,
            endsRecord: true)
    }
}
