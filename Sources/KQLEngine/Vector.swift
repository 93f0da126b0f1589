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
