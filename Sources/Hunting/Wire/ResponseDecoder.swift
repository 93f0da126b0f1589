public import Foundation
public import KQL

// The decoder for advanced-hunting 200 bodies (spec §1.3, §1.4, §2.2, §6): one pass over the UTF-8
// bytes, cells appended straight into typed column builders. Foundation's JSON parsers are 3–5×
// slower than Python's json module here and build a dictionary per row (STYLE habit 9), so this is
// a hand-written reader. Everything but the public types at the top is internal.

// MARK: - Public API

/// A decoded advanced-hunting response: the result table and what came with it.
public struct DecodedResponse: Sendable, Hashable {
    /// The rows, with one typed column per `schema` entry, in schema order.
    public var table: KQLTable
    /// The legacy `Stats` object (timings, resource usage), or `nil` when the response has none (Graph).
    public var stats: KQLDynamic?
    /// Whether the table reached the service's cap of 100,000 rows, so more rows probably exist.
    public var truncated: Bool

    /// Creates a decoded response.
    public init(table: KQLTable, stats: KQLDynamic? = nil, truncated: Bool = false) {
        self.table = table
        self.stats = stats
        self.truncated = truncated
    }
}

/// Why a response body could not be decoded. The message says what was expected and where; it
/// never quotes the body, which holds customer data.
public struct ResponseDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem, for callers that react to some of them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: String, Hashable, Sendable {
            case notJSON, notAnObject, missingSchema, invalidSchema, missingResults, resultsNotArray
            case rowNotObject, unexpectedEnd, invalidJSON, tooDeep
        }
        let value: Value

        /// The body is empty or does not start like JSON (an HTML error page, for instance).
        public static let notJSON = Code(value: .notJSON)
        /// The body is JSON but its top-level value is not an object.
        public static let notAnObject = Code(value: .notAnObject)
        /// The top-level object has no `schema` (or `Schema`) key.
        public static let missingSchema = Code(value: .missingSchema)
        /// `schema` is not an array of `{name, type}` objects.
        public static let invalidSchema = Code(value: .invalidSchema)
        /// The top-level object has no `results` (or `Results`) key.
        public static let missingResults = Code(value: .missingResults)
        /// `results` is not an array.
        public static let resultsNotArray = Code(value: .resultsNotArray)
        /// An element of `results` is not an object.
        public static let rowNotObject = Code(value: .rowNotObject)
        /// The body ends in the middle of a value: a truncated download.
        public static let unexpectedEnd = Code(value: .unexpectedEnd)
        /// Any other JSON syntax error.
        public static let invalidJSON = Code(value: .invalidJSON)
        /// Arrays or objects nest deeper than the decoder follows (256 levels).
        public static let tooDeep = Code(value: .tooDeep)

        /// The code's name, such as `unexpectedEnd`.
        public var description: String { value.rawValue }
    }

    /// The class of problem.
    public let code: Code
    /// What was expected, what came instead, and in which part of the response.
    public let message: String
    /// The zero-based byte offset in the body where the problem was found.
    public let offset: Int
    /// The one-based line of `offset`.
    public let line: Int
    /// The one-based column of `offset`, in bytes.
    public let column: Int

    /// Creates an error.
    public init(code: Code, message: String, offset: Int, line: Int, column: Int) {
        self.code = code
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// `response body:LINE:COLUMN (byte OFFSET): MESSAGE`.
    public var description: String { "response body:\(line):\(column) (byte \(offset)): \(message)" }

    /// The same error with the part of the response it happened in appended to the message.
    func inside(_ context: String) -> ResponseDecodingError {
        ResponseDecodingError(code: code, message: message + ", " + context, offset: offset, line: line, column: column)
    }
}

/// Decodes the 200 bodies of Graph `runHuntingQuery` and the legacy Defender hunting APIs into a
/// ``KQLTable``.
///
/// Accepted shapes: `schema`/`results` (Graph) and `Schema`/`Results`/`Stats` (legacy) top-level
/// keys in either order; `name`/`type` or `Name`/`Type` schema items; row keys matched by exact
/// column name first, then case-insensitively; a missing key is a null cell. Cells are converted
/// by column type as spec §1.4 describes, leniently: a value that does not fit its column becomes a
/// typed null (an empty string in `string` columns gets the value's JSON text instead). Decisions
/// the spec leaves open:
/// - integers that do not fit the column (above `Int64.max`, or outside `Int32` for `Int32`) and
///   numbers with a fraction in integer columns become null, never a rounded value;
/// - a number in a `TimeSpan` column counts ticks (100 ns);
/// - a string in an `Object` column is parsed as JSON when its whole content is JSON (so `"[1]"`
///   and `"7"` become an array and a long), and kept as a string otherwise;
/// - when a key occurs twice in one row, the first occurrence wins;
/// - an unknown type name makes a `string` column (see ``KQLScalarType/init(apiTypeName:)``).
public enum HuntingResponseDecoder {
    /// The most rows the services return for one query; a table this long is marked truncated.
    public static let serviceRowLimit = 100_000

    /// Decodes a response body.
    /// - Parameter body: the UTF-8 JSON body (`Data`, `[UInt8]`, …).
    /// - Returns: the table, the legacy `Stats` object if present, and whether the row cap was hit.
    /// - Throws: ``ResponseDecodingError`` when the body is not a hunting response.
    public static func decode(_ body: some ContiguousBytes) throws(ResponseDecodingError) -> DecodedResponse {
        let result = body.withUnsafeBytes { raw in
            Result { () throws(ResponseDecodingError) in try decode(raw) }
        }
        return try result.get()
    }

    /// Decodes a response body given as raw bytes.
    /// - Parameter body: the UTF-8 JSON body.
    /// - Returns: the table, the legacy `Stats` object if present, and whether the row cap was hit.
    /// - Throws: ``ResponseDecodingError`` when the body is not a hunting response.
    public static func decode(_ body: UnsafeRawBufferPointer) throws(ResponseDecodingError) -> DecodedResponse {
        guard let base = body.baseAddress, body.count > 0 else {
            throw ResponseDecodingError(
                code: .notJSON, message: "the body is empty; expected a JSON object with schema and results",
                offset: 0, line: 1, column: 1)
        }
        var reader = JSONReader(base: base.assumingMemoryBound(to: UInt8.self), count: body.count)
        var topLevel = TopLevelDecoder()
        return try topLevel.decode(&reader)
    }
}

// MARK: - Top level

/// Walks the top-level object, picks the schema, results and Stats keys, and parses results after
/// the schema even when they come first.
private struct TopLevelDecoder {
    /// How well a key matched: exact spellings beat case-insensitive ones.
    enum Match: Int, Comparable {
        case noMatch = 0, caseInsensitive, exact
        static func < (a: Match, b: Match) -> Bool { a.rawValue < b.rawValue }
    }

