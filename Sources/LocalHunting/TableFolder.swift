public import Foundation
import Hunting
public import KQL

// The loader behind `hunt run --tables DIR`: a folder of a team's own exported samples, one table
// per file, read into the same column layout the response decoder and the engine use. Files are
// read as UTF-8 bytes (STYLE habit 9); the readers live in CSVReader.swift and
// JSONLinesReader.swift, saved API responses go through `HuntingResponseDecoder`.

// MARK: - Public API

/// A folder of user tables: each `.csv`, `.jsonl`/`.ndjson` or `.json` file in it is one table,
/// named after the file's base name (`DeviceProcessEvents.csv` → `DeviceProcessEvents`).
///
/// Listing the folder (``init(directory:)``) checks names only; ``loadTables(schema:)`` reads the
/// files (see ``TableFile/Format`` for what each format holds and how its columns get their types).
/// Rules:
/// - hidden files, subfolders, Office lock files (`~$…`) and files with any other extension are
///   skipped; extensions match without regard to case;
/// - a table name must be a KQL identifier (letters, digits, `_`, not starting with a digit) and
///   not a KQL keyword; two files may not give the same name (`X.csv` beside `X.jsonl`).
public struct TableFolder: Sendable, Hashable {
    /// The folder, as given.
    public let directory: URL
    /// The table files, sorted by table name.
    public let files: [TableFile]

    /// Lists the table files of a folder without reading them.
    /// - Parameter directory: the folder to list.
    /// - Throws: ``TableFolderError`` when the folder is missing or unreadable, a table file's name is
    ///   not a valid table name, or two files give the same table name.
    public init(directory: URL) throws(TableFolderError) {
        self.directory = directory
        files = try Self.listTableFiles(in: directory)
    }

    /// The table names, sorted.
    public var tableNames: [String] { files.map(\.tableName) }

    /// Reads every table file.
    /// - Parameter schema: the schema that types the columns of known tables in CSV and JSON Lines
    ///   files (a column type written in a CSV header wins over it).
    /// - Returns: the tables by name.
    /// - Throws: ``TableFolderError`` for the first file (in name order) that cannot be read,
    ///   with its path and, where one exists, the line and column of the problem.
    public func loadTables(schema: HuntingSchema = .defender) throws(TableFolderError) -> [String: KQLTable] {
        var tables: [String: KQLTable] = [:]
        for file in files { tables[file.tableName] = try file.load(schema: schema) }
        return tables
    }

    /// Lists and reads every table file of a folder.
    /// - Parameters:
    ///   - directory: the folder.
    ///   - schema: the schema that types the columns of known tables.
    /// - Returns: the tables by name; an empty dictionary for a folder with no table files.
    /// - Throws: ``TableFolderError`` as ``init(directory:)`` and ``loadTables(schema:)`` do.
    public static func load(from directory: URL, schema: HuntingSchema = .defender) throws(TableFolderError) -> [String:
        KQLTable]
    {
        try TableFolder(directory: directory).loadTables(schema: schema)
    }

    /// The file extensions read as tables (lowercase), and their formats.
    public static let formatsByExtension: [String: TableFile.Format] = [
        "csv": .csv, "jsonl": .jsonLines, "ndjson": .jsonLines, "json": .huntingResponse,
    ]
}

/// One table file of a ``TableFolder``.
public struct TableFile: Sendable, Hashable {
    /// How a file is read, by its extension.
    public enum Format: String, Sendable, Hashable, CustomStringConvertible {
        /// `.csv`: RFC 4180 (quoted fields, doubled quotes, LF or CRLF, an optional UTF-8 byte order
        /// mark). The header names the columns; a header cell `Name:type` declares the column's KQL
        /// type, else a known table's schema types it, else it is `string`. A blank cell is null; a
        /// cell that does not convert to its column's type is an error.
        case csv
        /// `.jsonl` / `.ndjson`: one JSON object per line; the columns are the union of the keys in
        /// first-seen order, typed by a known table's schema or else by their JSON values.
        case jsonLines
        /// `.json`: a saved Graph `runHuntingQuery` (`schema`/`results`) or legacy Defender
        /// (`Schema`/`Results`) response, typed by its own schema.
        case huntingResponse

