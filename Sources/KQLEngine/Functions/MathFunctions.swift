import Foundation
import KQL

/// Numeric functions: `abs`, `round`, `ceiling`, `bin`/`floor`, `bin_at`, powers and logarithms,
/// trigonometry, `max_of`/`min_of`, and the bitwise functions.
enum MathFunctions {
    static let all: [ScalarFunction] = rounding + binning + realFunctions + predicates + extremes + bitwise

    // MARK: abs, round, ceiling

    static let rounding: [ScalarFunction] = [
        ScalarFunction("abs", arity: 1...1, resultType: { Arguments.numericResult($0[0]) }) { args, _ throws(KQLFunctionError) in
            switch Arguments.unwrap(args[0]) {
            case .int(let v): return v == .min ? .long(-Int64(v)) : .int(abs(v))
            case .long(let v):
                guard v != .min else { throw KQLFunctionError("abs() of the smallest long", unsupported: true) }
                return .long(abs(v))
            case .real(let v): return .real(abs(v))
            case .decimal(let v): return .decimal(abs(v))
            case .timespan(let t): return t.ticks == .min ? .null(.timespan) : .timespan(KQLTimespan(ticks: abs(t.ticks)))
            case .null: return .null(of: Arguments.numericResult(args[0].type))
            default: throw Arguments.mismatch("abs", "a number", args[0])
            }
        },
        ScalarFunction("round", arity: 1...2, resultType: { Arguments.numericResult($0[0]) }) { args, _ throws(KQLFunctionError) in
            var digits: Int64 = 0
            if args.count == 2 {
                guard let d = try Arguments.integer(args[1], "round") else { return .null(of: Arguments.numericResult(args[0].type)) }
                digits = d
            }
            switch Arguments.unwrap(args[0]) {
            case .null: return .null(of: Arguments.numericResult(args[0].type))
            case .int(let v):
                guard digits < 0 else { return .int(v) }
                return try roundInteger(Int64(v), digits).map { Int32(exactly: $0).map(KQLValue.int) ?? .long($0) } ?? .null(.int)
            case .long(let v):
                guard digits < 0 else { return .long(v) }
                return try roundInteger(v, digits).map(KQLValue.long) ?? .null(.long)
            case .real(let v): return .real(try roundReal(v, digits))
            case .decimal(let d):
                var value = d, result = Decimal()
                guard digits > -20, digits < 30 else { return .decimal(d) }
                NSDecimalRound(&result, &value, Int(digits), .plain)
                return .decimal(result)
            default: throw Arguments.mismatch("round", "a number", args[0])
            }
        },
        ScalarFunction("ceiling", arity: 1...1, resultType: { Arguments.numericResult($0[0]) }) { args, _ throws(KQLFunctionError) in
            switch Arguments.unwrap(args[0]) {
            case .null: return .null(of: Arguments.numericResult(args[0].type))
            case .int(let v): return .int(v)
            case .long(let v): return .long(v)
            case .real(let v): return .real(v.rounded(.up))
            case .decimal(let d):
                var value = d, result = Decimal()
                NSDecimalRound(&result, &value, 0, .up)
                return .decimal(result)
            default: throw Arguments.mismatch("ceiling", "a number", args[0])
            }
        },
    ]

    /// Rounds to `digits` decimal places. Whether Kusto rounds a midpoint to even (.NET's default)
    /// or away from zero is not documented, so an exact midpoint is reported unsupported.
    static func roundReal(_ v: Double, _ digits: Int64) throws(KQLFunctionError) -> Double {
        guard v.isFinite, digits < 16, digits > -309 else { return v }
        let scale = Foundation.pow(10.0, Double(abs(digits)))
        let scaled = digits >= 0 ? v * scale : v / scale
        let even = scaled.rounded(.toNearestOrEven), away = scaled.rounded(.toNearestOrAwayFromZero)
        guard even == away else {
            throw KQLFunctionError("round() of a value exactly halfway between two results", unsupported: true)
        }
        return digits >= 0 ? even / scale : even * scale
    }

