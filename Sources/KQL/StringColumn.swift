/// Many strings stored as one UTF-8 buffer plus end offsets: a 100,000-row result keeps its text
/// in a few large arrays instead of millions of small allocations.
public struct StringColumn: Hashable, Sendable {
    /// Every string's bytes, back to back.
    public private(set) var bytes: [UInt8] = []
    /// `ends[i]` is where string `i` ends in `bytes`; it starts where string `i - 1` ends.
    public private(set) var ends: [UInt32] = []

    /// An empty column.
    public init() {}

    /// The number of strings.
    public var count: Int { ends.count }

    /// Reserves room for `count` strings of `bytes` total bytes.
    public mutating func reserve(count: Int, bytes byteCount: Int) {
        ends.reserveCapacity(count)
        bytes.reserveCapacity(byteCount)
    }

    /// Appends a string.
    public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append(utf8: $0) }
    }

    /// Appends a string given as UTF-8 bytes.
    public mutating func append(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: utf8)
        ends.append(UInt32(truncatingIfNeeded: bytes.count))
    }

    /// Appends a string given as UTF-8 bytes.
    public mutating func append(utf8: some Collection<UInt8>) {
        bytes.append(contentsOf: utf8)
        ends.append(UInt32(truncatingIfNeeded: bytes.count))
    }

    /// The byte range of string `i`.
    @inline(__always)
    public func range(_ i: Int) -> Range<Int> {
        (i == 0 ? 0 : Int(ends[i - 1]))..<Int(ends[i])
    }

    /// String `i`.
    public subscript(i: Int) -> String {
        String(decoding: bytes[range(i)], as: UTF8.self)
    }

    /// Calls `body` with the UTF-8 bytes of string `i`, without copying.
    public func withUTF8<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let r = range(i)
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[r])) }
    }
}

/// Which cells of a column are null, one bit a row; empty while no cell is null.
public struct NullMask: Hashable, Sendable {
    private var words: [UInt64] = []

    /// A mask with no nulls.
    public init() {}

    /// Whether row `i` is null.
    @inline(__always)
    public func isNull(_ i: Int) -> Bool {
        let word = i >> 6
        return word < words.count && words[word] & (1 << UInt64(i & 63)) != 0
    }

    /// Marks row `i` null.
    public mutating func setNull(_ i: Int) {
        let word = i >> 6
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word - words.count + 1)) }
        words[word] |= 1 << UInt64(i & 63)
    }

    /// Whether any row is null.
    public var hasNulls: Bool { words.contains { $0 != 0 } }
}
