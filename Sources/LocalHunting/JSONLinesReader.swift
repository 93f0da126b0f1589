import Foundation
import KQL

/// Reads a JSON Lines file (`.jsonl`, `.ndjson`) into a table: one JSON object per line.
///
/// Two passes over the bytes, neither of which builds a dictionary per row: the first checks the
/// JSON and collects the columns (the union of keys, in first-seen order) and the kinds of value
/// each holds; the second, with the types settled, appends each value straight into its column.
///
/// - Column types: the table's schema when the table and column are known; otherwise inferred:
///   only integers (no fraction or exponent, fitting 64 bits) → `long`; numbers → `real`;
///   `true`/`false` → `bool`; strings → `string`; objects, arrays or a mix of kinds → `dynamic`;
///   nothing but nulls → `string`.
/// - Values in typed columns: strings and numbers are read as a CSV cell holding their text would
///   be (a string column the schema calls `datetime` parses as a datetime); `null` or a missing
///   key is null; objects and arrays fit only `dynamic` and `string` (as compact JSON) columns.
///   In a `dynamic` column, a string whose text is a JSON object or array becomes that value, as
///   exports that stringify such columns write them.
/// - Blank lines are skipped; a key may appear only once per object. A file with no rows gives
///   the schema's columns for a known table, else no columns.
struct JSONLinesReader {
    let text: FileText
    let tableName: String
    let schema: TableSchema?

    private var names: [String] = []
    private var nameBytes: [[UInt8]] = []
    private var indexByName: [String: Int] = [:]
    /// Per column, the kinds of value seen (`Kind` bits).
    private var kinds: [UInt8] = []
    /// Per column, the last row that had the key: duplicate keys, and null-filling in pass two.
    private var lastRow: [Int] = []
    private var scratch: [UInt8] = []

    init(text: FileText, tableName: String, schema: TableSchema?) {
        self.text = text
        self.tableName = tableName
        self.schema = schema
    }

    mutating func read() throws(TableFolderError) -> KQLTable {
        var rowCount = 0
        try forEachLine { (reader: inout Self, scanner: inout JSONScanner) throws(JSONScanner.Failure) in
            try reader.survey(&scanner, row: rowCount)
            rowCount += 1
        }
        if rowCount == 0, let schema {
            return KQLTable(
                columns: schema.columns.map {
                    KQLColumn(name: $0.name, storage: KQLColumnBuilder(type: $0.type).finish())
                })
        }
        let plans = names.indices.map { column -> ColumnPlan in
            if let known = schema?.column(named: names[column]) {
                return ColumnPlan(name: names[column], type: known.type, origin: .schema(table: tableName))
            }
            return ColumnPlan(name: names[column], type: Kind.inferredType(kinds[column]), origin: .data)
        }
        var builders = plans.map { KQLColumnBuilder(type: $0.type) }
        lastRow = Array(repeating: -1, count: names.count)
        var row = 0
        try forEachLine { (reader: inout Self, scanner: inout JSONScanner) throws(JSONScanner.Failure) in
            try reader.fill(&builders, plans: plans, from: &scanner, row: row)
            for column in builders.indices where reader.lastRow[column] != row { builders[column].appendNull() }
            row += 1
        }
        return KQLTable(
            columns: zip(plans, builders).map { KQLColumn(name: $0.name, storage: $1.finish()) }, rowCount: row)
    }

