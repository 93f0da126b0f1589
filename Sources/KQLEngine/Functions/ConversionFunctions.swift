import Foundation
import KQL

/// Conversions (`tostring`, `tolong`, `todatetime`, `parse_json`, …), null tests, conditionals
/// (`iff`, `case`, `coalesce`, `not`), `gettype` and `hash`.
enum ConversionFunctions {
    static let all: [ScalarFunction] = conversions + nullTests + conditionals + [gettype, hash, hash.renamed("hash_xxhash64")]
        + nondeterministic

    // MARK: Conversions

    static let conversions: [ScalarFunction] = {
        let toreal = ScalarFunction.unary("toreal", returns: .real) { value, _ throws(KQLFunctionError) in
            try Conversion.toReal(value).map(KQLValue.real) ?? .null(.real)
        }
        let tobool = ScalarFunction.unary("tobool", returns: .bool) { value, _ throws(KQLFunctionError) in
            try Conversion.toBool(value).map(KQLValue.bool) ?? .null(.bool)
        }
        let totimespan = ScalarFunction.unary("totimespan", returns: .timespan) { value, _ throws(KQLFunctionError) in
            try Conversion.toTimespan(value).map(KQLValue.timespan) ?? .null(.timespan)
        }
        let parseJSON = ScalarFunction("parse_json", arity: 1...1, returns: .dynamic) { args, _ in
            .dynamic(Conversion.parseJSON(args[0]))
        }
        return [
            ScalarFunction("tostring", arity: 1...1, returns: .string) { args, _ in .string(args[0].kqlString) },
            ScalarFunction.unary("toint", returns: .int) { value, _ throws(KQLFunctionError) in
                try Conversion.toInt(value).map(KQLValue.int) ?? .null(.int)
            },
            ScalarFunction.unary("tolong", returns: .long) { value, _ throws(KQLFunctionError) in
                try Conversion.toLong(value).map(KQLValue.long) ?? .null(.long)
            },
            toreal, toreal.renamed("todouble"),
            tobool, tobool.renamed("toboolean"),
            ScalarFunction.unary("todecimal", returns: .decimal) { value, _ throws(KQLFunctionError) in
                try Conversion.toDecimal(value).map(KQLValue.decimal) ?? .null(.decimal)
            },
            ScalarFunction.unary("todatetime", returns: .datetime) { value, _ throws(KQLFunctionError) in
                try Conversion.toDateTime(value).map(KQLValue.datetime) ?? .null(.datetime)
            },
            totimespan, totimespan.renamed("totime"),
            ScalarFunction.unary("toguid", returns: .guid) { value, _ in
                Conversion.toGuid(value).map(KQLValue.guid) ?? .null(.guid)
            },
            parseJSON, parseJSON.renamed("todynamic"), parseJSON.renamed("toobject"),
        ]
    }()

    // MARK: Null and empty

    static let nullTests: [ScalarFunction] = [
        ScalarFunction("isnull", arity: 1...1, returns: .bool) { args, _ in .bool(args[0].isNull) },
        ScalarFunction("isnotnull", arity: 1...1, returns: .bool) { args, _ in .bool(!args[0].isNull) },
        ScalarFunction("isempty", arity: 1...1, returns: .bool) { args, _ in .bool(isEmpty(args[0])) },
        ScalarFunction("isnotempty", arity: 1...1, returns: .bool) { args, _ in .bool(!isEmpty(args[0])) },
    ]

    /// Null, the empty string, or a dynamic empty string.
    static func isEmpty(_ value: KQLValue) -> Bool {
        switch value {
        case .string(let s), .dynamic(.string(let s)): s.isEmpty
        default: value.isNull
        }
    }

    // MARK: Conditionals

