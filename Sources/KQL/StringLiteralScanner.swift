/// Scans and decodes KQL string literals of every form: `"…"` and `'…'` with backslash escapes,
/// verbatim `@"…"` (a doubled quote stands for one), obfuscated `h"…"` / `H@'…'`, and multi-line
/// ```` ```…``` ````.
enum StringLiteralScanner {
    struct Result {
        var value: String
        /// `false` when the input ended (or, for one-line forms, the line ended) first.
        var terminated: Bool
        /// Offsets and texts of escape sequences KQL does not define.
        var badEscapes: [(offset: Int, text: String)] = []
    }

    /// Whether a string literal starts at the cursor, and how many prefix bytes (`@`, `h`, `h@`) it has.
    static func prefixLength(at c: ByteCursor) -> Int? {
        guard let first = c.current else { return nil }
        func isQuote(_ b: UInt8?) -> Bool { b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") }
        if isQuote(first) || c.hasPrefix("```") { return 0 }
        if first == UInt8(ascii: "@"), isQuote(c.peek(1)) { return 1 }
        if first == UInt8(ascii: "h") || first == UInt8(ascii: "H") {
            if isQuote(c.peek(1)) { return 1 }
            if c.peek(1) == UInt8(ascii: "@"), isQuote(c.peek(2)) { return 2 }
            if c.peek(1) == UInt8(ascii: "`"), c.peek(2) == UInt8(ascii: "`"), c.peek(3) == UInt8(ascii: "`") { return 1 }
        }
        return nil
    }

    /// Scans one string literal whose first byte (after any prefix) is at the cursor; leaves the
    /// cursor after the closing quote, or at the end of the line when it is unterminated.
    static func scan(_ c: inout ByteCursor, verbatim: Bool) -> Result {
        if c.consume("```") { return scanMultiline(&c) }
        let quote = c.current!
        c.advance()
        var bytes: [UInt8] = []
        var result = Result(value: "", terminated: false)
        while let byte = c.current {
            if byte == 0x0A || byte == 0x0D || isUnicodeLineBreak(c) { break }
            if byte == quote {
                if verbatim, c.peek(1) == quote {
                    bytes.append(quote)
                    c.advance(2)
                    continue
                }
                c.advance()
                result.terminated = true
                break
            }
            if byte == UInt8(ascii: "\\"), !verbatim {
                let escapeStart = c.index
                c.advance()
                if !decodeEscape(&c, into: &bytes) {
                    let end = min(c.index + 1, c.end)
                    result.badEscapes.append((escapeStart, c.text(escapeStart..<end)))
                    if let next = c.current, next != 0x0A, next != 0x0D { bytes.append(next); c.advance() }
                }
                continue
            }
            bytes.append(byte)
            c.advance()
        }
        result.value = String(decoding: bytes, as: UTF8.self)
        return result
    }

    private static func scanMultiline(_ c: inout ByteCursor) -> Result {
        let start = c.index
        while !c.isAtEnd {
            if c.hasPrefix("```") {
                let value = c.text(start..<c.index)
                c.advance(3)
                return Result(value: value, terminated: true)
            }
            c.advance()
        }
        return Result(value: c.text(start..<c.index), terminated: false)
    }

    /// U+2028 and U+2029 end a one-line string like CR and LF do.
    static func isUnicodeLineBreak(_ c: ByteCursor) -> Bool {
        c.current == 0xE2 && c.peek(1) == 0x80 && (c.peek(2) == 0xA8 || c.peek(2) == 0xA9)
    }

    /// Decodes the escape after a backslash. Returns `false` for an unknown escape.
    private static func decodeEscape(_ c: inout ByteCursor, into bytes: inout [UInt8]) -> Bool {
        guard let byte = c.current else { return false }
        func append(_ b: UInt8) {
            bytes.append(b)
            c.advance()
        }
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"):
            append(byte)
        case UInt8(ascii: "n"): append(0x0A)
        case UInt8(ascii: "r"): append(0x0D)
        case UInt8(ascii: "t"): append(0x09)
        case UInt8(ascii: "b"): append(0x08)
        case UInt8(ascii: "f"): append(0x0C)
        case UInt8(ascii: "v"): append(0x0B)
        case UInt8(ascii: "a"): append(0x07)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            // Octal: up to three digits, three only when the first is 0–3.
            let maxDigits = byte <= UInt8(ascii: "3") ? 3 : 2
            var value: UInt32 = 0
            var count = 0
            while count < maxDigits, let digit = c.peek(count), digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") {
                value = value * 8 + UInt32(digit - 0x30)
                count += 1
            }
            bytes.append(contentsOf: Array(String(Character(Unicode.Scalar(UInt8(value)))).utf8))
            c.advance(count)
        case UInt8(ascii: "u"), UInt8(ascii: "U"), UInt8(ascii: "x"):
            let digits = byte == UInt8(ascii: "u") ? 4 : byte == UInt8(ascii: "U") ? 8 : 2
            var value: UInt32 = 0
            for i in 1...digits {
                guard let hex = c.peek(i)?.hexValue else { return false }
                value = value << 4 | UInt32(hex)
            }
            c.advance(digits + 1)
            // A UTF-16 surrogate pair written as two \u escapes is one character.
            if (0xD800...0xDBFF).contains(value), c.current == UInt8(ascii: "\\"), c.peek(1) == UInt8(ascii: "u") {
                var low: UInt32 = 0
                for i in 2...5 {
                    guard let hex = c.peek(i)?.hexValue else { return false }
                    low = low << 4 | UInt32(hex)
                }
                if (0xDC00...0xDFFF).contains(low) {
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    c.advance(6)
                }
            }
            guard let scalar = Unicode.Scalar(value) else { return false }
            bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            return false
        }
        return true
    }
}
