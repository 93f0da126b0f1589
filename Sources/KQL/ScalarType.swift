/// The scalar types of KQL.
public enum KQLScalarType: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic

    /// Parses a type name as written in KQL, including the aliases (`boolean`, `double`, `time`,
    /// `uniqueid`, `date`, `int32`, `int64`, `float`).
    public init?(kqlName: some StringProtocol) {
        switch kqlName.lowercased() {
        case "bool", "boolean": self = .bool
        case "int", "int32": self = .int
        case "long", "int64": self = .long
        case "real", "double", "float": self = .real
        case "decimal": self = .decimal
        case "string": self = .string
        case "datetime", "date": self = .datetime
        case "timespan", "time": self = .timespan
        case "guid", "uniqueid": self = .guid
        case "dynamic": self = .dynamic
        default: return nil
        }
    }

    /// The canonical KQL name.
    public var description: String { rawValue }

    /// How a value of this type is written, for error messages that say what was expected.
    public var example: String {
        switch self {
        case .bool: "true or false"
        case .int: "a whole number between -2147483648 and 2147483647"
        case .long: "a whole number like 10"
        case .real: "a number like 0.5, nan or inf"
        case .decimal: "a decimal number like 12.50"
        case .string: "any text"
        case .datetime: "a date like 2024-01-31 or 2024-01-31T08:00:00Z"
        case .timespan: "a timespan like 7d or 1.12:00:00"
        case .guid: "a GUID like 8a2b1c3d-0000-4000-8000-0123456789ab"
        case .dynamic: "JSON like [\"a\", \"b\"] or {\"key\": 1}"
        }
    }
}
