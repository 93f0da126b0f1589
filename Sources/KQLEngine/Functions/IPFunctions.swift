import Foundation
import KQL

/// IPv4 and IPv6 functions. Addresses may carry a prefix (`192.168.1.0/24`); comparisons use the
/// smallest of the prefixes given in the strings and as an argument. Text that is not an address
/// gives null.
enum IPFunctions {
    static let all: [ScalarFunction] = ipv4 + ipv4Text + ipv6

    // MARK: IPv4

    static let ipv4: [ScalarFunction] = [
        ScalarFunction.unary("parse_ipv4", returns: .long) { value, _ in
            guard let ip = IPv4.parse(value.kqlString) else { return .null(.long) }
            return .long(Int64(ip.masked))
        },
        ScalarFunction("parse_ipv4_mask", arity: 2...2, returns: .long) { args, _ throws(KQLFunctionError) in
            guard let ip = IPv4.parse(args[0].kqlString), let prefix = try prefixArgument(args[1], max: 32, "parse_ipv4_mask")
            else { return .null(.long) }
            return .long(Int64(ip.address & IPv4.mask(min(prefix, ip.prefix))))
        },
        ScalarFunction("ipv4_compare", arity: 2...3, returns: .long) { args, _ throws(KQLFunctionError) in
            guard let order = try compareIPv4(args, "ipv4_compare") else { return .null(.long) }
            return .long(Int64(order))
        },
        ScalarFunction("ipv4_is_match", arity: 2...3, returns: .bool) { args, _ throws(KQLFunctionError) in
            guard let order = try compareIPv4(args, "ipv4_is_match") else { return .null(.bool) }
            return .bool(order == 0)
        },
        ScalarFunction("ipv4_is_in_range", arity: 2...2, returns: .bool) { args, _ in
            guard let ip = IPv4.parse(args[0].kqlString), let range = IPv4.parse(args[1].kqlString) else { return .null(.bool) }
            return .bool(ip.matches(range))
        },
        ScalarFunction("ipv4_is_in_any_range", arity: 2...64, returns: .bool) { args, _ in
            guard let ip = IPv4.parse(args[0].kqlString) else { return .null(.bool) }
            var ranges: [String] = []
            for arg in args.dropFirst() {
                if let items = Arguments.array(arg) { ranges += items.map(KQLFormat.string(of:)) } else { ranges.append(arg.kqlString) }
            }
            var invalid = false
            for text in ranges {
                guard let range = IPv4.parse(text) else {
                    invalid = true
                    continue
                }
                if ip.matches(range) { return .bool(true) }
            }
            return invalid ? .null(.bool) : .bool(false)
        },
        ScalarFunction.unary("ipv4_is_private", returns: .bool) { value, _ in
            guard let ip = IPv4.parse(value.kqlString) else { return .null(.bool) }
            let privateRanges: [(UInt32, Int)] = [(0x0A00_0000, 8), (0xAC10_0000, 12), (0xC0A8_0000, 16)]
            return .bool(privateRanges.contains { ip.matches(IPv4(address: $0.0, prefix: $0.1)) })
        },
        ScalarFunction.unary("ipv4_netmask_suffix", returns: .long) { value, _ in
            guard let ip = IPv4.parse(value.kqlString) else { return .null(.long) }
            return .long(Int64(ip.prefix))
        },
        ScalarFunction("format_ipv4", arity: 1...2, returns: .string) { args, _ throws(KQLFunctionError) in
            guard let (ip, prefix) = try formatArguments(args, "format_ipv4") else { return .string("") }
            return .string(IPv4.text(ip.address & IPv4.mask(prefix)))
        },
        ScalarFunction("format_ipv4_mask", arity: 1...2, returns: .string) { args, _ throws(KQLFunctionError) in
            guard let (ip, prefix) = try formatArguments(args, "format_ipv4_mask") else { return .string("") }
            return .string(IPv4.text(ip.address & IPv4.mask(prefix)) + "/\(prefix)")
        },
    ]

