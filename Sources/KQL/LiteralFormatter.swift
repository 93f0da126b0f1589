import Foundation

extension KQLValue {
    /// The value written as one KQL literal token that reads back as exactly this value:
    /// `"a\"b"`, `long(-5)`, `real(nan)`, `datetime(2024-01-01T00:00:00.0000000Z)`, `7d`,
    /// `time(-1.00:00:00)`, `guid(…)`, `dynamic(["a",1])`, `int(null)`.
    ///
    /// This is the only way a value from outside (a parameter, a config file) enters query text.
    public var kqlLiteral: String {
        switch self {
        case .null(let type): return "\(type.rawValue)(null)"
        case .bool(let b): return b ? "true" : "false"
        case .int(let v): return "int(\(v))"
        case .long(let v): return v >= 0 ? String(v) : "long(\(v))"
        case .real(let v): return KQLLiteralFormatter.real(v)
        case .decimal(let d): return "decimal(\(d.description))"
        case .string(let s): return KQLLiteralFormatter.string(s)
        case .datetime(let d): return "datetime(\(d.iso8601))"
        case .timespan(let t): return KQLLiteralFormatter.timespan(t)
        case .guid(let g): return "guid(\(g.uuidString.lowercased()))"
        case .dynamic(let d):
            var out = "dynamic("
            KQLLiteralFormatter.writeDynamic(d, to: &out)
            return out + ")"
        }
    }
}

/// Writes values as KQL literal text.
public enum KQLLiteralFormatter {
    /// A string literal: double quotes (single quotes when the text has `"` but no `'`), with
    /// backslash escapes for the quote, `\`, line breaks, tabs and other control characters.
    public static func string(_ s: String) -> String {
        var out = ""
        writeString(s, to: &out)
        return out
    }

    static func writeString(_ s: String, to out: inout String) {
        let quote: Unicode.Scalar = s.contains("\"") && !s.contains("'") ? "'" : "\""
        out.unicodeScalars.append(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case quote, "\\":
                out.unicodeScalars.append("\\")
                out.unicodeScalars.append(scalar)
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += "\\u" + pad(hex: scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.unicodeScalars.append(quote)
    }

    /// A real literal: plain for finite non-negative values (always with `.` or an exponent, so it
    /// reads back as real), `real(…)` for negatives, `real(nan)`, `real(+inf)`, `real(-inf)`.
    public static func real(_ v: Double) -> String {
        if v.isNaN { return "real(nan)" }
        if v.isInfinite { return v < 0 ? "real(-inf)" : "real(+inf)" }
        let text = v.description  // shortest text that reads back as the same double
        return v.sign == .minus ? "real(\(text))" : text
    }

    /// The shortest exact timespan literal: `7d`, `2h`, `30m`, `10s`, `100ms`, `5microsecond`,
    /// `3tick`; negative durations as `time(-1.02:03:04.5000000)`, which is still one token.
    public static func timespan(_ t: KQLTimespan) -> String {
        if t.ticks < 0 { return "time(\(t.constantFormat))" }
        let units: [(Int64, String)] = [
            (KQLTimespan.day, "d"), (KQLTimespan.hour, "h"), (KQLTimespan.minute, "m"),
            (KQLTimespan.second, "s"), (KQLTimespan.millisecond, "ms"),
            (KQLTimespan.microsecond, "microsecond"),
        ]
        for (size, suffix) in units where t.ticks % size == 0 {
            return "\(t.ticks / size)\(suffix)"
        }
        return "\(t.ticks)tick"
    }

    /// Writes a dynamic value in literal syntax: JSON whose strings, datetimes, timespans and GUIDs
    /// are KQL literals.
    static func writeDynamic(_ d: KQLDynamic, to out: inout String) {
        switch d {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .long(let v): out += String(v)
        case .real(let v):
            out += v.isFinite ? v.description : real(v)
        case .string(let s): writeString(s, to: &out)
        case .datetime(let v): out += KQLValue.datetime(v).kqlLiteral
        case .timespan(let v): out += timespan(v)
        case .guid(let v): out += KQLValue.guid(v).kqlLiteral
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                writeDynamic(item, to: &out)
            }
            out += "]"
        case .bag(let pairs):
            out += "{"
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out += ", " }
                writeString(pair.key, to: &out)
                out += ": "
                writeDynamic(pair.value, to: &out)
            }
            out += "}"
        }
    }
}
