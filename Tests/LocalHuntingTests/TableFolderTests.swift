import Foundation
import KQL
import TestSupport
import Testing

@testable import LocalHunting

// MARK: - Helpers

/// A temporary folder holding the given files.
private func makeFolder(_ files: [(name: String, contents: String)]) throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    for file in files { try folder.write(file.name, file.contents) }
    return folder
}

private func load(_ folder: TemporaryFolder) throws -> [String: KQLTable] {
    try TableFolder.load(from: URL(fileURLWithPath: folder.path))
}

/// Loads a folder holding one file and returns its only table.
private func loadOne(_ name: String, _ contents: String) throws -> KQLTable {
    let folder = try makeFolder([(name, contents)])
    let tables = try load(folder)
    let tableName = String(name[..<name.lastIndex(of: ".")!])
    return try #require(tables[tableName])
}

/// The error loading a folder gives, or nil when it loads.
private func loadError(_ folder: TemporaryFolder) -> TableFolderError? { loadError(directory: folder.path) }

/// The error loading a folder with one file gives, and the file's path.
private func loadError(directory: String) -> TableFolderError? {
    do {
        _ = try TableFolder.load(from: URL(fileURLWithPath: directory))
        return nil
    } catch {
        return error
    }
}

private func loadError(_ name: String, _ contents: String) throws -> (error: TableFolderError?, path: String) {
    let folder = try makeFolder([(name, contents)])
    return (loadError(folder), folder.path + "/" + name)
}

private func loadError(_ name: String, bytes: [UInt8]) throws -> (error: TableFolderError?, path: String) {
    let folder = try TemporaryFolder()
    try folder.write(name, bytes: bytes)
    return (loadError(folder), folder.path + "/" + name)
}

private func schema(_ table: KQLTable) -> [String] { table.schema.map { "\($0.name):\($0.type)" } }

private func date(_ text: String) -> KQLValue { .datetime(LiteralSyntax.parseDateTime(text)!) }

/// The user tables folder loader behind `hunt run --tables DIR`.
@Suite("Table folder")
struct TableFolderTests {}

// MARK: - CSV

extension TableFolderTests {
    @Suite("CSV")
    struct CSV {
        @Test("a header and rows give string columns for an unknown table")
        func plainCSV() throws {
            let table = try loadOne("Users.csv", "Name,Department\nalice,IT\nbob,Sales\n")
            #expect(schema(table) == ["Name:string", "Department:string"])
            #expect(table.rowCount == 2)
            #expect(table.row(1) == [.string("bob"), .string("Sales")])
        }

        @Test("quoted fields: commas, doubled quotes, line breaks, empty quotes, stray quotes")
        func quoting() throws {
            let csv =
                "A,B,C\n"
                + "\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
                + "\"\",ab\"c,\"\"\"\"\n"
                + "plain,\"\",last"
            let table = try loadOne("Quotes.csv", csv)
            #expect(table.rowCount == 3)
            #expect(table.row(0) == [.string("x, y"), .string("say \"hi\""), .string("two\nlines")])
            #expect(table.row(1) == [.string(""), .string("ab\"c"), .string("\"")])
            #expect(table.row(2) == [.string("plain"), .string(""), .string("last")])
        }

        @Test("CRLF line ends, a byte order mark and a last line without a line break")
        func crlfAndBOM() throws {
            let csv = "\u{FEFF}Name,Note\r\nalice,\"quoted\r\nbreak\"\r\nbob,\"end\"\r\ncarol,x\r"
            let table = try loadOne("People.csv", csv)
            #expect(schema(table) == ["Name:string", "Note:string"])
            #expect(table.rowCount == 3)
            #expect(table.row(0) == [.string("alice"), .string("quoted\r\nbreak")])
            #expect(table.row(1) == [.string("bob"), .string("end")])
            #expect(table.row(2) == [.string("carol"), .string("x")])
        }

        @Test("empty lines are skipped; a one-column table writes an empty value as \"\"")
        func emptyLines() throws {
            let table = try loadOne("Hosts.csv", "\n\nHost\n\nws-1\n\r\n\"\"\nws-2\n\n")
            #expect(table.rowCount == 3)
            #expect((0..<3).map { table[$0, 0] } == [.string("ws-1"), .string(""), .string("ws-2")])
        }

        @Test("a header alone gives columns and no rows")
        func headerOnly() throws {
            let table = try loadOne("Empty.csv", "A:long,B\n")
            #expect(schema(table) == ["A:long", "B:string"])
            #expect(table.rowCount == 0)
        }