    /// An optional prefix argument within 0…`max`; `nil` when null or out of range.
    static func prefixArgument(_ value: KQLValue, max: Int, _ name: String) throws(KQLFunctionError) -> Int? {
        guard let n = try Arguments.integer(value, name), n >= 0, n <= Int64(max) else { return nil }
        return Int(n)
    }

    static func compareIPv4(_ args: [KQLValue], _ name: String) throws(KQLFunctionError) -> Int? {
        guard let a = IPv4.parse(args[0].kqlString), let b = IPv4.parse(args[1].kqlString) else { return nil }
        var prefix = min(a.prefix, b.prefix)
        if args.count == 3 {
            guard let p = try prefixArgument(args[2], max: 32, name) else { return nil }
            prefix = min(prefix, p)
        }
        let mask = IPv4.mask(prefix)
        let x = a.address & mask, y = b.address & mask
        return x == y ? 0 : (x < y ? -1 : 1)
    }

    /// The address (text or a number in big-endian order) and prefix of `format_ipv4`.
    static func formatArguments(_ args: [KQLValue], _ name: String) throws(KQLFunctionError) -> (IPv4, Int)? {
        let ip: IPv4
        switch Arguments.unwrap(args[0]) {
        case .int(let v):
            guard let address = UInt32(exactly: v) else { return nil }
            ip = IPv4(address: address, prefix: 32)
        case .long(let v):
            guard let address = UInt32(exactly: v) else { return nil }
            ip = IPv4(address: address, prefix: 32)
        default:
            guard let parsed = IPv4.parse(args[0].kqlString) else { return nil }
            ip = parsed
        }
        var prefix = ip.prefix
        if args.count == 2 {
            guard let p = try prefixArgument(args[1], max: 32, name) else { return nil }
            prefix = min(prefix, p)
        }
        return (ip, prefix)
    }

    // MARK: IPv4 in text

    static let ipv4Text: [ScalarFunction] = [
        ScalarFunction("has_ipv4", arity: 2...2, returns: .bool) { args, _ in
            guard let wanted = IPv4.parse(args[1].kqlString), wanted.prefix == 32, !args[1].kqlString.contains("/") else {
                return .bool(false)
            }
            return .bool(IPv4.addresses(in: args[0].kqlString).contains { $0 == wanted.address })
        },
        ScalarFunction("has_any_ipv4", arity: 2...64, returns: .bool) { args, _ in
            var wanted = Set<UInt32>()
            for arg in args.dropFirst() {
                let texts = Arguments.array(arg)?.map(KQLFormat.string(of:)) ?? [arg.kqlString]
                for text in texts where !text.contains("/") {
                    if let ip = IPv4.parse(text) { wanted.insert(ip.address) }
                }
            }
            return .bool(IPv4.addresses(in: args[0].kqlString).contains { wanted.contains($0) })
        },
        ScalarFunction("has_ipv4_prefix", arity: 2...2, returns: .bool) { args, _ in
            guard let prefix = IPv4.textPrefix(args[1].kqlString) else { return .bool(false) }
            return .bool(IPv4.addresses(in: args[0].kqlString).contains { IPv4.hasPrefix($0, prefix) })
        },
        ScalarFunction("has_any_ipv4_prefix", arity: 2...64, returns: .bool) { args, _ in
            var prefixes: [[UInt8]] = []
            for arg in args.dropFirst() {
                let texts = Arguments.array(arg)?.map(KQLFormat.string(of:)) ?? [arg.kqlString]
                prefixes += texts.compactMap(IPv4.textPrefix)
            }
            return .bool(IPv4.addresses(in: args[0].kqlString).contains { ip in prefixes.contains { IPv4.hasPrefix(ip, $0) } })
        },
    ]

    // MARK: IPv6

    static let ipv6: [ScalarFunction] = [
        ScalarFunction("ipv6_compare", arity: 2...3, returns: .long) { args, _ throws(KQLFunctionError) in
            guard let order = try compareIPv6(args, "ipv6_compare") else { return .null(.long) }
            return .long(Int64(order))
        },
        ScalarFunction("ipv6_is_match", arity: 2...3, returns: .bool) { args, _ throws(KQLFunctionError) in
            guard let order = try compareIPv6(args, "ipv6_is_match") else { return .null(.bool) }
            return .bool(order == 0)
        },
        ScalarFunction("ipv6_is_in_range", arity: 2...2, returns: .bool) { args, _ throws(KQLFunctionError) in
            guard let order = try compareIPv6(args, "ipv6_is_in_range") else { return .null(.bool) }
            return .bool(order == 0)
        },
    ]