    /// Calls `body` with a scanner over each non-blank line; turns its failures into errors.
    private mutating func forEachLine(
        _ body: (inout Self, inout JSONScanner) throws(JSONScanner.Failure) -> Void
    ) throws(TableFolderError) {
        let bytes = text.bytes
        var start = text.bodyStart
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let next = end + 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            var scanner = JSONScanner(bytes: bytes, index: start, end: end)
            scanner.skipWhitespace()
            if !scanner.isAtEnd {
                do {
                    try body(&self, &scanner)
                } catch {
                    throw text.error(error.code, at: error.offset, error.message)
                }
            }
            start = next
        }
    }

    // MARK: Pass one

    /// Checks one line's object and records its keys and the kinds of their values.
    private mutating func survey(_ s: inout JSONScanner, row: Int) throws(JSONScanner.Failure) {
        var predicted = 0
        try s.forEachMember { (s: inout JSONScanner, key: JSONScanner.StringToken) throws(JSONScanner.Failure) in
            let column = columnIndex(for: key, in: s, predicted: predicted, adding: true) ?? 0
            if lastRow[column] == row {
                throw JSONScanner.Failure(
                    offset: key.start,
                    message: "key \(ColumnPlan.quoted(names[column])) appears twice in this object; keep one")
            }
            lastRow[column] = row
            kinds[column] |= try s.skipValue(depth: 0)
            predicted = column + 1
        }
    }

    /// The column of a key: first the column after the previous key's (rows usually list keys in
    /// the same order), then a dictionary lookup, adding a column for a new key when asked.
    private mutating func columnIndex(
        for key: JSONScanner.StringToken, in s: JSONScanner, predicted: Int, adding: Bool
    ) -> Int? {
        let raw = UnsafeBufferPointer(rebasing: s.bytes[key.contentStart..<key.contentEnd])
        if !key.hasEscapes, predicted < nameBytes.count, nameBytes[predicted].elementsEqual(raw) { return predicted }
        let name = key.hasEscapes ? s.decodedString(key) : String(decoding: raw, as: UTF8.self)
        if let column = indexByName[name] { return column }
        guard adding else { return nil }
        indexByName[name] = names.count
        names.append(name)
        nameBytes.append(Array(name.utf8))
        kinds.append(0)
        lastRow.append(-1)
        return names.count - 1
    }

    // MARK: Pass two

    /// Appends one line's values to their columns.
    private mutating func fill(
        _ builders: inout [KQLColumnBuilder], plans: [ColumnPlan], from s: inout JSONScanner, row: Int
    ) throws(JSONScanner.Failure) {
        var predicted = 0
        try s.forEachMember { (s: inout JSONScanner, key: JSONScanner.StringToken) throws(JSONScanner.Failure) in
            guard let column = columnIndex(for: key, in: s, predicted: predicted, adding: false) else {
                preconditionFailure("JSONLinesReader: pass two met a key pass one did not see")
            }
            lastRow[column] = row
            try append(&s, to: &builders[column], plan: plans[column])
            predicted = column + 1
        }
    }

    /// Reads the value at the scanner into a column of the given type.
    private mutating func append(
        _ s: inout JSONScanner, to builder: inout KQLColumnBuilder, plan: ColumnPlan
    ) throws(JSONScanner.Failure) {
        let start = s.index
        let type = builder.type
        switch s.peek() {
        case UInt8(ascii: "n"):
            _ = try s.skipValue(depth: 0)
            builder.appendNull()
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            let value = s.peek() == UInt8(ascii: "t")
            _ = try s.skipValue(depth: 0)
            switch type {
            case .bool: builder.append(bool: value)
            case .string: builder.append(string: value ? "true" : "false")
            case .dynamic: builder.append(dynamic: .bool(value))
            default: throw invalid(plan, got: value ? "true" : "false", at: start)
            }
        case UInt8(ascii: "\""):
            let token = try s.scanString()
            try appendString(token, in: s, to: &builder, plan: plan)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let value = try s.readDynamic(depth: 0)
            switch type {
            case .dynamic: builder.append(dynamic: value)
            case .string: builder.append(string: value.json)
            default:
                let what = s.peekByte(at: start) == UInt8(ascii: "{") ? "an object" : "an array"
                throw invalid(plan, got: what, at: start)
            }
        default:
            let kind = try s.skipValue(depth: 0)
            let number = UnsafeBufferPointer(rebasing: s.bytes[start..<s.index])
            switch type {
            case .string: builder.append(stringUTF8: number)
            case .dynamic: builder.append(dynamic: JSONScanner.numberValue(number, isInteger: kind == Kind.integer))
            default:
                do {
                    try CellParser.append(number, to: &builder)
                } catch {
                    throw invalid(plan, got: String(decoding: number, as: UTF8.self), at: start)
                }
            }
        }
    }

    private mutating func appendString(
        _ token: JSONScanner.StringToken, in s: JSONScanner, to builder: inout KQLColumnBuilder, plan: ColumnPlan
    ) throws(JSONScanner.Failure) {
        if builder.type == .dynamic {
            let string = s.decodedString(token)
            if let first = string.utf8.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }),
                first == UInt8(ascii: "{") || first == UInt8(ascii: "["), let value = try? KQLDynamic(parsing: string)
            {
                builder.append(dynamic: value)
            } else {
                builder.append(dynamic: .string(string))
            }
            return
        }
        var failed = false
        if token.hasEscapes {
            s.decode(token, into: &scratch)
            scratch.withUnsafeBufferPointer { cell in
                do { try CellParser.append(cell, to: &builder) } catch { failed = true }
            }
        } else {
            do {
                try CellParser.append(
                    UnsafeBufferPointer(rebasing: s.bytes[token.contentStart..<token.contentEnd]), to: &builder)
            } catch {
                failed = true
            }
        }
        if failed { throw invalid(plan, got: ColumnPlan.quoted(s.decodedString(token)), at: token.start) }
    }

    private func invalid(_ plan: ColumnPlan, got shown: String, at offset: Int) -> JSONScanner.Failure {
        JSONScanner.Failure(
            code: .invalidValue, offset: offset,
            message: plan.invalidValueMessage(got: shown, nullHint: "write null for no value"))
    }
}