        @Test("typed header cells declare every KQL type; blank cells are typed nulls")
        func typedHeader() throws {
            let csv = """
                Count:long, Seen : datetime,Ratio:real,Ok:bool,Id:guid,Span:timespan,Bag:dynamic,Small:int,Price:decimal,Text:string
                42,2024-05-01T12:00:00.1234567Z,0.5,true,8a2b1c3d-0000-4000-8000-0123456789ab,1.12:00:00,"{""a"": [1, 2]}",-7,12.50, padded 
                ,,,,,,,,,
                -9000000000000000000, 2024-05-01 ,1e3,FALSE,{8A2B1C3D-0000-4000-8000-0123456789AB},7d,[],2147483647,-0.001,null
                """
            let table = try loadOne("Typed.csv", csv)
            #expect(
                schema(table) == [
                    "Count:long", "Seen:datetime", "Ratio:real", "Ok:bool", "Id:guid", "Span:timespan", "Bag:dynamic",
                    "Small:int", "Price:decimal", "Text:string",
                ])
            let guid = UUID(uuidString: "8a2b1c3d-0000-4000-8000-0123456789ab")!
            #expect(
                table.row(0) == [
                    .long(42), date("2024-05-01T12:00:00.1234567Z"), .real(0.5), .bool(true), .guid(guid),
                    .timespan(KQLTimespan(ticks: KQLTimespan.day + 12 * KQLTimespan.hour)),
                    .dynamic(.bag([("a", .array([.long(1), .long(2)]))])), .int(-7),
                    .decimal(Decimal(string: "12.50")!),
                    .string(" padded "),
                ])
            #expect(
                table.row(1) == [
                    .null(.long), .null(.datetime), .null(.real), .null(.bool), .null(.guid), .null(.timespan),
                    .dynamic(.null), .null(.int), .null(.decimal), .string(""),
                ])
            #expect(
                table.row(2) == [
                    .long(-9_000_000_000_000_000_000), date("2024-05-01"), .real(1000), .bool(false), .guid(guid),
                    .timespan(KQLTimespan(ticks: 7 * KQLTimespan.day)), .dynamic(.array([])), .int(2_147_483_647),
                    .decimal(Decimal(string: "-0.001")!), .string("null"),
                ])
        }

        @Test("a known table takes its column types from the schema; a typed header wins; other columns are strings")
        func schemaTyped() throws {
            let csv = """
                Timestamp,DeviceName,ProcessId,IsProcessRemoteSession,ReportId:string,MyNote
                2024-05-01T08:00:00Z,ws-1,4242,true,17,hello
                2024-05-01T09:30:00.5Z,ws-2,,false,,
                """
            let table = try loadOne("DeviceProcessEvents.csv", csv)
            #expect(
                schema(table) == [
                    "Timestamp:datetime", "DeviceName:string", "ProcessId:long", "IsProcessRemoteSession:bool",
                    "ReportId:string", "MyNote:string",
                ])
            #expect(
                table.row(0) == [
                    date("2024-05-01T08:00:00Z"), .string("ws-1"), .long(4242), .bool(true), .string("17"),
                    .string("hello"),
                ])
            #expect(table.row(1)[2] == .null(.long))
            #expect(table.row(1)[0] == date("2024-05-01T09:30:00.5Z"))
        }

        @Test("dynamic cells hold JSON (a schema-typed dynamic column)")
        func dynamicCells() throws {
            let csv = """
                Timestamp,AccountName,AdditionalFields
                2024-05-01T08:00:00Z,alice,"{""Count"":1,""Tags"":[""a"",""b""],""Nested"":{""x"":null}}"
                2024-05-01T08:01:00Z,bob,
                """
            let table = try loadOne("IdentityLogonEvents.csv", csv)
            #expect(table.columns[2].type == .dynamic)
            #expect(
                table[0, 2]
                    == .dynamic(
                        .bag([
                            ("Count", .long(1)), ("Tags", .array([.string("a"), .string("b")])),
                            ("Nested", .bag([("x", .null)])),
                        ])))
            #expect(table[1, 2] == .dynamic(.null))
        }

        /// The byte-level fast paths must agree with `KQLValue(text:as:)` on everything they accept.
        @Test(
            "cell conversion agrees with KQLValue(text:as:)",
            arguments: [
                ("42", KQLScalarType.long), ("-0", .long), ("007", .long), ("+5", .long), ("0x1F", .long),
                ("999999999999999999", .long), ("9223372036854775807", .long), ("9223372036854775808", .long),
                (" 3 ", .long),
                ("2147483648", .int), ("-2147483648", .int), ("12", .int),
                ("0.5", .real), ("-1e-3", .real), (".5", .real), ("nan", .real), ("-inf", .real), ("1.2.3", .real),
                ("true", .bool), ("False", .bool), ("1", .bool), ("yes", .bool),
                ("2024-05-01T12:00:00Z", .datetime), ("2024-05-01T12:00:00.123456789Z", .datetime),
                ("2024-05-01 12:00:00", .datetime), ("2024-05-01T12:00:00.5", .datetime),
                ("2024-02-30T00:00:00Z", .datetime),
                ("2024-05-01T12:00:00+02:00", .datetime), ("2024-05-01T24:00:00Z", .datetime),
                ("5/1/2024 3:04 PM", .datetime),
                ("2024-05-01T12:00:00.Z", .datetime), ("null", .datetime), ("2024/05/01 7:05", .datetime),
                ("2024-5-1", .datetime), ("2024-05-01T", .datetime), ("2024-05-01T12:00:00 UTC", .datetime),
                ("2024-05-0112:00", .datetime), ("5/1/2024", .datetime), ("12/31/2024 11:59:59.9 pm", .datetime),
                ("5/1/2024 12:00 AM", .datetime), ("5/1/2024 13:00 PM", .datetime), ("5/1/24", .datetime),
                ("2024-05-01 ", .datetime), ("Wed, 01 May 2024 12:00:00 GMT", .datetime),
                ("00:05:00", .timespan), ("1.12:00:00", .timespan), ("-2.03:04:05.1234567", .timespan),
                ("10:00", .timespan), ("24:00:00", .timespan), ("1.5h", .timespan), ("7d", .timespan),
                ("99999999.00:00:00", .timespan), ("123:00", .timespan), ("+01:00:00", .timespan), ("PT1H", .timespan),
                ("1.2:3", .timespan), ("00:00:00.", .timespan),
            ])
        func fastPathsAgree(text: String, type: KQLScalarType) throws {
            let expected = try? KQLValue(text: text, as: type)
            var builder = KQLColumnBuilder(type: type)
            let bytes = Array(text.utf8)
            let ok = bytes.withUnsafeBufferPointer { cell in
                do {
                    try CellParser.append(cell, to: &builder)
                    return true
                } catch {
                    return false
                }
            }
            #expect(ok == (expected != nil))
            if let expected {
                #expect(KQLColumn(name: "c", storage: builder.finish())[0] == expected)
            }
        }

        @Test("the common shapes take the byte-level fast paths")
        func fastPathsTaken() {
            func bytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
                Array(text.utf8).withUnsafeBufferPointer(body)
            }
            for text in ["2024-05-01T12:00:00.1234567Z", "2024-05-01 12:00:00", "5/1/2024 3:04:05 PM", "2024-05-01"] {
                #expect(bytes(text, CellParser.dateTimeTicks) != nil, "\(text)")
            }
            for text in ["00:05:00", "1.12:00:00.5", "-00:00:01"] {
                #expect(bytes(text, CellParser.timespanTicks) != nil, "\(text)")
            }
            #expect(bytes("-42", CellParser.plainInteger) == -42)
            #expect(bytes("TRUE", CellParser.plainBool) == true)
            #expect(bytes("1e-3", CellParser.plainReal) == 0.001)
        }

        @Test("many rows load into columns of the right length")
        func manyRows() throws {
            var csv = "Timestamp:datetime,Id:long,Name,Score:real\n"
            for i in 0..<20_000 {
                csv += "2024-05-01T00:00:\(String(format: "%02d", i % 60)).\(i)Z,\(i),\"host-\(i)\",\(Double(i) / 4)\n"
            }
            let table = try loadOne("Big.csv", csv)
            #expect(table.rowCount == 20_000)
            #expect(
                table.row(19_999) == [
                    date("2024-05-01T00:00:19.19999Z"), .long(19_999), .string("host-19999"), .real(4999.75),
                ])
        }
    }
}