    static func compareIPv6(_ args: [KQLValue], _ name: String) throws(KQLFunctionError) -> Int? {
        guard let a = IPv6.parse(args[0].kqlString), let b = IPv6.parse(args[1].kqlString) else { return nil }
        var prefix = min(a.prefix, b.prefix)
        if args.count == 3 {
            guard let p = try prefixArgument(args[2], max: 128, name) else { return nil }
            prefix = min(prefix, p)
        }
        let x = a.masked(prefix), y = b.masked(prefix)
        if x.high != y.high { return x.high < y.high ? -1 : 1 }
        return x.low == y.low ? 0 : (x.low < y.low ? -1 : 1)
    }
}

/// An IPv4 address with its prefix length (32 when none is written).
struct IPv4: Equatable {
    var address: UInt32
    var prefix: Int

    var masked: UInt32 { address & IPv4.mask(prefix) }

    static func mask(_ prefix: Int) -> UInt32 { prefix <= 0 ? 0 : (prefix >= 32 ? .max : ~(UInt32.max >> UInt32(prefix))) }

    /// Whether this address lies in `range` (with the smaller of the two prefixes).
    func matches(_ range: IPv4) -> Bool {
        let mask = IPv4.mask(min(prefix, range.prefix))
        return address & mask == range.address & mask
    }

    /// Reads `a.b.c.d` or `a.b.c.d/prefix`.
    static func parse(_ text: String) -> IPv4? {
        var bytes = text.utf8[...]
        var prefix = 32
        if let slash = bytes.firstIndex(of: UInt8(ascii: "/")) {
            let digits = bytes[bytes.index(after: slash)...]
            guard !digits.isEmpty, digits.count <= 2, digits.allSatisfy(ASCII.isDigit),
                let p = Int(String(decoding: digits, as: UTF8.self)), p <= 32
            else { return nil }
            prefix = p
            bytes = bytes[..<slash]
        }
        guard let (address, length) = octets(Array(bytes), from: 0), length == bytes.count else { return nil }
        return IPv4(address: address, prefix: prefix)
    }

    /// Four dot-separated octets (1–3 digits, at most 255) starting at `start`, and the end index.
    static func octets(_ bytes: [UInt8], from start: Int) -> (UInt32, Int)? {
        var i = start
        var address: UInt32 = 0
        for part in 0..<4 {
            if part > 0 {
                guard i < bytes.count, bytes[i] == UInt8(ascii: ".") else { return nil }
                i += 1
            }
            var value = 0, digits = 0
            while i < bytes.count, ASCII.isDigit(bytes[i]) {
                value = value * 10 + Int(bytes[i] - 0x30)
                digits += 1
                i += 1
                if digits > 3 { return nil }
            }
            guard digits > 0, value <= 255 else { return nil }
            address = address << 8 | UInt32(value)
        }
        return (address, i)
    }