    var schema: [(name: String, type: KQLScalarType)]?
    var schemaMatch = Match.noMatch
    var resultsAt: Int?
    var resultsMatch = Match.noMatch
    var table: KQLTable?
    var stats: KQLDynamic?
    var statsMatch = Match.noMatch

    mutating func decode(_ r: inout JSONReader) throws(ResponseDecodingError) -> DecodedResponse {
        r.skipByteOrderMark()
        r.skipWhitespace()
        try r.expectTopLevelObject()
        let objectStart = r.index
        r.index += 1
        r.skipWhitespace()
        if r.peek() == ASCII.closeBrace {
            r.index += 1
        } else {
            try readMembers(&r)
        }
        r.skipWhitespace()
        guard r.index == r.end else {
            throw r.error(.invalidJSON, "expected the end of the body after the top-level object")
        }
        guard let schema else {
            throw r.error(.missingSchema, "the top-level object has no 'schema' (or 'Schema') key", at: objectStart)
        }
        guard let resultsAt else {
            throw r.error(.missingResults, "the top-level object has no 'results' (or 'Results') key", at: objectStart)
        }
        if table == nil {
            r.index = resultsAt
            table = try decodeResults(&r, schema: schema)
        }
        let finished = table ?? .empty
        return DecodedResponse(
            table: finished, stats: stats,
            truncated: finished.rowCount >= HuntingResponseDecoder.serviceRowLimit)
    }

    private mutating func readMembers(_ r: inout JSONReader) throws(ResponseDecodingError) {
        while true {
            guard r.peek() == ASCII.quote else { throw r.unexpected("a key in the top-level object") }
            let key = try r.readString()
            let schemaKey = Self.match(key, exact: "schema", "Schema")
            let resultsKey = Self.match(key, exact: "results", "Results")
            let statsKey = Self.match(key, exact: "Stats", "stats")
            try r.expectColon(in: "the top-level object")
            if schemaKey > schemaMatch {
                schema = try SchemaReader.read(&r)
                schemaMatch = schemaKey
            } else if resultsKey > resultsMatch {
                resultsMatch = resultsKey
                resultsAt = r.index
                // Parse now when the schema is final (an exact key cannot be replaced); otherwise
                // skip and parse once the whole object has been seen.
                if let schema, schemaMatch == .exact {
                    table = try decodeResults(&r, schema: schema)
                } else {
                    table = nil
                    try r.skipValue()
                }
            } else if statsKey > statsMatch {
                statsMatch = statsKey
                do {
                    let value = try r.readDynamic(depth: 0)
                    stats = value == .null ? nil : value
                } catch {
                    throw error.inside("in Stats")
                }
            } else {
                try r.skipValue()
            }
            r.skipWhitespace()
            if try r.endOfMember(closer: ASCII.closeBrace, in: "the top-level object") { return }
        }
    }

    private func decodeResults(
        _ r: inout JSONReader, schema: [(name: String, type: KQLScalarType)]
    ) throws(ResponseDecodingError) -> KQLTable {
        var rows = ResultsDecoder(schema: schema)
        return try rows.decode(&r)
    }

    /// `exact` spellings match as they are; anything else that equals them ignoring ASCII case
    /// matches weaker.
    static func match(_ key: UnsafeBufferPointer<UInt8>, exact first: StaticString, _ second: StaticString) -> Match {
        if bytesEqual(key, first) || bytesEqual(key, second) { return .exact }
        return asciiCaseInsensitiveEqual(key, first) ? .caseInsensitive : .noMatch
    }
}

// MARK: - Schema

/// Reads `schema`: an array of `{name, type}` objects in either casing.
private enum SchemaReader {
    static func read(_ r: inout JSONReader) throws(ResponseDecodingError) -> [(name: String, type: KQLScalarType)] {
        guard let first = r.peek() else { throw r.unexpected("the schema array") }
        guard first == ASCII.openBracket else {
            throw r.error(.invalidSchema, "expected the schema to be an array of {name, type} objects")
        }
        r.index += 1
        r.skipWhitespace()
        var columns: [(name: String, type: KQLScalarType)] = []
        if r.peek() == ASCII.closeBracket {
            r.index += 1
            return columns
        }
        while true {
            do {
                columns.append(try readItem(&r))
            } catch {
                throw error.inside("in schema item \(columns.count + 1)")
            }
            r.skipWhitespace()
            if try r.endOfMember(closer: ASCII.closeBracket, in: "the schema array") { return columns }
        }
    }

    private static func readItem(_ r: inout JSONReader) throws(ResponseDecodingError) -> (name: String, type: KQLScalarType) {
        let itemStart = r.index
        guard let first = r.peek() else { throw r.unexpected("a schema item") }
        guard first == ASCII.openBrace else {
            throw r.error(.invalidSchema, "expected a schema item to be an object with name and type")
        }
        r.index += 1
        r.skipWhitespace()
        var name: (String, TopLevelDecoder.Match)?
        var type: (String, TopLevelDecoder.Match)?
        if r.peek() == ASCII.closeBrace {
            r.index += 1
        } else {
            while true {
                guard r.peek() == ASCII.quote else { throw r.unexpected("a key in a schema item") }
                let key = try r.readString()
                let nameKey = TopLevelDecoder.match(key, exact: "name", "Name")
                let typeKey = TopLevelDecoder.match(key, exact: "type", "Type")
                try r.expectColon(in: "a schema item")
                if nameKey > (name?.1 ?? .noMatch) {
                    name = (try readText(&r, what: "name"), nameKey)
                } else if typeKey > (type?.1 ?? .noMatch) {
                    type = (try readText(&r, what: "type"), typeKey)
                } else {
                    try r.skipValue()
                }
                r.skipWhitespace()
                if try r.endOfMember(closer: ASCII.closeBrace, in: "a schema item") { break }
            }
        }
        guard let name else { throw r.error(.invalidSchema, "expected a schema item to have a name", at: itemStart) }
        // A missing type is as good as an unknown one: keep the cells as text.
        return (name.0, KQLScalarType(apiTypeName: type?.0 ?? ""))
    }

    private static func readText(_ r: inout JSONReader, what: String) throws(ResponseDecodingError) -> String {
        guard r.peek() == ASCII.quote else { throw r.error(.invalidSchema, "expected the column \(what) to be a string") }
        return String(decoding: try r.readString(), as: UTF8.self)
    }
}

// MARK: - Results

/// Decodes the `results` array into typed columns, one row object at a time.
private struct ResultsDecoder {
    private let types: [KQLScalarType]
    private var builders: [KQLColumnBuilder]
    private let names: [String]
    private var keys: KeyTable
    /// `filledRow[c] == row` once column `c` has its cell for `row`: no per-row reset needed.
    private var filledRow: [Int]
    /// A value found under a case-insensitive key, parsed at the end of the row if no exact key came.
    private var deferredRow: [Int]
    private var deferredAt: [Int]