// MARK: - CSV errors

extension TableFolderTests {
    @Suite("CSV errors")
    struct CSVErrors {
        @Test("a cell that is not its schema type: path:line:column and what to write")
        func badDatetime() throws {
            let csv = "Timestamp,DeviceName\n2024-05-01T00:00:00Z,ws-1\nyesterday,ws-2\n"
            let (error, path) = try loadError("DeviceProcessEvents.csv", csv)
            let e = try #require(error)
            #expect(e.code == .invalidValue)
            #expect((e.path, e.line, e.column) == (path, 3, 1))
            #expect(
                e.description
                    == "\(path):3:1: expected a datetime in column Timestamp (its type in the DeviceProcessEvents schema), "
                    + "got \"yesterday\"; write ISO 8601 such as 2024-05-01T12:00:00Z, or leave the cell empty for null"
            )
        }

        @Test("lines count the breaks inside quoted fields; columns count characters, not bytes")
        func positions() throws {
            let (error, path) = try loadError("Notes.csv", "Note,Count:long\n\"line one\nline two\",5\n\"ÄÖü\",\"x\"\n")
            let e = try #require(error)
            #expect(
                e.description.hasPrefix(
                    "\(path):4:7: expected a long in column Count (declared in the header), got \"x\"; "))
            #expect(e.description.hasSuffix("write a whole number such as 42, or leave the cell empty for null"))
        }

        @Test("an int out of range")
        func intRange() throws {
            let (error, path) = try loadError("DeviceNetworkEvents.csv", "RemotePort,Timestamp\n443,\n99999999999,\n")
            #expect(
                error?.description
                    == "\(path):3:1: expected an int in column RemotePort (its type in the DeviceNetworkEvents schema), got "
                    + "\"99999999999\"; write a whole number between -2147483648 and 2147483647, or leave the cell empty for null"
            )
        }

        @Test("a dynamic cell that is not JSON says why")
        func badDynamic() throws {
            let (error, path) = try loadError("T.csv", "Bag:dynamic\n\"{\"\"a\"\": }\"\n")
            let e = try #require(error)
            #expect(e.code == .invalidValue)
            #expect((e.line, e.column) == (2, 1))
            #expect(
                e.description.hasPrefix(
                    "\(path):2:1: expected JSON (dynamic) in column Bag (declared in the header), got '{\"a\": }' ("))
            #expect(
                e.description.hasSuffix(
                    "); write JSON such as [\"a\", \"b\"] or {\"key\": 1}, or leave the cell empty for null"))
        }

        @Test(
            "broken CSV is reported where it breaks",
            arguments: [
                (
                    "A,B\n1,2\n3,\"open\n4,5\n", 3, 3, TableFolderError.Code.invalidCSV,
                    "this quoted field is never closed"
                ),
                ("A,B\n\"x\"y,2\n", 2, 4, .invalidCSV, "unexpected text after the closing quote of a field"),
                (
                    "A,B\n1,2,3\n", 2, 5, .wrongFieldCount,
                    "this row has more fields than the 2 columns the header names"
                ),
                ("A,B,C\n1,2\n", 2, 4, .wrongFieldCount, "this row has 2 fields but the header names 3 columns"),
                ("A,B,C\r\n1\r\n", 2, 2, .wrongFieldCount, "this row has 1 field but the header names 3 columns"),
                ("A,B,A\n", 1, 5, .invalidHeader, "column A is named twice in the header (also at column 1)"),
                ("A,,C\n", 1, 3, .invalidHeader, "column 2 has no name in the header"),
                ("A, :long\n", 1, 3, .invalidHeader, "column 2 has no name in the header"),
                (
                    "\u{FEFF}Count:lng\n", 1, 1, .invalidHeader,
                    "unknown type \"lng\" in header cell \"Count:lng\"; write Name:type with one of bool, int"
                ),
                ("", 1, 1, .invalidHeader, "the file is empty; its first line must name the columns"),
                ("\u{FEFF}\n\r\n", 1, 1, .invalidHeader, "the file is empty"),
            ])
        func brokenCSV(csv: String, line: Int, column: Int, code: TableFolderError.Code, message: String) throws {
            let (error, path) = try loadError("T.csv", csv)
            let e = try #require(error)
            #expect(e.code == code)
            #expect((e.path, e.line, e.column) == (path, line, column))
            #expect(e.message.hasPrefix(message), "\(e.message)")
            #expect(e.description.hasPrefix("\(path):\(line):\(column): \(message)"))
        }

        @Test("a file that is not UTF-8 is refused at the first bad byte")
        func latin1() throws {
            let bytes = Array("Name,City\nbob,".utf8) + [0x4D, 0xE9, 0x78] + Array("\n".utf8)
            let (error, path) = try loadError("T.csv", bytes: bytes)
            #expect(
                error?.description
                    == "\(path):2:6: byte 0xE9 is not UTF-8; save the file as UTF-8 (in Excel: Save As → CSV UTF-8)")
            #expect(error?.code == .invalidEncoding)
        }

        @Test("a UTF-16 file is refused")
        func utf16() throws {
            let (error, path) = try loadError("T.csv", bytes: [0xFF, 0xFE, 0x41, 0x00])
            #expect(
                error?.description
                    == "\(path):1:1: the file is UTF-16; save it as UTF-8 (in Excel: Save As → CSV UTF-8)")
        }
    }
}

