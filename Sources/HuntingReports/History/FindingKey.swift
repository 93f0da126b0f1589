public import KQL
import Hunting

/// What identifies one finding in a query's result, so tonight's rows can be compared with last
/// night's: the query's `@keys` columns, or else every column that is not a timestamp.
public struct FindingKeyColumns: Sendable, Hashable {
    /// The indexes of the key columns in the result.
    public var indexes: [Int]
    /// Their names, as the result spells them.
    public var names: [String]
    /// Why the declared keys were not used, when they were not (a column the result lacks).
    public var note: String?

    /// The key columns of `table` for a query that declares `declared` (its `@keys`).
    ///
    /// A declared key the result does not have makes the keys fall back to the default, with a
    /// note saying so: comparing on fewer columns than the author meant would merge findings.
    public init(table: KQLTable, declared: [String]) {
        if !declared.isEmpty {
            let found = declared.map { table.columnIndex(named: $0) }
            if found.allSatisfy({ $0 != nil }) {
                indexes = found.map { $0! }
                names = indexes.map { table.columns[$0].name }
                note = nil
                return
            }
            let missing = zip(declared, found).filter { $0.1 == nil }.map { "'\($0.0)'" }
            note = "@keys names \(missing.joined(separator: ", ")), which the result does not have; findings are compared on every column that is not a timestamp"
        } else {
            note = nil
        }
        let untimed = table.columns.indices.filter { table.columns[$0].type != .datetime }
        indexes = untimed.isEmpty ? Array(table.columns.indices) : untimed
        names = indexes.map { table.columns[$0].name }
    }

    /// The key of one row: 16 hex digits of the SHA-256 of the key columns' names and values.
    ///
    /// The same values give the same key in every run and on every machine; a value's text is
    /// the one the CSV report shows.
    public func key(_ table: KQLTable, row: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        for index in indexes {
            let column = table.columns[index]
            bytes += column.name.utf8
            bytes.append(0x1F)
            bytes += CellText.plain(column[row]).utf8
            bytes.append(0x1E)
        }
        return Digest.hex(Digest.sha256(bytes).prefix(8))
    }

    /// The key columns' display values of one row, each cut to `limit` characters.
    public func values(_ table: KQLTable, row: Int, limit: Int = FindingKeyColumns.recordedValueLimit) -> [String] {
        indexes.map { ReportText.shortened(CellText.plain(table.columns[$0][row]), to: limit).text }
    }

    /// How much of each key value the state keeps (enough to recognise a resolved finding).
    public static let recordedValueLimit = 200
}