        /// A short name for messages: `CSV`, `JSON Lines`, `hunting API response`.
        public var description: String {
            switch self {
            case .csv: "CSV"
            case .jsonLines: "JSON Lines"
            case .huntingResponse: "hunting API response"
            }
        }
    }

    /// The table name: the file name without its extension.
    public let tableName: String
    /// The file.
    public let url: URL
    /// How it is read.
    public let format: Format

    /// Creates an entry; ``TableFolder`` makes these when it lists a folder.
    /// - Parameters:
    ///   - tableName: the table name.
    ///   - url: the file.
    ///   - format: how it is read.
    public init(tableName: String, url: URL, format: Format) {
        self.tableName = tableName
        self.url = url
        self.format = format
    }

    /// Reads the file as a table.
    /// - Parameter schema: the schema that types the columns of a known table (CSV and JSON Lines).
    /// - Returns: the table.
    /// - Throws: ``TableFolderError`` with the path and, where one exists, line and column.
    public func load(schema: HuntingSchema = .defender) throws(TableFolderError) -> KQLTable {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: path)
            throw TableFolderError(
                code: .unreadableFile, path: path,
                message: missing
                    ? "cannot read the file: it does not exist (a link to a missing file?); remove it or fix the link"
                    : "cannot read the file; check its permissions")
        }
        let tableSchema = schema.table(named: tableName)
        let result = data.withUnsafeBytes { raw -> Result<KQLTable, TableFolderError> in
            let bytes = raw.bindMemory(to: UInt8.self)
            let text = FileText(path: path, bytes: bytes)
            return Result { () throws(TableFolderError) in
                try text.checkEncoding()
                switch format {
                case .csv:
                    var reader = CSVReader(text: text, tableName: tableName, schema: tableSchema)
                    return try reader.read()
                case .jsonLines:
                    var reader = JSONLinesReader(text: text, tableName: tableName, schema: tableSchema)
                    return try reader.read()
                case .huntingResponse:
                    return try text.decodeHuntingResponse()
                }
            }
        }
        return try result.get()
    }
}

/// Why a tables folder or one of its files could not be read. The message says what was expected,
/// what came, and what to change.
public struct TableFolderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem, for callers that react to some of them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: String, Hashable, Sendable {
            case folderNotFound, notAFolder, unreadableFolder, unreadableFile, invalidTableName, duplicateTable
            case invalidEncoding, invalidHeader, invalidCSV, wrongFieldCount, invalidValue, invalidJSON
            case invalidResponse
        }
        let value: Value

        /// The folder does not exist.
        public static let folderNotFound = Code(value: .folderNotFound)
        /// The path names a file, not a folder.
        public static let notAFolder = Code(value: .notAFolder)
        /// The folder cannot be listed.
        public static let unreadableFolder = Code(value: .unreadableFolder)
        /// A table file cannot be read.
        public static let unreadableFile = Code(value: .unreadableFile)
        /// A file name does not make a valid KQL table name.
        public static let invalidTableName = Code(value: .invalidTableName)
        /// Two files give the same table name.
        public static let duplicateTable = Code(value: .duplicateTable)
        /// The file is not UTF-8 (UTF-16, or Windows-1252 bytes, for instance).
        public static let invalidEncoding = Code(value: .invalidEncoding)
        /// A CSV header is missing, has an empty or repeated column name, or an unknown type.
        public static let invalidHeader = Code(value: .invalidHeader)
        /// CSV quoting is broken: an unclosed quote or text after a closing quote.
        public static let invalidCSV = Code(value: .invalidCSV)
        /// A CSV row has more or fewer fields than the header has columns.
        public static let wrongFieldCount = Code(value: .wrongFieldCount)
        /// A cell does not convert to its column's type.
        public static let invalidValue = Code(value: .invalidValue)
        /// A JSON Lines line is not one well-formed JSON object.
        public static let invalidJSON = Code(value: .invalidJSON)
        /// A `.json` file is not a saved hunting API response.
        public static let invalidResponse = Code(value: .invalidResponse)

        /// The code's name, such as `invalidValue`.
        public var description: String { value.rawValue }
    }

    /// The class of problem.
    public let code: Code
    /// The folder or file the problem is in.
    public let path: String
    /// The one-based line of the problem, when it is inside a file.
    public let line: Int?
    /// The one-based column of the problem (in Unicode scalars), when it is inside a file.
    public let column: Int?
    /// What is wrong and what to do about it.
    public let message: String

    /// Creates an error.
    public init(code: Code, path: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.code = code
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `PATH:LINE:COLUMN: MESSAGE`, or `PATH: MESSAGE` when the problem has no position.
    public var description: String {
        if let line, let column { return "\(path):\(line):\(column): \(message)" }
        return "\(path): \(message)"
    }
}

