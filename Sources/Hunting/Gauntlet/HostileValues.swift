import Foundation
public import KQL

/// Generates parameter values that try to escape their literal: strings full of quotes,
/// backslashes, line breaks, bidi overrides, comment and pipe syntax and KQL keywords, some of them
/// huge; numbers, datetimes and timespans at the edges of their ranges; typed nulls; dynamic values
/// nesting all of that.
///
/// For the parameter gauntlet (`hunt-bench params`, `ParameterGauntletTests`), which binds them
/// and checks that each stays one literal that reads back as itself. SPI rather than public API:
/// it exists to test this module, and both the test target and the benchmark executable need it
/// (neither can import the other, and the executable cannot see `TestSupport`).
@_spi(Gauntlet) public enum HostileValues {
    /// Pieces hostile strings are made of: what ends a KQL string, line or statement, what starts
    /// a comment or another string syntax, keywords, and Unicode that renders or normalizes oddly.
    public static let pieces: [String] = [
        "\"", "'", "\\", "\\\\", "\\\"", "\\'", "\"\"", "''", "\n", "\r", "\r\n", "\t", "\0", "\u{7F}", "\u{85}",
        "\u{2028}", "\u{2029}", "\u{202E}", "\u{202D}", "\u{2066}", "\u{2069}", "\u{200B}", "\u{200D}", "\u{FEFF}", "\u{FFFD}",
        "é", "e\u{301}", "\u{301}", "👩‍💻", "🏳️‍🌈", "\u{10FFFF}", "\u{E000}", "ß", "İ", "ﬁ", "Ω",
        "\";", "';", "//", "/*", "*/", "| where", "| take 1", "| project", "let x = 1;", "let", "where", "union *",
        "DeviceInfo", "set notruncation;", "declare query_parameters(x:string);", ";", ",", "=", "==", "(", ")", "[", "]", "{", "}",
        "h'", "H\"", "@'", "@\"", "h@'", "```", "~~~", "dynamic(", "datetime(", "time(", "guid(", "int(null)", "$left", "$right",
        "\\u0022", "\\x22", "\\n", "%22", "&quot;", "{{", "}}", "${", "-->", "<script>", " ", "  ", "a", "0", "-", "+", ".",
    ]

    /// A value of `type`.
    public static func value(of type: KQLScalarType, using g: inout some RandomNumberGenerator) -> KQLValue {
        if type != .string, type != .dynamic, chance(1, in: 40, &g) { return .null(type) }
        switch type {
        case .string: return .string(string(&g))
        case .bool: return .bool(below(2, &g) == 1)
        case .int: return .int(Int32(truncatingIfNeeded: integer(&g, bits: 32)))
        case .long: return .long(integer(&g, bits: 64))
        case .real: return .real(real(&g))
        case .decimal: return .decimal(decimal(&g))
        case .datetime: return .datetime(datetime(&g))
        case .timespan: return .timespan(KQLTimespan(ticks: integer(&g, bits: 64)))
        case .guid: return .guid(guid(&g))
        case .dynamic: return .dynamic(dynamic(&g, depth: 0))
        }
    }

    /// A hostile string: usually a few pieces and random scalars; now and then tens of thousands
    /// of them, or long runs of one quote or backslash.
    public static func string(_ g: inout some RandomNumberGenerator) -> String {
        var out = ""
        let roll = below(1000, &g)
        let count = roll == 0 ? 2000 + below(20_000, &g) : roll < 20 ? 50 + below(200, &g) : below(12, &g)
        for _ in 0..<count {
            switch below(10, &g) {
            case 0..<6: out += pieces[below(pieces.count, &g)]
            case 6: out += String(repeating: ["\"", "'", "\\", "`"][below(4, &g)], count: 1 + below(9, &g))
            default: out.unicodeScalars.append(scalar(&g))
            }
        }
        return out
    }

    /// A random Unicode scalar, weighted towards ASCII and the C0 controls.
    static func scalar(_ g: inout some RandomNumberGenerator) -> Unicode.Scalar {
        let ranges: [ClosedRange<UInt32>] = [0x20...0x7E, 0x00...0x1F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF]
        let range = ranges[below(ranges.count, &g)]
        return Unicode.Scalar(range.lowerBound + UInt32(below(Int(range.upperBound - range.lowerBound) + 1, &g)))!
    }

    /// An integer of `bits` bits: often an edge (0, ±1, the extremes, powers of two and ten and
    /// their neighbours, the 32-bit limits), otherwise uniform or small.
    static func integer(_ g: inout some RandomNumberGenerator, bits: Int) -> Int64 {
        let maximum = bits == 64 ? Int64.max : Int64(Int32.max)
        let minimum = bits == 64 ? Int64.min : Int64(Int32.min)
        switch below(4, &g) {
        case 0:
            let edges: [Int64] = [0, 1, -1, maximum, minimum, maximum - 1, minimum + 1, Int64(Int32.max), Int64(Int32.min),
                                  Int64(Int32.max) + 1, Int64(Int32.min) - 1, 9_007_199_254_740_993, -9_007_199_254_740_993]
            return edges[below(edges.count, &g)].clamped(minimum, maximum)
        case 1:
            let power = Int64(1) << Int64(below(bits - 1, &g))
            return ([power, power - 1, power + 1, -power, -power - 1][below(5, &g)]).clamped(minimum, maximum)
        case 2:
            var ten: Int64 = 1
            for _ in 0..<below(bits == 64 ? 19 : 10, &g) { ten *= 10 }
            return ([ten, ten - 1, -ten, 1 - ten][below(4, &g)]).clamped(minimum, maximum)
        default:
            let raw = Int64(bitPattern: g.next())
            return below(2, &g) == 0 ? (bits == 64 ? raw : Int64(Int32(truncatingIfNeeded: raw))) : raw % 1000
        }
    }

