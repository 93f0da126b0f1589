import Foundation
import Testing

@testable import KQL

@Suite("Tables")
struct TableTests {
    static let schema: [(name: String, type: KQLScalarType)] = [
        ("Timestamp", .datetime), ("DeviceName", .string), ("Count", .long), ("Ratio", .real), ("Ok", .bool),
        ("Small", .int), ("Took", .timespan), ("Id", .guid), ("Extra", .dynamic), ("Money", .decimal),
    ]

    static let rows: [[KQLValue]] = [
        [.datetime(KQLDateTime(year: 2024, month: 3, day: 26)!), .string("pc-1"), .long(3), .real(0.5), .bool(true),
         .int(7), .timespan(.seconds(19)), .guid(UUID(uuidString: "74BE27DE-1E4E-49D9-B579-FE0B331D3642")!),
         .dynamic(.array([.long(1)])), .decimal(Decimal(string: "1.25")!)],
        [.null(.datetime), .string(""), .null(.long), .null(.real), .null(.bool), .null(.int), .null(.timespan),
         .null(.guid), .dynamic(.null), .null(.decimal)],
        [.datetime(.max), .string("日本 \"x\""), .long(.min), .real(-.infinity), .bool(false), .int(.max),
         .timespan(KQLTimespan(ticks: -1)), .guid(UUID()), .dynamic(.bag([("k", .string("v"))])), .decimal(0)],
    ]

    @Test func rowsRoundTripThroughColumnStorage() {
        let table = KQLTable(schema: Self.schema, rows: Self.rows)
        #expect(table.rowCount == 3)
        #expect(table.columns.map(\.type) == Self.schema.map(\.type))
        for (index, row) in Self.rows.enumerated() {
            #expect(table.row(index) == row)
        }
        #expect(table[0, 1] == .string("pc-1"))
    }

    @Test func valuesConvertToTheColumnTypeOrBecomeNull() {
        let table = KQLTable(schema: [("n", .long), ("r", .real), ("s", .string)], rows: [
            [.int(5), .long(2), .string("a")], [.string("12"), .string("x"), .string("b")], [.bool(true)],
        ])
        #expect(table.row(0) == [.long(5), .real(2), .string("a")])
        #expect(table.row(1) == [.long(12), .null(.real), .string("b")])
        #expect(table.row(2) == [.null(.long), .null(.real), .string("")])
    }

    @Test func columnLookupIsExactThenCaseInsensitive() {
        let table = KQLTable(schema: [("LogonId", .long), ("LogonID", .long), ("Name", .string)], rows: [])
        #expect(table.columnIndex(named: "LogonId") == 0)
        #expect(table.columnIndex(named: "LogonID") == 1)
        #expect(table.columnIndex(named: "name") == 2)
        #expect(table.columnIndex(named: "missing") == nil)
    }

    @Test func stringColumnsShareOneBuffer() {
        var column = StringColumn()
        for word in ["", "a", "héllo", ""] { column.append(word) }
        #expect(column.count == 4)
        #expect((0..<4).map { column[$0] } == ["", "a", "héllo", ""])
        #expect(column.bytes.count == 7)
        #expect(column.withUTF8(2) { Array($0) } == Array("héllo".utf8))
    }

    @Test func rawDatetimeTextIsKeptWhenAsked() {
        var builder = KQLColumnBuilder(type: .datetime, keepRawText: true)
        builder.append(datetimeTicks: KQLDateTime(year: 2024, month: 1, day: 1)!.ticks)
        builder.appendRawText("2024-01-01T00:00:00Z")
        builder.appendNull()
        builder.appendRawText("not a date")
        let column = KQLColumn(name: "T", storage: builder.finish())
        #expect(column.rawText(row: 0) == "2024-01-01T00:00:00Z")
        #expect(column.rawText(row: 1) == "not a date")
        #expect(column[1] == .null(.datetime))
    }

    @Test func nullMaskGrowsOnDemand() {
        var mask = NullMask()
        #expect(!mask.hasNulls && !mask.isNull(1000))
        mask.setNull(130)
        #expect(mask.isNull(130) && !mask.isNull(129) && !mask.isNull(131) && mask.hasNulls)
    }

    @Test func prefixKeepsTheFirstRows() {
        let table = KQLTable(schema: Self.schema, rows: Self.rows)
        #expect(table.prefix(2).rowCount == 2)
        #expect(table.prefix(2).row(1) == Self.rows[1])
        #expect(table.prefix(10) == table)
    }
}