// MARK: - Listing

extension TableFolder {
    private static func listTableFiles(in directory: URL) throws(TableFolderError) -> [TableFile] {
        let path = directory.path
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TableFolderError(
                code: .folderNotFound, path: path,
                message: "the tables folder does not exist; pass a folder of .csv, .jsonl or .json files")
        }
        guard isDirectory.boolValue else {
            throw TableFolderError(
                code: .notAFolder, path: path,
                message: "this is a file, not a folder; pass the folder that holds the table files")
        }
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: path)
        } catch {
            throw TableFolderError(
                code: .unreadableFolder, path: path, message: "cannot list the folder; check its permissions")
        }
        var files: [TableFile] = []
        var byTable: [String: TableFile] = [:]
        for name in names.sorted() {
            // Hidden files, and the lock files Office leaves beside an open workbook.
            if name.hasPrefix(".") || name.hasPrefix("~$") { continue }
            let url = directory.appendingPathComponent(name)
            let ext = url.pathExtension.lowercased()
            guard let format = formatsByExtension[ext] else { continue }
            // Subfolders are skipped; a link to nowhere is kept, so that loading says it cannot be read.
            var isFolder: ObjCBool = false
            if manager.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue { continue }
            let tableName = String(name.dropLast(ext.count + 1))
            if let problem = tableNameProblem(tableName) {
                throw TableFolderError(code: .invalidTableName, path: url.path, message: problem)
            }
            let file = TableFile(tableName: tableName, url: url, format: format)
            if let other = byTable[tableName] {
                throw TableFolderError(
                    code: .duplicateTable, path: path,
                    message: "\(other.url.lastPathComponent) and \(name) both give table '\(tableName)'; "
                        + "keep one of them or rename the other")
            }
            byTable[tableName] = file
            files.append(file)
        }
        return files.sorted { $0.tableName < $1.tableName }
    }

    /// Why `name` cannot name a table, or nil when it can.
    static func tableNameProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        let isIdentifier =
            bytes.first.map { $0 == UInt8(ascii: "_") || $0.isLetter } == true
            && bytes.allSatisfy { $0 == UInt8(ascii: "_") || $0.isLetter || $0.isDigit }
        let suggestion = suggestedTableName(name)
        if !isIdentifier {
            let shown = name.isEmpty ? "an empty name" : "'\(name)'"
            return "\(shown) is not a valid KQL table name; rename the file to letters, digits and underscores "
                + "starting with a letter, such as \(suggestion)"
        }
        if KQLWords.keywords.contains(name) {
            return "'\(name)' is a KQL keyword and cannot name a table; rename the file, such as to \(suggestion)"
        }
        return nil
    }

    private static func suggestedTableName(_ name: String) -> String {
        var out = String(
            name.unicodeScalars.map {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_"
            })
        if out.isEmpty || out.first!.isNumber || KQLWords.keywords.contains(out) { out = "T_" + out }
        return out
    }
}

extension UInt8 {
    fileprivate var isLetter: Bool { (self | 0x20) >= 0x61 && (self | 0x20) <= 0x7A }
    fileprivate var isDigit: Bool { self >= 0x30 && self <= 0x39 }
}

// MARK: - File text

/// A file's bytes with its path, for readers that report problems at a line and column. Lines and
/// columns are computed only when an error is made, from a byte offset, so the hot loops track
/// nothing but offsets.
struct FileText {
    let path: String
    let bytes: UnsafeBufferPointer<UInt8>
    /// Where the content starts: 3 after a UTF-8 byte order mark, else 0.
    let bodyStart: Int

