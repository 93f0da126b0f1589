/// SHA-1 and SHA-256 in pure Swift (FIPS 180-4), for certificate thumbprints and content hashes.
///
/// SHA-1 is only here because the `x5t` JWT header is defined as a SHA-1 thumbprint; do not use it
/// for anything that needs collision resistance.
public enum Digest {
    /// The SHA-1 digest (20 bytes) of `bytes`.
    public static func sha1(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA1()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The SHA-256 digest (32 bytes) of `bytes`.
    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Lowercase (or uppercase) hexadecimal text of `bytes`, two digits per byte, no separators.
    public static func hex(_ bytes: some Collection<UInt8>, uppercase: Bool = false) -> String {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Incremental SHA-256: feed data in pieces with ``update(_:)``, then call ``finalize()``.
    public struct SHA256: Sendable {
        private var core = BlockHasher<SHA256Compressor>()

        /// Creates a hasher over the empty message.
        public init() {}

        /// Appends bytes to the message.
        public mutating func update(_ bytes: some Collection<UInt8>) { core.update(bytes) }

        /// The digest (32 bytes) of everything appended so far; the hasher can keep going.
        public func finalize() -> [UInt8] { core.finalize() }
    }

    /// Incremental SHA-1: feed data in pieces with ``update(_:)``, then call ``finalize()``.
    public struct SHA1: Sendable {
        private var core = BlockHasher<SHA1Compressor>()

        /// Creates a hasher over the empty message.
        public init() {}

        /// Appends bytes to the message.
        public mutating func update(_ bytes: some Collection<UInt8>) { core.update(bytes) }

        /// The digest (20 bytes) of everything appended so far; the hasher can keep going.
        public func finalize() -> [UInt8] { core.finalize() }
    }
}

// MARK: - Merkle–Damgård framing shared by SHA-1 and SHA-256

/// A compression function over 64-byte blocks with a 32-bit-word big-endian state.
protocol BlockCompressor: Sendable {
    init()
    /// Mixes one 64-byte block into the state.
    mutating func compress(_ block: UnsafeRawBufferPointer)
    /// The state as big-endian bytes.
    var digest: [UInt8] { get }
}

/// Buffers input into 64-byte blocks and applies the FIPS 180-4 padding (0x80, zeros, bit length).
struct BlockHasher<Compressor: BlockCompressor>: Sendable {
    static var blockSize: Int { 64 }

    private var compressor = Compressor()
    /// Bytes not yet compressed; always fewer than a block. Allocated once, reused.
    private var pending: [UInt8] = []
    private var byteCount: UInt64 = 0

    init() { pending.reserveCapacity(Self.blockSize) }

    mutating func update(_ bytes: some Collection<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    private mutating func update(_ input: UnsafeRawBufferPointer) {
        byteCount &+= UInt64(input.count)
        var rest = input[...]
        if !pending.isEmpty {
            let take = min(Self.blockSize - pending.count, rest.count)
            pending.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            guard pending.count == Self.blockSize else { return }
            pending.withUnsafeBytes { compressor.compress($0) }
            pending.removeAll(keepingCapacity: true)
        }
        while rest.count >= Self.blockSize {
            compressor.compress(UnsafeRawBufferPointer(rebasing: rest.prefix(Self.blockSize)))
            rest = rest.dropFirst(Self.blockSize)
        }
        pending.append(contentsOf: rest)
    }

    func finalize() -> [UInt8] {
        var copy = self
        let bitLength = byteCount &* 8
        var padding: [UInt8] = [0x80]
        let zeros = (Self.blockSize * 2 - 9 - pending.count) % Self.blockSize
        padding.append(contentsOf: repeatElement(0, count: zeros))
        for shift in stride(from: 56, through: 0, by: -8) {
            padding.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        copy.update(padding)
        return copy.compressor.digest
    }
}

extension UnsafeRawBufferPointer {
    /// The big-endian 32-bit word at word index `index`.
    @inline(__always)
    fileprivate func word(_ index: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self))
    }
}

@inline(__always)
private func rotateRight(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 &- n)) }

@inline(__always)
private func rotateLeft(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 &- n)) }

private func bigEndianBytes(_ words: [UInt32]) -> [UInt8] {
    words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * $0)) } }
}

// MARK: - SHA-256

struct SHA256Compressor: BlockCompressor {
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    private var state: [UInt32] = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]

    var digest: [UInt8] { bigEndianBytes(state) }

    mutating func compress(_ block: UnsafeRawBufferPointer) {
        Self.roundConstants.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                for t in 0..<16 { w[t] = block.word(t) }
                for t in 16..<64 {
                    let s0 = rotateRight(w[t - 15], 7) ^ rotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3)
                    let s1 = rotateRight(w[t - 2], 17) ^ rotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10)
                    w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                }
                state.withUnsafeMutableBufferPointer { h in Self.rounds(h, k, UnsafeBufferPointer(w)) }
            }
        }
    }

    private static func rounds(_ h: UnsafeMutableBufferPointer<UInt32>, _ k: UnsafeBufferPointer<UInt32>, _ w: UnsafeBufferPointer<UInt32>) {
        var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        for t in 0..<64 {
            let s1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
            let choose = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ choose &+ k[t] &+ w[t]
            let s0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ majority
            (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
        }
        h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d
        h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
    }
}

// MARK: - SHA-1

struct SHA1Compressor: BlockCompressor {
    private var state: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]

    var digest: [UInt8] { bigEndianBytes(state) }

    mutating func compress(_ block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for t in 0..<16 { w[t] = block.word(t) }
            for t in 16..<80 { w[t] = rotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1) }
            state.withUnsafeMutableBufferPointer { h in Self.rounds(h, UnsafeBufferPointer(w)) }
        }
    }

    private static func rounds(_ h: UnsafeMutableBufferPointer<UInt32>, _ w: UnsafeBufferPointer<UInt32>) {
        var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
        for t in 0..<80 {
            let f: UInt32
            let k: UInt32
            switch t {
            case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
            case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
            case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
            default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
            }
            let temp = rotateLeft(a, 5) &+ f &+ e &+ k &+ w[t]
            (e, d, c, b, a) = (d, c, rotateLeft(b, 30), a, temp)
        }
        h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e
    }
}
