public import Foundation

/// One column of a table: a name, a KQL type and its cells, stored by type.
public struct KQLColumn: Hashable, Sendable {
    /// The cells of one column, in the layout of their type.
    public enum Storage: Hashable, Sendable {
        case bool([Bool], NullMask)
        case int([Int32], NullMask)
        case long([Int64], NullMask)
        case real([Double], NullMask)
        case decimal([Decimal], NullMask)
        case string(StringColumn)
        /// Ticks; `raw` keeps the text each cell arrived as (0–7 fractional digits, or text that was
        /// not a date, whose tick cell is then null).
        case datetime([Int64], NullMask, raw: StringColumn?)
        case timespan([Int64], NullMask)
        case guid([UUID], NullMask)
        case dynamic([KQLDynamic])
    }

    /// The column name.
    public var name: String
    /// The KQL type of its cells.
    public var type: KQLScalarType { storage.type }
    /// The cells.
    public var storage: Storage

    /// Creates a column.
    public init(name: String, storage: Storage) {
        self.name = name
        self.storage = storage
    }

    /// Creates a column from values, converting each to `type` (values that do not convert
    /// become null).
    public init(name: String, type: KQLScalarType, values: some Sequence<KQLValue>) {
        var builder = KQLColumnBuilder(type: type)
        for value in values { builder.append(value) }
        self.init(name: name, storage: builder.finish())
    }

    /// The number of cells.
    public var count: Int { storage.count }

    /// The cell at `row` as a value.
    public subscript(row: Int) -> KQLValue { storage.value(at: row) }

    /// The text a cell arrived as, for datetime columns decoded from a response; otherwise `nil`.
    public func rawText(row: Int) -> String? {
        if case .datetime(_, _, let raw?) = storage { return raw[row] }
        return nil
    }
}

extension KQLColumn.Storage {
    /// The cell at `row` as a value.
    @inline(__always)
    public func value(at row: Int) -> KQLValue {
        switch self {
        case .bool(let v, let n): n.isNull(row) ? .null(.bool) : .bool(v[row])
        case .int(let v, let n): n.isNull(row) ? .null(.int) : .int(v[row])
        case .long(let v, let n): n.isNull(row) ? .null(.long) : .long(v[row])
        case .real(let v, let n): n.isNull(row) ? .null(.real) : .real(v[row])
        case .decimal(let v, let n): n.isNull(row) ? .null(.decimal) : .decimal(v[row])
        case .string(let v): .string(v[row])
        case .datetime(let v, let n, _): n.isNull(row) ? .null(.datetime) : .datetime(KQLDateTime(ticks: v[row]))
        case .timespan(let v, let n): n.isNull(row) ? .null(.timespan) : .timespan(KQLTimespan(ticks: v[row]))
        case .guid(let v, let n): n.isNull(row) ? .null(.guid) : .guid(v[row])
        case .dynamic(let v): .dynamic(v[row])
        }
    }

    /// The number of cells.
    public var count: Int {
        switch self {
        case .bool(let v, _): v.count
        case .int(let v, _): v.count
        case .long(let v, _): v.count
        case .real(let v, _): v.count
        case .decimal(let v, _): v.count
        case .string(let v): v.count
        case .datetime(let v, _, _): v.count
        case .timespan(let v, _): v.count
        case .guid(let v, _): v.count
        case .dynamic(let v): v.count
        }
    }

    /// The KQL type the storage holds.
    public var type: KQLScalarType {
        switch self {
        case .bool: .bool
        case .int: .int
        case .long: .long
        case .real: .real
        case .decimal: .decimal
        case .string: .string
        case .datetime: .datetime
        case .timespan: .timespan
        case .guid: .guid
        case .dynamic: .dynamic
        }
    }
}

/// A result table: named, typed columns of equal length. Column-oriented, so reports, the
/// response decoder and the offline engine share one compact layout.
public struct KQLTable: Hashable, Sendable {
    /// The columns, in order.
    public var columns: [KQLColumn]
    /// The number of rows.
    public private(set) var rowCount: Int