    init(schema: [(name: String, type: KQLScalarType)]) {
        names = schema.map(\.name)
        types = schema.map(\.type)
        builders = schema.map { KQLColumnBuilder(type: $0.type, keepRawText: $0.type == .datetime) }
        keys = KeyTable(columnNames: names)
        filledRow = Array(repeating: -1, count: schema.count)
        deferredRow = filledRow
        deferredAt = filledRow
    }

    mutating func decode(_ r: inout JSONReader) throws(ResponseDecodingError) -> KQLTable {
        guard let first = r.peek() else { throw r.unexpected("the results array") }
        guard first == ASCII.openBracket else { throw r.error(.resultsNotArray, "expected results to be an array of row objects") }
        r.index += 1
        r.skipWhitespace()
        var row = 0
        if r.peek() == ASCII.closeBracket {
            r.index += 1
        } else {
            while true {
                do {
                    try decodeRow(&r, row: row)
                } catch {
                    throw error.inside("in row \(row + 1) of results")
                }
                row += 1
                r.skipWhitespace()
                if try r.endOfMember(closer: ASCII.closeBracket, in: "the results array") { break }
            }
        }
        let columns = zip(names, builders).map { KQLColumn(name: $0, storage: $1.finish()) }
        return KQLTable(columns: columns, rowCount: row)
    }

    private mutating func decodeRow(_ r: inout JSONReader, row: Int) throws(ResponseDecodingError) {
        guard let first = r.peek() else { throw r.unexpected("a row object") }
        guard first == ASCII.openBrace else { throw r.error(.rowNotObject, "expected a row to be an object keyed by column name") }
        r.index += 1
        r.skipWhitespace()
        if r.peek() == ASCII.closeBrace {
            r.index += 1
        } else {
            try readCells(&r, row: row)
        }
        for column in builders.indices where filledRow[column] != row {
            if deferredRow[column] == row {
                let resume = r.index
                r.index = deferredAt[column]
                try appendCell(&r, column: column)
                r.index = resume
            } else {
                appendNull(column: column)
            }
        }
    }

    /// Reads the members of one row object; the cursor is on its first key.
    private mutating func readCells(_ r: inout JSONReader, row: Int) throws(ResponseDecodingError) {
        var position = 0
        while true {
            guard r.peek() == ASCII.quote else { throw r.unexpected("a column name in a row object") }
            let entry = keys.resolve(try r.readString(), position: position)
            position += 1
            try r.expectColon(in: "a row object")
            let column = Int(entry.column)
            if column < 0 || filledRow[column] == row {
                try r.skipValue()
            } else if entry.exact {
                filledRow[column] = row
                try appendCell(&r, column: column)
            } else {
                if deferredRow[column] != row {
                    deferredRow[column] = row
                    deferredAt[column] = r.index
                }
                try r.skipValue()
            }
            r.skipWhitespace()
            if try r.endOfMember(closer: ASCII.closeBrace, in: "a row object") { return }
        }
    }

    private mutating func appendNull(column: Int) {
        builders[column].appendNull()
        if types[column] == .datetime { builders[column].appendRawText(utf8: UnsafeBufferPointer(start: nil, count: 0)) }
    }

    /// Appends the value under the cursor to `column`, converted to its type, and moves past it.
    private mutating func appendCell(_ r: inout JSONReader, column: Int) throws(ResponseDecodingError) {
        guard let first = r.peek() else { throw r.unexpected("a value") }
        if first == ASCII.n, r.consumeNull() {
            appendNull(column: column)
            return
        }
        switch types[column] {
        case .string: try appendString(&r, column: column, first: first)
        case .datetime: try appendDateTime(&r, column: column, first: first)
        case .long: try appendInteger(&r, column: column, first: first)
        case .int: try appendInteger(&r, column: column, first: first)
        case .real: try appendReal(&r, column: column, first: first)
        case .bool: try appendBool(&r, column: column, first: first)
        case .dynamic: builders[column].append(dynamic: try r.readDynamicCell())
        case .guid: try appendGuid(&r, column: column, first: first)
        case .timespan: try appendTimespan(&r, column: column, first: first)
        case .decimal: try appendDecimal(&r, column: column, first: first)
        }
    }

    /// Strings as they are; any other JSON value as its JSON text.
    private mutating func appendString(_ r: inout JSONReader, column: Int, first: UInt8) throws(ResponseDecodingError) {
        if first == ASCII.quote {
            builders[column].append(stringUTF8: try r.readString())
        } else {
            let start = r.index
            try r.skipValue()
            builders[column].append(stringUTF8: r.bytes(start..<r.index))
        }
    }

    /// Ticks from the ISO 8601 text, which is also kept as the cell's raw text.
    private mutating func appendDateTime(_ r: inout JSONReader, column: Int, first: UInt8) throws(ResponseDecodingError) {
        let text: UnsafeBufferPointer<UInt8>
        if first == ASCII.quote {
            text = try r.readString()
        } else {
            let start = r.index
            try r.skipValue()
            text = r.bytes(start..<r.index)
        }
        if first == ASCII.quote, let ticks = TextParsers.dateTimeTicks(text) {
            builders[column].append(datetimeTicks: ticks)
        } else {
            builders[column].appendNull()
        }
        builders[column].appendRawText(utf8: text)
    }

    /// `Int32`/`Int64` from numbers without a Double round trip, or from numeric strings.
    private mutating func appendInteger(_ r: inout JSONReader, column: Int, first: UInt8) throws(ResponseDecodingError) {
        var value: Int64?
        if first == ASCII.quote {
            value = TextParsers.integer(try r.readString())
        } else if first == ASCII.minus || first.isDecimalDigit {
            value = try r.readNumber().exactInt64
        } else {
            try r.skipValue()
        }
        if types[column] == .int {
            if let value, let narrow = Int32(exactly: value) {
                builders[column].append(int: narrow)
            } else {
                appendNull(column: column)
            }
        } else {
            if let value { builders[column].append(long: value) } else { appendNull(column: column) }
        }
    }

    /// Numbers, and the strings `NaN`, `Infinity`, `-Infinity` (or numeric text) Kusto writes.
    private mutating func appendReal(_ r: inout JSONReader, column: Int, first: UInt8) throws(ResponseDecodingError) {
        var value: Double?
        if first == ASCII.quote {
            value = LiteralSyntax.parseReal(String(decoding: try r.readString(), as: UTF8.self))
        } else if first == ASCII.minus || first.isDecimalDigit {
            value = try r.readNumber().double(in: r)
        } else {
            try r.skipValue()
        }
        if let value { builders[column].append(real: value) } else { appendNull(column: column) }
    }

