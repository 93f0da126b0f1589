import Foundation
import KQL

/// Writes cells straight into UTF-8 byte buffers: the CSV and JSON writers handle every row of a
/// result, so they avoid a `String` per cell. Public for the benchmark driver's exports.
public enum CellBytes {
    /// How a string cell is written.
    enum Quoting {
        /// CSV: formula-guarded, quoted when it holds a comma, quote or line break.
        case csv
        /// A JSON string literal.
        case json
    }

    /// Appends cell `row` of `column`: text (strings, dynamic values) through `quoting`, typed values
    /// as their plain text (``CellText/plain(_:)``) — in CSV a negative number is data, not a formula —
    /// and, in JSON, numbers, booleans, `null` and dynamic values as JSON.
    static func append(_ column: KQLColumn, row: Int, quoting: Quoting, to out: inout [UInt8]) {
        switch column.storage {
        case .string(let strings):
            strings.withUTF8(row) { text(UnsafeRawBufferPointer($0), quoting: quoting, to: &out) }
            return
        case .long(let values, let nulls) where !nulls.isNull(row):
            integer(values[row], to: &out)
            return
        case .int(let values, let nulls) where !nulls.isNull(row):
            integer(Int64(values[row]), to: &out)
            return
        case .datetime(let values, let nulls, _) where !nulls.isNull(row):
            if quoting == .json { out.append(UInt8(ascii: "\"")) }
            datetime(values[row], to: &out)
            if quoting == .json { out.append(UInt8(ascii: "\"")) }
            return
        default:
            break
        }
        let value = column[row]
        if quoting == .json {
            switch value {
            case .null: out.append(contentsOf: "null".utf8)
            case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
            case .real(let v) where v.isFinite: out.append(contentsOf: String(v).utf8)
            case .decimal(let d): out.append(contentsOf: d.description.utf8)
            case .dynamic(let d): inertJSON(d.json, to: &out)
            default: string(CellText.plain(value), quoting: .json, to: &out)
            }
        } else {
            switch value {
            // Typed values the service produced: never a formula, never a comma or quote.
            case .real, .decimal, .timespan, .bool, .guid: out.append(contentsOf: CellText.plain(value).utf8)
            default: string(CellText.plain(value), quoting: quoting, to: &out)
            }
        }
    }

    /// Appends `value` as text through `quoting`.
    static func string(_ value: String, quoting: Quoting, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { text(UnsafeRawBufferPointer($0), quoting: quoting, to: &out) }
    }

    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r"), tab = UInt8(ascii: "\t"), backslash = UInt8(ascii: "\\")

    private static func text(_ bytes: UnsafeRawBufferPointer, quoting: Quoting, to out: inout [UInt8]) {
        switch quoting {
        case .csv: csvField(bytes, to: &out)
        case .json: jsonString(bytes, to: &out)
        }
    }

    /// A CSV field: a cell a spreadsheet would run as a formula gets a leading `'` (OWASP's guard).
    private static func csvField(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let guarded: Bool
        switch bytes.first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), tab, carriageReturn: guarded = true
        default: guarded = false
        }
        var needsQuotes = false
        for byte in bytes where byte == comma || byte == quote || byte == newline || byte == carriageReturn {
            needsQuotes = true
            break
        }
        if needsQuotes { out.append(quote) }
        if guarded { out.append(UInt8(ascii: "'")) }
        if needsQuotes {
            for byte in bytes {
                if byte == quote { out.append(quote) }
                out.append(byte)
            }
            out.append(quote)
        } else {
            out.append(contentsOf: bytes)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string literal. Besides what JSON requires, `<`, `>`, `&`, U+2028 and U+2029 are
    /// escaped, so the text stays inert if the file is ever embedded in HTML or JavaScript, and
    /// U+FEFF, which some readers (Foundation's `JSONSerialization` on Linux) drop when a run of
    /// plain characters starts with it.
    private static func jsonString(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(quote)
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch byte {
            case quote: out.append(contentsOf: [backslash, quote])
            case backslash: out.append(contentsOf: [backslash, backslash])
            case newline: out.append(contentsOf: [backslash, UInt8(ascii: "n")])
            case carriageReturn: out.append(contentsOf: [backslash, UInt8(ascii: "r")])
            case tab: out.append(contentsOf: [backslash, UInt8(ascii: "t")])
            case 0..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                unicodeEscape(UInt32(byte), to: &out)
            case 0xE2 where index + 2 < count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                unicodeEscape(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)
                index += 2
            case 0xEF where index + 2 < count && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF:
                unicodeEscape(0xFEFF, to: &out)
                index += 2
            default: out.append(byte)
            }
            index += 1
        }
        out.append(quote)
    }

    /// A dynamic value's JSON (``KQLDynamic/json``, whose strings already escape U+2028 and
    /// U+2029) with `<`, `>`, `&` and U+FEFF escaped like ``jsonString(_:to:)`` does: outside
    /// strings JSON has none of them, so each is inside a string, where `\uXXXX` means the same.
    private static func inertJSON(_ json: String, to out: inout [UInt8]) {
        var json = json
        json.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"): unicodeEscape(UInt32(byte), to: &out)
                case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF:
                    unicodeEscape(0xFEFF, to: &out)
                    index += 2
                default: out.append(byte)
                }
                index += 1
            }
        }
    }

    private static func unicodeEscape(_ value: UInt32, to out: inout [UInt8]) {
        out.append(contentsOf: [backslash, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) { out.append(hexDigits[Int(value >> UInt32(shift) & 0xF)]) }
    }

    /// A decimal integer.
    public static func integer(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
        }
    }

    /// `2024-03-26T09:39:50.7688641Z`, the same text as ``KQLDateTime/iso8601``.
    public static func datetime(_ ticks: Int64, to out: inout [UInt8]) {
        let c = KQLDateTime(ticks: ticks).components
        padded(c.year, 4, to: &out)
        out.append(UInt8(ascii: "-"))
        padded(c.month, 2, to: &out)
        out.append(UInt8(ascii: "-"))
        padded(c.day, 2, to: &out)
        out.append(UInt8(ascii: "T"))
        padded(c.hour, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        padded(c.minute, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        padded(c.second, 2, to: &out)
        out.append(UInt8(ascii: "."))
        padded(Int(c.fractionTicks), 7, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    private static func padded(_ value: Int, _ width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
