public import KQL

/// Why a JSON text could not be parsed, and where: `hunt.json:7:12: error: expected ',' or '}'
/// after an object member, found ']'`.
public struct JSONDocumentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of problem.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The text breaks the JSON grammar.
        case syntax = "json-syntax"
        /// An object has the same key twice.
        case duplicateKey = "json-duplicate-key"
        /// Arrays and objects nest deeper than allowed.
        case tooDeep = "json-too-deep"
        /// A string is not valid UTF-8.
        case invalidUTF8 = "json-invalid-utf8"
    }

    /// The kind of problem.
    public var code: Code
    /// The file's path.
    public var path: String
    /// Where the problem is.
    public var location: SourceLocation
    /// What is wrong and, where it helps, what to do.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String, path: String, at location: SourceLocation) {
        self.code = code
        self.message = message
        self.path = path
        self.location = location
    }

    /// The line, from 1.
    public var line: Int { location.line }
    /// The column in Unicode scalars, from 1.
    public var column: Int { location.column }

    /// The error as a diagnostic, to report with others.
    public var diagnostic: Diagnostic { .error(code.rawValue, message, at: location, path: path) }

    /// `path:line:col: error: message`.
    public var description: String { diagnostic.description }
}
