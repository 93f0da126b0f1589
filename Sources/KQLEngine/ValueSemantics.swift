import Foundation
import KQL

/// Kusto's rules for comparing and combining two values: numeric promotion, datetime and
/// timespan arithmetic at 100 ns ticks, dynamic values unwrapped to their scalar, and nulls that
/// make comparisons and arithmetic null.
enum ValueSemantics {
    /// A dynamic scalar as the plain value it holds (`dynamic(5)` → `5`).
    @inline(__always)
    static func unwrap(_ value: KQLValue) -> KQLValue { value.unwrappingDynamic }

    /// The value as a number, when it is one.
    static func number(_ value: KQLValue) -> Double? {
        switch value {
        case .int(let v): Double(v)
        case .long(let v): Double(v)
        case .real(let v): v
        case .decimal(let v): NSDecimalNumber(decimal: v).doubleValue
        default: nil
        }
    }

    static func integer(_ value: KQLValue) -> Int64? {
        switch value {
        case .int(let v): Int64(v)
        case .long(let v): v
        default: nil
        }
    }

    /// Three-way comparison of two non-null values of comparable types; `nil` when either is
    /// null or they do not compare (a string with a number).
    static func compare(_ lhs: KQLValue, _ rhs: KQLValue) -> Int? {
        let a = unwrap(lhs), b = unwrap(rhs)
        if a.isNull || b.isNull { return nil }
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y ? 0 : (x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1)
        case let (.datetime(x), .datetime(y)): return x.ticks == y.ticks ? 0 : (x.ticks < y.ticks ? -1 : 1)
        case let (.timespan(x), .timespan(y)): return x.ticks == y.ticks ? 0 : (x.ticks < y.ticks ? -1 : 1)
        case let (.bool(x), .bool(y)): return x == y ? 0 : (!x ? -1 : 1)
        case let (.guid(x), .guid(y)): return x == y ? 0 : (x.uuidString < y.uuidString ? -1 : 1)
        case (.dynamic, .dynamic): return lhs == rhs ? 0 : nil
        default: break
        }
        if let x = integer(a), let y = integer(b) { return x == y ? 0 : (x < y ? -1 : 1) }
        if case .decimal(let x) = a, case .decimal(let y) = b { return x == y ? 0 : (x < y ? -1 : 1) }
        if let x = number(a), let y = number(b) { return x == y ? 0 : (x < y ? -1 : 1) }
        return nil
    }

    /// `==`: `nil` (null) when either side is null; strings compare exactly; a string and a
    /// dynamic string compare by text.
    static func equals(_ lhs: KQLValue, _ rhs: KQLValue) -> Bool? {
        let a = unwrap(lhs), b = unwrap(rhs)
        if a.isNull || b.isNull { return nil }
        if case .dynamic = a, case .dynamic = b { return a == b }
        if let c = compare(a, b) { return c == 0 }
        return false
    }

    /// The type of `lhs op rhs` for arithmetic, or `nil` when the types do not combine.
    static func arithmeticType(_ op: BinaryOperator, _ a: KQLScalarType, _ b: KQLScalarType) -> KQLScalarType? {
        func numericRank(_ t: KQLScalarType) -> Int? {
            switch t {
            case .int: 0
            case .long: 1
            case .decimal: 2
            case .real: 3
            case .dynamic: 4
            default: nil
            }
        }
        switch (a, b) {
        case (.datetime, .timespan) where op == .add || op == .subtract: return .datetime
        case (.timespan, .datetime) where op == .add: return .datetime
        case (.datetime, .datetime) where op == .subtract: return .timespan
        case (.timespan, .timespan):
            switch op {
            case .add, .subtract, .modulo: return .timespan
            case .divide: return .real
            default: return nil
            }
        case (.timespan, _) where numericRank(b) != nil && (op == .multiply || op == .divide): return .timespan
        case (_, .timespan) where numericRank(a) != nil && op == .multiply: return .timespan
        default: break
        }
        if a == .dynamic || b == .dynamic { return .dynamic }
        guard let ra = numericRank(a), let rb = numericRank(b) else { return nil }
        let rank = max(ra, rb)
        switch rank {
        case 0, 1: return .long
        case 2: return .decimal
        default: return .real
        }
    }

    /// `lhs op rhs` for `+ - * / %`; null when either side is null, when an integer is divided
    /// by zero, or when the types do not combine.
    static func arithmetic(_ op: BinaryOperator, _ lhs: KQLValue, _ rhs: KQLValue) -> KQLValue {
        let a = unwrap(lhs), b = unwrap(rhs)
        guard let type = arithmeticType(op, a.type, b.type) else { return .null(.long) }
        if a.isNull || b.isNull { return .null(of: type == .dynamic ? .real : type) }
        switch (a, b) {
        case let (.datetime(d), .timespan(t)):
            return .datetime(KQLDateTime(ticks: op == .add ? d.ticks &+ t.ticks : d.ticks &- t.ticks))
        case let (.timespan(t), .datetime(d)): return .datetime(KQLDateTime(ticks: d.ticks &+ t.ticks))
        case let (.datetime(x), .datetime(y)): return .timespan(KQLTimespan(ticks: x.ticks &- y.ticks))
        case let (.timespan(x), .timespan(y)):
            switch op {
            case .add: return .timespan(KQLTimespan(ticks: x.ticks &+ y.ticks))
            case .subtract: return .timespan(KQLTimespan(ticks: x.ticks &- y.ticks))
            case .modulo: return y.ticks == 0 ? .null(.timespan) : .timespan(KQLTimespan(ticks: x.ticks % y.ticks))
            default: return .real(Double(x.ticks) / Double(y.ticks))
            }
        case let (.timespan(t), _):
            guard let n = number(b) else { return .null(.timespan) }
            let ticks = op == .multiply ? Double(t.ticks) * n : Double(t.ticks) / n
            return ticks.isFinite ? .timespan(KQLTimespan(ticks: Int64(ticks))) : .null(.timespan)
        case let (_, .timespan(t)):
            guard let n = number(a) else { return .null(.timespan) }
            return .timespan(KQLTimespan(ticks: Int64(Double(t.ticks) * n)))
        default: break
        }
        if let x = integer(a), let y = integer(b) {
            switch op {
            case .add: return .long(x &+ y)
            case .subtract: return .long(x &- y)
            case .multiply: return .long(x &* y)
            case .divide: return y == 0 ? .null(.long) : .long(x.dividedReportingOverflow(by: y).partialValue)
            default:
                // Kusto's modulo is never negative.
                guard y != 0 else { return .null(.long) }
                let r = x.remainderReportingOverflow(dividingBy: y).partialValue
                return .long(r < 0 ? r &+ (y < 0 ? -y : y) : r)
            }
        }
        if case .decimal = type, let x = decimal(a), let y = decimal(b) {
            switch op {
            case .add: return .decimal(x + y)
            case .subtract: return .decimal(x - y)
            case .multiply: return .decimal(x * y)
            case .divide: return y == 0 ? .null(.decimal) : .decimal(x / y)
            default: return .null(.decimal)
            }
        }
        guard let x = number(a), let y = number(b) else { return .null(.real) }
        switch op {
        case .add: return .real(x + y)
        case .subtract: return .real(x - y)
        case .multiply: return .real(x * y)
        case .divide: return .real(x / y)
        default:
            let r = x.truncatingRemainder(dividingBy: y)
            return .real(r < 0 ? r + abs(y) : r)
        }
    }

    static func decimal(_ value: KQLValue) -> Decimal? {
        switch value {
        case .int(let v): Decimal(v)
        case .long(let v): Decimal(v)
        case .decimal(let v): v
        case .real(let v): Decimal(v)
        default: nil
        }
    }

    /// A value as a condition: `true`, `false`, or `nil` for null (and for values that are not
    /// booleans, which a condition treats as not true).
    static func truth(_ value: KQLValue) -> Bool? {
        switch unwrap(value) {
        case .bool(let b): b
        case .long(let v): v != 0
        case .int(let v): v != 0
        default: nil
        }
    }

    /// The common type of values that meet in one column (`iff`, `case`, `coalesce`, `union`):
    /// the first non-null type, widened among numbers.
    static func commonType(_ types: [KQLScalarType]) -> KQLScalarType {
        var result: KQLScalarType?
        for type in types {
            guard let current = result else { result = type; continue }
            if current == type { continue }
            switch (current, type) {
            case (.int, .long), (.long, .int): result = .long
            case (.int, .real), (.long, .real), (.real, .int), (.real, .long), (.decimal, .real), (.real, .decimal): result = .real
            case (.int, .decimal), (.long, .decimal), (.decimal, .int), (.decimal, .long): result = .decimal
            default: break
            }
        }
        return result ?? .string
    }

    /// Sort order for `sort`, `top`, `arg_max`: numbers by value, strings by ordinal, nulls
    /// compared as smallest. Values that do not compare fall back to their text.
    static func order(_ a: KQLValue, _ b: KQLValue) -> Int {
        let an = unwrap(a).isNull, bn = unwrap(b).isNull
        if an || bn { return an == bn ? 0 : (an ? -1 : 1) }
        if let c = compare(a, b) { return c }
        let x = a.kqlString, y = b.kqlString
        return x == y ? 0 : (x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1)
    }
}