    static func text(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 0xFF).\(address >> 8 & 0xFF).\(address & 0xFF)"
    }

    /// The addresses written in `text`, properly delimited: not touching letters or digits, and
    /// not part of a longer dotted number.
    static func addresses(in text: String) -> [UInt32] {
        let bytes = Array(text.utf8)
        var found: [UInt32] = []
        var i = 0
        while i < bytes.count {
            guard ASCII.isDigit(bytes[i]), i == 0 || !(ASCII.isAlphanumeric(bytes[i - 1]) || bytes[i - 1] == UInt8(ascii: ".")) else {
                i += 1
                continue
            }
            if let (address, end) = octets(bytes, from: i) {
                let after = end < bytes.count ? bytes[end] : nil
                let delimited: Bool
                if let after {
                    if ASCII.isAlphanumeric(after) {
                        delimited = false
                    } else if after == UInt8(ascii: ".") {
                        delimited = !(end + 1 < bytes.count && ASCII.isDigit(bytes[end + 1]))
                    } else {
                        delimited = true
                    }
                } else {
                    delimited = true
                }
                if delimited { found.append(address) }
            }
            // Skip the rest of this run of digits and dots.
            while i < bytes.count, ASCII.isDigit(bytes[i]) || bytes[i] == UInt8(ascii: ".") { i += 1 }
        }
        return found
    }

    /// The octets of a valid address prefix for `has_ipv4_prefix`: a whole address, or one to three
    /// octets each followed by a dot (`192.`, `192.168.`, `192.168.1.`).
    static func textPrefix(_ text: String) -> [UInt8]? {
        if let ip = parse(text), ip.prefix == 32, !text.contains("/") {
            return [UInt8(ip.address >> 24), UInt8(ip.address >> 16 & 0xFF), UInt8(ip.address >> 8 & 0xFF), UInt8(ip.address & 0xFF)]
        }
        guard text.hasSuffix(".") else { return nil }
        let parts = text.dropLast().split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.utf8.allSatisfy(ASCII.isDigit), let v = UInt8(part) else { return nil }
            octets.append(v)
        }
        return octets
    }

    static func hasPrefix(_ address: UInt32, _ octets: [UInt8]) -> Bool {
        for (i, octet) in octets.enumerated() where UInt8(address >> UInt32(24 - 8 * i) & 0xFF) != octet { return false }
        return true
    }
}

/// An IPv6 address (IPv4 text reads as the IPv4-mapped `::ffff:a.b.c.d`) with its prefix length.
struct IPv6 {
    var high: UInt64
    var low: UInt64
    var prefix: Int

    func masked(_ bits: Int) -> (high: UInt64, low: UInt64) {
        func mask(_ n: Int) -> UInt64 { n <= 0 ? 0 : (n >= 64 ? .max : ~(UInt64.max >> UInt64(n))) }
        return (high & mask(bits), low & mask(bits - 64))
    }

    static func parse(_ text: String) -> IPv6? {
        var body = Substring(text)
        var prefix: Int?
        if let slash = body.firstIndex(of: "/") {
            let digits = body[body.index(after: slash)...]
            guard !digits.isEmpty, digits.count <= 3, digits.utf8.allSatisfy(ASCII.isDigit), let p = Int(digits) else { return nil }
            prefix = p
            body = body[..<slash]
        }
        if !body.contains(":") {
            guard let ip = IPv4.parse(String(body)) else { return nil }
            let p = prefix.map { $0 + 96 } ?? 128
            guard p <= 128 else { return nil }
            return IPv6(high: 0, low: 0xFFFF_0000_0000 | UInt64(ip.address), prefix: p)
        }
        guard let words = words(body), prefix ?? 128 <= 128 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for (i, word) in words.enumerated() {
            if i < 4 { high = high << 16 | UInt64(word) } else { low = low << 16 | UInt64(word) }
        }
        return IPv6(high: high, low: low, prefix: prefix ?? 128)
    }

    /// The eight 16-bit words of an IPv6 address text (`::` and a trailing IPv4 part allowed).
    private static func words(_ text: Substring) -> [UInt16]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func group(_ part: String, allowIPv4: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if allowIPv4, i == pieces.count - 1, piece.contains(".") {
                    guard let ip = IPv4.parse(String(piece)), !piece.contains("/") else { return nil }
                    result += [UInt16(ip.address >> 16), UInt16(ip.address & 0xFFFF)]
                } else {
                    guard (1...4).contains(piece.count), piece.utf8.allSatisfy(ASCII.isHexDigit), let word = UInt16(piece, radix: 16)
                    else { return nil }
                    result.append(word)
                }
            }
            return result
        }
        if halves.count == 1 {
            guard let all = group(halves[0], allowIPv4: true), all.count == 8 else { return nil }
            return all
        }
        guard let head = group(halves[0], allowIPv4: false), let tail = group(halves[1], allowIPv4: true),
            head.count + tail.count <= 7
        else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}
