/// A forward cursor over a template's UTF-8 bytes.
struct MustacheCursor {
    let bytes: [UInt8]
    private(set) var index = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    var isAtEnd: Bool { index >= bytes.count }
    var current: UInt8? { isAtEnd ? nil : bytes[index] }

    mutating func advance(by count: Int = 1) { index = min(index + count, bytes.count) }
    mutating func move(to offset: Int) { index = offset }

    /// Reads up to `delimiter`, leaving the cursor on it; `found` is false (and the cursor at the end) if it never occurs.
    mutating func read(until delimiter: [UInt8]) -> (text: ArraySlice<UInt8>, found: Bool) {
        let start = index
        while !isAtEnd {
            if hasPrefix(delimiter) { return (bytes[start..<index], true) }
            index += 1
        }
        return (bytes[start..<index], false)
    }

    func hasPrefix(_ prefix: [UInt8]) -> Bool {
        index + prefix.count <= bytes.count && bytes[index..<(index + prefix.count)].elementsEqual(prefix)
    }

    /// The number of spaces and tabs between the start of the line and `offset`, if nothing else precedes it.
    func indentation(before offset: Int) -> Int? {
        var start = offset
        while start > 0, bytes[start - 1] == .space || bytes[start - 1] == .tab { start -= 1 }
        return start == 0 || bytes[start - 1] == .newline ? offset - start : nil
    }

    /// Where the next line starts (or the end), if only spaces and tabs follow `offset` on its line.
    func lineEnd(after offset: Int) -> Int? {
        var end = offset
        while end < bytes.count, bytes[end] == .space || bytes[end] == .tab { end += 1 }
        if end == bytes.count { return end }
        if bytes[end] == .newline { return end + 1 }
        if bytes[end] == .carriageReturn, end + 1 < bytes.count, bytes[end + 1] == .newline { return end + 2 }
        return nil
    }

    /// The 1-based line and column (counted in characters) of `offset`.
    func position(of offset: Int) -> (line: Int, column: Int) {
        let before = bytes[..<offset]
        let line = before.count(where: { $0 == .newline }) + 1
        let lineStart = before.lastIndex(of: .newline).map { $0 + 1 } ?? 0
        return (line, String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1)
    }
}

extension UInt8 {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
}