/// The kinds of JSON value, as bits, for type inference.
enum Kind {
    static let null: UInt8 = 1
    static let bool: UInt8 = 2
    static let integer: UInt8 = 4
    static let real: UInt8 = 8
    static let string: UInt8 = 16
    static let composite: UInt8 = 32

    /// The column type for a set of kinds seen.
    static func inferredType(_ seen: UInt8) -> KQLScalarType {
        switch seen & ~null {
        case 0, string: .string
        case bool: .bool
        case integer: .long
        case real, integer | real: .real
        default: .dynamic
        }
    }
}

// MARK: - JSON scanner

/// A strict JSON (RFC 8259) scanner over one line of bytes: validates, skips, and reads values as
/// ``KQLDynamic``.
struct JSONScanner {
    /// A problem at a byte offset of the file.
    struct Failure: Error {
        var code: TableFolderError.Code = .invalidJSON
        var offset: Int
        var message: String
    }

    /// A string as found: the offset of its opening quote, its content, and whether it has escapes.
    struct StringToken {
        var start: Int
        var contentStart: Int
        var contentEnd: Int
        var hasEscapes: Bool
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    /// The end of the line (before its line break).
    let end: Int

    static let maxDepth = 256

    init(bytes: UnsafeBufferPointer<UInt8>, index: Int, end: Int) {
        self.bytes = bytes
        self.index = index
        self.end = end
    }

    var isAtEnd: Bool { index >= end }

    func peek() -> UInt8? { index < end ? bytes[index] : nil }

    func peekByte(at offset: Int) -> UInt8 { bytes[offset] }

    mutating func skipWhitespace() {
        while index < end {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0D else { return }
            index += 1
        }
    }

    private func failure(_ message: String, at offset: Int? = nil) -> Failure {
        Failure(offset: offset ?? index, message: message)
    }

    /// What was found where `what` was expected, as a failure.
    private func unexpected(_ what: String) -> Failure {
        guard let byte = peek() else {
            return failure(
                "the line ends where \(what) was expected; write each JSON object whole on one line (JSON Lines), "
                    + "not pretty-printed")
        }
        if byte == UInt8(ascii: "'") {
            return failure("expected \(what), got a single quote; JSON strings use double quotes")
        }
        let shown =
            byte < 0x80 && byte >= 0x20 ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        return failure("expected \(what), got \(shown)")
    }

