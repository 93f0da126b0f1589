/// The tokens of a KQL text, its comments, and what was wrong with it.
public struct LexedSource: Sendable {
    /// The source as UTF-8 bytes (without a byte-order mark's effect on columns).
    public var bytes: [UInt8]
    /// Tokens in order, comments excluded, ending with one `.endOfFile` token.
    public var tokens: [Token]
    /// The `//` comments, in order (trivia).
    public var comments: [Token]
    /// Problems found, in order of position.
    public var diagnostics: [Diagnostic]

    /// The source text of a range.
    public func text(_ range: SourceRange) -> String {
        String(decoding: bytes[range.offsets], as: UTF8.self)
    }
}

/// Splits KQL text into tokens. Any input, however broken, gives tokens and diagnostics: it never
/// traps and always moves forward, so it never hangs.
public struct Lexer {
    /// The most diagnostics reported for one text; a binary file should not flood a nightly log.
    public static let maxDiagnostics = 100

    private let bytes: [UInt8]
    private var index: Int
    private var tokens: [Token] = []
    private var comments: [Token] = []
    private var diagnostics: [Diagnostic] = []
    private var sawTrivia = true
    private var locator: Locator

    private init(bytes: [UInt8]) {
        self.bytes = bytes
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        index = hasBOM ? 3 : 0
        locator = Locator(bytes: bytes, bomLength: hasBOM ? 3 : 0)
    }

    /// Lexes a text.
    public static func lex(_ text: String) -> LexedSource { lex(bytes: Array(text.utf8)) }

    /// Lexes UTF-8 bytes (invalid UTF-8 is reported, not trusted).
    public static func lex(bytes: [UInt8]) -> LexedSource {
        var lexer = Lexer(bytes: bytes)
        lexer.run()
        return LexedSource(bytes: bytes, tokens: lexer.tokens, comments: lexer.comments, diagnostics: lexer.diagnostics)
    }

    // MARK: driver