    /// Rounds an integer to a negative number of digits (`round(1250, -2)`).
    static func roundInteger(_ v: Int64, _ digits: Int64) throws(KQLFunctionError) -> Int64? {
        guard digits > -19 else { return 0 }
        var unit: Int64 = 1
        for _ in 0..<(-digits) { unit *= 10 }
        let remainder = v % unit
        let down = v - remainder
        let twice = abs(remainder) * 2
        if twice == unit {
            throw KQLFunctionError("round() of a value exactly halfway between two results", unsupported: true)
        }
        if twice < unit { return down }
        let (result, overflow) = down.addingReportingOverflow(v < 0 ? -unit : unit)
        return overflow ? nil : result
    }

    // MARK: bin, floor, bin_at

    static let binning: [ScalarFunction] = {
        let bin = ScalarFunction("bin", arity: 2...2, resultType: { binType($0[0]) }) { args, _ throws(KQLFunctionError) in
            try binValue(args[0], args[1], at: nil, "bin")
        }
        return [
            bin, bin.renamed("floor"),
            ScalarFunction("bin_at", arity: 3...3, resultType: { binType($0[0]) }) { args, _ throws(KQLFunctionError) in
                try binValue(args[0], args[1], at: args[2], "bin_at")
            },
        ]
    }()

    static func binType(_ type: KQLScalarType) -> KQLScalarType {
        switch type {
        case .int, .long, .real, .decimal, .datetime, .timespan: type
        default: .real
        }
    }

    /// `bin(value, size)`: the multiple of `size` at or below `value` (counted from `origin` for
    /// `bin_at`, else from 0, or from 0001-01-01 for datetimes). A null, zero or negative size
    /// gives null.
    static func binValue(_ value: KQLValue, _ size: KQLValue, at origin: KQLValue?, _ name: String) throws(KQLFunctionError)
        -> KQLValue
    {
        let type = binType(value.type)
        if value.isNull || size.isNull || origin?.isNull == true { return .null(of: type) }
        switch Arguments.unwrap(value) {
        case .datetime(let d):
            guard let step = try Arguments.timespan(size, name) else { return .null(.datetime) }
            guard step.ticks > 0 else { return .null(.datetime) }
            let base = try origin.map { o throws(KQLFunctionError) in try Arguments.datetime(o, name)?.ticks ?? 0 } ?? 0
            return DateMath.datetime((floorTicks(d.ticks - base, step.ticks) + base, false))
        case .timespan(let t):
            guard let step = try Arguments.timespan(size, name) else { return .null(.timespan) }
            guard step.ticks > 0 else { return .null(.timespan) }
            let base = try origin.map { o throws(KQLFunctionError) in try Arguments.timespan(o, name)?.ticks ?? 0 } ?? 0
            return .timespan(KQLTimespan(ticks: floorTicks(t.ticks - base, step.ticks) + base))
        case .int, .long:
            let v = try Arguments.integer(value, name)!
            let base = try origin.map { o throws(KQLFunctionError) in try Arguments.real(o, name) ?? 0 } ?? 0
            if case .int = Arguments.unwrap(size), base == base.rounded() {
                return try integerBin(v, Int64(Arguments.integer(size, name)!), Int64(base), type)
            }
            if case .long = Arguments.unwrap(size), base == base.rounded() {
                return try integerBin(v, Arguments.integer(size, name)!, Int64(base), type)
            }
            guard let step = try Arguments.real(size, name) else { return .null(of: type) }
            guard step > 0 else { return .null(of: type) }
            let result = Foundation.floor((Double(v) - base) / step) * step + base
            guard result == result.rounded(.towardZero), abs(result) < 9e18 else {
                throw KQLFunctionError("\(name)() of a whole number to a bin that is not whole", unsupported: true)
            }
            return Arguments.coerce(.long(Int64(result)), to: type) ?? .long(Int64(result))
        case .real(let v):
            guard let step = try Arguments.real(size, name) else { return .null(.real) }
            guard step > 0 else { return .null(.real) }
            let base = try origin.map { o throws(KQLFunctionError) in try Arguments.real(o, name) ?? 0 } ?? 0
            return .real(Foundation.floor((v - base) / step) * step + base)
        case .decimal:
            throw KQLFunctionError("\(name)() of a decimal", unsupported: true)
        default:
            throw Arguments.mismatch(name, "a number, datetime or timespan", value)
        }
    }