    /// A double: the special values, the extremes of each range, decimals that do not round-trip
    /// through fewer digits, and random bit patterns (NaN payloads included).
    static func real(_ g: inout some RandomNumberGenerator) -> Double {
        switch below(3, &g) {
        case 0:
            let edges: [Double] = [0, -0.0, .nan, -.nan, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                                   .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .ulpOfOne, 1 + .ulpOfOne,
                                   0.1, 1.0 / 3, 1e16, 1e15, -1e-300, 9_007_199_254_740_992, 9_007_199_254_740_994, Double(Int64.max), Double(Int64.min), Double.leastNormalMagnitude.nextDown, 1.7976931348623157e308]
            return edges[below(edges.count, &g)]
        case 1: return Double(bitPattern: g.next())
        default: return Double(Int64(bitPattern: g.next()) % 2_000_000) / Double(1 << below(40, &g))
        }
    }

    /// A decimal in .NET's range: up to 28 digits with a scale of 0 to 28, either sign.
    static func decimal(_ g: inout some RandomNumberGenerator) -> Decimal {
        var digits = String(below(9, &g) + 1)
        for _ in 0..<below(28, &g) { digits += String(below(10, &g)) }
        let scale = below(min(digits.count, 28) + 1, &g)
        if scale > 0 { digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale)) }
        if digits.hasPrefix(".") { digits = "0" + digits }
        if below(2, &g) == 0 { digits = "-" + digits }
        if below(8, &g) == 0 { digits = ["0", "1", "-1", "0.5", "79228162514264337593543950335", "-79228162514264337593543950335", "0.0000000000000000000000000001"][below(7, &g)] }
        return Decimal(string: digits, locale: Locale(identifier: "en_US_POSIX")) ?? 0
    }

    /// A datetime: the range's ends and their neighbours, leap days, the epoch, any tick, or one
    /// within a century of the epoch.
    static func datetime(_ g: inout some RandomNumberGenerator) -> KQLDateTime {
        let max = KQLDateTime.max.ticks
        switch below(3, &g) {
        case 0:
            let edges: [Int64] = [0, 1, max, max - 1, KQLDateTime.unixEpochTicks, KQLDateTime.unixEpochTicks - 1,
                                  KQLDateTime(year: 2024, month: 2, day: 29)!.ticks, KQLDateTime(year: 1900, month: 2, day: 28, hour: 23, minute: 59, second: 59)!.ticks + 9_999_999,
                                  KQLDateTime(year: 9999, month: 12, day: 31)!.ticks, KQLDateTime(year: 1, month: 1, day: 2)!.ticks - 1]
            return KQLDateTime(ticks: edges[below(edges.count, &g)])
        case 1: return KQLDateTime(ticks: Int64(g.next() % UInt64(max + 1)))
        default:  // within a century of the epoch, where real data is
            let century = 100 * 365 * KQLDateTime.ticksPerDay
            return KQLDateTime(ticks: KQLDateTime.unixEpochTicks - century + Int64(g.next() % UInt64(2 * century)))
        }
    }

    /// A GUID: random, all zeros or all ones.
    static func guid(_ g: inout some RandomNumberGenerator) -> UUID {
        switch below(10, &g) {
        case 0: return UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        case 1: return UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))
        default:
            let (a, b) = (g.next(), g.next())
            return withUnsafeBytes(of: (a, b)) { raw in
                UUID(uuid: (raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7], raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]))
            }
        }
    }

    /// A dynamic value up to four levels deep, with hostile strings as values and keys (the keys of
    /// one bag distinct, as JSON objects have them).
    static func dynamic(_ g: inout some RandomNumberGenerator, depth: Int) -> KQLDynamic {
        switch below(depth >= 4 ? 8 : 10, &g) {
        case 0: return .null
        case 1: return .bool(below(2, &g) == 1)
        case 2: return .long(integer(&g, bits: 64))
        case 3: return .real(real(&g))
        case 4, 5: return .string(string(&g))
        case 6: return [KQLDynamic.datetime(datetime(&g)), .timespan(KQLTimespan(ticks: integer(&g, bits: 64))), .guid(guid(&g))][below(3, &g)]
        case 7: return .string("")
        case 8: return .array((0..<below(5, &g)).map { _ in dynamic(&g, depth: depth + 1) })
        default:
            var keys: [String] = []
            for _ in 0..<below(5, &g) {
                let key = string(&g)
                if !keys.contains(key) { keys.append(key) }
            }
            return .bag(keys.map { (key: $0, value: dynamic(&g, depth: depth + 1)) })
        }
    }

    /// A number in `0..<bound` from one draw: Lemire's multiply-shift without the rejection step
    /// (its bias, bound / 2^64, is nothing for these bounds; rejection doubles the generator's cost).
    static func below(_ bound: Int, _ g: inout some RandomNumberGenerator) -> Int {
        Int(truncatingIfNeeded: g.next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    static func chance(_ numerator: Int, in denominator: Int, _ g: inout some RandomNumberGenerator) -> Bool {
        below(denominator, &g) < numerator
    }
}

extension Int64 {
    fileprivate func clamped(_ low: Int64, _ high: Int64) -> Int64 { Swift.min(Swift.max(self, low), high) }
}
