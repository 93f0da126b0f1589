public import KQL
import Foundation

extension KQLValue {
    /// The value as Kusto's `tostring()` writes it: strings as they are, nulls as `""`, reals in
    /// .NET's shortest round-trip form (`1.5`, `2`, `1E+20`), datetimes as ISO 8601 with seven
    /// fractional digits (`2017-10-15T12:00:00.0000000Z`, as the `reverse()` documentation shows),
    /// timespans in the constant format (`1.02:03:04.5000000`), and dynamic values as compact
    /// JSON (a dynamic string without quotes).
    public var kqlString: String {
        switch self {
        case .null: ""
        case .bool(let v): v ? "true" : "false"
        case .int(let v): String(v)
        case .long(let v): String(v)
        case .real(let v): KQLFormat.real(v)
        case .decimal(let v): v.description
        case .string(let v): v
        case .datetime(let v): v.iso8601
        case .timespan(let v): v.constantFormat
        case .guid(let v): v.uuidString.lowercased()
        case .dynamic(let d): KQLFormat.string(of: d)
        }
    }
}

/// Kusto's text forms of values.
enum KQLFormat {
    /// A dynamic value as `tostring()` writes it: scalars as their plain values would be, arrays and
    /// bags as compact JSON, null as the empty string.
    static func string(of d: KQLDynamic) -> String {
        switch d {
        case .null: ""
        case .bool(let v): v ? "true" : "false"
        case .long(let v): String(v)
        case .real(let v): real(v)
        case .string(let s): s
        case .datetime(let v): v.iso8601
        case .timespan(let v): v.constantFormat
        case .guid(let v): v.uuidString.lowercased()
        case .array, .bag: d.json
        }
    }

    /// A double as .NET's `double.ToString()` writes it (invariant culture): the shortest digits
    /// that read back as the same value, fixed notation unless the decimal exponent is at least 15
    /// (or the count of digits, when larger) or below -4, then `1.5E+20` / `1E-05`.
    static func real(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        // Swift's description is also the shortest round-trip text; take its digits and exponent.
        let text = Array(v.magnitude.description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(of: UInt8(ascii: "e")) {
            mantissa = text[..<e]
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
        }
        var digits: [UInt8] = []
        var scale = 0  // the value is 0.d1d2d3… × 10^scale
        var seenPoint = false
        for byte in mantissa {
            if byte == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(byte)
            if !seenPoint { scale += 1 }
        }
        scale += exponent
        while digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            scale -= 1
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        var out = v < 0 ? "-" : ""
        if scale > max(digits.count, 15) || scale < -3 {
            out.unicodeScalars.append(Unicode.Scalar(digits[0]))
            if digits.count > 1 {
                out += "."
                out += String(decoding: digits[1...], as: UTF8.self)
            }
            let e = scale - 1
            out += e < 0 ? "E-" : "E+"
            let magnitude = String(abs(e))
            out += magnitude.count < 2 ? "0" + magnitude : magnitude
        } else if scale <= 0 {
            out += "0." + String(repeating: "0", count: -scale) + String(decoding: digits, as: UTF8.self)
        } else if scale >= digits.count {
            out += String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: scale - digits.count)
        } else {
            out += String(decoding: digits[..<scale], as: UTF8.self) + "." + String(decoding: digits[scale...], as: UTF8.self)
        }
        return out
    }
}

/// Kusto's conversion functions (`tolong()`, `toreal()`, `todatetime()`, …) as plain functions,
/// shared by the functions that take a target type (`extract(…, typeof(long))`).
///
/// Each returns `nil` when the conversion fails (the function's result is then null) and throws
/// an unsupported error where Kusto's exact rule is not documented, rather than guess.
enum Conversion {
    /// `tolong()`.
    static func toLong(_ value: KQLValue) throws(KQLFunctionError) -> Int64? {
        switch Arguments.unwrap(value) {
        case .null: return nil
        case .bool(let b): return b ? 1 : 0
        case .int(let v): return Int64(v)
        case .long(let v): return v
        case .real(let v): return try truncate(v, "tolong")
        case .decimal(let d): return try truncate(NSDecimalNumber(decimal: d).doubleValue, "tolong")
        case .string(let s): return try parseInteger(s, "tolong")
        case .datetime(let d): return d.ticks
        case .timespan(let t): return t.ticks
        case .guid, .dynamic: return nil
        }
    }