    private static func integerBin(_ v: Int64, _ step: Int64, _ base: Int64, _ type: KQLScalarType) throws(KQLFunctionError) -> KQLValue {
        guard step > 0 else { return .null(of: type) }
        let result = floorTicks(v - base, step) + base
        if type == .int, let int = Int32(exactly: result) { return .int(int) }
        return .long(result)
    }

    /// The largest multiple of `step` at or below `value`.
    @inline(__always)
    static func floorTicks(_ value: Int64, _ step: Int64) -> Int64 {
        let remainder = value % step
        return remainder < 0 ? value - remainder - step : value - remainder
    }

    // MARK: Real-valued functions

    static let realFunctions: [ScalarFunction] = {
        func real1(_ name: String, _ body: @escaping @Sendable (Double) -> Double?) -> ScalarFunction {
            ScalarFunction.unary(name, returns: .real) { value, _ throws(KQLFunctionError) in
                guard let x = try Arguments.real(value, name) else { return .null(.real) }
                return body(x).map(KQLValue.real) ?? .null(.real)
            }
        }
        func real2(_ name: String, _ body: @escaping @Sendable (Double, Double) -> Double?) -> ScalarFunction {
            ScalarFunction(name, arity: 2...2, returns: .real) { args, _ throws(KQLFunctionError) in
                guard let x = try Arguments.real(args[0], name), let y = try Arguments.real(args[1], name) else {
                    return .null(.real)
                }
                return body(x, y).map(KQLValue.real) ?? .null(.real)
            }
        }
        return [
            // "null if the argument is negative"
            real1("sqrt") { $0 < 0 ? nil : $0.squareRoot() },
            real1("log") { $0 < 0 ? nil : Foundation.log($0) },
            real1("log10") { $0 < 0 ? nil : Foundation.log10($0) },
            real1("log2") { $0 < 0 ? nil : Foundation.log2($0) },
            real1("exp") { Foundation.exp($0) },
            real1("exp2") { Foundation.exp2($0) },
            real1("exp10") { Foundation.pow(10, $0) },
            real2("pow") { Foundation.pow($0, $1) },
            real1("sign") { $0.isNaN ? nil : ($0 > 0 ? 1 : ($0 < 0 ? -1 : 0)) },
            real1("sin") { Foundation.sin($0) },
            real1("cos") { Foundation.cos($0) },
            real1("tan") { Foundation.tan($0) },
            real1("cot") { 1 / Foundation.tan($0) },
            real1("asin") { Foundation.asin($0) },
            real1("acos") { Foundation.acos($0) },
            real1("atan") { Foundation.atan($0) },
            real2("atan2") { Foundation.atan2($0, $1) },
            real1("degrees") { $0 * 180 / Double.pi },
            real1("radians") { $0 * Double.pi / 180 },
            ScalarFunction("pi", arity: 0...0, returns: .real) { _, _ in .real(Double.pi) },
        ]
    }()

    // MARK: isnan, isinf, isfinite

    static let predicates: [ScalarFunction] = {
        func test(_ name: String, _ body: @escaping @Sendable (Double) -> Bool) -> ScalarFunction {
            ScalarFunction.unary(name, returns: .bool) { value, _ throws(KQLFunctionError) in
                guard let x = try Arguments.real(value, name) else { return .null(.bool) }
                return .bool(body(x))
            }
        }
        return [test("isnan") { $0.isNaN }, test("isinf") { $0.isInfinite }, test("isfinite") { $0.isFinite }]
    }()

    // MARK: max_of, min_of

    static let extremes: [ScalarFunction] = [extreme("max_of", wantsLarger: true), extreme("min_of", wantsLarger: false)]

