/// A position in a source text: a byte offset into its UTF-8 encoding plus the 1-based line and
/// column that a person sees (columns count Unicode scalars, not bytes).
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Byte offset into the UTF-8 text, from 0.
    public var offset: Int
    /// Line number, from 1.
    public var line: Int
    /// Column number in Unicode scalars, from 1.
    public var column: Int

    /// Creates a location from its three coordinates.
    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// The start of a text.
    public static let start = SourceLocation(offset: 0, line: 1, column: 1)

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool { lhs.offset < rhs.offset }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// A half-open range of a source text, `start..<end` in bytes.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    /// The first byte of the range.
    public var start: SourceLocation
    /// The location just past the last byte.
    public var end: SourceLocation

    /// Creates a range from its bounds.
    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = end
    }

    /// The byte offsets covered.
    public var offsets: Range<Int> { start.offset..<end.offset }

    /// `line:column` of the start.
    public var description: String { start.description }
}