    static let conditionals: [ScalarFunction] = [
        ScalarFunction("iff", arity: 3...3, resultType: { Arguments.commonType($0.dropFirst()) }) {
            args, _ throws(KQLFunctionError) in
            let type = try commonType(args.dropFirst().map(\.type), "iff")
            let chosen = try condition(args[0], "iff") == true ? args[1] : args[2]
            return try coerce(chosen, to: type, "iff")
        },
        ScalarFunction("case", arity: 3...129, resultType: { caseValueTypes($0) }) { args, _ throws(KQLFunctionError) in
            guard args.count % 2 == 1 else {
                throw KQLFunctionError("case() takes pairs of predicate and value, then an else value: got \(args.count) arguments")
            }
            var valueTypes = stride(from: 1, to: args.count, by: 2).map { args[$0].type }
            valueTypes.append(args[args.count - 1].type)
            let type = try commonType(valueTypes, "case")
            var i = 0
            while i + 1 < args.count {
                if try condition(args[i], "case") == true { return try coerce(args[i + 1], to: type, "case") }
                i += 2
            }
            return try coerce(args[args.count - 1], to: type, "case")
        },
        ScalarFunction("coalesce", arity: 2...64, resultType: { Arguments.commonType($0) }) { args, _ throws(KQLFunctionError) in
            let type = try commonType(args.map(\.type), "coalesce")
            for value in args where !isEmpty(value) {
                return try coerce(value, to: type, "coalesce")
            }
            return .null(of: type)
        },
        ScalarFunction.unary("not", returns: .bool) { value, _ throws(KQLFunctionError) in
            guard let b = try Arguments.bool(value, "not") else { return .null(.bool) }
            return .bool(!b)
        },
    ]

    /// The types of `case()`'s values: every second argument, then the last.
    static func caseValueTypes(_ types: [KQLScalarType]) -> KQLScalarType {
        var values: [KQLScalarType] = []
        var i = 1
        while i < types.count {
            values.append(types[i])
            i += 2
        }
        if types.count % 2 == 1, let last = types.last { values.append(last) }
        return Arguments.commonType(values)
    }

    /// The type the values of `iff`, `case`, `coalesce`, … meet in; values of types that do not
    /// meet are an error, as in Kusto.
    static func commonType(_ types: [KQLScalarType], _ function: String) throws(KQLFunctionError) -> KQLScalarType {
        let type = Arguments.commonType(types)
        if let other = types.first(where: { !Arguments.canCoerce($0, to: type) }) {
            throw KQLFunctionError("\(function)(): the values have different types (\(type) and \(other))")
        }
        return type
    }

    /// A predicate's value: `nil` for null, which counts as false.
    static func condition(_ value: KQLValue, _ function: String) throws(KQLFunctionError) -> Bool? {
        try Arguments.bool(value, function)
    }

    static func coerce(_ value: KQLValue, to type: KQLScalarType, _ function: String) throws(KQLFunctionError) -> KQLValue {
        guard let converted = Arguments.coerce(value, to: type) else {
            throw KQLFunctionError("\(function)(): the values have different types (\(type) and \(value.type))")
        }
        return converted
    }

    // MARK: gettype

    static let gettype = ScalarFunction("gettype", arity: 1...1, returns: .string) { args, _ in
        switch args[0] {
        case .null(let type): .string(type.rawValue)
        case .dynamic(let d):
            switch d {
            case .null: .string("null")
            case .bool: .string("bool")
            // The documentation's table gives `int` for parse_json('1').
            case .long: .string("int")
            case .real: .string("real")
            case .string: .string("string")
            case .datetime: .string("datetime")
            case .timespan: .string("timespan")
            case .guid: .string("guid")
            case .array: .string("array")
            case .bag: .string("dictionary")
            }
        default: .string(args[0].type.rawValue)
        }
    }

    // MARK: hash

