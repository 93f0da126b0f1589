/// A small gzip (RFC 1952) compressor: LZ77 over a 32 KiB window with hash chains, encoded as a
/// single DEFLATE (RFC 1951) block with the fixed Huffman codes. No dynamic Huffman tables, so the
/// ratio is a little worse than `gzip -6`, but the output is valid for every inflater and the code
/// stays short. Output is deterministic: mtime is 0 and the OS byte is 255 (unknown).
public enum Gzip {
    /// Compresses bytes into one gzip member.
    ///
    /// - Parameter bytes: The data to compress; any length, including empty.
    /// - Returns: A complete gzip file (header, DEFLATE stream, CRC-32 and length trailer) that
    ///   `gzip -d` and every zlib-based reader accept. The same input always yields the same bytes.
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var writer = BitWriter(capacity: bytes.count / 2 + 64)
        // ID1 ID2, CM=8 (deflate), FLG=0, MTIME=0, XFL=0, OS=255.
        writer.output.append(contentsOf: [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF])
        Deflater.encodeFixedBlock(bytes, into: &writer)
        writer.flushToByte()
        writer.appendLittleEndian(CRC32.checksum(bytes))
        writer.appendLittleEndian(UInt32(truncatingIfNeeded: bytes.count))
        return writer.output
    }
}

/// CRC-32 as used by gzip, zip and PNG (reflected polynomial 0xEDB88320).
enum CRC32 {
    /// One entry per byte value: the CRC remainder of that byte.
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32 of a byte sequence.
    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        table.withUnsafeBufferPointer { table in
            var crc: UInt32 = 0xFFFF_FFFF
            let contiguous: Void? = bytes.withContiguousStorageIfAvailable { buffer in
                for byte in buffer { crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8) }
            }
            if contiguous == nil {
                for byte in bytes { crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8) }
            }
            return crc ^ 0xFFFF_FFFF
        }
    }
}

/// Packs bit fields least-significant bit first, the order DEFLATE uses.
struct BitWriter {
    var output: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    init(capacity: Int) {
        output.reserveCapacity(capacity)
    }

    /// Appends the low `width` bits of `bits` (width ≤ 32).
    mutating func write(_ bits: UInt32, width: Int) {
        buffer |= UInt64(bits) << UInt64(count)
        count += width
        if count >= 32 {
            output.append(UInt8(truncatingIfNeeded: buffer))
            output.append(UInt8(truncatingIfNeeded: buffer >> 8))
            output.append(UInt8(truncatingIfNeeded: buffer >> 16))
            output.append(UInt8(truncatingIfNeeded: buffer >> 24))
            buffer >>= 32
            count -= 32
        }
    }

    /// Writes out pending bits, padding the last byte with zeros.
    mutating func flushToByte() {
        while count > 0 {
            output.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
        }
        buffer = 0
        count = 0
    }

