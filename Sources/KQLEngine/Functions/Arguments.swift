import Foundation
import KQL

/// How the scalar functions read their arguments, the way Kusto does: a dynamic scalar stands for
/// the value it holds, integers widen, and a string parameter takes any value through `tostring()`.
///
/// The typed readers return `nil` for a null argument (so the caller returns a typed null) and
/// throw for a value of the wrong type, naming the function.
enum Arguments {
    /// A dynamic scalar as the plain value it holds (`dynamic(5)` → `5`).
    @inline(__always)
    static func unwrap(_ value: KQLValue) -> KQLValue { value.unwrappingDynamic }

    /// The value as text, as `tostring()` writes it.
    @inline(__always)
    static func string(_ value: KQLValue) -> String { value.kqlString }

    /// A whole number (`int`, `long`, or a `real` without a fraction).
    static func integer(_ value: KQLValue, _ function: String) throws(KQLFunctionError) -> Int64? {
        switch unwrap(value) {
        case .null: return nil
        case .int(let v): return Int64(v)
        case .long(let v): return v
        case .real(let v) where v.isFinite && v == v.rounded(.towardZero) && abs(v) < 9.2e18: return Int64(v)
        case .decimal(let d):
            let v = NSDecimalNumber(decimal: d).doubleValue
            guard v == v.rounded(.towardZero), abs(v) < 9.2e18 else { throw mismatch(function, "a whole number", value) }
            return Int64(v)
        default: throw mismatch(function, "a whole number", value)
        }
    }

    /// A number of any numeric type, as a double.
    static func real(_ value: KQLValue, _ function: String) throws(KQLFunctionError) -> Double? {
        switch unwrap(value) {
        case .null: return nil
        case .int(let v): return Double(v)
        case .long(let v): return Double(v)
        case .real(let v): return v
        case .decimal(let d): return NSDecimalNumber(decimal: d).doubleValue
        default: throw mismatch(function, "a number", value)
        }
    }

    /// A boolean.
    static func bool(_ value: KQLValue, _ function: String) throws(KQLFunctionError) -> Bool? {
        switch unwrap(value) {
        case .null: return nil
        case .bool(let b): return b
        default: throw mismatch(function, "a bool", value)
        }
    }

    /// A datetime; a dynamic string holding a date is read as one (text that is not a date is null).
    static func datetime(_ value: KQLValue, _ function: String) throws(KQLFunctionError) -> KQLDateTime? {
        if case .dynamic(.string(let s)) = value { return Conversion.parseDateTime(s) }
        switch unwrap(value) {
        case .null: return nil
        case .datetime(let v): return v
        default: throw mismatch(function, "a datetime", value)
        }
    }

    /// A timespan; a dynamic string holding one is read as one.
    static func timespan(_ value: KQLValue, _ function: String) throws(KQLFunctionError) -> KQLTimespan? {
        if case .dynamic(.string(let s)) = value { return LiteralSyntax.parseTimespan(s) }
        switch unwrap(value) {
        case .null: return nil
        case .timespan(let v): return v
        default: throw mismatch(function, "a timespan", value)
        }
    }

    /// The elements of a dynamic array; `nil` for anything else (including null).
    @inline(__always)
    static func array(_ value: KQLValue) -> [KQLDynamic]? {
        if case .dynamic(.array(let items)) = value { return items }
        return nil
    }

    /// The pairs of a dynamic property bag; `nil` for anything else.
    @inline(__always)
    static func bag(_ value: KQLValue) -> [(key: String, value: KQLDynamic)]? {
        if case .dynamic(.bag(let pairs)) = value { return pairs }
        return nil
    }

    /// A plain value as a dynamic one (`pack_array`, `bag_pack`).
    static func dynamic(_ value: KQLValue) -> KQLDynamic { KQLDynamic(value) }

    /// The error for an argument of the wrong type.
    static func mismatch(_ function: String, _ expected: String, _ value: KQLValue) -> KQLFunctionError {
        KQLFunctionError("\(function)(): expected \(expected), got \(describe(value))")
    }

    /// How a value is named in an error message: its type, and the value when it is short.
    static func describe(_ value: KQLValue) -> String {
        switch value {
        case .dynamic(let d):
            switch d {
            case .array: return "a dynamic array"
            case .bag: return "a dynamic property bag"
            default: return "dynamic(\(d.json))"
            }
        case .null(let type): return "\(type)(null)"
        default:
            let literal = value.kqlLiteral
            return literal.count <= 40 ? literal : "a \(value.type)"
        }
    }

    // MARK: Result types

    /// The type that values of several types meet in (`iff`, `case`, `coalesce`, `max_of`): the
    /// first type, widened among numbers (int → long → decimal → real).
    static func commonType(_ types: some Sequence<KQLScalarType>) -> KQLScalarType {
        var result: KQLScalarType?
        for type in types {
            guard let current = result else {
                result = type
                continue
            }
            if current == type { continue }
            switch (current, type) {
            case (.int, .long), (.long, .int): result = .long
            case (.int, .real), (.long, .real), (.real, .int), (.real, .long), (.decimal, .real), (.real, .decimal):
                result = .real
            case (.int, .decimal), (.long, .decimal), (.decimal, .int), (.decimal, .long): result = .decimal
            default: break
            }
        }
        return result ?? .string
    }

    /// `value` as a value of `type` when Kusto would widen it (int → long → real, any value into
    /// dynamic); `nil` when the types do not meet.
    static func coerce(_ value: KQLValue, to type: KQLScalarType) -> KQLValue? {
        if value.type == type { return value }
        if value.isNull { return .null(of: type) }
        switch (value, type) {
        case (_, .dynamic): return .dynamic(dynamic(value))
        case (.int(let v), .long): return .long(Int64(v))
        case (.int(let v), .real): return .real(Double(v))
        case (.long(let v), .real): return .real(Double(v))
        case (.int(let v), .decimal): return .decimal(Decimal(Int(v)))
        case (.long(let v), .decimal): return .decimal(Decimal(v))
        case (.decimal(let v), .real): return .real(NSDecimalNumber(decimal: v).doubleValue)
        default: return nil
        }
    }

    /// Whether values of type `from` meet values of type `to` (see ``coerce(_:to:)``).
    static func canCoerce(_ from: KQLScalarType, to: KQLScalarType) -> Bool {
        switch (from, to) {
        case _ where from == to: true
        case (_, .dynamic): true
        case (.int, .long), (.int, .real), (.int, .decimal), (.long, .real), (.long, .decimal), (.decimal, .real): true
        default: false
        }
    }

    /// The result type of a function that keeps a number's type (`abs`, `round`, `ceiling`);
    /// dynamic numbers give reals.
    static func numericResult(_ type: KQLScalarType) -> KQLScalarType {
        switch type {
        case .int, .long, .real, .decimal, .timespan: type
        default: .real
        }
    }
}

extension ScalarFunction {
    /// A function of one argument that is null when the argument is null.
    static func unary(
        _ name: String, returns type: KQLScalarType,
        _ body: @escaping @Sendable (KQLValue, EvaluationContext) throws(KQLFunctionError) -> KQLValue
    ) -> ScalarFunction {
        ScalarFunction(name, arity: 1...1, returns: type) { args, context throws(KQLFunctionError) in
            if args[0].isNull { return .null(of: type) }
            return try body(args[0], context)
        }
    }

    /// The same function under another name (an alias the parser does not map).
    func renamed(_ alias: String) -> ScalarFunction {
        ScalarFunction(alias, arity: arity, resultType: resultType, evaluate: evaluate)
    }
}