    /// Creates a table.
    /// - Precondition: every column has `rowCount` cells.
    public init(columns: [KQLColumn], rowCount: Int? = nil) {
        let count = rowCount ?? columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == count }, "columns of a table must have the same length")
        self.columns = columns
        self.rowCount = count
    }

    /// A table from rows of values, each converted to its column's type.
    public init(schema: [(name: String, type: KQLScalarType)], rows: [[KQLValue]]) {
        var builder = KQLTableBuilder(schema: schema)
        for row in rows { builder.appendRow(row) }
        self = builder.finish()
    }

    /// The table with no columns and no rows.
    public static let empty = KQLTable(columns: [])

    /// The column names and types.
    public var schema: [(name: String, type: KQLScalarType)] { columns.map { ($0.name, $0.type) } }

    /// The index of a column: the exact name first, then a case-insensitive match.
    public func columnIndex(named name: String) -> Int? {
        columns.firstIndex { $0.name == name } ?? columns.firstIndex { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// The cell at `row` in `column`.
    public subscript(row: Int, column: Int) -> KQLValue { columns[column][row] }

    /// One row as values.
    public func row(_ row: Int) -> [KQLValue] { columns.map { $0[row] } }

    /// The first `count` rows.
    public func prefix(_ count: Int) -> KQLTable {
        guard count < rowCount else { return self }
        var builder = KQLTableBuilder(schema: schema)
        for r in 0..<count { builder.appendRow(row(r)) }
        return builder.finish()
    }
}

/// Builds one column cell by cell, in the layout of its type.
public struct KQLColumnBuilder: Sendable {
    /// The type of the column being built.
    public let type: KQLScalarType
    private var count = 0
    private var nulls = NullMask()
    private var bools: [Bool] = []
    private var ints: [Int32] = []
    private var longs: [Int64] = []
    private var reals: [Double] = []
    private var decimals: [Decimal] = []
    private var strings = StringColumn()
    private var raw: StringColumn?
    private var guids: [UUID] = []
    private var dynamics: [KQLDynamic] = []

    /// Creates an empty builder; `keepRawText` keeps each datetime cell's original text.
    public init(type: KQLScalarType, keepRawText: Bool = false) {
        self.type = type
        if type == .datetime, keepRawText { raw = StringColumn() }
    }

    /// The number of cells so far.
    public var cellCount: Int { count }

    /// Reserves room for `cells` cells, and for string columns `bytes` bytes of text, so a
    /// builder that knows its size does not grow (and copy) its arrays as it fills.
    public mutating func reserveCapacity(_ cells: Int, bytes: Int = 0) {
        switch type {
        case .string: strings.reserve(count: cells, bytes: bytes)
        case .dynamic: dynamics.reserveCapacity(cells)
        case .bool: bools.reserveCapacity(cells)
        case .int: ints.reserveCapacity(cells)
        case .long, .datetime, .timespan: longs.reserveCapacity(cells)
        case .real: reals.reserveCapacity(cells)
        case .decimal: decimals.reserveCapacity(cells)
        case .guid: guids.reserveCapacity(cells)
        }
    }

    /// Appends a value, converted to the column's type when it is another (null when it does not convert).
    public mutating func append(_ value: KQLValue) {
        guard let value = value.type == type ? value : value.converted(to: type) else {
            appendNull()
            return
        }
        switch value {
        case .null: appendNull()
        case .bool(let v): append(bool: v)
        case .int(let v): append(int: v)
        case .long(let v): append(long: v)
        case .real(let v): append(real: v)
        case .decimal(let v): decimals.append(v); count += 1
        case .string(let v): append(string: v)
        case .datetime(let v): append(datetimeTicks: v.ticks)
        case .timespan(let v): append(timespanTicks: v.ticks)
        case .guid(let v): guids.append(v); count += 1
        case .dynamic(let v): append(dynamic: v)
        }
    }

    /// Appends a null cell (an empty string for string columns, `dynamic(null)` for dynamic ones).
    public mutating func appendNull() {
        switch type {
        case .string: strings.append(utf8: EmptyCollection<UInt8>()); count += 1; return
        case .dynamic: dynamics.append(.null); count += 1; return
        case .bool: bools.append(false)
        case .int: ints.append(0)
        case .long, .datetime, .timespan: longs.append(0)
        case .real: reals.append(0)
        case .decimal: decimals.append(0)
        case .guid: guids.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        }
        nulls.setNull(count)
        count += 1
    }

    public mutating func append(bool: Bool) { bools.append(bool); count += 1 }
    public mutating func append(int: Int32) { ints.append(int); count += 1 }
    public mutating func append(long: Int64) { longs.append(long); count += 1 }
    public mutating func append(real: Double) { reals.append(real); count += 1 }
    public mutating func append(string: String) { strings.append(string); count += 1 }
    public mutating func append(stringUTF8: UnsafeBufferPointer<UInt8>) { strings.append(utf8: stringUTF8); count += 1 }
    public mutating func append(datetimeTicks: Int64) { longs.append(datetimeTicks); count += 1 }
    public mutating func append(timespanTicks: Int64) { longs.append(timespanTicks); count += 1 }
    public mutating func append(guid: UUID) { guids.append(guid); count += 1 }
    public mutating func append(dynamic: KQLDynamic) { dynamics.append(dynamic); count += 1 }
    public mutating func append(decimal: Decimal) { decimals.append(decimal); count += 1 }

    /// Records the original text of the datetime cell just appended (when raw text is kept).
    public mutating func appendRawText(utf8: UnsafeBufferPointer<UInt8>) { raw?.append(utf8: utf8) }

    /// Records the original text of the datetime cell just appended (when raw text is kept).
    public mutating func appendRawText(_ text: String) { raw?.append(text) }

    /// The finished cells.
    public func finish() -> KQLColumn.Storage {
        switch type {
        case .bool: .bool(bools, nulls)
        case .int: .int(ints, nulls)
        case .long: .long(longs, nulls)
        case .real: .real(reals, nulls)
        case .decimal: .decimal(decimals, nulls)
        case .string: .string(strings)
        case .datetime: .datetime(longs, nulls, raw: raw)
        case .timespan: .timespan(longs, nulls)
        case .guid: .guid(guids, nulls)
        case .dynamic: .dynamic(dynamics)
        }
    }
}

/// Builds a table row by row (or cell by cell through `columns`).
public struct KQLTableBuilder: Sendable {
    /// The column names, in order.
    public let names: [String]
    /// One builder per column; append to each, keeping them the same length.
    public var columns: [KQLColumnBuilder]

    /// Creates an empty builder for a schema.
    public init(schema: [(name: String, type: KQLScalarType)], keepRawText: Bool = false) {
        names = schema.map(\.name)
        columns = schema.map { KQLColumnBuilder(type: $0.type, keepRawText: keepRawText) }
    }

    /// Appends a row; missing trailing cells are null.
    public mutating func appendRow(_ values: [KQLValue]) {
        for index in columns.indices {
            if index < values.count { columns[index].append(values[index]) } else { columns[index].appendNull() }
        }
    }

    /// The finished table.
    public func finish() -> KQLTable {
        KQLTable(columns: zip(names, columns).map { KQLColumn(name: $0, storage: $1.finish()) })
    }
}