    /// Appends a 32-bit value in little-endian byte order; call after `flushToByte()`.
    mutating func appendLittleEndian(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { output.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}

/// LZ77 matching plus fixed-Huffman encoding (block type 01).
enum Deflater {
    static let windowSize = 32_768
    static let minMatch = 3
    static let maxMatch = 258
    /// How many chain links to follow per position; bounds the worst case on repetitive data.
    static let maxChain = 64
    static let hashBits = 15

    /// A code already bit-reversed for LSB-first output, with its width.
    struct Code {
        var bits: UInt32
        var width: Int
    }

    /// Fixed literal/length codes 0...287 (RFC 1951 §3.2.6).
    static let literalCodes: [Code] = (0..<288).map { symbol in
        switch symbol {
        case 0...143: Code(bits: reversed(0x30 + UInt32(symbol), width: 8), width: 8)
        case 144...255: Code(bits: reversed(0x190 + UInt32(symbol - 144), width: 9), width: 9)
        case 256...279: Code(bits: reversed(UInt32(symbol - 256), width: 7), width: 7)
        default: Code(bits: reversed(0xC0 + UInt32(symbol - 280), width: 8), width: 8)
        }
    }

    static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    /// Index into `lengthBase` for every match length 0...258 (entries below 3 unused).
    static let lengthIndex: [UInt8] = (0...maxMatch).map { length in
        guard length >= minMatch else { return 0 }
        return UInt8(lengthBase.lastIndex { $0 <= length }!)
    }

    /// Index into `distanceBase` for every distance 0...32768 (entry 0 unused).
    static let distanceIndex: [UInt8] = {
        var table = [UInt8](repeating: 0, count: windowSize + 1)
        var code = 0
        for distance in 1...windowSize {
            while code + 1 < distanceBase.count && distanceBase[code + 1] <= distance { code += 1 }
            table[distance] = UInt8(code)
        }
        return table
    }()

    /// The fixed distance codes 0...29, five bits each, reversed.
    static let distanceCodes: [UInt32] = (0..<30).map { reversed(UInt32($0), width: 5) }

    static func reversed(_ code: UInt32, width: Int) -> UInt32 {
        var result: UInt32 = 0
        var value = code
        for _ in 0..<width {
            result = (result << 1) | (value & 1)
            value >>= 1
        }
        return result
    }

    /// Encodes all of `input` as one final fixed-Huffman block.
    static func encodeFixedBlock(_ input: [UInt8], into writer: inout BitWriter) {
        writer.write(1, width: 1)  // BFINAL
        writer.write(1, width: 2)  // BTYPE = 01, fixed Huffman
        let literals = literalCodes
        input.withUnsafeBufferPointer { data in
            let n = data.count
            let hashSize = 1 << hashBits
            let head = UnsafeMutableBufferPointer<Int32>.allocate(capacity: hashSize)
            let prev = UnsafeMutableBufferPointer<Int32>.allocate(capacity: windowSize)
            head.initialize(repeating: -1)
            prev.initialize(repeating: -1)
            defer {
                head.deallocate()
                prev.deallocate()
            }

            @inline(__always) func hash(at i: Int) -> Int {
                let key = UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16
                return Int((key &* 2_654_435_761) >> UInt32(32 - hashBits))
            }
            @inline(__always) func insert(at i: Int) {
                let h = hash(at: i)
                prev[i & (windowSize - 1)] = head[h]
                head[h] = Int32(i)
            }

            var pos = 0
            while pos < n {
                var bestLength = 0
                var bestDistance = 0
                if pos + minMatch <= n {
                    let limit = min(maxMatch, n - pos)
                    var candidate = Int(head[hash(at: pos)])
                    var chain = maxChain
                    // Distances stay below the window so a `prev` slot is never one reused by a newer position.
                    while candidate >= 0 && pos - candidate < windowSize && chain > 0 {
                        if data[candidate + bestLength] == data[pos + bestLength] || bestLength == 0 {
                            var length = 0
                            while length < limit && data[candidate + length] == data[pos + length] { length += 1 }
                            if length > bestLength {
                                bestLength = length
                                bestDistance = pos - candidate
                                if length == limit { break }
                            }
                        }
                        let next = Int(prev[candidate & (windowSize - 1)])
                        if next >= candidate { break }
                        candidate = next
                        chain -= 1
                    }
                }

                if bestLength >= minMatch {
                    let li = Int(lengthIndex[bestLength])
                    let lengthCode = literals[257 + li]
                    writer.write(lengthCode.bits, width: lengthCode.width)
                    if lengthExtra[li] > 0 { writer.write(UInt32(bestLength - lengthBase[li]), width: lengthExtra[li]) }
                    let di = Int(distanceIndex[bestDistance])
                    writer.write(distanceCodes[di], width: 5)
                    if distanceExtra[di] > 0 {
                        writer.write(UInt32(bestDistance - distanceBase[di]), width: distanceExtra[di])
                    }
                    let end = pos + bestLength
                    while pos < end {
                        if pos + minMatch <= n { insert(at: pos) }
                        pos += 1
                    }
                } else {
                    let code = literals[Int(data[pos])]
                    writer.write(code.bits, width: code.width)
                    if pos + minMatch <= n { insert(at: pos) }
                    pos += 1
                }
            }
        }
        let endOfBlock = literals[256]
        writer.write(endOfBlock.bits, width: endOfBlock.width)
    }
}