    /// `true`/`false`, the numbers 0 and 1 (spec §1.4: legacy `SByte` columns), and those as strings.
    private mutating func appendBool(_ r: inout JSONReader, column: Int, first: UInt8) throws(ResponseDecodingError) {
        var value: Bool?
        switch first {
        case ASCII.t, ASCII.f:
            value = first == ASCII.t
            try r.skipValue()
        case ASCII.quote:
            value = LiteralSyntax.parseBool(String(decoding: try r.readString(), as: UTF8.self))
        case ASCII.minus, 0x30...0x39:
            let number = try r.readNumber().exactInt64
            value = number == 0 ? false : number == 1 ? true : nil
        default:
            try r.skipValue()
        }
        if let value { builders[column].append(bool: value) } else { appendNull(column: column) }
    }

    /// A GUID string; anything else is null.
    private mutating func appendGuid(_ r: inout JSONReader, column: Int, first: UInt8) throws(ResponseDecodingError) {
        var value: UUID?
        if first == ASCII.quote { value = TextParsers.guid(try r.readString()) } else { try r.skipValue() }
        if let value { builders[column].append(guid: value) } else { appendNull(column: column) }
    }

    /// The .NET constant format `[-][d.]hh:mm:ss[.fffffff]` (or any KQL timespan text); a number
    /// counts ticks, since no source says what unit the service would use.
    private mutating func appendTimespan(_ r: inout JSONReader, column: Int, first: UInt8) throws(ResponseDecodingError) {
        var ticks: Int64?
        if first == ASCII.quote {
            ticks = LiteralSyntax.parseTimespan(String(decoding: try r.readString(), as: UTF8.self))?.ticks
        } else if first == ASCII.minus || first.isDecimalDigit {
            ticks = try r.readNumber().exactInt64
        } else {
            try r.skipValue()
        }
        if let ticks { builders[column].append(timespanTicks: ticks) } else { appendNull(column: column) }
    }

    /// A number or numeric string, kept exact as `Decimal`.
    private mutating func appendDecimal(_ r: inout JSONReader, column: Int, first: UInt8) throws(ResponseDecodingError) {
        var text: String?
        if first == ASCII.quote {
            text = String(decoding: try r.readString(), as: UTF8.self)
        } else if first == ASCII.minus || first.isDecimalDigit {
            text = String(decoding: try r.readNumber().text(in: r), as: UTF8.self)
        } else {
            try r.skipValue()
        }
        if let value = text.flatMap({ LiteralSyntax.parseDecimal($0) }) {
            builders[column].append(decimal: value)
        } else {
            appendNull(column: column)
        }
    }
}

/// Maps row keys to column indexes without making a `String` per key. Rows nearly always repeat
/// the same key order, so the key at position `p` is first compared with the one seen at `p` in
/// the previous row; only a miss searches the distinct keys seen so far, then the schema.
private struct KeyTable {
    struct Entry {
        var start: Int32
        var count: Int32
        /// The column, or -1 for a key that is not in the schema.
        var column: Int32
        /// Whether the key equals the column name exactly (otherwise it matched ignoring case).
        var exact: Bool
    }

    private let names: [[UInt8]]
    private var pool: [UInt8] = []
    private var entries: [Entry] = []
    private var byPosition: [Int32] = []
    // Bounds for hostile bodies with endless distinct keys: beyond them keys are resolved uncached.
    private static let maxEntries = 512
    private static let maxPositions = 4096

    init(columnNames: [String]) {
        names = columnNames.map { Array($0.utf8) }
    }

    mutating func resolve(_ key: UnsafeBufferPointer<UInt8>, position: Int) -> Entry {
        if position < byPosition.count {
            let index = Int(byPosition[position])
            if index >= 0, matches(entries[index], key) { return entries[index] }
        }
        if let index = entries.indices.first(where: { matches(entries[$0], key) }) {
            remember(index, at: position)
            return entries[index]
        }
        let (column, exact) = Self.column(for: key, in: names)
        let entry = Entry(start: Int32(pool.count), count: Int32(key.count), column: Int32(column), exact: exact)
        guard entries.count < Self.maxEntries else { return entry }
        pool.append(contentsOf: key)
        entries.append(entry)
        remember(entries.count - 1, at: position)
        return entry
    }

    private func matches(_ entry: Entry, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Int(entry.count) == key.count else { return false }
        guard let keyBase = key.baseAddress else { return true }
        return pool.withUnsafeBufferPointer { bytesEqual($0.baseAddress! + Int(entry.start), keyBase, key.count) }
    }

    private mutating func remember(_ index: Int, at position: Int) {
        guard position < Self.maxPositions else { return }
        if position >= byPosition.count {
            byPosition.append(contentsOf: repeatElement(-1, count: position - byPosition.count + 1))
        }
        byPosition[position] = Int32(index)
    }

    /// The exact name first; otherwise, among names equal ignoring case, the one with the fewest
    /// differing bytes, so `logonID` finds `LogonID` and `logonId` finds `LogonId` (spec §6).
    static func column(for key: UnsafeBufferPointer<UInt8>, in names: [[UInt8]]) -> (column: Int, exact: Bool) {
        if let exact = names.firstIndex(where: { $0.elementsEqual(key) }) { return (exact, true) }
        var best: (column: Int, differences: Int)?
        for (column, name) in names.enumerated() where caseInsensitiveEqual(name, key) {
            let differences = name.count == key.count ? zip(name, key).count { $0 != $1 } : Int.max
            if best == nil || differences < best!.differences { best = (column, differences) }
        }
        return (best?.column ?? -1, false)
    }

    /// ASCII case folding, and full Unicode case folding when either side is not ASCII.
    static func caseInsensitiveEqual(_ name: [UInt8], _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        if name.allSatisfy({ $0 < 0x80 }) && key.allSatisfy({ $0 < 0x80 }) {
            return name.count == key.count && zip(name, key).allSatisfy { $0.lowercasedASCII == $1.lowercasedASCII }
        }
        return String(decoding: name, as: UTF8.self).lowercased() == String(decoding: key, as: UTF8.self).lowercased()
    }
}

// MARK: - Reader