    /// `toint()`: like `tolong()` within 32 bits; text out of range is null.
    static func toInt(_ value: KQLValue) throws(KQLFunctionError) -> Int32? {
        switch Arguments.unwrap(value) {
        case .string(let s): return try parseInteger(s, "toint").flatMap(Int32.init(exactly:))
        case .datetime, .timespan:
            throw KQLFunctionError("toint() of a \(value.type)", unsupported: true)
        default:
            guard let long = try toLong(value) else { return nil }
            guard let int = Int32(exactly: long) else {
                // Whether Kusto wraps, saturates or gives null is not documented.
                throw KQLFunctionError("toint() of a value outside the int range", unsupported: true)
            }
            return int
        }
    }

    /// `toreal()` / `todouble()`.
    static func toReal(_ value: KQLValue) throws(KQLFunctionError) -> Double? {
        switch Arguments.unwrap(value) {
        case .null: return nil
        case .bool(let b): return b ? 1 : 0
        case .int(let v): return Double(v)
        case .long(let v): return Double(v)
        case .real(let v): return v
        case .decimal(let d): return NSDecimalNumber(decimal: d).doubleValue
        case .string(let s): return LiteralSyntax.parseReal(s.trimmingCharacters(in: .whitespaces))
        case .datetime, .timespan: throw KQLFunctionError("toreal() of a \(value.type)", unsupported: true)
        case .guid, .dynamic: return nil
        }
    }

