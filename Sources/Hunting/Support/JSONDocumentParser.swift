import KQL

/// The recursive-descent parser behind ``JSONDocument/parse(_:path:maxDepth:)``: a byte cursor
/// that keeps the line and column of where it is.
///
/// Columns count Unicode scalars. Strings cannot hold raw line breaks, so lines only change in
/// whitespace; the column is counted forward from the last location asked for, which keeps a
/// long single-line document linear.
struct JSONDocumentParser {
    private let bytes: [UInt8]
    private let path: String
    private let maxDepth: Int
    private var index = 0
    private var line = 1
    private var lineStart = 0
    /// The last location computed on the current line: counting resumes from it.
    private var mark = (offset: 0, column: 1)

    init(bytes: [UInt8], path: String, maxDepth: Int) {
        self.bytes = bytes
        self.path = path
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JSONDocumentError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
            lineStart = 3
            mark = (3, 1)
        }
        skipWhitespace()
        guard index < bytes.count else {
            throw error(.syntax, "the file is empty; write a JSON value such as {}", at: index)
        }
        let root = try parseValue(depth: 0)
        skipWhitespace()
        guard index >= bytes.count else {
            throw error(.syntax, "expected the end of the file after the top-level value, found \(found(at: index))", at: index)
        }
        return root
    }

    // MARK: values

    private mutating func parseValue(depth: Int) throws(JSONDocumentError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error(.syntax, "expected a value, found the end of the file", at: index) }
        let start = location(of: index)
        switch bytes[index] {
        case UInt8(ascii: "{"): return JSONValue(.object(try parseObject(depth: depth + 1)), at: start)
        case UInt8(ascii: "["): return JSONValue(.array(try parseArray(depth: depth + 1)), at: start)
        case UInt8(ascii: "\""): return JSONValue(.string(try parseString()), at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return JSONValue(.number(try parseNumber()), at: start)
        default:
            if consumeWord("true") { return JSONValue(.bool(true), at: start) }
            if consumeWord("false") { return JSONValue(.bool(false), at: start) }
            if consumeWord("null") { return JSONValue(.null, at: start) }
            throw error(.syntax, "expected a value, found \(found(at: index))", at: index)
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONDocumentError) -> JSONObject {
        try checkDepth(depth)
        index += 1
        var members: [JSONMember] = []
        var seen: [String: SourceLocation] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return JSONObject(members)
        }
        var comma: SourceLocation?
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                if let comma, index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    throw JSONDocumentError(.syntax, "trailing comma before '}'; remove it (JSON allows none)", path: path, at: comma)
                }
                throw error(.syntax, "expected a key in double quotes, found \(found(at: index))", at: index)
            }
            let keyLocation = location(of: index)
            let key = try parseString()
            if let first = seen[key] {
                throw JSONDocumentError(
                    .duplicateKey, "duplicate key '\(key)' (first at \(first)); a key may appear once in an object", path: path,
                    at: keyLocation)
            }
            seen[key] = keyLocation
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error(.syntax, "expected ':' after the key '\(key)', found \(found(at: index))", at: index)
            }
            index += 1
            members.append(JSONMember(key: key, keyLocation: keyLocation, value: try parseValue(depth: depth)))
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                comma = location(of: index)
                index += 1
                continue
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return JSONObject(members)
            }
            throw error(.syntax, "expected ',' or '}' after an object member, found \(found(at: index))", at: index)
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONDocumentError) -> [JSONValue] {
        try checkDepth(depth)
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        var comma: SourceLocation?
        while true {
            skipWhitespace()
            if let comma, index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                throw JSONDocumentError(.syntax, "trailing comma before ']'; remove it (JSON allows none)", path: path, at: comma)
            }
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                comma = location(of: index)
                index += 1
                continue
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return elements
            }
            throw error(.syntax, "expected ',' or ']' after an array element, found \(found(at: index))", at: index)
        }
    }

    private mutating func checkDepth(_ depth: Int) throws(JSONDocumentError) {
        guard depth <= maxDepth else {
            throw error(.tooDeep, "arrays and objects nest deeper than \(maxDepth) levels here; flatten the document", at: index)
        }
    }

    // MARK: strings

    /// Reads a string from its opening quote; the common case without escapes is one slice.
    private mutating func parseString() throws(JSONDocumentError) -> String {
        let quote = index
        index += 1
        let contentStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try decode(bytes[contentStart..<index], quote: quote)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        var buffer = Array(bytes[contentStart..<index])
        while true {
            guard index < bytes.count else {
                throw error(.syntax, "unterminated string; close it with '\"'", at: quote)
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try decode(buffer[...], quote: quote)
            case UInt8(ascii: "\\"):
                try readEscape(into: &buffer)
            case 0x0A, 0x0D:
                throw error(.syntax, "unterminated string: a string cannot span lines (write a line break in it as \\n)", at: quote)
            case ..<0x20:
                let name = byte == 0x09 ? "a tab, which must be written \\t" : "control character \(Self.scalarName(UInt32(byte))), which must be written \(Self.unicodeEscape(UInt32(byte)))"
                throw error(.syntax, "a string cannot hold \(name)", at: index)
            default:
                buffer.append(byte)
                index += 1
            }
        }
    }

    /// Reads one escape sequence from its backslash, a surrogate pair as one.
    private mutating func readEscape(into buffer: inout [UInt8]) throws(JSONDocumentError) {
        let backslash = index
        guard index + 1 < bytes.count else { throw error(.syntax, "unterminated string; close it with '\"'", at: backslash) }
        let letter = bytes[index + 1]
        index += 2
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(letter)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            guard let unit = readHex4() else {
                throw error(.syntax, "expected four hex digits after \\u", at: backslash)
            }
            var scalarValue = unit
            if (0xD800...0xDBFF).contains(unit) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                    let low = peekHex4(at: index + 2), (0xDC00...0xDFFF).contains(low)
                else {
                    throw error(
                        .syntax,
                        "lone high surrogate \(Self.unicodeEscape(unit)); follow it with a low surrogate (\\uDC00 to \\uDFFF) to write one character",
                        at: backslash)
                }
                index += 6
                scalarValue = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw error(
                    .syntax, "lone low surrogate \(Self.unicodeEscape(unit)); a low surrogate must follow a high one (\\uD800 to \\uDBFF)",
                    at: backslash)
            }
            // Every value left is a valid scalar: surrogates were handled above.
            buffer.append(contentsOf: String(Character(Unicode.Scalar(scalarValue)!)).utf8)
        default:
            let shown = (0x21..<0x7F).contains(letter)
                ? "'\\\(Character(Unicode.Scalar(letter)))'" : "a backslash followed by \(found(at: backslash + 1))"
            throw error(.syntax, "invalid escape \(shown); JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX", at: backslash)
        }
    }

    private mutating func readHex4() -> UInt32? {
        guard let value = peekHex4(at: index) else { return nil }
        index += 4
        return value
    }

    private func peekHex4(at start: Int) -> UInt32? {
        guard start + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = Self.hexValue(bytes[start + offset]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private mutating func decode(_ slice: ArraySlice<UInt8>, quote: Int) throws(JSONDocumentError) -> String {
        if slice.allSatisfy({ $0 < 0x80 }) { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw error(.invalidUTF8, "the string is not valid UTF-8; save the file as UTF-8", at: quote)
        }
        return text
    }

    // MARK: numbers and words

    private mutating func parseNumber() throws(JSONDocumentError) -> JSONNumber {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw error(.syntax, "expected a digit after '-', found \(found(at: index))", at: index)
        }
        if bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
            throw error(.syntax, "a number cannot start with 0 followed by digits; write it without leading zeros", at: start)
        }
        skipDigits()
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error(.syntax, "expected a digit after the decimal point, found \(found(at: index))", at: index)
            }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error(.syntax, "expected a digit in the exponent, found \(found(at: index))", at: index)
            }
            skipDigits()
        }
        return JSONNumber(text: String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    /// Consumes `word` when it is next and not the start of a longer word (`nullable`).
    private mutating func consumeWord(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { buffer in
            (0..<count).allSatisfy { bytes[index + $0] == buffer[$0] }
        }
        guard matches, index + count == bytes.count || !Self.isWordByte(bytes[index + count]) else { return false }
        index += count
        return true
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_")
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    // MARK: whitespace and locations

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09:
                index += 1
            case 0x0A:
                index += 1
                newLine()
            case 0x0D:
                index += 1
                if index < bytes.count, bytes[index] == 0x0A { index += 1 }
                newLine()
            default:
                return
            }
        }
    }

    private mutating func newLine() {
        line += 1
        lineStart = index
        mark = (index, 1)
    }

    /// The location of a byte on the current line.
    private mutating func location(of offset: Int) -> SourceLocation {
        if offset < mark.offset { mark = (lineStart, 1) }
        var column = mark.column
        var position = mark.offset
        while position < offset {
            if bytes[position] & 0xC0 != 0x80 { column += 1 }
            position += 1
        }
        mark = (offset, column)
        return SourceLocation(offset: offset, line: line, column: column)
    }

    private mutating func error(_ code: JSONDocumentError.Code, _ message: String, at offset: Int) -> JSONDocumentError {
        JSONDocumentError(code, message, path: path, at: location(of: min(offset, bytes.count)))
    }

    // MARK: describing what was found

    /// What is at `offset`, as an error names it: `']'`, `a string`, `'True'`, `the end of the file`.
    private func found(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the file" }
        let byte = bytes[offset]
        switch byte {
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        case UInt8(ascii: "/") where offset + 1 < bytes.count && (bytes[offset + 1] == UInt8(ascii: "/") || bytes[offset + 1] == UInt8(ascii: "*")):
            return "a comment (JSON allows none)"
        case UInt8(ascii: "'"): return "a single quote (JSON strings use double quotes)"
        default: break
        }
        if Self.isWordByte(byte) {
            var end = offset
            while end < bytes.count, end - offset < 24, Self.isWordByte(bytes[end]) { end += 1 }
            let word = String(decoding: bytes[offset..<end], as: UTF8.self)
            let hint = ["true", "false", "null"].contains(word.lowercased()) ? " (write \(word.lowercased()) in lowercase)" : ""
            return "'\(word)'\(hint)"
        }
        if byte >= 0x80 {
            var end = offset + 1
            while end < bytes.count, end - offset < 4, bytes[end] & 0xC0 == 0x80 { end += 1 }
            guard let text = String(validating: bytes[offset..<end], as: UTF8.self), let scalar = text.unicodeScalars.first else {
                return "a byte that is not UTF-8 (save the file as UTF-8)"
            }
            let hint = [0x201C, 0x201D, 0x2018, 0x2019].contains(scalar.value) ? "; JSON strings use straight double quotes" : ""
            return "'\(text)' (\(Self.scalarName(scalar.value))\(hint))"
        }
        return found(byte: byte)
    }

    /// One ASCII byte as errors show it: printable ones quoted as themselves, others by code point.
    private func found(byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : Self.scalarName(UInt32(byte))
    }

    private static func scalarName(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