/// A cursor over the body's UTF-8 bytes with the JSON scanning primitives. Noncopyable because it
/// owns the scratch buffer that unescaped strings are written to.
struct JSONReader: ~Copyable {
    let base: UnsafePointer<UInt8>
    let end: Int
    var index = 0
    private var scratch: UnsafeMutablePointer<UInt8>?
    private var scratchCapacity = 0
    private var scratchCount = 0
    private var closers: [UInt8] = []
    /// Deep enough for any real dynamic value, shallow enough for the recursion to be safe on a
    /// 512 KiB thread stack.
    static let maxDepth = 256

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.end = count
    }

    deinit { scratch?.deallocate() }

    // MARK: Errors

    /// An error at `offset` (the cursor by default), with its line and column.
    func error(_ code: ResponseDecodingError.Code, _ message: String, at offset: Int? = nil) -> ResponseDecodingError {
        let offset = min(offset ?? index, end)
        var line = 1
        var lineStart = 0
        for i in 0..<offset where base[i] == ASCII.newline {
            line += 1
            lineStart = i + 1
        }
        return ResponseDecodingError(code: code, message: message, offset: offset, line: line, column: offset - lineStart + 1)
    }

    /// "expected X, found Y" at the cursor, or an unexpected end when the body stops here.
    func unexpected(_ expected: String) -> ResponseDecodingError {
        guard index < end else { return error(.unexpectedEnd, "the body ends early; expected \(expected)") }
        return error(.invalidJSON, "expected \(expected), found \(Self.describe(base[index]))")
    }

    /// Names a byte without quoting data: structural characters as themselves, the rest by class.
    static func describe(_ byte: UInt8) -> String {
        switch byte {
        case ASCII.openBrace, ASCII.closeBrace, ASCII.openBracket, ASCII.closeBracket, ASCII.comma, ASCII.colon:
            "'\(Character(Unicode.Scalar(byte)))'"
        case ASCII.quote: "a string"
        case ASCII.minus, 0x30...0x39: "a number"
        case ASCII.t, ASCII.f, ASCII.n: "a literal"
        case 0x20, 0x09, ASCII.newline, 0x0D: "whitespace"
        default: "an unexpected character"
        }
    }

    // MARK: Structure

    @inline(__always)
    func peek() -> UInt8? { index < end ? base[index] : nil }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < end {
            let byte = base[index]
            guard byte == 0x20 || byte == ASCII.newline || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    mutating func skipByteOrderMark() {
        if end >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { index = 3 }
    }

    /// The body must start with `{`; anything else is either another JSON value or not JSON.
    func expectTopLevelObject() throws(ResponseDecodingError) {
        guard let first = peek() else {
            throw error(.notJSON, "the body holds only whitespace; expected a JSON object with schema and results")
        }
        guard first != ASCII.openBrace else { return }
        switch first {
        case ASCII.openBracket, ASCII.quote, ASCII.minus, 0x30...0x39, ASCII.t, ASCII.f, ASCII.n:
            throw error(
                .notAnObject,
                "expected the top-level JSON value to be an object with schema and results, found \(Self.describe(first))")
        default:
            break
        }
        throw error(.notJSON, "the body is not JSON (it does not start with '{'); expected an object with schema and results")
    }

    /// Skips whitespace, a `:` and whitespace, leaving the cursor on the member's value.
    @inline(__always)
    mutating func expectColon(in place: @autoclosure () -> String) throws(ResponseDecodingError) {
        skipWhitespace()
        guard index < end, base[index] == ASCII.colon else { throw unexpected("':' after a key in \(place())") }
        index += 1
        skipWhitespace()
    }

    /// After a member: `,` (returns false, cursor on the next member) or `closer` (returns true).
    @inline(__always)
    mutating func endOfMember(closer: UInt8, in place: @autoclosure () -> String) throws(ResponseDecodingError) -> Bool {
        guard index < end else { throw unexpected("',' or '\(Character(Unicode.Scalar(closer)))' in \(place())") }
        let byte = base[index]
        index += 1
        if byte == closer { return true }
        guard byte == ASCII.comma else {
            index -= 1
            throw unexpected("',' or '\(Character(Unicode.Scalar(closer)))' in \(place())")
        }
        skipWhitespace()
        return false
    }

    /// The bytes in `range` of the body.
    func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    // MARK: Skipping

    /// Moves past one value. Strings and scalars are checked; inside arrays and objects only the
    /// brackets and strings are, which is enough to find the end fast (skipped values are ignored).
    mutating func skipValue() throws(ResponseDecodingError) {
        guard let first = peek() else { throw unexpected("a value") }
        switch first {
        case ASCII.quote: try skipString()
        case ASCII.openBrace, ASCII.openBracket: try skipContainer()
        case ASCII.t: try readLiteral("true")
        case ASCII.f: try readLiteral("false")
        case ASCII.n: try readLiteral("null")
        case ASCII.minus, 0x30...0x39: _ = try readNumber()
        default: throw unexpected("a value")
        }
    }

    private mutating func skipString() throws(ResponseDecodingError) {
        let start = index
        var i = index + 1
        while i < end {
            let byte = base[i]
            if byte == ASCII.quote {
                index = i + 1
                return
            }
            i += byte == ASCII.backslash ? 2 : 1
        }
        index = end
        throw error(.unexpectedEnd, "the body ends inside the string that starts at byte \(start); expected a closing quote")
    }

    private mutating func skipContainer() throws(ResponseDecodingError) {
        closers.removeAll(keepingCapacity: true)
        while index < end {
            let byte = base[index]
            switch byte {
            case ASCII.quote:
                try skipString()
                continue
            case ASCII.openBrace: closers.append(ASCII.closeBrace)
            case ASCII.openBracket: closers.append(ASCII.closeBracket)
            case ASCII.closeBrace, ASCII.closeBracket:
                guard closers.last == byte else { throw unexpected("'\(Character(Unicode.Scalar(closers.last!)))'") }
                closers.removeLast()
                if closers.isEmpty {
                    index += 1
                    return
                }
            default: break
            }
            index += 1
        }
        throw error(.unexpectedEnd, "the body ends inside an array or object; expected '\(Character(Unicode.Scalar(closers.last!)))'")
    }

    /// Consumes `null` if it is next.
    @inline(__always)
    mutating func consumeNull() -> Bool {
        guard index + 4 <= end, base[index] == ASCII.n, base[index + 1] == ASCII.u, base[index + 2] == ASCII.l,
            base[index + 3] == ASCII.l
        else { return false }
        index += 4
        return true
    }

    mutating func readLiteral(_ literal: StaticString) throws(ResponseDecodingError) {
        let count = literal.utf8CodeUnitCount
        let bytes = literal.utf8Start
        for i in 0..<count {
            guard index + i < end else {
                index = end
                throw unexpected("the literal \(literal)")
            }
            guard base[index + i] == bytes[i] else {
                index += i
                throw unexpected("a value")
            }
        }
        index += count
    }

    // MARK: Strings

    /// Reads the string under the cursor (on its opening quote) and returns its unescaped, valid
    /// UTF-8. The bytes point into the body when the string has no escapes, else into the scratch
    /// buffer; either way they stay valid only until the next read.
    @inline(__always)
    mutating func readString() throws(ResponseDecodingError) -> UnsafeBufferPointer<UInt8> {
        let start = index + 1
        var i = start
        var seen: UInt8 = 0
        // Eight bytes at a time while no quote or backslash is among them.
        while i + 8 <= end {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if hasByte(word, 0x22) || hasByte(word, 0x5C) { break }
            if word & 0x8080_8080_8080_8080 != 0 { seen = 0x80 }
            i += 8
        }
        while i < end {
            let byte = base[i]
            if byte == ASCII.quote {
                index = i + 1
                let content = UnsafeBufferPointer(start: base + start, count: i - start)
                return seen & 0x80 == 0 ? content : validated(content)
            }
            if byte == ASCII.backslash { return try readEscapedString(contentStart: start, escapeAt: i, seen: seen) }
            seen |= byte
            i += 1
        }
        index = end
        throw error(.unexpectedEnd, "the body ends inside the string that starts at byte \(start - 1); expected a closing quote")
    }

    /// The slow path of `readString`: the content has escapes, so it is rebuilt in scratch, copying
    /// the plain runs between escapes whole (Windows paths have a backslash every few bytes).
    /// `seen` holds the high bits of the bytes before the first escape.
    private mutating func readEscapedString(
        contentStart: Int, escapeAt first: Int, seen seenBefore: UInt8
    ) throws(ResponseDecodingError) -> UnsafeBufferPointer<UInt8> {
        scratchCount = 0
        var seen = seenBefore
        var runStart = contentStart
        var i = first
        while i < end {
            let byte = base[i]
            guard byte == ASCII.quote || byte == ASCII.backslash else {
                seen |= byte
                i += 1
                continue
            }
            appendScratch(base + runStart, count: i - runStart)
            if byte == ASCII.quote {
                index = i + 1
                let content = UnsafeBufferPointer(start: scratch, count: scratchCount)
                return seen & 0x80 == 0 ? content : validated(content)
            }
            guard i + 1 < end else { break }
            switch base[i + 1] {
            case ASCII.quote, ASCII.backslash, ASCII.slash: appendScratch(base[i + 1])
            case ASCII.b: appendScratch(0x08)
            case ASCII.f: appendScratch(0x0C)
            case ASCII.n: appendScratch(ASCII.newline)
            case ASCII.r: appendScratch(0x0D)
            case ASCII.t: appendScratch(0x09)
            case ASCII.u: i = try readUnicodeEscape(at: i) - 2
            default:
                index = i
                throw error(.invalidJSON, "invalid escape sequence in a string; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
            }
            i += 2
            runStart = i
        }
        index = end
        throw error(.unexpectedEnd, "the body ends inside the string that starts at byte \(contentStart - 1); expected a closing quote")
    }

    /// Decodes `\uXXXX` at `i`, joining a surrogate pair; a lone surrogate becomes U+FFFD. Returns
    /// the offset after the escape(s).
    private mutating func readUnicodeEscape(at i: Int) throws(ResponseDecodingError) -> Int {
        guard i + 6 <= end else {
            index = end
            throw error(.unexpectedEnd, "the body ends inside a \\u escape; expected four hex digits")
        }
        guard let unit = hex4(at: i + 2) else {
            index = i
            throw error(.invalidJSON, "invalid \\u escape in a string; expected four hex digits")
        }
        var next = i + 6
        var scalar = Unicode.Scalar(unit) ?? "\u{FFFD}"
        if (0xD800...0xDBFF).contains(unit) {
            if next + 6 <= end, base[next] == ASCII.backslash, base[next + 1] == ASCII.u, let low = hex4(at: next + 2),
                (0xDC00...0xDFFF).contains(low)
            {
                scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)) ?? "\u{FFFD}"
                next += 6
            }
        }
        for byte in scalar.utf8 { appendScratch(byte) }
        return next
    }

    private func hex4(at i: Int) -> UInt16? {
        var value: UInt16 = 0
        for k in 0..<4 {
            guard let digit = base[i + k].hexDigitValue else { return nil }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// `content` if it is valid UTF-8; otherwise a repaired copy (U+FFFD for bad sequences) in scratch.
    private mutating func validated(_ content: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if isValidUTF8(content) { return content }
        let repaired = String(decoding: content, as: UTF8.self)
        scratchCount = 0
        for byte in repaired.utf8 { appendScratch(byte) }
        return UnsafeBufferPointer(start: scratch, count: scratchCount)
    }

    @inline(__always)
    private mutating func appendScratch(_ byte: UInt8) {
        if scratchCount == scratchCapacity { growScratch(toHold: scratchCount + 1) }
        scratch![scratchCount] = byte
        scratchCount += 1
    }

    private mutating func appendScratch(_ bytes: UnsafePointer<UInt8>, count: Int) {
        guard count > 0 else { return }
        if scratchCount + count > scratchCapacity { growScratch(toHold: scratchCount + count) }
        (scratch! + scratchCount).update(from: bytes, count: count)
        scratchCount += count
    }

    private mutating func growScratch(toHold needed: Int) {
        let capacity = max(256, scratchCapacity * 2, needed)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        if let scratch {
            grown.update(from: scratch, count: scratchCount)
            scratch.deallocate()
        }
        scratch = grown
        scratchCapacity = capacity
    }

    // MARK: Numbers

    /// Reads a JSON number and returns its digits as an exact decimal: mantissa × 10^exponent.
    mutating func readNumber() throws(ResponseDecodingError) -> NumberToken {
        var token = NumberToken(start: index)
        if base[index] == ASCII.minus {
            token.negative = true
            index += 1
        }
        guard try readDigits(into: &token, fraction: false) > 0 else { throw unexpected("a digit") }
        if index < end, base[index] == ASCII.dot {
            index += 1
            token.isInteger = false
            guard try readDigits(into: &token, fraction: true) > 0 else { throw unexpected("a digit after '.'") }
        }
        if index < end, base[index] | 0x20 == ASCII.e {
            index += 1
            token.isInteger = false
            try readExponent(into: &token)
        }
        token.end = index
        return token
    }

    /// Digits into the mantissa (19 at most; later ones only move the exponent). Returns how many.
    private mutating func readDigits(into token: inout NumberToken, fraction: Bool) throws(ResponseDecodingError) -> Int {
        let start = index
        while index < end, base[index].isDecimalDigit {
            let digit = UInt64(base[index] &- 0x30)
            if token.significantDigits < 19 {
                token.mantissa = token.mantissa &* 10 &+ digit
                if token.mantissa != 0 { token.significantDigits += 1 }
                if fraction { token.exponent -= 1 }
            } else {
                if !fraction { token.exponent += 1 }
                if digit != 0 { token.inexact = true }
            }
            index += 1
        }
        if index == end && index == start { throw unexpected("a digit") }
        return index - start
    }

    private mutating func readExponent(into token: inout NumberToken) throws(ResponseDecodingError) {
        var negative = false
        if index < end, base[index] == ASCII.minus || base[index] == ASCII.plus {
            negative = base[index] == ASCII.minus
            index += 1
        }
        let start = index
        var value = 0
        while index < end, base[index].isDecimalDigit {
            value = min(value * 10 + Int(base[index] &- 0x30), 100_000)
            index += 1
        }
        guard index > start else { throw unexpected("a digit in the exponent") }
        token.exponent += negative ? -value : value
    }

    // MARK: Dynamic values

    /// A value for an `Object` column: embedded JSON, or a string whose content is JSON.
    mutating func readDynamicCell() throws(ResponseDecodingError) -> KQLDynamic {
        guard peek() == ASCII.quote else { return try readDynamic(depth: 0) }
        let text = try readString()
        guard let textBase = text.baseAddress, !text.isEmpty else { return .string("") }
        var inner = JSONReader(base: textBase, count: text.count)
        if let value = try? inner.readDocument() { return value }
        return .string(String(decoding: text, as: UTF8.self))
    }

    /// The whole buffer as one JSON value, with only whitespace around it.
    mutating func readDocument() throws(ResponseDecodingError) -> KQLDynamic {
        skipWhitespace()
        let value = try readDynamic(depth: 0)
        skipWhitespace()
        guard index == end else { throw error(.invalidJSON, "expected the end after the value") }
        return value
    }

    /// One JSON value as `dynamic`: integers that fit become `long`, other numbers `real`, objects
    /// keep their key order.
    mutating func readDynamic(depth: Int) throws(ResponseDecodingError) -> KQLDynamic {
        guard let first = peek() else { throw unexpected("a value") }
        switch first {
        case ASCII.quote: return .string(String(decoding: try readString(), as: UTF8.self))
        case ASCII.openBrace: return try readBag(depth: depth + 1)
        case ASCII.openBracket: return try readArray(depth: depth + 1)
        case ASCII.t: try readLiteral("true"); return .bool(true)
        case ASCII.f: try readLiteral("false"); return .bool(false)
        case ASCII.n: try readLiteral("null"); return .null
        case ASCII.minus, 0x30...0x39:
            let number = try readNumber()
            if number.isInteger, let value = number.exactInt64 { return .long(value) }
            return .real(number.double(in: self) ?? .nan)
        default: throw unexpected("a value")
        }
    }

    private mutating func readArray(depth: Int) throws(ResponseDecodingError) -> KQLDynamic {
        guard depth <= Self.maxDepth else { throw error(.tooDeep, "arrays and objects nest deeper than \(Self.maxDepth) levels") }
        index += 1
        skipWhitespace()
        var items: [KQLDynamic] = []
        if peek() == ASCII.closeBracket {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try readDynamic(depth: depth))
            skipWhitespace()
            if try endOfMember(closer: ASCII.closeBracket, in: "an array") { return .array(items) }
        }
    }

    private mutating func readBag(depth: Int) throws(ResponseDecodingError) -> KQLDynamic {
        guard depth <= Self.maxDepth else { throw error(.tooDeep, "arrays and objects nest deeper than \(Self.maxDepth) levels") }
        index += 1
        skipWhitespace()
        var pairs: [(key: String, value: KQLDynamic)] = []
        if peek() == ASCII.closeBrace {
            index += 1
            return .bag(pairs)
        }
        while true {
            guard peek() == ASCII.quote else { throw unexpected("a key in an object") }
            let key = String(decoding: try readString(), as: UTF8.self)
            try expectColon(in: "an object")
            pairs.append((key, try readDynamic(depth: depth)))
            skipWhitespace()
            if try endOfMember(closer: ASCII.closeBrace, in: "an object") { return .bag(pairs) }
        }
    }
}