    /// `tobool()` / `toboolean()`: `true`/`false` in any case, non-zero numbers are true.
    static func toBool(_ value: KQLValue) throws(KQLFunctionError) -> Bool? {
        switch Arguments.unwrap(value) {
        case .null: return nil
        case .bool(let b): return b
        case .int(let v): return v != 0
        case .long(let v): return v != 0
        case .real(let v): return v.isNaN ? nil : v != 0
        case .decimal(let d): return d != 0
        case .string(let s):
            switch s.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true": return true
            case "false": return false
            case "1", "0": throw KQLFunctionError("tobool() of the text \"1\" or \"0\"", unsupported: true)
            default: return nil
            }
        default: return nil
        }
    }

    /// `todecimal()`; reals keep 15 significant digits, as .NET's conversion does.
    static func toDecimal(_ value: KQLValue) throws(KQLFunctionError) -> Decimal? {
        switch Arguments.unwrap(value) {
        case .null: return nil
        case .int(let v): return Decimal(Int(v))
        case .long(let v): return Decimal(v)
        case .real(let v):
            guard v.isFinite else { return nil }
            return Decimal(string: String(format: "%.15g", v), locale: Locale(identifier: "en_US_POSIX"))
        case .decimal(let d): return d
        case .string(let s): return LiteralSyntax.parseDecimal(s)
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// `todatetime()`.
    static func toDateTime(_ value: KQLValue) throws(KQLFunctionError) -> KQLDateTime? {
        switch Arguments.unwrap(value) {
        case .null: return nil
        case .datetime(let d): return d
        case .string(let s): return parseDateTime(s)
        case .int, .long, .real, .decimal:
            throw KQLFunctionError("todatetime() of a number", unsupported: true)
        default: return nil
        }
    }

    /// `totimespan()`: the constant format `[-][d.]hh:mm[:ss[.fffffff]]`.
    static func toTimespan(_ value: KQLValue) throws(KQLFunctionError) -> KQLTimespan? {
        switch Arguments.unwrap(value) {
        case .null: return nil
        case .timespan(let t): return t
        case .string(let s):
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            if trimmed.contains(":") { return LiteralSyntax.parseTimespan(trimmed) }
            if LiteralSyntax.parseTimespan(trimmed, bareNumberUnit: KQLTimespan.day) != nil {
                // A bare number (days in .NET) or a KQL literal such as 1d: not documented.
                throw KQLFunctionError("totimespan() of text without ':' (\(trimmed))", unsupported: true)
            }
            return nil
        case .int, .long, .real, .decimal:
            throw KQLFunctionError("totimespan() of a number", unsupported: true)
        default: return nil
        }
    }

    /// `toguid()`: the first 32 hex digits, hyphens ignored; the rest of the text is ignored.
    static func toGuid(_ value: KQLValue) -> UUID? {
        switch Arguments.unwrap(value) {
        case .guid(let g): return g
        case .string(let s):
            if let g = LiteralSyntax.parseGuid(s) { return g }
            var hex: [UInt8] = []
            hex.reserveCapacity(32)
            for byte in s.utf8 {
                if hex.count == 32 { break }
                if byte == UInt8(ascii: "-") { continue }
                guard ASCII.isHexDigit(byte) else { return nil }
                hex.append(byte)
            }
            guard hex.count == 32 else { return nil }
            var text = ""
            for (i, byte) in hex.enumerated() {
                if i == 8 || i == 12 || i == 16 || i == 20 { text += "-" }
                text.unicodeScalars.append(Unicode.Scalar(byte))
            }
            return UUID(uuidString: text)
        default: return nil
        }
    }

    /// `parse_json()`: a dynamic value as it is, a string parsed as JSON (text that is not JSON
    /// stays a dynamic string, empty text is null), other values as dynamic scalars.
    static func parseJSON(_ value: KQLValue) -> KQLDynamic {
        switch value {
        case .dynamic(let d): return d
        case .string(let s): return parseJSON(text: s)
        default: return Arguments.dynamic(value)
        }
    }

    /// Parses JSON text for `parse_json()`.
    static func parseJSON(text: String) -> KQLDynamic {
        if let value = JSONReader.parse(text) { return value }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .null }
        // Json.NET, which Kusto's parser follows, also reads single-quoted strings and comments;
        // the dynamic-literal parser does too, but it also reads KQL literals (1d, datetime(…)),
        // which JSON never holds: a result with those is not JSON.
        if let value = try? KQLDynamic(parsing: trimmed), !containsLiteralOnlyValues(value) {
            return value
        }
        return .string(text)
    }

    private static func containsLiteralOnlyValues(_ d: KQLDynamic) -> Bool {
        switch d {
        case .datetime, .timespan, .guid: true
        case .array(let items): items.contains(where: containsLiteralOnlyValues)
        case .bag(let pairs): pairs.contains { containsLiteralOnlyValues($0.value) }
        default: false
        }
    }

    /// Converts a value to the type named by `typeof(…)` in `extract()` and `extract_json()`.
    static func convert(_ value: KQLValue, to type: KQLScalarType) throws(KQLFunctionError) -> KQLValue {
        switch type {
        case .string: return .string(value.kqlString)
        case .long: return try toLong(value).map(KQLValue.long) ?? .null(.long)
        case .int: return try toInt(value).map(KQLValue.int) ?? .null(.int)
        case .real: return try toReal(value).map(KQLValue.real) ?? .null(.real)
        case .bool: return try toBool(value).map(KQLValue.bool) ?? .null(.bool)
        case .decimal: return try toDecimal(value).map(KQLValue.decimal) ?? .null(.decimal)
        case .datetime: return try toDateTime(value).map(KQLValue.datetime) ?? .null(.datetime)
        case .timespan: return try toTimespan(value).map(KQLValue.timespan) ?? .null(.timespan)
        case .guid: return toGuid(value).map(KQLValue.guid) ?? .null(.guid)
        case .dynamic: return .dynamic(parseJSON(value))
        }
    }

    // MARK: Text

    /// Reads a date the way `todatetime()` does: the forms of datetime literals (ISO 8601,
    /// RFC 822/850, `M/d/yyyy`) and `MM-dd-yyyy` (the todatetime documentation's example).
    static func parseDateTime(_ text: String) -> KQLDateTime? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let value = LiteralSyntax.parseDateTime(trimmed) { return value }
        // MM-dd-yyyy[ time]: .NET's invariant culture reads the month first.
        let parts = trimmed.split(separator: " ", maxSplits: 1)
        guard let date = parts.first else { return nil }
        let fields = date.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count <= 2, fields[1].count <= 2, fields[2].count == 4,
            fields.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } })
        else { return nil }
        let rewritten = "\(fields[0])/\(fields[1])/\(fields[2])" + (parts.count == 2 ? " \(parts[1])" : "")
        return LiteralSyntax.parseDateTime(rewritten)
    }

    /// A decimal integer with optional sign and surrounding white space. Text that is a real number
    /// with a fraction is reported unsupported: whether Kusto truncates it or gives null is not
    /// documented.
    static func parseInteger(_ text: String, _ function: String) throws(KQLFunctionError) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes = trimmed.utf8[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var magnitude: UInt64 = 0
        var valid = !bytes.isEmpty
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else {
                valid = false
                break
            }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - 0x30))
            if o1 || o2 { return nil }
            magnitude = sum
        }
        if valid {
            if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
            return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
        }
        if LiteralSyntax.parseReal(trimmed)?.isFinite == true {
            throw KQLFunctionError("\(function)() of text holding a real number (\(trimmed))", unsupported: true)
        }
        return nil
    }

    private static func truncate(_ v: Double, _ function: String) throws(KQLFunctionError) -> Int64? {
        guard v.isFinite else { return nil }
        let t = v.rounded(.towardZero)
        guard t >= -9.223372036854775e18, t <= 9.223372036854775e18 else {
            throw KQLFunctionError("\(function)() of a real outside the long range", unsupported: true)
        }
        return Int64(t)
    }
}

