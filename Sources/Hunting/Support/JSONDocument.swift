public import KQL

/// A JSON text (RFC 8259) parsed into values that remember where they were written, for files a
/// person edits (`hunt.json`, suppressions) whose every error must point at a line and column.
///
/// Strict: no comments, no trailing commas, no duplicate keys; a leading UTF-8 byte-order mark
/// is allowed. Objects keep their keys in file order and numbers keep their text, so an `Int64`
/// or a `Double` can be read from them without loss. Responses from services are decoded by
/// `ResponseDecoder` instead: it is faster and needs no locations.
public struct JSONDocument: Sendable, Hashable {
    /// The path used in errors (`hunt.json`).
    public var path: String
    /// The top-level value.
    public var root: JSONValue

    /// How deeply arrays and objects may nest unless told otherwise: enough for any configuration,
    /// few enough that hostile input cannot exhaust the stack.
    public static let defaultMaxDepth = 256

    /// Parses a JSON text.
    /// - Parameters:
    ///   - bytes: the text as UTF-8, optionally starting with a byte-order mark.
    ///   - path: the file's path, for errors.
    ///   - maxDepth: how many arrays and objects may nest inside one another.
    /// - Returns: the document.
    /// - Throws: ``JSONDocumentError`` at the first syntax error, duplicate key, invalid UTF-8 or
    ///   nesting beyond `maxDepth`, with its line and column.
    public static func parse(_ bytes: [UInt8], path: String, maxDepth: Int = defaultMaxDepth) throws(JSONDocumentError) -> JSONDocument {
        var parser = JSONDocumentParser(bytes: bytes, path: path, maxDepth: maxDepth)
        return JSONDocument(path: path, root: try parser.parseDocument())
    }

    /// Creates a document from a value built in code.
    public init(path: String, root: JSONValue) {
        self.path = path
        self.root = root
    }
}

/// One JSON value and where it starts.
public struct JSONValue: Sendable, Hashable {
    /// What a value is.
    public enum Content: Sendable, Hashable {
        /// `null`.
        case null
        /// `true` or `false`.
        case bool(Bool)
        /// A number, as written.
        case number(JSONNumber)
        /// A string, escapes decoded.
        case string(String)
        /// An array.
        case array([JSONValue])
        /// An object, keys in file order.
        case object(JSONObject)
    }

    /// The value.
    public var content: Content
    /// Where its first character is (the `"` of a string, the `{` of an object).
    public var location: SourceLocation

    /// Creates a value.
    /// - Parameters:
    ///   - content: the value.
    ///   - location: where it is written.
    public init(_ content: Content, at location: SourceLocation = .start) {
        self.content = content
        self.location = location
    }

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let text) = content { return text }
        return nil
    }

    /// The boolean, when this is one.
    public var boolValue: Bool? {
        if case .bool(let flag) = content { return flag }
        return nil
    }

    /// The number, when this is one.
    public var numberValue: JSONNumber? {
        if case .number(let number) = content { return number }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = content { return elements }
        return nil
    }

    /// The object, when this is one.
    public var objectValue: JSONObject? {
        if case .object(let object) = content { return object }
        return nil
    }

    /// Whether this is `null`.
    public var isNull: Bool { content == .null }

    /// What kind of value this is, as errors name it: `a string`, `a number`, `a boolean`,
    /// `null`, `an array`, `an object`.
    public var kindDescription: String {
        switch content {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A JSON object: its members in file order, each key once.
public struct JSONObject: Sendable, Hashable {
    /// The members, in the order they are written.
    public private(set) var members: [JSONMember]
    private var index: [String: Int]

    /// Creates an object; when a key repeats, the first member with it is the one found by key.
    public init(_ members: [JSONMember] = []) {
        self.members = members
        var index: [String: Int] = [:]
        index.reserveCapacity(members.count)
        for (position, member) in members.enumerated() where index[member.key] == nil { index[member.key] = position }
        self.index = index
    }

    /// The member with this key.
    /// - Parameter key: the key, compared exactly.
    /// - Returns: the member, or `nil` when the object has no such key.
    public func member(_ key: String) -> JSONMember? { index[key].map { members[$0] } }

    /// The value of the member with this key, or `nil` when there is none.
    public subscript(key: String) -> JSONValue? { member(key)?.value }

    /// The keys, in file order.
    public var keys: [String] { members.map(\.key) }

    /// How many members the object has.
    public var count: Int { members.count }
}

/// One `"key": value` of an object.
public struct JSONMember: Sendable, Hashable {
    /// The key, escapes decoded.
    public var key: String
    /// Where the key's opening quote is.
    public var keyLocation: SourceLocation
    /// The value.
    public var value: JSONValue

    /// Creates a member.
    public init(key: String, keyLocation: SourceLocation = .start, value: JSONValue) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

/// A JSON number as written, so big integers and long fractions are read without loss.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number's text (`-12`, `3.25e-2`).
    public var text: String

    /// Wraps a number's text; the text is assumed to follow the JSON number grammar.
    public init(text: String) { self.text = text }

    /// Whether the text is an integer: no fraction and no exponent.
    public var isInteger: Bool { !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") } }

    /// The value as an `Int64`, when the text is an integer that fits.
    public var int64: Int64? { isInteger ? Int64(text) : nil }

    /// The value as a `Double` (the nearest one), when it is finite.
    public var double: Double? { Double(text).flatMap { $0.isFinite ? $0 : nil } }

    public var description: String { text }
}
