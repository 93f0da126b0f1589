import KQL

/// Assigns each row a group number from its key values: rows with equal keys share a number,
/// numbered in order of first appearance. Strings are hashed over their UTF-8 bytes in an
/// open-addressing table, so grouping a million rows allocates no per-row strings.
struct Grouping {
    /// The group of each row.
    var ids: [Int]
    /// The first row of each group (its representative for the key columns).
    var firstRows: [Int]

    var count: Int { firstRows.count }

    /// Groups `count` rows by the values of `keys` (none: one group, even with no rows).
    init(keys: [Vector], count: Int, oneGroupWhenEmpty: Bool) {
        guard !keys.isEmpty else {
            ids = [Int](repeating: 0, count: count)
            firstRows = count > 0 || oneGroupWhenEmpty ? [0] : []
            return
        }
        var combined = Grouping.codes(keys[0], count: count)
        for key in keys.dropFirst() {
            let next = Grouping.codes(key, count: count)
            var pairs: [Int64: Int] = [:]
            var ids = [Int](repeating: 0, count: count)
            for row in 0..<count {
                let packed = Int64(combined.ids[row]) << 32 | Int64(next.ids[row])
                if let id = pairs[packed] {
                    ids[row] = id
                } else {
                    let id = pairs.count
                    pairs[packed] = id
                    ids[row] = id
                }
            }
            var firsts = [Int](repeating: 0, count: pairs.count)
            var seen = [Bool](repeating: false, count: pairs.count)
            for row in 0..<count where !seen[ids[row]] {
                seen[ids[row]] = true
                firsts[ids[row]] = row
            }
            combined = Grouping(ids: ids, firstRows: firsts)
        }
        self = combined
    }

    init(ids: [Int], firstRows: [Int]) {
        self.ids = ids
        self.firstRows = firstRows
    }

    /// Dictionary-encodes one column.
    static func codes(_ vector: Vector, count: Int) -> Grouping {
        var ids = [Int](repeating: 0, count: count)
        var firsts: [Int] = []
        func encode<K: Hashable>(_ key: (Int) -> K) {
            var table: [K: Int] = [:]
            for row in 0..<count {
                let k = key(row)
                if let id = table[k] {
                    ids[row] = id
                } else {
                    table[k] = firsts.count
                    ids[row] = firsts.count
                    firsts.append(row)
                }
            }
        }
        switch vector {
        case .constant:
            if count > 0 { firsts = [0] }
        case .column(.string(let column)):
            var table = ByteStringTable(capacity: min(count, 1 << 16))
            column.bytes.withUnsafeBufferPointer { all in
                column.ends.withUnsafeBufferPointer { ends in
                    var start = 0
                    for row in 0..<count {
                        let end = Int(ends[row])
                        let (id, isNew) = table.insert(UnsafeBufferPointer(rebasing: all[start..<end]))
                        if isNew { firsts.append(row) }
                        ids[row] = id
                        start = end
                    }
                }
            }
        case .column(.long(let v, let n)), .column(.datetime(let v, let n, _)), .column(.timespan(let v, let n)):
            if n.hasNulls { encode { n.isNull($0) ? Int64?.none : v[$0] } } else { encode { v[$0] } }
        case .column(.int(let v, let n)):
            encode { n.isNull($0) ? Int32?.none : v[$0] }
        case .column(.bool(let v, let n)):
            encode { n.isNull($0) ? Bool?.none : v[$0] }
        case .column(let storage):
            encode { storage.value(at: $0) }
        }
        return Grouping(ids: ids, firstRows: firsts)
    }
}

/// A set of byte strings numbered in insertion order, with the bytes copied into one buffer.
struct ByteStringTable {
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var storage: [UInt8] = []
    private var mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { starts.count }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let word = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[i..<(i + 8)]).loadUnaligned(as: UInt64.self)
            h = (h ^ word) &* 0x100_0000_01b3
            h ^= h >> 29
            i += 8
        }
        while i < n {
            h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3
            i += 1
        }
        h ^= h >> 32
        return h &* 0x9E37_79B9_7F4A_7C15
    }

    /// The number of `bytes`, and whether it was added now.
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Bool) {
        let h = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: h >> 7) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { break }
            if hashes[id] == h, lengths[id] == bytes.count, equal(id, bytes) { return (id, false) }
            slot = (slot + 1) & mask
        }
        let id = starts.count
        slots[slot] = Int32(id)
        hashes.append(h)
        starts.append(storage.count)
        lengths.append(bytes.count)
        storage.append(contentsOf: bytes)
        if starts.count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// The number of `bytes`, if present.
    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: h >> 7) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return nil }
            if hashes[id] == h, lengths[id] == bytes.count, equal(id, bytes) { return id }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private func equal(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[id]
        return storage.withUnsafeBufferPointer { s in
            for i in 0..<bytes.count where s[start + i] != bytes[i] { return false }
            return true
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for id in 0..<hashes.count {
            var slot = Int(truncatingIfNeeded: hashes[id] >> 7) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }
}