    init(path: String, bytes: UnsafeBufferPointer<UInt8>) {
        self.path = path
        self.bytes = bytes
        bodyStart = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    var count: Int { bytes.count }

    /// The one-based line and column (in Unicode scalars; a byte order mark does not count) of `offset`.
    func location(of offset: Int) -> (line: Int, column: Int) {
        let offset = min(max(offset, 0), bytes.count)
        var line = 1
        var lineStart = bodyStart
        for i in 0..<offset where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        if lineStart < offset {
            for i in lineStart..<offset where bytes[i] & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }

    /// An error at `offset` in this file.
    func error(_ code: TableFolderError.Code, at offset: Int, _ message: String) -> TableFolderError {
        let (line, column) = location(of: offset)
        return TableFolderError(code: code, path: path, line: line, column: column, message: message)
    }

    /// The text of `range` as a string (invalid UTF-8 repaired, which a checked file has none of).
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Refuses UTF-16 files and bytes that are not UTF-8, the usual result of saving from Excel as
    /// plain "CSV" or "Unicode Text".
    func checkEncoding() throws(TableFolderError) {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw error(
                .invalidEncoding, at: 0,
                "the file is UTF-16; save it as UTF-8 (in Excel: Save As → CSV UTF-8)")
        }
        if let bad = firstInvalidUTF8(bytes) {
            throw error(
                .invalidEncoding, at: bad,
                "byte 0x\(String(bytes[bad], radix: 16, uppercase: true)) is not UTF-8; save the file as UTF-8 "
                    + "(in Excel: Save As → CSV UTF-8)")
        }
    }

    /// Decodes a saved Graph or Defender hunting response with the package's response decoder.
    func decodeHuntingResponse() throws(TableFolderError) -> KQLTable {
        do {
            return try HuntingResponseDecoder.decode(UnsafeRawBufferPointer(bytes)).table
        } catch {
            var message = error.message
            if [.notJSON, .notAnObject, .missingSchema, .missingResults].contains(error.code) {
                message +=
                    "; a .json table file must be a saved Graph runHuntingQuery response "
                    + "{\"schema\": [...], \"results\": [...]} or a Defender API response "
                    + "{\"Schema\": [...], \"Results\": [...]}; save plain rows as .jsonl, one object per line"
            }
            throw self.error(.invalidResponse, at: error.offset, message)
        }
    }
}

/// The offset of the first byte that does not belong to well-formed UTF-8 (no overlong forms,
/// surrogates or code points past U+10FFFF), or nil. Eight ASCII bytes are checked at a time.
func firstInvalidUTF8(_ s: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let base = s.baseAddress else { return nil }
    let count = s.count
    var i = 0
    while i < count {
        if i + 8 <= count, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
            continue
        }
        let lead = s[i]
        if lead < 0x80 {
            i += 1
            continue
        }
        let length = lead < 0xC2 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF5 ? 4 : 0
        guard length > 0, i + length <= count else { return i }
        let second: ClosedRange<UInt8> =
            switch lead {
            case 0xE0: 0xA0...0xBF
            case 0xED: 0x80...0x9F
            case 0xF0: 0x90...0xBF
            case 0xF4: 0x80...0x8F
            default: 0x80...0xBF
            }
        guard second.contains(s[i + 1]) else { return i }
        for k in 2..<length where s[i + k] & 0xC0 != 0x80 { return i }
        i += length
    }
    return nil
}

// MARK: - Columns and cells

/// A column to read: its name, its type, and where the type came from (for messages).
struct ColumnPlan {
    enum Origin {
        /// Written in the CSV header as `Name:type`.
        case header
        /// The type of the column in the named table's schema.
        case schema(table: String)
        /// The default (`string`) or inferred from the values.
        case data
    }

    var name: String
    var type: KQLScalarType
    var origin: Origin

    /// The message for a value that does not convert: what was expected, what came, what to write.
    /// - Parameters:
    ///   - shown: the value as the user wrote it, quoted when it is text.
    ///   - detail: why it did not parse, when known (a JSON syntax error in a dynamic cell).
    ///   - nullHint: how to write a null in this format, such as "leave the cell empty for null".
    func invalidValueMessage(got shown: String, detail: String? = nil, nullHint: String) -> String {
        let origin =
            switch origin {
            case .header: " (declared in the header)"
            case .schema(let table): " (its type in the \(table) schema)"
            case .data: ""
            }
        let detailText = detail.map { " (\($0))" } ?? ""
        return "expected \(type.noun) in column \(name)\(origin), got \(shown)\(detailText); "
            + "\(type.hint), or \(nullHint)"
    }