    /// `hash()`: xxhash64 of a string's UTF-8 bytes or of a datetime's ticks (little-endian), the
    /// two inputs whose results the documentation shows. Other types are hashed from bytes Kusto
    /// does not document, so they are unsupported.
    static let hash = ScalarFunction("hash", arity: 1...2, returns: .long) { args, _ throws(KQLFunctionError) in
        let h: UInt64
        switch args[0] {
        case .string(let s):
            var s = s
            h = s.withUTF8 { XXHash64.hash($0) }
        case .datetime(let d):
            var ticks = d.ticks.littleEndian
            h = withUnsafeBytes(of: &ticks) { XXHash64.hash($0.bindMemory(to: UInt8.self)) }
        case .null: return .null(.long)
        default:
            throw KQLFunctionError("hash() of a \(args[0].type) value", unsupported: true)
        }
        let signed = Int64(bitPattern: h)
        guard args.count == 2 else { return .long(signed) }
        guard let mod = try Arguments.integer(args[1], "hash") else { return .null(.long) }
        guard mod > 0 else { throw KQLFunctionError("hash(): the modulo must be positive, got \(mod)") }
        // How Kusto brings a negative hash into 0…mod-1 is not documented.
        guard signed >= 0 else { throw KQLFunctionError("hash() with a modulo of a negative hash", unsupported: true) }
        return .long(signed % mod)
    }

    // MARK: Non-deterministic

    /// Functions whose results cannot be reproduced; registered so the error names them.
    static let nondeterministic: [ScalarFunction] = [
        ScalarFunction("new_guid", arity: 0...0, returns: .guid) { _, _ throws(KQLFunctionError) in
            throw KQLFunctionError("new_guid() (non-deterministic)", unsupported: true)
        },
        ScalarFunction("rand", arity: 0...1, resultType: { $0.isEmpty ? .real : .long }) { _, _ throws(KQLFunctionError) in
            throw KQLFunctionError("rand() (non-deterministic)", unsupported: true)
        },
    ]
}

/// xxHash64 (seed 0), the algorithm the documentation says `hash()` uses.
enum XXHash64 {
    private static let p1: UInt64 = 11_400_714_785_074_694_791
    private static let p2: UInt64 = 14_029_467_366_897_019_727
    private static let p3: UInt64 = 1_609_587_929_392_839_161
    private static let p4: UInt64 = 9_650_029_242_287_828_579
    private static let p5: UInt64 = 2_870_177_450_012_600_261

    @inline(__always)
    private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always)
    private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }

    @inline(__always)
    private static func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 {
        (acc ^ round(0, value)) &* p1 &+ p4
    }

    @inline(__always)
    private static func read64(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(b[i + k]) << (8 * UInt64(k)) }
        return v
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        var i = 0
        var h: UInt64
        if n >= 32 {
            var v1 = p1 &+ p2, v2 = p2, v3: UInt64 = 0, v4 = 0 &- p1
            while i + 32 <= n {
                v1 = round(v1, read64(bytes, i))
                v2 = round(v2, read64(bytes, i + 8))
                v3 = round(v3, read64(bytes, i + 16))
                v4 = round(v4, read64(bytes, i + 24))
                i += 32
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            h = merge(h, v1)
            h = merge(h, v2)
            h = merge(h, v3)
            h = merge(h, v4)
        } else {
            h = p5
        }
        h &+= UInt64(n)
        while i + 8 <= n {
            h ^= round(0, read64(bytes, i))
            h = rotl(h, 27) &* p1 &+ p4
            i += 8
        }
        if i + 4 <= n {
            var k: UInt64 = 0
            for j in 0..<4 { k |= UInt64(bytes[i + j]) << (8 * UInt64(j)) }
            h ^= k &* p1
            h = rotl(h, 23) &* p2 &+ p3
            i += 4
        }
        while i < n {
            h ^= UInt64(bytes[i]) &* p5
            h = rotl(h, 11) &* p1
            i += 1
        }
        h ^= h >> 33
        h &*= p2
        h ^= h >> 29
        h &*= p3
        h ^= h >> 32
        return h
    }
}