// MARK: - JSON Lines

extension TableFolderTests {
    @Suite("JSON Lines")
    struct JSONLines {
        @Test("types are inferred from the values; columns are the union of keys in first-seen order")
        func inference() throws {
            let jsonl = #"""
                {"Host": "ws-1", "Count": 3, "Ratio": 1, "Ok": true, "Tags": ["a"], "Mixed": 1, "Nothing": null}
                {"Count": -4, "Ratio": 2.5, "Host": "ws-2", "Ok": false, "Tags": {"k": "v"}, "Mixed": "x", "Late": 1e2}

                {"Host":"ws-3"}
                """#
            let table = try loadOne("Events.jsonl", jsonl)
            #expect(
                schema(table) == [
                    "Host:string", "Count:long", "Ratio:real", "Ok:bool", "Tags:dynamic", "Mixed:dynamic",
                    "Nothing:string",
                    "Late:real",
                ])
            #expect(table.rowCount == 3)
            #expect(
                table.row(0) == [
                    .string("ws-1"), .long(3), .real(1), .bool(true), .dynamic(.array([.string("a")])),
                    .dynamic(.long(1)),
                    .string(""), .null(.real),
                ])
            #expect(
                table.row(1) == [
                    .string("ws-2"), .long(-4), .real(2.5), .bool(false), .dynamic(.bag([("k", .string("v"))])),
                    .dynamic(.string("x")), .string(""), .real(100),
                ])
            #expect(
                table.row(2) == [
                    .string("ws-3"), .null(.long), .null(.real), .null(.bool), .dynamic(.null), .dynamic(.null),
                    .string(""),
                    .null(.real),
                ])
        }

        @Test("string escapes, a byte order mark, CRLF line ends and .ndjson")
        func escapes() throws {
            let ndjson =
                "\u{FEFF}{\"Text\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" a\\\\b\\n\\t/\\/\", \"Big\": 12345678901234567890}\r\n"
                + "{\"Text\": \"plain\", \"Big\": 1}\r\n"
            let table = try loadOne("Escapes.ndjson", ndjson)
            #expect(schema(table) == ["Text:string", "Big:real"])
            #expect(table[0, 0] == .string("café 😀 \"q\" a\\b\n\t//"))
            #expect(table[0, 1] == .real(1.2345678901234567e19))
            #expect(table[1, 1] == .real(1))
        }

        @Test("a known table takes its types from the schema: strings parse as datetimes and numbers")
        func schemaTyped() throws {
            let jsonl = #"""
                {"Timestamp": "2024-05-01T08:00:00.1234567Z", "RemotePort": 443, "LocalPort": "50123", "RemoteUrl": "contoso.com", "Extra": 1}
                {"Timestamp": null, "RemotePort": null, "LocalPort": 80, "RemoteUrl": 7, "Extra": 2}
                """#
            let table = try loadOne("DeviceNetworkEvents.jsonl", jsonl)
            #expect(
                schema(table) == [
                    "Timestamp:datetime", "RemotePort:int", "LocalPort:int", "RemoteUrl:string", "Extra:long",
                ])
            #expect(
                table.row(0) == [
                    date("2024-05-01T08:00:00.1234567Z"), .int(443), .int(50123), .string("contoso.com"), .long(1),
                ])
            #expect(table.row(1) == [.null(.datetime), .null(.int), .int(80), .string("7"), .long(2)])
        }

        @Test("dynamic columns take JSON values and stringified JSON; string columns take objects as compact JSON")
        func dynamicValues() throws {
            let jsonl = #"""
                {"AccountName": {"first": "a", "n": [1, 2.5]}, "AdditionalFields": "{\"Count\": 2}"}
                {"AccountName": "bob", "AdditionalFields": {"Count": 3}}
                {"AccountName": "carol", "AdditionalFields": "not json"}
                """#
            let table = try loadOne("IdentityLogonEvents.jsonl", jsonl)
            #expect(schema(table) == ["AccountName:string", "AdditionalFields:dynamic"])
            #expect(table[0, 0] == .string(#"{"first":"a","n":[1,2.5]}"#))
            #expect(table[0, 1] == .dynamic(.bag([("Count", .long(2))])))
            #expect(table[1, 1] == .dynamic(.bag([("Count", .long(3))])))
            #expect(table[2, 1] == .dynamic(.string("not json")))
        }

        @Test("a file with no rows: the schema's columns for a known table, none otherwise")
        func noRows() throws {
            let known = try loadOne("DeviceInfo.jsonl", "\n\n")
            #expect(known.rowCount == 0)
            #expect(known.columns.map(\.name) == HuntingSchema.defender.table(named: "DeviceInfo")!.columnNames)
            let unknown = try loadOne("Nothing.jsonl", "")
            #expect(unknown.rowCount == 0)
            #expect(unknown.columns.isEmpty)
        }

        @Test(
            "broken JSON Lines are reported where they break",
            arguments: [
                (
                    #"{"a": 1}"# + "\n" + #"{"a": 2 "b": 3}"#, 2, 9, TableFolderError.Code.invalidJSON,
                    "expected ',' or '}' in the object, got '\"'"
                ),
                (
                    "{\n  \"a\": 1\n}\n", 1, 2, .invalidJSON,
                    "the line ends where a key in double quotes was expected; write each JSON object whole on one line"
                ),
                (
                    #"{'a': 1}"#, 1, 2, .invalidJSON,
                    "expected a key in double quotes, got a single quote; JSON strings use double quotes"
                ),
                (#"{"a": 1} x"#, 1, 10, .invalidJSON, "unexpected text after the object"),
                (
                    #"[1, 2]"#, 1, 1, .invalidJSON,
                    "expected a JSON object ({...}); each line of a JSON Lines file holds one object, got '['"
                ),
                (#"{"a": 1, "a": 2}"#, 1, 10, .invalidJSON, "key \"a\" appears twice in this object; keep one"),
                (#"{"a": 01}"#, 1, 7, .invalidJSON, "numbers do not start with 0"),
                (#"{"a": "open}"#, 1, 7, .invalidJSON, "this string is never closed"),
                (#"{"a": tru}"#, 1, 7, .invalidJSON, "expected a value (true, false, null"),
                (#"{"a": "x\q"}"#, 1, 9, .invalidJSON, "unknown escape in a string"),
                ("{\"a\": \"tab\there\"}", 1, 11, .invalidJSON, "a control character in a string must be escaped"),
                (#"{"a": [1, }"#, 1, 11, .invalidJSON, "expected a value, got '}'"),
                ("{\"é\": 1, \"b\": NaN}", 1, 15, .invalidJSON, "expected a value, got 'N'"),
            ])
        func brokenJSON(jsonl: String, line: Int, column: Int, code: TableFolderError.Code, message: String) throws {
            let (error, path) = try loadError("T.jsonl", jsonl)
            let e = try #require(error)
            #expect(e.code == code)
            #expect((e.path, e.line, e.column) == (path, line, column))
            #expect(e.message.hasPrefix(message), "\(e.message)")
        }

        @Test("values that do not fit the schema type: path:line:column and what to write")
        func badValues() throws {
            let jsonl = #"""
                {"Timestamp": "2024-05-01T08:00:00Z", "ProcessId": 1}
                {"ProcessId": 2,   "Timestamp": "yesterday"}
                """#
            let (error, path) = try loadError("DeviceProcessEvents.jsonl", jsonl)
            #expect(
                error?.description
                    == "\(path):2:33: expected a datetime in column Timestamp (its type in the DeviceProcessEvents schema), "
                    + "got \"yesterday\"; write ISO 8601 such as 2024-05-01T12:00:00Z, or write null for no value")
            #expect(error?.code == .invalidValue)

            let number = try loadError("DeviceProcessEvents.jsonl", #"{"Timestamp": 1714550400}"#)
            #expect(
                number.error?.description.hasPrefix("\(number.path):1:15: expected a datetime in column Timestamp")
                    == true)
            #expect(number.error?.message.contains("got 1714550400;") == true)

            let object = try loadError("DeviceProcessEvents.jsonl", #"{"ProcessId": {"pid": 4}}"#)
            #expect(
                object.error?.description
                    == "\(object.path):1:15: expected a long in column ProcessId (its type in the DeviceProcessEvents schema), "
                    + "got an object; write a whole number such as 42, or write null for no value")

            let bool = try loadError("DeviceProcessEvents.jsonl", #"{"ProcessId": true}"#)
            #expect(bool.error?.description.hasPrefix("\(bool.path):1:15: expected a long in column ProcessId") == true)
        }
    }
}

// MARK: - Saved responses

extension TableFolderTests {
    @Suite("saved API responses")
    struct Responses {
        // The two example payloads of /work/shared/spec/examples, inlined (tests carry no resources).
        static let graphExample = SpecExamples.graph

        static let defenderExample = SpecExamples.legacy

        @Test("a saved Graph runHuntingQuery response")
        func graph() throws {
            let table = try loadOne("RdpDevices.json", Self.graphExample)
            #expect(
                schema(table) == [
                    "DeviceName:string", "DeviceId:string", "Connections:long", "Ports:dynamic", "FirstSeen:datetime",
                    "AvgPort:real", "AnyRdp:bool",
                ])
            #expect(table.rowCount == 2)
            #expect(table[0, 0] == .string("ws-0142.contoso.local"))
            #expect(table[0, 2] == .long(418))
            #expect(table[0, 3] == .dynamic(.array([.long(3389), .long(22)])))
            #expect(table[1, 4] == date("2026-05-05T22:01:03.5Z"))
            #expect(table[1, 5] == .real(22))
            #expect(table[1, 6] == .bool(false))
        }

        @Test("a saved legacy Defender API response, with a byte order mark")
        func defender() throws {
            let table = try loadOne("DeviceProcessEvents.json", "\u{FEFF}" + Self.defenderExample)
            #expect(schema(table) == ["Timestamp:datetime", "DeviceName:string", "FileName:string", "ProcessId:long"])
            #expect(
                table.row(0) == [
                    date("2026-05-06T09:14:02.4410071Z"), .string("ws-0142.contoso.local"), .string("whoami.exe"),
                    .long(7312),
                ])
            #expect(table.row(1)[3] == .long(7288))
        }

        @Test("a .json file that is not a response says what it should be")
        func notAResponse() throws {
            let (error, path) = try loadError("Rows.json", "[\n  {\"a\": 1}\n]\n")
            let e = try #require(error)
            #expect(e.code == .invalidResponse)
            #expect((e.path, e.line, e.column) == (path, 1, 1))
            #expect(e.message.contains("a .json table file must be a saved Graph runHuntingQuery response"))
            #expect(e.message.hasSuffix("save plain rows as .jsonl, one object per line"))
        }

        @Test("a truncated response is reported where it ends")
        func truncated() throws {
            let (error, path) = try loadError(
                "Cut.json", "{\"schema\": [{\"name\": \"A\", \"type\": \"String\"}],\n\"results\": [{\"A\": \"x")
            let e = try #require(error)
            #expect(e.code == .invalidResponse)
            #expect((e.path, e.line) == (path, 2))
            #expect(e.description.hasPrefix("\(path):2:"))
        }
    }
}

// MARK: - The folder

extension TableFolderTests {
    @Suite("files and names")
    struct Files {
        @Test("other files, hidden files, lock files and subfolders are skipped; extensions ignore case")
        func skipped() throws {
            let folder = try makeFolder([
                ("README.md", "# samples"), (".gitignore", "*.tmp"), (".Hidden.csv", "A\n1\n"), ("notes.txt", "x"),
                ("~$Book.csv", "locked"), ("Sub/Inner.csv", "A\n1\n"), ("Folder.csv/Deep.jsonl", "{}"),
                ("Backup.csv~", "A\n"), ("Upper.CSV", "A\n1\n"), ("Lines.NDJSON", "{\"a\": 1}\n"),
            ])
            let tables = try load(folder)
            #expect(tables.keys.sorted() == ["Lines", "Upper"])
            let listing = try TableFolder(directory: URL(fileURLWithPath: folder.path))
            #expect(listing.tableNames == ["Lines", "Upper"])
            #expect(listing.files.map(\.format) == [.jsonLines, .csv])
        }

        @Test("listing reads no file; loading reads each")
        func listingOnly() throws {
            let folder = try makeFolder([("Good.csv", "A\n1\n"), ("Bad.csv", "A,B\n1\n"), ("Resp.json", "{}")])
            let listing = try TableFolder(directory: URL(fileURLWithPath: folder.path))
            #expect(listing.tableNames == ["Bad", "Good", "Resp"])
            #expect(listing.files.map(\.format) == [.csv, .csv, .huntingResponse])
            // Files load in name order, so the first broken one is reported.
            #expect(loadError(folder)?.path == folder.path + "/Bad.csv")
            #expect(try listing.files[1].load().rowCount == 1)
        }

        @Test("two files giving one table name are an error naming both")
        func duplicates() throws {
            let folder = try makeFolder([("X.csv", "A\n1\n"), ("X.jsonl", "{\"A\": 1}\n")])
            let error = try #require(loadError(folder))
            #expect(error.code == .duplicateTable)
            #expect(error.line == nil && error.column == nil)
            #expect(
                error.description
                    == "\(folder.path): X.csv and X.jsonl both give table 'X'; keep one of them or rename the other")
        }

        @Test(
            "a file name must be a valid KQL table name",
            arguments: [
                (
                    "my table.csv",
                    "'my table' is not a valid KQL table name; rename the file to letters, digits and underscores starting with a letter, such as my_table"
                ),
                (
                    "2024-export.jsonl",
                    "'2024-export' is not a valid KQL table name; rename the file to letters, digits and underscores starting with a letter, such as T_2024_export"
                ),
                ("where.csv", "'where' is a KQL keyword and cannot name a table; rename the file, such as to T_where"),
                (
                    "Événements.csv",
                    "'Événements' is not a valid KQL table name; rename the file to letters, digits and underscores starting with a letter, such as _v_nements"
                ),
            ])
        func invalidNames(name: String, message: String) throws {
            let folder = try makeFolder([(name, "A\n1\n")])
            let error = try #require(loadError(folder))
            #expect(error.code == .invalidTableName)
            #expect(error.description == "\(folder.path)/\(name): \(message)")
        }

        @Test("identifiers with underscores and digits are fine")
        func validNames() throws {
            let folder = try makeFolder([("_private.csv", "A\n1\n"), ("Device_Events2.csv", "A\n1\n")])
            #expect(try load(folder).keys.sorted() == ["Device_Events2", "_private"])
        }

        @Test("a link to nowhere is listed, and loading says it cannot be read")
        func danglingLink() throws {
            let folder = try TemporaryFolder()
            let link = folder.path + "/Gone.csv"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder.path + "/missing.csv")
            let error = try #require(loadError(folder))
            #expect(error.code == .unreadableFile)
            #expect(error.path == link)
            #expect(error.line == nil)
            #expect(
                error.description
                    == "\(link): cannot read the file: it does not exist (a link to a missing file?); remove it or fix the link"
            )
        }

        @Test("a caller's schema types the columns of its tables")
        func customSchema() throws {
            let folder = try makeFolder([
                ("Custom.csv", "N,When,Other\n7,2024-05-01,x\n"), ("Custom2.jsonl", "{\"When\": \"2024-05-01\"}\n"),
            ])
            let when = ColumnSchema(name: "When", type: .datetime)
            let custom = HuntingSchema(tables: [
                TableSchema(name: "Custom", columns: [ColumnSchema(name: "N", type: .int), when]),
                TableSchema(name: "Custom2", columns: [when]),
            ])
            let tables = try TableFolder.load(from: URL(fileURLWithPath: folder.path), schema: custom)
            #expect(tables["Custom"].map(schema(_:)) == ["N:int", "When:datetime", "Other:string"])
            #expect(tables["Custom"]?.row(0) == [.int(7), date("2024-05-01"), .string("x")])
            #expect(tables["Custom2"]?[0, 0] == date("2024-05-01"))
        }

        @Test("an empty folder has no tables")
        func emptyFolder() throws {
            let folder = try TemporaryFolder()
            #expect(try load(folder).isEmpty)
            #expect(try TableFolder(directory: URL(fileURLWithPath: folder.path)).tableNames.isEmpty)
        }

        @Test("a missing folder, and a file given as the folder")
        func missingFolder() throws {
            let folder = try TemporaryFolder()
            let missing = folder.path + "/nope"
            let error = try #require(loadError(directory: missing))
            #expect(error.code == .folderNotFound)
            #expect(
                error.description
                    == "\(missing): the tables folder does not exist; pass a folder of .csv, .jsonl or .json files")

            let file = try folder.write("T.csv", "A\n")
            do {
                _ = try TableFolder(directory: URL(fileURLWithPath: file))
                Issue.record("a file was accepted as a folder")
            } catch {
                #expect(error.code == .notAFolder)
                #expect(
                    error.description
                        == "\(file): this is a file, not a folder; pass the folder that holds the table files")
            }
        }
    }
}
