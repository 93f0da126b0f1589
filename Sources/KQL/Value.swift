public import Foundation

/// One KQL scalar value, typed. Strings are never null in KQL: an absent string is `""`.
public enum KQLValue: Hashable, Sendable {
    /// A typed null (`int(null)`, `datetime(null)`); never `.null(.string)`.
    case null(KQLScalarType)
    case bool(Bool)
    case int(Int32)
    case long(Int64)
    case real(Double)
    case decimal(Decimal)
    case string(String)
    case datetime(KQLDateTime)
    case timespan(KQLTimespan)
    case guid(UUID)
    case dynamic(KQLDynamic)

    /// The value's KQL type.
    public var type: KQLScalarType {
        switch self {
        case .null(let type): type
        case .bool: .bool
        case .int: .int
        case .long: .long
        case .real: .real
        case .decimal: .decimal
        case .string: .string
        case .datetime: .datetime
        case .timespan: .timespan
        case .guid: .guid
        case .dynamic: .dynamic
        }
    }

    /// Whether the value is a typed null (or `dynamic(null)`).
    public var isNull: Bool {
        switch self {
        case .null, .dynamic(.null): true
        default: false
        }
    }

    /// The null of a type; for `string`, the empty string.
    public static func null(of type: KQLScalarType) -> KQLValue {
        switch type {
        case .string: .string("")
        case .dynamic: .dynamic(.null)
        default: .null(type)
        }
    }

    /// Value equality where NaN equals NaN, so that values survive a round trip through text.
    public static func == (lhs: KQLValue, rhs: KQLValue) -> Bool {
        switch (lhs, rhs) {
        case let (.null(a), .null(b)): a == b
        case let (.bool(a), .bool(b)): a == b
        case let (.int(a), .int(b)): a == b
        case let (.long(a), .long(b)): a == b
        case let (.real(a), .real(b)): a == b || (a.isNaN && b.isNaN)
        case let (.decimal(a), .decimal(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.datetime(a), .datetime(b)): a == b
        case let (.timespan(a), .timespan(b)): a == b
        case let (.guid(a), .guid(b)): a == b
        case let (.dynamic(a), .dynamic(b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        switch self {
        case .null: break
        case .bool(let v): hasher.combine(v)
        case .int(let v): hasher.combine(v)
        case .long(let v): hasher.combine(v)
        case .real(let v): hasher.combine(v.isNaN ? .nan : v)
        case .decimal(let v): hasher.combine(v)
        case .string(let v): hasher.combine(v)
        case .datetime(let v): hasher.combine(v)
        case .timespan(let v): hasher.combine(v)
        case .guid(let v): hasher.combine(v)
        case .dynamic(let v): hasher.combine(v)
        }
    }
}