/// A JSON number as read: sign, up to 19 significant digits and a decimal exponent, exactly.
struct NumberToken {
    var start: Int
    var end: Int
    var negative = false
    var mantissa: UInt64 = 0
    var significantDigits = 0
    var exponent = 0
    var isInteger = true
    /// Nonzero digits past the 19th were dropped.
    var inexact = false

    init(start: Int) {
        self.start = start
        self.end = start
    }

    /// The value as an integer when it is one exactly (`3`, `3.0`, `3e2`) and fits 64 bits.
    var exactInt64: Int64? {
        guard !inexact else { return nil }
        var magnitude = mantissa
        if exponent > 0 {
            for _ in 0..<exponent {
                let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                magnitude = product
            }
        } else if exponent < 0 {
            for _ in 0..<(-exponent) {
                guard magnitude % 10 == 0 else { return nil }
                magnitude /= 10
                if magnitude == 0 { break }
            }
        }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// The nearest double. Exact in one multiplication or division when mantissa and exponent are
    /// small (Clinger's fast path); otherwise the standard library's correctly rounded parser.
    func double(in reader: borrowing JSONReader) -> Double? {
        if !inexact, mantissa <= 1 << 53, (-22...22).contains(exponent) {
            let value = Double(mantissa)
            let scaled = exponent < 0 ? value / Self.powersOfTen[-exponent] : value * Self.powersOfTen[exponent]
            return negative ? -scaled : scaled
        }
        return Double(String(decoding: text(in: reader), as: UTF8.self))
    }

    /// The number's text in the body.
    func text(in reader: borrowing JSONReader) -> UnsafeBufferPointer<UInt8> { reader.bytes(start..<end) }

    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    ]
}

