import Foundation
import HuntingReports
import KQL
import Testing

@Suite("CSV")
struct CSVWriterTests {
    @Test func rfc4180WithHeaderAndQuoting() {
        let table = KQLTable(schema: [("Name", .string), ("Count", .long), ("Seen", .datetime)], rows: [
            [.string("a,b"), .long(1), .datetime(KQLDateTime(year: 2024, month: 1, day: 2)!)],
            [.string("say \"hi\"\nthere"), .null(.long), .null(.datetime)],
        ])
        #expect(CSVWriter().write(table) == "Name,Count,Seen\r\n\"a,b\",1,2024-01-02T00:00:00.0000000Z\r\n\"say \"\"hi\"\"\nthere\",,\r\n")
    }

    @Test(arguments: [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"), ("\rx", "\"'\rx\""), ("plain", "plain"), ("a=b", "a=b"),
    ])
    func formulaCellsAreDefused(cell: String, expected: String) {
        #expect(CSVWriter.field(cell) == expected)
    }

    @Test func byteOrderMarkForExcel() {
        let table = KQLTable(schema: [("x", .string)], rows: [[.string("é")]])
        #expect(CSVWriter(byteOrderMark: true).write(table).hasPrefix("\u{FEFF}x\r\n"))
        #expect(!CSVWriter().write(table).hasPrefix("\u{FEFF}"))
    }

    @Test func cellTextOfEveryType() {
        #expect(CellText.plain(.real(.nan)) == "NaN")
        #expect(CellText.plain(.timespan(.seconds(-90))) == "-00:01:30")
        #expect(CellText.plain(.dynamic(.bag([("k", .array([.long(1)]))]))) == #"{"k":[1]}"#)
        #expect(CellText.plain(.dynamic(.null)) == "")
        #expect(CellText.plain(.null(.long)) == "")
    }
}
