import Foundation
import KQL

/// The key columns of one side of a join, read without making values: strings as bytes, whole
/// numbers and times as 64-bit integers.
struct JoinKeyColumns {
    enum Column {
        case string(StringColumn)
        case integer([Int64], NullMask)
        case small([Int32], NullMask)
        case other(KQLColumn.Storage)
    }

    let columns: [Column]

    init(_ storages: [KQLColumn.Storage]) {
        columns = storages.map { storage in
            switch storage {
            case .string(let s): .string(s)
            case .long(let v, let n), .datetime(let v, let n, _), .timespan(let v, let n): .integer(v, n)
            case .int(let v, let n): .small(v, n)
            default: .other(storage)
            }
        }
    }

    /// Whether two storages' keys can be compared by this index (the same layout, or both whole
    /// numbers); otherwise the join compares values.
    static func compatible(_ a: KQLColumn.Storage, _ b: KQLColumn.Storage) -> Bool {
        switch (a, b) {
        case (.string, .string), (.long, .long), (.datetime, .datetime), (.timespan, .timespan), (.int, .int),
             (.int, .long), (.long, .int), (.bool, .bool), (.guid, .guid), (.real, .real), (.dynamic, .dynamic):
            true
        default: false
        }
    }

    @inline(__always)
    private static func mix(_ h: UInt64, _ v: UInt64) -> UInt64 {
        var x = (h ^ v) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 31
        return x
    }

    /// The hash of a row's keys, or `nil` when a key is null (a null key matches nothing).
    @inline(__always)
    func hash(_ row: Int) -> UInt64? {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for column in columns {
            switch column {
            case .string(let s):
                let r = s.range(row)
                let v = s.bytes.withUnsafeBufferPointer { ByteStringTable.hash(UnsafeBufferPointer(rebasing: $0[r])) }
                h = Self.mix(h, v)
            case .integer(let v, let n):
                if n.isNull(row) { return nil }
                h = Self.mix(h, UInt64(bitPattern: v[row]))
            case .small(let v, let n):
                if n.isNull(row) { return nil }
                h = Self.mix(h, UInt64(bitPattern: Int64(v[row])))
            case .other(let storage):
                let value = storage.value(at: row)
                if value.isNull { return nil }
                h = Self.mix(h, UInt64(bitPattern: Int64(value.hashValue)))
            }
        }
        return h
    }

    /// Whether row `a` here has the same keys as row `b` of `other`.
    @inline(__always)
    func equal(_ a: Int, _ other: JoinKeyColumns, _ b: Int) -> Bool {
        for (x, y) in zip(columns, other.columns) {
            switch (x, y) {
            case let (.string(s), .string(t)):
                let ra = s.range(a), rb = t.range(b)
                guard ra.count == rb.count else { return false }
                let same = s.bytes.withUnsafeBufferPointer { p in
                    t.bytes.withUnsafeBufferPointer { q in
                        memcmp(p.baseAddress! + ra.lowerBound, q.baseAddress! + rb.lowerBound, ra.count) == 0
                    }
                }
                if !same { return false }
            case let (.integer(v, _), .integer(w, _)): if v[a] != w[b] { return false }
            case let (.integer(v, _), .small(w, _)): if v[a] != Int64(w[b]) { return false }
            case let (.small(v, _), .integer(w, _)): if Int64(v[a]) != w[b] { return false }
            case let (.small(v, _), .small(w, _)): if v[a] != w[b] { return false }
            case let (.other(s), .other(t)): if s.value(at: a) != t.value(at: b) { return false }
            default: return false
            }
        }
        return true
    }
}

/// A hash index over the right side of a join: for each left row, the right rows with the same
/// keys in ascending order, found without building a value per row.
struct JoinIndex {
    private let keys: JoinKeyColumns
    private var heads: [Int32]
    private var next: [Int32]
    private var hashes: [UInt64]
    private let mask: Int

    init(keys: JoinKeyColumns, rowCount: Int) {
        self.keys = keys
        var size = 16
        while size < rowCount * 2 { size <<= 1 }
        mask = size - 1
        heads = [Int32](repeating: -1, count: size)
        next = [Int32](repeating: -1, count: rowCount)
        hashes = [UInt64](repeating: 0, count: rowCount)
        // Inserted last to first, so each chain lists rows in ascending order.
        for row in stride(from: rowCount - 1, through: 0, by: -1) {
            guard let h = keys.hash(row) else { continue }
            hashes[row] = h
            let slot = Int(truncatingIfNeeded: h >> 7) & mask
            next[row] = heads[slot]
            heads[slot] = Int32(row)
        }
    }

    /// Calls `body` with each right row whose keys equal left row `row` of `probe`.
    @inline(__always)
    func forEachMatch(of row: Int, in probe: JoinKeyColumns, _ body: (Int) -> Void) {
        guard let h = probe.hash(row) else { return }
        var candidate = Int(heads[Int(truncatingIfNeeded: h >> 7) & mask])
        while candidate >= 0 {
            if hashes[candidate] == h, probe.equal(row, keys, candidate) { body(candidate) }
            candidate = Int(next[candidate])
        }
    }
}