// MARK: - Byte-level parsers

/// Parsers for cell text given as UTF-8 bytes.
enum TextParsers {
    /// ISO 8601 `yyyy-MM-ddTHH:mm:ss[.f…][Z|±hh:mm]` read straight from the bytes, with any number
    /// of fractional digits (past seven truncated to ticks); other date forms go through
    /// `LiteralSyntax.parseDateTime`. Returns ticks in UTC, or `nil` when the text is not a date.
    static func dateTimeTicks(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        if let ticks = isoTicks(text) { return ticks }
        guard !text.isEmpty, text.count < 100 else { return nil }
        return LiteralSyntax.parseDateTime(String(decoding: text, as: UTF8.self))?.ticks
    }

    private static func isoTicks(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard s.count >= 19, s[4] == ASCII.minus, s[7] == ASCII.minus, s[10] | 0x20 == ASCII.t || s[10] == 0x20,
            s[13] == ASCII.colon, s[16] == ASCII.colon
        else { return nil }
        let year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2)
        let hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2)
        guard year >= 0, month >= 0, day >= 0, hour >= 0, minute >= 0, second >= 0 else { return nil }
        var i = 19
        var fraction: Int64 = 0
        if i < s.count, s[i] == ASCII.dot {
            i += 1
            var count = 0
            while i < s.count, s[i].isDecimalDigit {
                if count < 7 { fraction = fraction * 10 + Int64(s[i] &- 0x30) }
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
            for _ in min(count, 7)..<7 { fraction *= 10 }
        }
        guard let offset = zoneSeconds(s, from: i),
            let date = KQLDateTime(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second, fractionTicks: fraction)
        else { return nil }
        return KQLDateTime(ticks: date.ticks - Int64(offset) * KQLTimespan.second).ticks
    }

    /// Nothing or `Z` (UTC), or `±hh:mm` / `±hhmm` east of UTC, ending the text.
    private static func zoneSeconds(_ s: UnsafeBufferPointer<UInt8>, from i: Int) -> Int? {
        if i == s.count { return 0 }
        if s[i] | 0x20 == ASCII.z { return i + 1 == s.count ? 0 : nil }
        guard s[i] == ASCII.plus || s[i] == ASCII.minus else { return nil }
        let hours = digits(s, i + 1, 2)
        let minuteAt = i + 3 < s.count && s[i + 3] == ASCII.colon ? i + 4 : i + 3
        let minutes = digits(s, minuteAt, 2)
        guard hours >= 0, hours <= 14, minutes >= 0, minutes < 60, minuteAt + 2 == s.count else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return s[i] == ASCII.minus ? -seconds : seconds
    }

    /// `count` decimal digits at `start` as a number, or -1.
    @inline(__always)
    private static func digits(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int {
        guard start + count <= s.count else { return -1 }
        var value = 0
        for i in start..<start + count {
            guard s[i].isDecimalDigit else { return -1 }
            value = value * 10 + Int(s[i] &- 0x30)
        }
        return value
    }

    /// A 36-character GUID, optionally in braces, either case.
    static func guid(_ text: UnsafeBufferPointer<UInt8>) -> UUID? {
        var s = text
        if s.count == 38, s[0] == ASCII.openBrace, s[37] == ASCII.closeBrace { s = UnsafeBufferPointer(rebasing: s[1..<37]) }
        guard s.count == 36, s[8] == ASCII.minus, s[13] == ASCII.minus, s[18] == ASCII.minus, s[23] == ASCII.minus
        else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
            var i = 0
            for k in 0..<16 {
                if i == 8 || i == 13 || i == 18 || i == 23 { i += 1 }
                guard let high = s[i].hexDigitValue, let low = s[i + 1].hexDigitValue else { return false }
                out[k] = high << 4 | low
                i += 2
            }
            return true
        }
        return ok ? UUID(uuid: bytes) : nil
    }

    /// An integer written as text (`"123"`, `"-5"`, `"1e3"`), exactly, or `nil`.
    static func integer(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let textBase = text.baseAddress else { return nil }
        var reader = JSONReader(base: textBase, count: text.count)
        reader.skipWhitespace()
        guard let first = reader.peek(), first == ASCII.minus || first.isDecimalDigit,
            let number = try? reader.readNumber()
        else { return nil }
        reader.skipWhitespace()
        return reader.index == reader.end ? number.exactInt64 : nil
    }
}