/// A `typeof(T)` argument (`extract(…, typeof(long))`, `extract_json(…)`). The result type of
/// such a call depends on the constant, while ``ScalarFunction/resultType`` sees only argument
/// types; so the type is read from the argument's type when the caller passes `typeof(T)` as a
/// typed null of `T` (`KQLValue.null(of: T)`). Passed as the type's name (a string), only
/// `typeof(string)` can be honoured, and other types are reported unsupported.
enum TypeArgument {
    /// The call's result type for the `typeof` argument's type.
    static func resultType(_ type: KQLScalarType) -> KQLScalarType { type }

    /// The type to convert to.
    static func target(_ value: KQLValue, _ function: String) throws(KQLFunctionError) -> KQLScalarType {
        guard case .string(let name) = value else { return value.type }
        if name.isEmpty || KQLScalarType(kqlName: name) == .string { return .string }
        guard KQLScalarType(kqlName: name) != nil else {
            throw KQLFunctionError("\(function)(): '\(name)' is not a type")
        }
        throw KQLFunctionError(
            "\(function)() with typeof(\(name)) (the result type must reach the function as a typed null)", unsupported: true)
    }
}

/// Byte classes for the hand-written scanners of the function library.
enum ASCII {
    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    @inline(__always)
    static func isHexDigit(_ b: UInt8) -> Bool { hexValue(b) != nil }

    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8? {
        if b >= 0x30 && b <= 0x39 { return b - 0x30 }
        let lower = b | 0x20
        return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : nil
    }

    @inline(__always)
    static func isLetter(_ b: UInt8) -> Bool { b | 0x20 >= 0x61 && b | 0x20 <= 0x7A }

    @inline(__always)
    static func isAlphanumeric(_ b: UInt8) -> Bool { isDigit(b) || isLetter(b) }
}
