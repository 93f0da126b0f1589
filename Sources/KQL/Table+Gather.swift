import Foundation

// Selecting rows by index: the engine's filters and joins, and the reports' split of a result
// into shown and suppressed rows.

extension KQLColumn.Storage {
    /// The cells at `rows`, in that order; a negative index gives a null cell (outer joins).
    public func gather(_ rows: [Int]) -> KQLColumn.Storage {
        func pick<T>(_ values: [T], _ nulls: NullMask, zero: T) -> ([T], NullMask) {
            var out = [T]()
            out.reserveCapacity(rows.count)
            var outNulls = NullMask()
            let checkNulls = nulls.hasNulls
            for (i, row) in rows.enumerated() {
                if row < 0 {
                    out.append(zero)
                    outNulls.setNull(i)
                } else {
                    out.append(values[row])
                    if checkNulls, nulls.isNull(row) { outNulls.setNull(i) }
                }
            }
            return (out, outNulls)
        }
        switch self {
        case .bool(let v, let n): let (a, m) = pick(v, n, zero: false); return .bool(a, m)
        case .int(let v, let n): let (a, m) = pick(v, n, zero: 0); return .int(a, m)
        case .long(let v, let n): let (a, m) = pick(v, n, zero: 0); return .long(a, m)
        case .real(let v, let n): let (a, m) = pick(v, n, zero: 0); return .real(a, m)
        case .decimal(let v, let n): let (a, m) = pick(v, n, zero: 0); return .decimal(a, m)
        case .timespan(let v, let n): let (a, m) = pick(v, n, zero: 0); return .timespan(a, m)
        case .guid(let v, let n):
            let (a, m) = pick(v, n, zero: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
            return .guid(a, m)
        case .datetime(let v, let n, let raw):
            let (a, m) = pick(v, n, zero: 0)
            return .datetime(a, m, raw: raw.map { $0.gather(rows) })
        case .string(let column): return .string(column.gather(rows))
        case .dynamic(let v): return .dynamic(rows.map { $0 < 0 ? .null : v[$0] })
        }
    }
}

extension StringColumn {
    /// The strings at `rows`, in order; a negative index gives `""`.
    public func gather(_ rows: [Int]) -> StringColumn {
        var out = StringColumn()
        bytes.withUnsafeBufferPointer { all in
            var total = 0
            for row in rows where row >= 0 { total += range(row).count }
            out.reserve(count: rows.count, bytes: total)
            for row in rows {
                if row < 0 {
                    out.append(utf8: UnsafeBufferPointer(rebasing: all[0..<0]))
                } else {
                    out.append(utf8: UnsafeBufferPointer(rebasing: all[range(row)]))
                }
            }
        }
        return out
    }
}

extension KQLTable {
    /// The rows at `rows`, in order; a negative index gives a row of nulls.
    public func gather(_ rows: [Int]) -> KQLTable {
        KQLTable(columns: columns.map { KQLColumn(name: $0.name, storage: $0.storage.gather(rows)) }, rowCount: rows.count)
    }
}