/// Whether `word` contains the byte `byte` (the classic SWAR zero-byte test; exact for "any").
@inline(__always)
private func hasByte(_ word: UInt64, _ byte: UInt8) -> Bool {
    let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
    return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
}

/// Whether `a` and `b` hold the same `count` bytes.
@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}

private func bytesEqual(_ key: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
    guard key.count == literal.utf8CodeUnitCount else { return false }
    guard let keyBase = key.baseAddress else { return true }
    return bytesEqual(keyBase, literal.utf8Start, key.count)
}

private func asciiCaseInsensitiveEqual(_ key: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
    guard key.count == literal.utf8CodeUnitCount else { return false }
    let bytes = literal.utf8Start
    for i in 0..<key.count where key[i].lowercasedASCII != bytes[i].lowercasedASCII { return false }
    return true
}

/// Strict UTF-8 validation: no overlong forms, surrogates or code points past U+10FFFF.
private func isValidUTF8(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    while i < s.count {
        let lead = s[i]
        let length = lead < 0x80 ? 1 : lead < 0xC2 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF5 ? 4 : 0
        guard length > 0, i + length <= s.count else { return false }
        if length > 1 {
            guard secondByteRange(lead).contains(s[i + 1]) else { return false }
            for k in 2..<length where s[i + k] & 0xC0 != 0x80 { return false }
        }
        i += length
    }
    return true
}

/// The second bytes allowed after `lead`: narrower after E0/F0 (overlong forms), ED (surrogates)
/// and F4 (past U+10FFFF), as in the Unicode standard's table of well-formed sequences.
private func secondByteRange(_ lead: UInt8) -> ClosedRange<UInt8> {
    switch lead {
    case 0xE0: 0xA0...0xBF
    case 0xED: 0x80...0x9F
    case 0xF0: 0x90...0xBF
    case 0xF4: 0x80...0x8F
    default: 0x80...0xBF
    }
}

/// The bytes the reader looks for, named.
private enum ASCII {
    static let quote: UInt8 = 0x22  // "
    static let backslash: UInt8 = 0x5C  // \\
    static let slash: UInt8 = 0x2F  // /
    static let openBrace: UInt8 = 0x7B  // {
    static let closeBrace: UInt8 = 0x7D  // }
    static let openBracket: UInt8 = 0x5B  // [
    static let closeBracket: UInt8 = 0x5D  // ]
    static let comma: UInt8 = 0x2C  // ,
    static let colon: UInt8 = 0x3A  // :
    static let minus: UInt8 = 0x2D  // -
    static let plus: UInt8 = 0x2B  // +
    static let dot: UInt8 = 0x2E  // .
    static let newline: UInt8 = 0x0A  // \n
    static let b: UInt8 = 0x62  // b
    static let e: UInt8 = 0x65  // e
    static let f: UInt8 = 0x66  // f
    static let l: UInt8 = 0x6C  // l
    static let n: UInt8 = 0x6E  // n
    static let r: UInt8 = 0x72  // r
    static let t: UInt8 = 0x74  // t
    static let u: UInt8 = 0x75  // u
    static let z: UInt8 = 0x7A  // z
}

extension UInt8 {
    fileprivate var isDecimalDigit: Bool { self &- 0x30 < 10 }
    fileprivate var lowercasedASCII: UInt8 { self &- 0x41 < 26 ? self | 0x20 : self }
    fileprivate var hexDigitValue: UInt8? {
        if self &- 0x30 < 10 { return self &- 0x30 }
        let lower = self | 0x20
        return lower &- 0x61 < 6 ? lower &- 0x61 + 10 : nil
    }
}
