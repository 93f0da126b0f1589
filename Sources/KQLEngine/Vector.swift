import Foundation
import KQL

/// The values of one expression over a batch of rows: a column of typed cells, or one value
/// standing for every row (a literal, a `let` scalar, `ago(7d)`).
enum Vector {
    case constant(KQLValue)
    case column(KQLColumn.Storage)

    /// The value at `row`.
    @inline(__always)
    subscript(row: Int) -> KQLValue {
        switch self {
        case .constant(let value): value
        case .column(let storage): storage.value(at: row)
        }
    }

    /// The cells as a column of `count` rows and the given type.
    func storage(count: Int, type: KQLScalarType) -> KQLColumn.Storage {
        switch self {
        case .column(let storage) where storage.type == type: return storage
        case .column(let storage):
            var builder = KQLColumnBuilder(type: type)
            for row in 0..<count { builder.append(storage.value(at: row)) }
            return builder.finish()
        case .constant(let value):
            var builder = KQLColumnBuilder(type: type)
            for _ in 0..<count { builder.append(value) }
            return builder.finish()
        }
    }
}

extension KQLColumn.Storage {
    /// The cells at `rows`, in that order; a negative index gives a null cell (outer joins).
    func gather(_ rows: [Int]) -> KQLColumn.Storage {
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
    func gather(_ rows: [Int]) -> StringColumn {
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
    func gather(_ rows: [Int]) -> KQLTable {
        KQLTable(columns: columns.map { KQLColumn(name: $0.name, storage: $0.storage.gather(rows)) }, rowCount: rows.count)
    }
}

/// The rows an expression is evaluated over: a table, optionally narrowed to some of its rows.
/// Columns are gathered only when an expression reads them, so a filter over a wide table
/// copies just the columns its predicate uses.
final class Batch {
    let table: KQLTable
    /// The rows of `table` in the batch, in order; `nil` for all of them.
    let rows: [Int]?
    private var gathered: [Int: KQLColumn.Storage] = [:]

    init(_ table: KQLTable, rows: [Int]? = nil) {
        self.table = table
        self.rows = rows
    }

    /// The number of rows.
    var count: Int { rows?.count ?? table.rowCount }

    /// Column `index` over the batch's rows.
    func column(_ index: Int) -> KQLColumn.Storage {
        guard let rows else { return table.columns[index].storage }
        if let cached = gathered[index] { return cached }
        let storage = table.columns[index].storage.gather(rows)
        gathered[index] = storage
        return storage
    }

    /// The batch's rows as a table.
    func materialize() -> KQLTable {
        guard let rows else { return table }
        return KQLTable(
            columns: table.columns.indices.map { KQLColumn(name: table.columns[$0].name, storage: column($0)) },
            rowCount: rows.count)
    }
}
