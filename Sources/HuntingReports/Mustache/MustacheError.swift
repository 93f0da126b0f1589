/// A template that cannot be parsed, with where and why.
///
/// `description` reads `name:line:column: message`, e.g. `report:3:1: unclosed section 'rows'`.
public struct MustacheError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The template's name (or, for templates loaded from a directory, its file path).
    public var name: String
    /// The 1-based line of the offending tag.
    public var line: Int
    /// The 1-based column, in characters, of the offending tag.
    public var column: Int
    /// What is wrong, in words.
    public var message: String

    /// Creates an error at a position in a named template.
    public init(name: String, line: Int, column: Int, message: String) {
        self.name = name
        self.line = line
        self.column = column
        self.message = message
    }

    /// `name:line:column: message`.
    public var description: String { "\(name):\(line):\(column): \(message)" }
}
