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

extension KQLValue {
    /// Reads a value written as plain text (a flag, a config value, a CSV cell) by its type.
    /// Strings are taken as they are (no quotes needed); `null` gives a typed null.
    /// - Throws: ``KQLLiteralError`` saying what was expected and what came.
    public init(text: String, as type: KQLScalarType) throws(KQLLiteralError) {
        func fail() -> KQLLiteralError {
            let shown = text.count > 60 ? String(text.prefix(57)) + "..." : text
            return KQLLiteralError(message: "expected \(type.example), got \(KQLLiteralFormatter.string(shown))")
        }
        if type == .string {  // taken as they are: no need to trim a long text first
            self = .string(text)
            return
        }
        let trimmed = text.trimmingBlanks(newlines: true)
        if trimmed == "null" {
            self = .null(of: type)
            return
        }
        switch type {
        case .string: self = .string(text)
        case .bool: guard let v = LiteralSyntax.parseBool(trimmed) else { throw fail() }; self = .bool(v)
        case .int: guard let v = LiteralSyntax.parseInteger(trimmed).flatMap(Int32.init(exactly:)) else { throw fail() }; self = .int(v)
        case .long: guard let v = LiteralSyntax.parseInteger(trimmed) else { throw fail() }; self = .long(v)
        case .real: guard let v = LiteralSyntax.parseReal(trimmed) else { throw fail() }; self = .real(v)
        case .decimal: guard let v = LiteralSyntax.parseDecimal(trimmed) else { throw fail() }; self = .decimal(v)
        case .datetime: guard let v = LiteralSyntax.parseDateTime(trimmed) else { throw fail() }; self = .datetime(v)
        case .timespan: guard let v = LiteralSyntax.parseTimespan(trimmed) else { throw fail() }; self = .timespan(v)
        case .guid: guard let v = LiteralSyntax.parseGuid(trimmed) else { throw fail() }; self = .guid(v)
        case .dynamic:
            do {
                self = .dynamic(try KQLDynamic(parsing: trimmed))
            } catch {
                throw KQLLiteralError(message: "expected \(type.example), got invalid JSON (\(error.message))")
            }
        }
    }

    /// This value as `target` when the conversion loses nothing; `nil` otherwise.
    public func converted(to target: KQLScalarType) -> KQLValue? {
        if type == target { return self }
        switch (self, target) {
        case (.null, _): return .null(of: target)
        case (.int(let v), .long): return .long(Int64(v))
        case (.long(let v), .int): return Int32(exactly: v).map(KQLValue.int)
        case (.int(let v), .real): return .real(Double(v))
        case (.long(let v), .real): return Double(exactly: v).map(KQLValue.real)
        case (.long(let v), .decimal): return .decimal(Decimal(v))
        case (.string(let s), _) where target != .string: return try? KQLValue(text: s, as: target)
        default: return nil
        }
    }
}