    private mutating func run() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                index += 1
                sawTrivia = true
            } else if let width = Lexer.unicodeSpaceWidth(bytes, index) {
                index += width
                sawTrivia = true
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") {
                lexComment()
            } else if let prefix = StringLiteralScanner.prefixLength(at: cursor) {
                lexString(prefixLength: prefix)
            } else if byte.isASCIIDigit {
                lexNumber()
            } else if byte.isIdentifierStart || (byte == UInt8(ascii: "$") && peek(1)?.isIdentifierStart == true) {
                lexWord()
            } else if byte >= 0x80 {
                lexNonASCII()
            } else if byte == UInt8(ascii: "["), lexBracketedName() {
                continue
            } else {
                lexPunctuation()
            }
        }
        let end = locator.location(bytes.count)
        tokens.append(Token(kind: .endOfFile, text: "", range: SourceRange(start: end, end: end), hasLeadingTrivia: sawTrivia))
    }

    private var cursor: ByteCursor {
        var c = ByteCursor(bytes)
        c.index = index
        return c
    }

    private func peek(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func emit(_ kind: Token.Kind, from start: Int, value: KQLValue? = nil) {
        let range = SourceRange(start: locator.location(start), end: locator.location(index))
        let token = Token(
            kind: kind, text: String(decoding: bytes[start..<index], as: UTF8.self), range: range,
            value: value, hasLeadingTrivia: sawTrivia)
        if kind == .comment {
            comments.append(token)
            sawTrivia = true
        } else {
            tokens.append(token)
            sawTrivia = false
        }
    }

    private mutating func report(_ code: String, _ message: String, at offset: Int) {
        guard diagnostics.count <= Lexer.maxDiagnostics else { return }
        if diagnostics.count == Lexer.maxDiagnostics {
            diagnostics.append(.error("too-many-errors", "too many errors; stopped reporting after \(Lexer.maxDiagnostics)", at: locator.location(offset)))
            return
        }
        diagnostics.append(.error(code, message, at: locator.location(offset)))
    }

    // MARK: trivia

    /// The byte length of a Unicode space the Kusto parser skips at `i` (U+00A0, U+1680, U+180E,
    /// U+2000–U+200B, U+202F, U+205F, U+3000, U+FEFF), or `nil`.
    static func unicodeSpaceWidth(_ bytes: [UInt8], _ i: Int) -> Int? {
        let b0 = bytes[i]
        guard b0 >= 0xC2, i + 1 < bytes.count else { return nil }
        let b1 = bytes[i + 1]
        if b0 == 0xC2 { return b1 == 0xA0 ? 2 : nil }
        guard i + 2 < bytes.count else { return nil }
        let b2 = bytes[i + 2]
        switch (b0, b1) {
        case (0xE2, 0x80): return (b2 >= 0x80 && b2 <= 0x8B) || b2 == 0xAF ? 3 : nil
        case (0xE2, 0x81): return b2 == 0x9F ? 3 : nil
        case (0xE3, 0x80): return b2 == 0x80 ? 3 : nil
        case (0xEF, 0xBB): return b2 == 0xBF ? 3 : nil
        case (0xE1, 0x9A): return b2 == 0x80 ? 3 : nil
        case (0xE1, 0xA0): return b2 == 0x8E ? 3 : nil
        default: return nil
        }
    }

    private mutating func lexComment() {
        let start = index
        var c = cursor
        while let byte = c.current, byte != 0x0A, byte != 0x0D, !StringLiteralScanner.isUnicodeLineBreak(c) { c.advance() }
        index = c.index
        emit(.comment, from: start)
    }

    // MARK: strings

    private mutating func lexString(prefixLength: Int) {
        let start = index
        let verbatim = bytes[index..<index + prefixLength].contains(UInt8(ascii: "@"))
        var c = cursor
        c.advance(prefixLength)
        let multiline = c.hasPrefix("```")
        let result = StringLiteralScanner.scan(&c, verbatim: verbatim)
        index = c.index
        for bad in result.badEscapes {
            report("unknown-escape", "unknown escape sequence '\(bad.text)' in string literal", at: bad.offset)
        }
        if !result.terminated {
            report(
                "unterminated-string",
                multiline
                    ? "unterminated multi-line string: no closing ``` before the end of the file"
                    : "unterminated string literal: the closing quote is missing on this line",
                at: start)
        }
        emit(.literal, from: start, value: .string(result.value))
    }

    /// `['name']` or `["name"]`: a quoted name. Returns `false` (consuming nothing) for any other `[`.
    private mutating func lexBracketedName() -> Bool {
        var c = cursor
        c.advance()
        c.skipBlanks()
        guard let prefix = StringLiteralScanner.prefixLength(at: c), !c.hasPrefix("```") else { return false }
        let verbatim = c.bytes[c.index..<c.index + prefix].contains(UInt8(ascii: "@"))
        c.advance(prefix)
        let result = StringLiteralScanner.scan(&c, verbatim: verbatim)
        c.skipBlanks()
        guard result.terminated, result.badEscapes.isEmpty, c.consume(UInt8(ascii: "]")) else { return false }
        let start = index
        index = c.index
        emit(.bracketedName, from: start, value: .string(result.value))
        return true
    }

    // MARK: numbers

    private mutating func lexNumber() {
        let start = index
        if bytes[index] == UInt8(ascii: "0"), let x = peek(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X"),
            peek(2)?.isASCIIHexDigit == true
        {
            index += 2
            while index < bytes.count, bytes[index].isASCIIHexDigit { index += 1 }
            finishNumber(start: start, isReal: false)
            return
        }
        var isReal = false
        skipDigits()
        if index < bytes.count, bytes[index] == UInt8(ascii: "."), peek(1)?.isASCIIDigit == true {
            isReal = true
            index += 1
            skipDigits()
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "."),
            peek(1) != UInt8(ascii: "."), peek(1)?.isIdentifierStart != true
        {
            // `1000.` is a real in Kusto (`sum(x) / 1000. by …`); `1..5` and `a.b` are not.
            index += 1
            finishNumber(start: start, isReal: true)
            return
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            var probe = index + 1
            if probe < bytes.count, bytes[probe] == UInt8(ascii: "+") || bytes[probe] == UInt8(ascii: "-") { probe += 1 }
            if probe < bytes.count, bytes[probe].isASCIIDigit {
                isReal = true
                index = probe
                skipDigits()
            }
        }
        finishNumber(start: start, isReal: isReal)
    }

    private mutating func skipDigits() {
        while index < bytes.count, bytes[index].isASCIIDigit { index += 1 }
    }

    /// Reads a unit suffix, if any, and emits the number or timespan. Digits followed by letters
    /// that are no unit make a name, as in Kusto (`5Minutebin`).
    private mutating func finishNumber(start: Int, isReal: Bool) {
        let numberEnd = index
        while index < bytes.count, bytes[index].isIdentifierPart { index += 1 }
        let numberText = String(decoding: bytes[start..<numberEnd], as: UTF8.self)
        if index > numberEnd {
            let unit = String(decoding: bytes[numberEnd..<index], as: UTF8.self)
            let isUnit = LiteralSyntax.timespanUnits[unit] != nil || LiteralSyntax.nanosecondUnits.contains(unit)
            guard isUnit, !numberText.hasPrefix("0x") && !numberText.hasPrefix("0X") else {
                if isReal || numberText.hasPrefix("0x") || numberText.hasPrefix("0X") {
                    report("invalid-number", "invalid number '\(String(decoding: bytes[start..<index], as: UTF8.self))': '\(unit)' is not a timespan unit (d, h, m, s, ms, microsecond, tick)", at: start)
                    emit(.invalid, from: start)
                } else {
                    emit(.identifier, from: start)
                }
                return
            }
            guard let ticks = LiteralSyntax.timespanTicks(numberText, unit: unit) else {
                report("invalid-number", "timespan '\(numberText)\(unit)' is out of range", at: start)
                emit(.literal, from: start, value: .null(.timespan))
                return
            }
            emit(.literal, from: start, value: .timespan(KQLTimespan(ticks: ticks)))
            return
        }
        if isReal {
            emit(.literal, from: start, value: .real(Double(numberText) ?? .nan))
        } else if let value = LiteralSyntax.parseInteger(numberText) {
            emit(.literal, from: start, value: .long(value))
        } else {
            report("invalid-number", "integer '\(numberText)' does not fit in a long; write it as a real (\(numberText).0)", at: start)
            emit(.literal, from: start, value: .null(.long))
        }
    }

    // MARK: words

    private mutating func lexWord() {
        let start = index
        if bytes[index] == UInt8(ascii: "$") { index += 1 }
        skipIdentifierPart()
        var word = String(decoding: bytes[start..<index], as: UTF8.self)

        // Hyphenated operator names are one token: project-away, mv-expand, make-series, …
        if index < bytes.count, bytes[index] == UInt8(ascii: "-"), peek(1)?.isIdentifierStart == true {
            var probe = index
            var candidate = word
            while probe < bytes.count, bytes[probe] == UInt8(ascii: "-"), probe + 1 < bytes.count, bytes[probe + 1].isIdentifierStart {
                var end = probe + 1
                while end < bytes.count, bytes[end].isIdentifierPart { end += 1 }
                candidate += "-" + String(decoding: bytes[probe + 1..<end], as: UTF8.self)
                probe = end
                if KQLWords.hyphenated.contains(candidate) {
                    index = probe
                    word = candidate
                    break
                }
            }
        }

        if word == "in", index < bytes.count, bytes[index] == UInt8(ascii: "~") {
            index += 1
            emit(.wordOperator, from: start)
            return
        }
        if word == "matches" {
            var c = cursor
            c.skip { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            if c.consume("regex"), c.current?.isIdentifierPart != true {
                index = c.index
                emit(.wordOperator, from: start)
                return
            }
        }
        if let bool = Lexer.booleanWords[word] {
            emit(.literal, from: start, value: .bool(bool))
            return
        }
        if let type = KQLWords.literalTypeNames[word], lexTypedLiteral(type: type, start: start) {
            return
        }
        if KQLWords.wordOperators.contains(word) {
            emit(.wordOperator, from: start)
        } else if KQLWords.keywords.contains(word) {
            emit(.keyword, from: start)
        } else {
            emit(.identifier, from: start)
        }
    }

    private static let booleanWords: [String: Bool] = [
        "true": true, "True": true, "TRUE": true, "false": false, "False": false, "FALSE": false,
    ]

    /// Identifier characters: ASCII letters, digits and `_` (Kusto's names are ASCII).
    private mutating func skipIdentifierPart() {
        while index < bytes.count, bytes[index].isIdentifierPart { index += 1 }
    }

    private func decodeScalar(at i: Int) -> (Unicode.Scalar, Int)? {
        var iterator = bytes[i..<min(i + 4, bytes.count)].makeIterator()
        var decoder = UTF8()
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar): return (scalar, UTF8.width(scalar))
        default: return nil
        }
    }

    private mutating func lexNonASCII() {
        let start = index
        guard let (scalar, width) = decodeScalar(at: index) else {
            index += 1
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            report("invalid-utf8", "bytes that are not valid UTF-8", at: start)
            emit(.invalid, from: start)
            return
        }
        index += width
        let hint: String
        switch scalar {
        case "\u{201C}", "\u{201D}", "\u{201E}": hint = "; use a straight quote \" instead of a typographic one"
        case "\u{2018}", "\u{2019}": hint = "; use a straight quote ' instead of a typographic one"
        case "\u{2013}", "\u{2014}", "\u{2212}": hint = "; use a plain minus sign -"
        case _ where scalar.properties.isAlphabetic: hint = "; names outside ASCII must be quoted: ['name']"
        default: hint = ""
        }
        let code = "U+" + String(scalar.value, radix: 16, uppercase: true)
        // Invisible and control characters are named by code only, so a message never carries them.
        let visible = !scalar.properties.isWhitespace && ![.control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned].contains(scalar.properties.generalCategory)
        report("unexpected-character", "unexpected character \(visible ? "'\(scalar)' (\(code))" : code)\(hint)", at: start)
        emit(.invalid, from: start)
    }

    // MARK: typed literals

    /// `datetime(…)`, `time(…)`, `guid(…)`, `int(…)`, … as one literal token when `(` follows the
    /// word directly, as in Kusto: the token runs to the first `)` on the line. `dynamic(…)` may
    /// span lines and hold comments; it is one token here too, so binding can replace it whole.
    /// Returns `false`, consuming nothing, when no `(` follows (a type name in a schema).
    private mutating func lexTypedLiteral(type: KQLScalarType, start: Int) -> Bool {
        var c = cursor
        if type == .dynamic { c.skip { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } }
        guard c.consume(UInt8(ascii: "(")) else { return false }
        let contentStart = c.index
        if type == .dynamic {
            guard let closing = findClosingParenthesis(from: contentStart) else {
                report("unterminated-literal", "dynamic literal has no closing ')'", at: start)
                return false
            }
            var parser = DynamicLiteralParser(bytes, from: contentStart, to: closing)
            var value = KQLValue.dynamic(.null)
            do {
                value = .dynamic(try parser.parseDocument())
            } catch {
                report("invalid-literal", "invalid dynamic literal: \(error.message)", at: error.offset)
            }
            index = closing + 1
            emit(.literal, from: start, value: value)
            return true
        }
        c.skip { $0 != UInt8(ascii: ")") && $0 != 0x0A && $0 != 0x0D }
        guard c.current == UInt8(ascii: ")") else {
            report("unterminated-literal", "\(type) literal has no closing ')' on this line", at: start)
            index = c.index
            emit(.literal, from: start, value: .null(type))
            return true
        }
        let content = String(decoding: bytes[contentStart..<c.index], as: UTF8.self)
        index = c.index + 1
        if let value = LiteralSyntax.decodeTypedLiteral(type, content: content) {
            emit(.literal, from: start, value: value)
            return true
        }
        let trimmed = content.trimmingBlanks()
        let quoted = trimmed.hasPrefix("\"") || trimmed.hasPrefix("'")
        if type == .datetime && quoted {
            // .NET reads more date shapes than the documented ones; the service may accept this.
            diagnostics.append(.warning("unchecked-literal", "cannot check datetime \(trimmed); Kusto documents ISO 8601 (2024-01-31T08:00:00Z)", at: locator.location(contentStart)))
        } else if type == .int, let wide = LiteralSyntax.parseInteger(trimmed) {
            report("invalid-literal", "\(wide) does not fit in an int (32 bits); use long(\(wide))", at: contentStart)
        } else {
            report("invalid-literal", "'\(trimmed)' is not a valid \(type) literal; expected \(type.example)", at: contentStart)
        }
        emit(.literal, from: start, value: .null(type))
        return true
    }

    /// The offset of the `)` that closes a parenthesis opened just before `start`, skipping strings,
    /// comments and nested brackets.
    private func findClosingParenthesis(from start: Int) -> Int? {
        var c = ByteCursor(bytes, from: start)
        var depth = 0
        while let byte = c.current {
            if let prefix = StringLiteralScanner.prefixLength(at: c) {
                let verbatim = bytes[c.index..<c.index + prefix].contains(UInt8(ascii: "@"))
                c.advance(prefix)
                _ = StringLiteralScanner.scan(&c, verbatim: verbatim)
                continue
            }
            switch byte {
            case UInt8(ascii: "/") where c.peek(1) == UInt8(ascii: "/"):
                c.skip { $0 != 0x0A }
                continue
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            case UInt8(ascii: ")"):
                if depth == 0 { return c.index }
                depth -= 1
            default: break
            }
            c.advance()
        }
        return nil
    }

    // MARK: punctuation

    private static let punctuation2: Set<String> = ["==", "!=", "<>", "=~", "!~", "<=", ">=", "..", "=>", "<|"]
    private static let punctuation1: Set<UInt8> = Set("+-*/%|;,.()[]{}<>=:?@!".utf8)

    private mutating func lexPunctuation() {
        let start = index
        let byte = bytes[index]
        if byte == UInt8(ascii: "!"), let next = peek(1), next.isIdentifierStart {
            var end = index + 1
            while end < bytes.count, bytes[end].isIdentifierPart { end += 1 }
            var word = String(decoding: bytes[index + 1..<end], as: UTF8.self)
            if word == "in", end < bytes.count, bytes[end] == UInt8(ascii: "~") {
                end += 1
                word += "~"
            }
            if KQLWords.negatableOperators.contains(word) {
                index = end
                emit(.wordOperator, from: start)
                return
            }
        }
        if index + 1 < bytes.count {
            let pair = String(decoding: bytes[index...index + 1], as: UTF8.self)
            if Lexer.punctuation2.contains(pair) {
                index += 2
                emit(.punctuation, from: start)
                return
            }
        }
        index += 1
        if Lexer.punctuation1.contains(byte) {
            emit(.punctuation, from: start)
        } else {
            let shown = byte < 0x20 || byte == 0x7F ? "U+\(String(byte, radix: 16, uppercase: true))" : "'\(Character(Unicode.Scalar(byte)))'"
            report("unexpected-character", "unexpected character \(shown)", at: start)
            emit(.invalid, from: start)
        }
    }
}

/// Turns byte offsets into line:column positions, quickly for offsets that only grow.
struct Locator {
    let bytes: [UInt8]
    let bomLength: Int
    private var offset = 0
    private var line = 1
    private var column = 1

    init(bytes: [UInt8], bomLength: Int) {
        self.bytes = bytes
        self.bomLength = bomLength
        offset = bomLength
    }

    /// The location of `target`. Calls with growing offsets cost the bytes in between; a smaller
    /// offset rescans from the start.
    mutating func location(_ target: Int) -> SourceLocation {
        let target = max(min(target, bytes.count), bomLength)
        if target < offset {
            offset = bomLength
            line = 1
            column = 1
        }
        while offset < target {
            let byte = bytes[offset]
            if byte == 0x0A || (byte == 0x0D && (offset + 1 >= bytes.count || bytes[offset + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 && byte != 0x0D {
                column += 1
            }
            offset += 1
        }
        return SourceLocation(offset: target, line: line, column: column)
    }
}
