/// Parses the JSON-like text of a `dynamic(…)` literal: JSON plus single-quoted and verbatim
/// strings, `//` comments, and the literals Kusto allows inside (`datetime(…)`, `time(…)`, `1d`,
/// `guid(…)`, `decimal(…)`, `real(…)`, `long(…)`, `bool(…)`, nested `dynamic(…)`). Integers become
/// `long`, numbers with a fraction or an exponent `real`.
import Foundation

struct DynamicLiteralParser {
    struct Failure: Error {
        var offset: Int
        var message: String
    }

    private var c: ByteCursor
    private var depth = 0
    private static let maxDepth = 256

    init(_ bytes: [UInt8], from start: Int, to end: Int) {
        c = ByteCursor(bytes, from: start, to: end)
    }

    /// Parses the whole range as one value.
    mutating func parseDocument() throws(Failure) -> KQLDynamic {
        skipTrivia()
        let value = try parseValue()
        skipTrivia()
        guard c.isAtEnd else { throw fail("unexpected text after the value") }
        return value
    }

    private func fail(_ message: String) -> Failure { Failure(offset: c.index, message: message) }

    private mutating func skipTrivia() {
        while let byte = c.current {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                c.advance()
            } else if byte == UInt8(ascii: "/"), c.peek(1) == UInt8(ascii: "/") {
                c.skip { $0 != 0x0A }
            } else if let width = Lexer.unicodeSpaceWidth(c.bytes, c.index) {
                c.advance(width)
            } else {
                return
            }
        }
    }

    private mutating func parseValue() throws(Failure) -> KQLDynamic {
        guard let byte = c.current else { throw fail("expected a value") }
        switch byte {
        case UInt8(ascii: "["): return try nested { (p: inout Self) throws(Failure) in try p.parseArray() }
        case UInt8(ascii: "{"): return try nested { (p: inout Self) throws(Failure) in try p.parseBag() }
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "@"), UInt8(ascii: "h"), UInt8(ascii: "H"):
            if StringLiteralScanner.prefixLength(at: c) != nil { return .string(try parseString()) }
        default: break
        }
        if byte.isASCIILetter {
            let start = c.index
            c.skip { $0.isIdentifierPart }
            let word = c.text(start..<c.index)
            switch word {
            case "null": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: return try parseTypedLiteral(word, at: start)
            }
        }
        return try parseNumber()
    }

    /// `datetime(…)` and the other literals Kusto accepts inside a dynamic literal.
    private mutating func parseTypedLiteral(_ word: String, at start: Int) throws(Failure) -> KQLDynamic {
        guard let type = KQLWords.literalTypeNames[word], type != .int, c.current == UInt8(ascii: "(") else {
            throw Failure(offset: start, message: "'\(word)' is not a value; quote strings")
        }
        if type == .dynamic {
            c.advance()
            skipTrivia()
            let value = try nested { (p: inout Self) throws(Failure) in try p.parseValue() }
            skipTrivia()
            guard c.consume(UInt8(ascii: ")")) else { throw fail("expected ')' to close dynamic(") }
            return value
        }
        c.advance()
        let contentStart = c.index
        c.skip { $0 != UInt8(ascii: ")") && $0 != 0x0A }
        guard c.current == UInt8(ascii: ")") else { throw Failure(offset: start, message: "\(word) literal has no closing ')'") }
        let content = c.text(contentStart..<c.index)
        c.advance()
        guard let value = LiteralSyntax.decodeTypedLiteral(type, content: content) else {
            throw Failure(offset: contentStart, message: "'\(content)' is not a valid \(type) literal")
        }
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .long(let v): return .long(v)
        case .real(let v): return .real(v)
        case .decimal(let d): return .real(NSDecimalNumber(decimal: d).doubleValue)
        case .datetime(let d): return .datetime(d)
        case .timespan(let t): return .timespan(t)
        case .guid(let g): return .guid(g)
        case .int(let v): return .long(Int64(v))
        case .string(let s): return .string(s)
        case .dynamic(let d): return d
        }
    }

    private mutating func nested(_ body: (inout Self) throws(Failure) -> KQLDynamic) throws(Failure) -> KQLDynamic {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth) levels") }
        return try body(&self)
    }

    private mutating func parseString() throws(Failure) -> String {
        let start = c.index
        let prefix = StringLiteralScanner.prefixLength(at: c) ?? 0
        let verbatim = c.bytes[c.index..<c.index + prefix].contains(UInt8(ascii: "@"))
        c.advance(prefix)
        let result = StringLiteralScanner.scan(&c, verbatim: verbatim)
        guard result.terminated else { throw Failure(offset: start, message: "unterminated string") }
        if let bad = result.badEscapes.first {
            throw Failure(offset: bad.offset, message: "unknown escape sequence '\(bad.text)'")
        }
        return result.value
    }

    private mutating func parseArray() throws(Failure) -> KQLDynamic {
        c.advance()
        var items: [KQLDynamic] = []
        skipTrivia()
        if c.consume(UInt8(ascii: "]")) { return .array(items) }
        while true {
            items.append(try parseValue())
            skipTrivia()
            if c.consume(UInt8(ascii: "]")) { return .array(items) }
            guard c.consume(UInt8(ascii: ",")) else { throw fail("expected ',' or ']' in array") }
            skipTrivia()
        }
    }

    private mutating func parseBag() throws(Failure) -> KQLDynamic {
        c.advance()
        var pairs: [(key: String, value: KQLDynamic)] = []
        skipTrivia()
        if c.consume(UInt8(ascii: "}")) { return .bag(pairs) }
        while true {
            guard StringLiteralScanner.prefixLength(at: c) != nil else { throw fail("expected a quoted key") }
            let key = try parseString()
            skipTrivia()
            guard c.consume(UInt8(ascii: ":")) else { throw fail("expected ':' after key") }
            skipTrivia()
            let value = try parseValue()
            if let index = pairs.firstIndex(where: { $0.key == key }) {
                pairs[index].value = value
            } else {
                pairs.append((key, value))
            }
            skipTrivia()
            if c.consume(UInt8(ascii: "}")) { return .bag(pairs) }
            guard c.consume(UInt8(ascii: ",")) else { throw fail("expected ',' or '}' in property bag") }
            skipTrivia()
        }
    }

    /// Whether the cursor is at an exponent (`e5`, `E-7`, `e+16`): JSON's `1e16` is a real, not a
    /// timespan with the unit `e` (no unit starts with `e`).
    private func exponentFollows() -> Bool {
        guard c.current == UInt8(ascii: "e") || c.current == UInt8(ascii: "E") else { return false }
        var probe = c
        probe.advance()
        if probe.current == UInt8(ascii: "-") || probe.current == UInt8(ascii: "+") { probe.advance() }
        return probe.current?.isASCIIDigit == true
    }

    private mutating func parseNumber() throws(Failure) -> KQLDynamic {
        let start = c.index
        _ = c.consume(UInt8(ascii: "-"))
        var isReal = false
        guard c.skip(while: { $0.isASCIIDigit }) > 0 else { throw fail("expected a value") }
        if let unitStart = Optional(c.index), c.current?.isASCIILetter == true, !exponentFollows() {
            // A timespan such as 1d or 30min.
            c.skip { $0.isIdentifierPart }
            let number = c.text(start..<unitStart)
            guard let ticks = LiteralSyntax.timespanTicks(number, unit: c.text(unitStart..<c.index)) else {
                throw Failure(offset: start, message: "malformed number '\(c.text(start..<c.index))'")
            }
            return .timespan(KQLTimespan(ticks: ticks))
        }
        if c.consume(UInt8(ascii: ".")) {
            isReal = true
            c.skip { $0.isASCIIDigit }
        }
        if c.current == UInt8(ascii: "e") || c.current == UInt8(ascii: "E") {
            isReal = true
            c.advance()
            _ = c.consume(UInt8(ascii: "-")) || c.consume(UInt8(ascii: "+"))
            guard c.skip(while: { $0.isASCIIDigit }) > 0 else { throw fail("malformed number") }
        }
        let text = c.text(start..<c.index)
        if !isReal, let value = LiteralSyntax.parseInteger(text) { return .long(value) }
        guard let value = Double(text) else { throw Failure(offset: start, message: "malformed number '\(text)'") }
        return .real(value)
    }
}

extension KQLDynamic {
    /// Parses JSON (with KQL's extensions: single quotes, `//` comments) as a dynamic value.
    /// - Throws: ``KQLLiteralError`` naming the byte offset of the first problem.
    public init(parsing text: String) throws(KQLLiteralError) {
        let bytes = Array(text.utf8)
        var parser = DynamicLiteralParser(bytes, from: 0, to: bytes.count)
        do {
            self = try parser.parseDocument()
        } catch {
            throw KQLLiteralError(message: error.message, offset: error.offset)
        }
    }
}

/// A literal's text could not be read as its type.
public struct KQLLiteralError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Byte offset into the text where it went wrong, when known.
    public var offset: Int?

    /// Creates an error.
    public init(message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String { message }
}