    /// `max_of(a, b, …)`: the largest argument; non-null values take precedence over nulls.
    static func extreme(_ name: String, wantsLarger: Bool) -> ScalarFunction {
        ScalarFunction(name, arity: 2...64, resultType: { Arguments.commonType($0) }) { args, _ throws(KQLFunctionError) in
            let type = try ConversionFunctions.commonType(args.map(\.type), name)
            var best: KQLValue?
            for arg in args where !arg.isNull {
                let value = try ConversionFunctions.coerce(Arguments.unwrap(arg), to: type == .dynamic ? Arguments.unwrap(arg).type : type, name)
                guard let current = best else {
                    best = value
                    continue
                }
                guard let order = compare(value, current) else {
                    throw KQLFunctionError("\(name)(): cannot compare \(value.type) with \(current.type)")
                }
                if wantsLarger ? order > 0 : order < 0 { best = value }
            }
            guard let best else { return .null(of: type) }
            return try ConversionFunctions.coerce(best, to: type, name)
        }
    }

    /// Orders two non-null values of comparable types.
    static func compare(_ a: KQLValue, _ b: KQLValue) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y ? 0 : (x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1)
        case let (.datetime(x), .datetime(y)): return sign(x.ticks, y.ticks)
        case let (.timespan(x), .timespan(y)): return sign(x.ticks, y.ticks)
        case let (.bool(x), .bool(y)): return sign(x ? 1 : 0, y ? 1 : 0)
        case let (.decimal(x), .decimal(y)): return sign(x, y)
        case let (.guid(x), .guid(y)): return sign(x.uuidString, y.uuidString)
        default: break
        }
        switch (a, b) {
        case (.int, .int), (.int, .long), (.long, .int), (.long, .long):
            let x = try? Arguments.integer(a, ""), y = try? Arguments.integer(b, "")
            guard let x = x ?? nil, let y = y ?? nil else { return nil }
            return sign(x, y)
        default:
            guard let x = (try? Arguments.real(a, "")) ?? nil, let y = (try? Arguments.real(b, "")) ?? nil else { return nil }
            return sign(x, y)
        }
    }

    // MARK: Bitwise

    static let bitwise: [ScalarFunction] = {
        func binary(_ name: String, _ body: @escaping @Sendable (Int64, Int64) throws(KQLFunctionError) -> Int64) -> ScalarFunction {
            ScalarFunction(name, arity: 2...2, returns: .long) { args, _ throws(KQLFunctionError) in
                guard let x = try Arguments.integer(args[0], name), let y = try Arguments.integer(args[1], name) else {
                    return .null(.long)
                }
                return .long(try body(x, y))
            }
        }
        // Shifts by a negative amount or by 64 or more, and right shifts of negative numbers
        // (arithmetic or logical), are not documented.
        @Sendable func shift(_ name: String, _ value: Int64, _ amount: Int64, left: Bool) throws(KQLFunctionError) -> Int64 {
            guard (0...63).contains(amount), left || value >= 0 else {
                throw KQLFunctionError("\(name)() of \(value) by \(amount)", unsupported: true)
            }
            return left ? value << amount : value >> amount
        }
        return [
            binary("binary_and") { $0 & $1 },
            binary("binary_or") { $0 | $1 },
            binary("binary_xor") { $0 ^ $1 },
            binary("binary_shift_left") { x, y throws(KQLFunctionError) in try shift("binary_shift_left", x, y, left: true) },
            binary("binary_shift_right") { x, y throws(KQLFunctionError) in try shift("binary_shift_right", x, y, left: false) },
            ScalarFunction.unary("binary_not", returns: .long) { value, _ throws(KQLFunctionError) in
                guard let x = try Arguments.integer(value, "binary_not") else { return .null(.long) }
                return .long(~x)
            },
            ScalarFunction.unary("bitset_count_ones", returns: .long) { value, _ throws(KQLFunctionError) in
                guard let x = try Arguments.integer(value, "bitset_count_ones") else { return .null(.long) }
                return .long(Int64(x.nonzeroBitCount))
            },
        ]
    }()
}
