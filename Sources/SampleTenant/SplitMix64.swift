/// A small, fast, seedable random number generator (Steele, Lea and Flood's SplitMix64) whose
/// output is the same on every platform, so a seed always produces the same sample data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (bound > 0), without the cost of rejection sampling; the
    /// bias is negligible for the small bounds the generator uses.
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: (next().multipliedFullWidth(by: UInt64(bound))).high)
    }

    /// True with probability `p`.
    @inline(__always)
    public mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) * 0x1p-53 < p }

    /// `count` random lowercase hex digits (hashes, device ids).
    public mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: 0, count: count)
        var word = next()
        for i in 0..<count {
            if i % 16 == 0, i > 0 { word = next() }
            bytes[i] = digits[Int(word & 15)]
            word >>= 4
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A seed derived from a base seed and a name (FNV-1a of the name mixed into the seed).
    static func derive(_ seed: UInt64, _ name: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        var g = SplitMix64(seed: seed ^ h)
        return g.next()
    }
}
