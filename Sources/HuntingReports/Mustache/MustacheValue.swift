/// A value a Mustache template renders: the JSON data model.
///
/// Build it with literals (`["name": "x", "count": 3]`) or decode it from JSON with `JSONDecoder`.
public indirect enum MustacheValue: Sendable, Equatable {
    /// No value; falsy, renders as the empty string.
    case null
    /// A boolean; `false` hides a section.
    case bool(Bool)
    /// Text.
    case string(String)
    /// An integer number.
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// A list; a section renders once per element, an empty list hides it.
    case array([MustacheValue])
    /// An object whose keys are looked up by name.
    case dictionary([String: MustacheValue])

    /// The value a section tests: `null`, `false` and the empty list are falsy, everything else is truthy.
    var isTruthy: Bool {
        switch self {
        case .null, .bool(false): false
        case .array(let elements): !elements.isEmpty
        default: true
        }
    }

    /// The text an interpolation tag writes before escaping.
    var interpolated: String {
        switch self {
        case .null, .array, .dictionary: ""
        case .bool(let value): String(value)
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value):
            // Whole doubles read as integers ("3", not "3.0"), as in the spec's JavaScript heritage.
            if value.rounded() == value, abs(value) < 1e15 { String(Int(value)) } else { String(value) }
        }
    }

    /// The member named `key` of a dictionary, or `nil`.
    subscript(key: String) -> MustacheValue? {
        if case .dictionary(let members) = self { members[key] } else { nil }
    }
}

extension MustacheValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// Creates `.null`.
    public init(nilLiteral: ()) { self = .null }
    /// Creates `.bool`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// Creates `.string`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// Creates `.int`.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// Creates `.double`.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// Creates `.array`.
    public init(arrayLiteral elements: MustacheValue...) { self = .array(elements) }
    /// Creates `.dictionary`; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, MustacheValue)...) {
        self = .dictionary(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension MustacheValue: Decodable {
    /// Decodes any JSON value: `null`, booleans, integers, other numbers, strings, arrays and objects.
    /// - Throws: `DecodingError` when the decoder holds something that is not JSON-shaped.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([MustacheValue].self) {
            self = .array(value)
        } else {
            self = .dictionary(try container.decode([String: MustacheValue].self))
        }
    }
}