    /// Text as an error message shows it: quoted, escaped, and cut at 60 characters.
    static func quoted(_ text: String) -> String {
        KQLLiteralFormatter.string(text.count > 60 ? String(text.prefix(57)) + "..." : text)
    }
}

extension KQLScalarType {
    /// The type with its article, as in "expected a datetime".
    fileprivate var noun: String {
        switch self {
        case .int: "an int"
        case .dynamic: "JSON (dynamic)"
        default: "a \(rawValue)"
        }
    }

    /// What to write instead.
    fileprivate var hint: String {
        switch self {
        case .bool: "write true or false"
        case .int: "write a whole number between -2147483648 and 2147483647"
        case .long: "write a whole number such as 42"
        case .real: "write a number such as 0.5"
        case .decimal: "write a decimal number such as 12.50"
        case .string: "write any text"
        case .datetime: "write ISO 8601 such as 2024-05-01T12:00:00Z"
        case .timespan: "write a timespan such as 00:05:00, 1.12:00:00 or 7d"
        case .guid: "write a GUID such as 8a2b1c3d-0000-4000-8000-0123456789ab"
        case .dynamic: "write JSON such as [\"a\", \"b\"] or {\"key\": 1}"
        }
    }
}

/// Converts cell text (UTF-8 bytes) to a column's type and appends it. Common shapes (plain
/// integers, ISO 8601 and US dates in UTC, `hh:mm:ss` timespans, `true`/`false`, plain decimals)
/// are read straight from the bytes;
/// everything else goes through `KQLValue(text:as:)`, the one definition of what a cell may hold,
/// so the fast paths only ever accept a subset of it with the same result.
enum CellParser {
    /// Why a cell did not convert.
    struct Failure: Error {
        /// The parser's explanation, when it adds something (a JSON syntax error).
        var detail: String?
    }

    /// Appends `cell` converted to the builder's type. Blank text is null (an empty string for
    /// `string` columns, which keep the text as it is, spaces included).
    /// - Throws: ``Failure`` when the text is not a value of the type.
    static func append(_ cell: UnsafeBufferPointer<UInt8>, to builder: inout KQLColumnBuilder) throws(Failure) {
        let type = builder.type
        if type == .string {
            builder.append(stringUTF8: cell)
            return
        }
        if isBlank(cell) {
            builder.appendNull()
            return
        }
        switch type {
        case .long:
            if let value = plainInteger(cell) { return builder.append(long: value) }
        case .int:
            if let value = plainInteger(cell), let narrow = Int32(exactly: value) { return builder.append(int: narrow) }
        case .datetime:
            if let ticks = dateTimeTicks(cell) { return builder.append(datetimeTicks: ticks) }
        case .timespan:
            if let ticks = timespanTicks(cell) { return builder.append(timespanTicks: ticks) }
        case .bool:
            if let value = plainBool(cell) { return builder.append(bool: value) }
        case .real:
            if let value = plainReal(cell) { return builder.append(real: value) }
        default:
            break
        }
        let text = String(decoding: cell, as: UTF8.self)
        do {
            builder.append(try KQLValue(text: text, as: type))
        } catch {
            var detail: String?
            if type == .dynamic {
                do { _ = try KQLDynamic(parsing: text) } catch { detail = error.message }
            }
            throw Failure(detail: detail)
        }
    }

    /// Whether the text is empty or only spaces, tabs and line breaks.
    static func isBlank(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in s where byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { return false }
        return true
    }

