/// A forward-only cursor over UTF-8 bytes, the shared tool of every hand-written scanner here.
struct ByteCursor {
    let bytes: [UInt8]
    var index: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.index = start
        self.end = end ?? bytes.count
    }

    init(_ text: some StringProtocol) {
        self.init(Array(text.utf8))
    }

    var isAtEnd: Bool { index >= end }
    var current: UInt8? { index < end ? bytes[index] : nil }

    func peek(_ offset: Int = 0) -> UInt8? {
        let i = index + offset
        return i < end && i >= 0 ? bytes[i] : nil
    }

    mutating func advance(_ count: Int = 1) { index = Swift.min(index + count, end) }

    /// Consumes `byte` if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        index += 1
        return true
    }

    /// Whether the next bytes are `literal` (ASCII).
    func hasPrefix(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= end else { return false }
        return literal.withUTF8Buffer { buffer in
            for i in 0..<count where bytes[index + i] != buffer[i] { return false }
            return true
        }
    }

    /// Consumes `literal` if it is next.
    mutating func consume(_ literal: StaticString) -> Bool {
        guard hasPrefix(literal) else { return false }
        index += literal.utf8CodeUnitCount
        return true
    }

    /// Consumes bytes while `predicate` holds and returns how many.
    @discardableResult
    mutating func skip(while predicate: (UInt8) -> Bool) -> Int {
        let start = index
        while index < end, predicate(bytes[index]) { index += 1 }
        return index - start
    }

    /// Consumes ASCII spaces and tabs.
    mutating func skipBlanks() { skip { $0 == 0x20 || $0 == 0x09 } }

    /// Reads an unsigned decimal number of at most `maxDigits` digits.
    mutating func readDigits(min minDigits: Int = 1, max maxDigits: Int = 18) -> (value: Int64, digits: Int)? {
        var value: Int64 = 0
        var digits = 0
        while digits < maxDigits, let byte = current, byte.isASCIIDigit {
            value = value * 10 + Int64(byte - 0x30)
            digits += 1
            index += 1
        }
        return digits >= minDigits ? (value, digits) : nil
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
}

extension UInt8 {
    var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isASCIILetter: Bool { (self | 0x20) >= 0x61 && (self | 0x20) <= 0x7A }
    var isASCIIHexDigit: Bool { isASCIIDigit || ((self | 0x20) >= 0x61 && (self | 0x20) <= 0x66) }
    var isIdentifierStart: Bool { isASCIILetter || self == 0x5F }
    var isIdentifierPart: Bool { isASCIILetter || isASCIIDigit || self == 0x5F }
    var asciiLowercased: UInt8 { isASCIILetter ? self | 0x20 : self }
    var hexValue: UInt8? {
        if isASCIIDigit { return self - 0x30 }
        let lower = self | 0x20
        return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : nil
    }
}
