import Foundation
import KQL

/// A strict JSON parser over UTF-8 bytes for `parse_json()`, which runs once per row: integers
/// that fit 64 bits become `long`, other numbers `real`; a repeated key keeps its last value.
enum JSONReader {
    /// The value of a JSON document, or `nil` when the text is not exactly one JSON value.
    static func parse(_ text: String) -> KQLDynamic? {
        var text = text
        return text.withUTF8 { buffer -> KQLDynamic? in
            var reader = Cursor(bytes: buffer)
            reader.skipSpace()
            guard let value = reader.value(depth: 0) else { return nil }
            reader.skipSpace()
            return reader.index == buffer.count ? value : nil
        }
    }

    private static let maxDepth = 512

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        @inline(__always)
        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let matches = word.withUTF8Buffer { w in
                (0..<count).allSatisfy { bytes[index + $0] == w[$0] }
            }
            if matches { index += count }
            return matches
        }

        mutating func value(depth: Int) -> KQLDynamic? {
            guard depth < JSONReader.maxDepth, let byte = current else { return nil }
            switch byte {
            case UInt8(ascii: "{"): return object(depth: depth)
            case UInt8(ascii: "["): return array(depth: depth)
            case UInt8(ascii: "\""): return string().map(KQLDynamic.string)
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default: return number()
            }
        }

        mutating func object(depth: Int) -> KQLDynamic? {
            index += 1
            var pairs: [(key: String, value: KQLDynamic)] = []
            skipSpace()
            if current == UInt8(ascii: "}") {
                index += 1
                return .bag(pairs)
            }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\""), let key = string() else { return nil }
                skipSpace()
                guard current == UInt8(ascii: ":") else { return nil }
                index += 1
                skipSpace()
                guard let item = value(depth: depth + 1) else { return nil }
                if let existing = pairs.firstIndex(where: { $0.key == key }) {
                    pairs[existing].value = item
                } else {
                    pairs.append((key, item))
                }
                skipSpace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return .bag(pairs)
                default: return nil
                }
            }
        }

        mutating func array(depth: Int) -> KQLDynamic? {
            index += 1
            var items: [KQLDynamic] = []
            skipSpace()
            if current == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                skipSpace()
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
                skipSpace()
                switch current {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return .array(items)
                default: return nil
                }
            }
        }

        mutating func string() -> String? {
            index += 1
            let start = index
            // Fast path: no escapes.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            var out = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let escape = current else { return nil }
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(scalar), bytes.count - index >= 6,
                            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        {
                            let save = index
                            index += 2
                            if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                index = save
                            }
                        }
                        let char = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                        out.append(contentsOf: String(char).utf8)
                    default: return nil
                    }
                default:
                    if byte < 0x20 { return nil }
                    out.append(byte)
                    index += 1
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let nibble = ASCII.hexValue(bytes[index]) else { return nil }
                value = value << 4 | UInt32(nibble)
                index += 1
            }
            return value
        }

        mutating func number() -> KQLDynamic? {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, ASCII.isDigit(first) else { return nil }
            if first == UInt8(ascii: "0") {
                index += 1
            } else {
                while let b = current, ASCII.isDigit(b) { index += 1 }
            }
            var isReal = false
            if current == UInt8(ascii: ".") {
                isReal = true
                index += 1
                guard let b = current, ASCII.isDigit(b) else { return nil }
                while let b = current, ASCII.isDigit(b) { index += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                isReal = true
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard let b = current, ASCII.isDigit(b) else { return nil }
                while let b = current, ASCII.isDigit(b) { index += 1 }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if !isReal, let v = Int64(text) { return .long(v) }
            return Double(text).map(KQLDynamic.real)
        }
    }
}