    /// `-?[0-9]{1,18}`: a plain integer that cannot overflow; anything else (signs, hex, spaces,
    /// longer numbers) is left to the full parser.
    @inline(__always)
    static func plainInteger(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let negative = s.count > 0 && s[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        let digits = s.count - i
        guard digits > 0, digits <= 18 else { return nil }
        var value: Int64 = 0
        while i < s.count {
            let digit = s[i] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            i += 1
        }
        return negative ? -value : value
    }

    /// `true`, `false`, `True`, `False`, `TRUE`, `FALSE`.
    @inline(__always)
    static func plainBool(_ s: UnsafeBufferPointer<UInt8>) -> Bool? {
        if s.count == 4, s[0] | 0x20 == 0x74, s[1] | 0x20 == 0x72, s[2] | 0x20 == 0x75, s[3] | 0x20 == 0x65 {
            return true
        }
        if s.count == 5, s[0] | 0x20 == 0x66, s[1] | 0x20 == 0x61, s[2] | 0x20 == 0x6C, s[3] | 0x20 == 0x73,
            s[4] | 0x20 == 0x65
        {
            return false
        }
        return nil
    }

    /// A number made of digits, a sign, a point and an exponent only, as the full parser would
    /// read it (it, too, ends in `Double(String)`); short texts make no heap string.
    @inline(__always)
    static func plainReal(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let first = s.first, first &- 0x30 < 10 || first == UInt8(ascii: "-") || first == UInt8(ascii: ".")
        else { return nil }
        for byte in s
        where
            !(byte &- 0x30 < 10 || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte | 0x20 == UInt8(ascii: "e"))
        {
            return nil
        }
        return Double(String(decoding: s, as: UTF8.self))
    }

    /// A datetime in the ISO 8601 (`yyyy-MM-dd[Thh:mm[:ss[.f…]]]`, `-` or `/` between date parts) or
    /// US (`M/d/yyyy [h:mm[:ss[.f…]] [AM|PM]]`, as Excel writes dates) forms, in UTC (`Z`, `UTC`,
    /// `GMT` or no zone), as ticks. Mirrors `LiteralSyntax.parseDateTime` step by step; offsets
    /// (`+02:00`), RFC 822 dates and text with spaces around it are left to it.
    @inline(__always)
    static func dateTimeTicks(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let first = s.first, let last = s.last, first &- 0x30 < 10, last != 0x20, last != 0x09, last < 0x80
        else { return nil }
        var c = Cursor(s: s)
        // ISO: four-digit year, then `-` or `/`.
        if let (year, yearDigits) = c.digits(max: 4), yearDigits == 4, let separator = c.current,
            separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/")
        {
            c.index += 1
            guard let (month, _) = c.digits(max: 2), c.consume(separator), let (day, _) = c.digits(max: 2) else {
                return nil
            }
            if c.consume(UInt8(ascii: "T")) || c.consume(UInt8(ascii: " ")) {
                guard !c.isAtEnd else { return nil }
            }
            return finishDate(&c, year: year, month: month, day: day)
        }
        // US: `M/d/yyyy`.
        c.index = 0
        guard let (month, _) = c.digits(max: 2), c.consume(UInt8(ascii: "/")), let (day, _) = c.digits(max: 2),
            c.consume(UInt8(ascii: "/")), let (year, yearDigits) = c.digits(max: 4), yearDigits == 4
        else { return nil }
        c.skipBlanks()
        return finishDate(&c, year: year, month: month, day: day)
    }

    /// The optional `time [AM|PM] [zone]` after a date, as `LiteralSyntax` reads it.
    @inline(__always)
    private static func finishDate(_ c: inout Cursor, year: Int, month: Int, day: Int) -> Int64? {
        var time = (hour: 0, minute: 0, second: 0, fraction: Int64(0))
        if !c.isAtEnd {
            guard let parsed = c.clock() else { return nil }
            time = parsed
            c.skipBlanks()
            if c.consume(UInt8(ascii: "P"), UInt8(ascii: "M")) || c.consume(UInt8(ascii: "p"), UInt8(ascii: "m")) {
                guard (1...12).contains(time.hour) else { return nil }
                time.hour = time.hour % 12 + 12
            } else if c.consume(UInt8(ascii: "A"), UInt8(ascii: "M")) || c.consume(UInt8(ascii: "a"), UInt8(ascii: "m"))
            {
                guard (1...12).contains(time.hour) else { return nil }
                time.hour %= 12
            }
            c.skipBlanks()
            if c.consume(UInt8(ascii: "Z")) || c.consume(UInt8(ascii: "z")) {
            } else if c.consume(UInt8(ascii: "U"), UInt8(ascii: "T"), UInt8(ascii: "C"))
                || c.consume(UInt8(ascii: "G"), UInt8(ascii: "M"), UInt8(ascii: "T"))
            {
            }
        }
        guard c.isAtEnd else { return nil }
        return KQLDateTime(
            year: year, month: month, day: day, hour: time.hour, minute: time.minute, second: time.second,
            fractionTicks: time.fraction)?
            .ticks
    }

    /// A timespan in the constant format `[-][d.]hh:mm[:ss[.f…]]`, as ticks. Mirrors
    /// `LiteralSyntax.parseTimespan` for that form; units (`7d`), ISO durations and day counts past
    /// seven digits are left to it.
    @inline(__always)
    static func timespanTicks(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        var c = Cursor(s: s)
        let negative = c.consume(UInt8(ascii: "-"))
        let numberStart = c.index
        guard let (lead, leadDigits) = c.digits(max: 19), let next = c.current else { return nil }
        var days = 0
        if next == UInt8(ascii: ".") {
            // `d.hh:…`: the slow path's clock test; anything else (`1.5h`) is left to it.
            guard leadDigits <= 7, c.index + 3 < s.count, s[c.index + 1] &- 0x30 < 10,
                s[c.index + 2] == UInt8(ascii: ":")
                    || (s[c.index + 2] &- 0x30 < 10 && s[c.index + 3] == UInt8(ascii: ":"))
            else { return nil }
            days = lead
            c.index += 1
        } else {
            guard next == UInt8(ascii: ":") else { return nil }
            c.index = numberStart
        }
        guard let time = c.clock(), time.hour < 24, time.minute < 60, time.second < 60, c.isAtEnd else { return nil }
        let ticks =
            Int64(days) * KQLTimespan.day + Int64(time.hour) * KQLTimespan.hour
            + Int64(time.minute) * KQLTimespan.minute + Int64(time.second) * KQLTimespan.second + time.fraction
        return negative ? -ticks : ticks
    }

    /// A cursor over a cell's bytes, with the readers the date and time fast paths share.
    private struct Cursor {
        let s: UnsafeBufferPointer<UInt8>
        var index = 0

        var isAtEnd: Bool { index >= s.count }
        var current: UInt8? { index < s.count ? s[index] : nil }

        /// Up to `max` decimal digits (at least one) and how many there were.
        @inline(__always)
        mutating func digits(max: Int) -> (Int, Int)? {
            var value = 0
            var count = 0
            while count < max, index < s.count, s[index] &- 0x30 < 10 {
                value = value * 10 + Int(s[index] &- 0x30)
                count += 1
                index += 1
            }
            return count > 0 ? (value, count) : nil
        }

        @inline(__always)
        mutating func consume(_ bytes: UInt8...) -> Bool {
            guard index + bytes.count <= s.count else { return false }
            for (k, byte) in bytes.enumerated() where s[index + k] != byte { return false }
            index += bytes.count
            return true
        }

        mutating func skipBlanks() {
            while index < s.count, s[index] == 0x20 || s[index] == 0x09 { index += 1 }
        }

        /// `h:mm[:ss[.f…]]`, each part one or two digits; fractions past seven digits truncated.
        @inline(__always)
        mutating func clock() -> (hour: Int, minute: Int, second: Int, fraction: Int64)? {
            guard let (hour, _) = digits(max: 2), consume(UInt8(ascii: ":")), let (minute, _) = digits(max: 2) else {
                return nil
            }
            var second = 0
            var fraction: Int64 = 0
            if consume(UInt8(ascii: ":")) {
                guard let (parsed, _) = digits(max: 2) else { return nil }
                second = parsed
                if consume(UInt8(ascii: ".")) {
                    var count = 0
                    while index < s.count, s[index] &- 0x30 < 10 {
                        if count < 7 { fraction = fraction * 10 + Int64(s[index] &- 0x30) }
                        count += 1
                        index += 1
                    }
                    guard count > 0 else { return nil }
                    for _ in min(count, 7)..<7 { fraction *= 10 }
                }
            }
            return (hour, minute, second, fraction)
        }
    }

}
