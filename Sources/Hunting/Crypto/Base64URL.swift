/// Base64url without padding (RFC 4648 §5), the encoding of every JWT part and thumbprint header.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Each ASCII byte's 6-bit value in either alphabet (`-`/`+` → 62, `_`/`/` → 63); 0xFF elsewhere.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(index) }
        table[Int(UInt8(ascii: "+"))] = 62
        table[Int(UInt8(ascii: "/"))] = 63
        return table
    }()

    /// The base64url text of `bytes`, without `=` padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            appendSymbols(of: group, count: 4, to: &output)
            index += 3
        }
        switch input.count - index {
        case 1: appendSymbols(of: UInt32(input[index]) << 16, count: 2, to: &output)
        case 2: appendSymbols(of: UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8, count: 3, to: &output)
        default: break
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes base64url, tolerantly: trailing `=` padding and the standard alphabet (`+`, `/`) are
    /// accepted too.
    /// - Returns: the bytes, or `nil` for any other character, padding in the middle, or a length
    ///   that no encoding produces.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(symbols: Array(text.utf8))
    }

    /// ``decode(_:)`` over ASCII bytes.
    static func decode(symbols: [UInt8]) -> [UInt8]? {
        var symbols = symbols
        while symbols.last == UInt8(ascii: "=") { symbols.removeLast() }
        guard symbols.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(symbols.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for symbol in symbols {
            let value = values[Int(symbol)]
            guard value != 0xFF else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }

    private static func appendSymbols(of group: UInt32, count: Int, to output: inout [UInt8]) {
        for position in 0..<count {
            output.append(alphabet[Int((group >> UInt32(18 - 6 * position)) & 0x3F)])
        }
    }
}
