public import Foundation

/// A KQL `dynamic` value: JSON-shaped data (arrays and property bags of scalars). Like Kusto's,
/// it can also hold datetimes, timespans and GUIDs written as literals inside `dynamic(…)`.
public indirect enum KQLDynamic: Hashable, Sendable {
    case null
    case bool(Bool)
    case long(Int64)
    case real(Double)
    case string(String)
    case datetime(KQLDateTime)
    case timespan(KQLTimespan)
    case guid(UUID)
    case array([KQLDynamic])
    /// A property bag; keys keep the order they were written in.
    case bag([(key: String, value: KQLDynamic)])

    public static func == (lhs: KQLDynamic, rhs: KQLDynamic) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.long(a), .long(b)): a == b
        case let (.real(a), .real(b)): a == b || (a.isNaN && b.isNaN)
        case let (.string(a), .string(b)): a == b
        case let (.datetime(a), .datetime(b)): a == b
        case let (.timespan(a), .timespan(b)): a == b
        case let (.guid(a), .guid(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.bag(a), .bag(b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .long(let v): hasher.combine(2); hasher.combine(v)
        case .real(let v): hasher.combine(3); hasher.combine(v.isNaN ? .nan : v)
        case .string(let s): hasher.combine(4); hasher.combine(s)
        case .datetime(let v): hasher.combine(7); hasher.combine(v)
        case .timespan(let v): hasher.combine(8); hasher.combine(v)
        case .guid(let v): hasher.combine(9); hasher.combine(v)
        case .array(let items): hasher.combine(5); hasher.combine(items)
        case .bag(let pairs):
            hasher.combine(6)
            for pair in pairs {
                hasher.combine(pair.key)
                hasher.combine(pair.value)
            }
        }
    }

    /// Compact JSON text, as Kusto's `tostring()` of a dynamic value prints it.
    public var json: String {
        var out = ""
        writeJSON(to: &out)
        return out
    }

    func writeJSON(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .long(let v): out += String(v)
        case .real(let v): out += KQLDynamic.jsonNumber(v)
        case .string(let s): KQLDynamic.writeJSONString(s, to: &out)
        case .datetime(let d): KQLDynamic.writeJSONString(d.iso8601, to: &out)
        case .timespan(let t): KQLDynamic.writeJSONString(t.constantFormat, to: &out)
        case .guid(let g): KQLDynamic.writeJSONString(g.uuidString.lowercased(), to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.writeJSON(to: &out)
            }
            out += "]"
        case .bag(let pairs):
            out += "{"
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out += "," }
                KQLDynamic.writeJSONString(pair.key, to: &out)
                out += ":"
                pair.value.writeJSON(to: &out)
            }
            out += "}"
        }
    }

    /// A JSON number for a double; non-finite values become the strings Kusto uses.
    static func jsonNumber(_ v: Double) -> String {
        if v.isNaN { return "\"NaN\"" }
        if v.isInfinite { return v < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) + ".0" }
        return String(v)
    }

    /// Writes `s` as a JSON string literal, escaping quotes, backslashes and control characters.
    public static func writeJSONString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += "\\u" + pad(hex: scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// Four lowercase hex digits.
func pad(hex value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

extension KQLDynamic {
    /// A plain value as a dynamic one: ints widen to long, decimals become reals, nulls `null`.
    public init(_ value: KQLValue) {
        switch value {
        case .null: self = .null
        case .bool(let v): self = .bool(v)
        case .int(let v): self = .long(Int64(v))
        case .long(let v): self = .long(v)
        case .real(let v): self = .real(v)
        case .decimal(let v): self = .real(NSDecimalNumber(decimal: v).doubleValue)
        case .string(let v): self = .string(v)
        case .datetime(let v): self = .datetime(v)
        case .timespan(let v): self = .timespan(v)
        case .guid(let v): self = .guid(v)
        case .dynamic(let v): self = v
        }
    }
}

extension KQLValue {
    /// A dynamic scalar as the plain value it holds (`dynamic(5)` → `5`, `dynamic(null)` →
    /// `.null(.dynamic)`); arrays, bags and plain values unchanged.
    public var unwrappingDynamic: KQLValue {
        guard case .dynamic(let d) = self else { return self }
        switch d {
        case .null: return .null(.dynamic)
        case .bool(let b): return .bool(b)
        case .long(let v): return .long(v)
        case .real(let v): return .real(v)
        case .string(let s): return .string(s)
        case .datetime(let v): return .datetime(v)
        case .timespan(let v): return .timespan(v)
        case .guid(let v): return .guid(v)
        case .array, .bag: return self
        }
    }
}