    /// Walks the line's top-level object, calling `body` at each key with the scanner on its value;
    /// `body` must consume the value. Checks that nothing but spaces follows the object.
    mutating func forEachMember(
        _ body: (inout JSONScanner, StringToken) throws(Failure) -> Void
    ) throws(Failure) {
        guard peek() == UInt8(ascii: "{") else {
            throw unexpected("a JSON object ({...}); each line of a JSON Lines file holds one object")
        }
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                guard peek() == UInt8(ascii: "\"") else { throw unexpected("a key in double quotes") }
                let key = try scanString()
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw unexpected("':' after the key") }
                index += 1
                skipWhitespace()
                try body(&self, key)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                    continue
                }
                guard peek() == UInt8(ascii: "}") else { throw unexpected("',' or '}' in the object") }
                index += 1
                break
            }
        }
        skipWhitespace()
        guard isAtEnd else {
            throw failure("unexpected text after the object; each line of a JSON Lines file holds exactly one object")
        }
    }

    /// Checks and skips one value; returns its ``Kind`` bit.
    mutating func skipValue(depth: Int) throws(Failure) -> UInt8 {
        guard let byte = peek() else { throw unexpected("a value") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try scanString()
            return Kind.string
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            _ = try readContainer(depth: depth, keep: false)
            return Kind.composite
        case UInt8(ascii: "t"):
            try expectWord("true")
            return Kind.bool
        case UInt8(ascii: "f"):
            try expectWord("false")
            return Kind.bool
        case UInt8(ascii: "n"):
            try expectWord("null")
            return Kind.null
        case UInt8(ascii: "-"), 0x30...0x39:
            return try scanNumber()
        default:
            throw unexpected("a value")
        }
    }

    /// Reads one value as a dynamic value.
    mutating func readDynamic(depth: Int) throws(Failure) -> KQLDynamic {
        guard let byte = peek() else { throw unexpected("a value") }
        switch byte {
        case UInt8(ascii: "\""): return .string(decodedString(try scanString()))
        case UInt8(ascii: "{"), UInt8(ascii: "["): return try readContainer(depth: depth, keep: true)
        case UInt8(ascii: "-"), 0x30...0x39:
            let start = index
            let kind = try scanNumber()
            return Self.numberValue(
                UnsafeBufferPointer(rebasing: bytes[start..<index]), isInteger: kind == Kind.integer)
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        default:
            throw unexpected("a value")
        }
    }

    /// An array or object; builds the value only when `keep` is set.
    private mutating func readContainer(depth: Int, keep: Bool) throws(Failure) -> KQLDynamic {
        guard depth < Self.maxDepth else {
            throw failure("arrays and objects nest deeper than \(Self.maxDepth) levels")
        }
        let isObject = bytes[index] == UInt8(ascii: "{")
        let closer = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        index += 1
        skipWhitespace()
        var items: [KQLDynamic] = []
        var pairs: [(key: String, value: KQLDynamic)] = []
        if peek() == closer {
            index += 1
        } else {
            while true {
                if isObject {
                    guard peek() == UInt8(ascii: "\"") else { throw unexpected("a key in double quotes") }
                    let key = try scanString()
                    skipWhitespace()
                    guard peek() == UInt8(ascii: ":") else { throw unexpected("':' after the key") }
                    index += 1
                    skipWhitespace()
                    if keep {
                        pairs.append((decodedString(key), try readDynamic(depth: depth + 1)))
                    } else {
                        _ = try skipValue(depth: depth + 1)
                    }
                } else if keep {
                    items.append(try readDynamic(depth: depth + 1))
                } else {
                    _ = try skipValue(depth: depth + 1)
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                    continue
                }
                guard peek() == closer else {
                    throw unexpected(isObject ? "',' or '}' in an object" : "',' or ']' in an array")
                }
                index += 1
                break
            }
        }
        guard keep else { return .null }
        return isObject ? .bag(pairs) : .array(items)
    }

    private mutating func expectWord(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        guard index + count <= end, (0..<count).allSatisfy({ bytes[index + $0] == start[$0] }) else {
            throw failure("expected a value (true, false, null, a number, a string, an object or an array)")
        }
        index += count
    }

    /// Checks and skips a number: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`. Returns
    /// ``Kind/integer`` when it has neither fraction nor exponent and fits 64 bits.
    private mutating func scanNumber() throws(Failure) -> UInt8 {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < end, bytes[index] &- 0x30 < 10 else { throw failure("expected a digit in the number", at: index) }
        if bytes[index] == 0x30 {
            index += 1
            if index < end, bytes[index] &- 0x30 < 10 {
                throw failure("numbers do not start with 0; write 7, not 07 (or quote it as a string)", at: start)
            }
        } else {
            while index < end, bytes[index] &- 0x30 < 10 { index += 1 }
        }
        var integral = true
        if index < end, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard index < end, bytes[index] &- 0x30 < 10 else {
                throw failure("expected a digit after the decimal point")
            }
            while index < end, bytes[index] &- 0x30 < 10 { index += 1 }
        }
        if index < end, bytes[index] | 0x20 == UInt8(ascii: "e") {
            integral = false
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < end, bytes[index] &- 0x30 < 10 else { throw failure("expected a digit in the exponent") }
            while index < end, bytes[index] &- 0x30 < 10 { index += 1 }
        }
        guard integral else { return Kind.real }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        return CellParser.plainInteger(text) != nil
            || LiteralSyntax.parseInteger(String(decoding: text, as: UTF8.self)) != nil
            ? Kind.integer : Kind.real
    }

    /// A checked number's value: `long` for integers that fit, `real` otherwise.
    static func numberValue(_ text: UnsafeBufferPointer<UInt8>, isInteger: Bool) -> KQLDynamic {
        if isInteger, let value = CellParser.plainInteger(text) { return .long(value) }
        let string = String(decoding: text, as: UTF8.self)
        if isInteger, let value = LiteralSyntax.parseInteger(string) { return .long(value) }
        return .real(Double(string) ?? .nan)
    }

    /// Checks and skips a string (the scanner is on its opening quote).
    mutating func scanString() throws(Failure) -> StringToken {
        let start = index
        index += 1
        var escapes = false
        while true {
            guard index < end else {
                throw failure("this string is never closed; close it with a double quote on the same line", at: start)
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                escapes = true
                guard index + 1 < end else { throw failure("a backslash ends the line; escape it as \\\\") }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    guard index + 6 <= end, (2..<6).allSatisfy({ hexValue(bytes[index + $0]) != nil }) else {
                        throw failure("expected four hex digits after \\u")
                    }
                    index += 6
                default:
                    throw failure(
                        "unknown escape in a string; JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX")
                }
                continue
            }
            if byte < 0x20 {
                throw failure("a control character in a string must be escaped, such as \\t or \\u0001")
            }
            index += 1
        }
        index += 1
        return StringToken(start: start, contentStart: start + 1, contentEnd: index - 1, hasEscapes: escapes)
    }

    /// A checked string's text.
    func decodedString(_ token: StringToken) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[token.contentStart..<token.contentEnd])
        guard token.hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        decode(token, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A checked string's text as UTF-8, escapes undone (a lone surrogate becomes U+FFFD).
    func decode(_ token: StringToken, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var i = token.contentStart
        while i < token.contentEnd {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                i += 1
                continue
            }
            let escape = bytes[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(at: i)
                i += 4
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= token.contentEnd, bytes[i] == UInt8(ascii: "\\"),
                    bytes[i + 1] == UInt8(ascii: "u")
                {
                    let low = hex4(at: i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                        i += 6
                    }
                }
                let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: UTF8.encode(value)!)
            default: out.append(escape)
            }
        }
    }

    private func hex4(at i: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 << 4 | UInt32(hexValue(bytes[i + $1]) ?? 0) }
    }

    private func hexValue(_ byte: UInt8) -> UInt8? {
        if byte &- 0x30 < 10 { return byte &- 0x30 }
        let lower = byte | 0x20
        return lower &- 0x61 < 6 ? lower &- 0x61 + 10 : nil
    }
}
