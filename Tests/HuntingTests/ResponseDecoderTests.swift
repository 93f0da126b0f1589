import Foundation
import Testing
import TestSupport

@testable import Hunting
@testable import KQL

@Suite("Response decoder")
struct ResponseDecoderTests {
    // The two example payloads of /work/shared/spec/examples, inlined (tests carry no resources).
    static let graphExample = SpecExamples.graph

    static let legacyExample = SpecExamples.legacy

    static func decode(_ text: String) throws -> DecodedResponse {
        try HuntingResponseDecoder.decode(Array(text.utf8))
    }

    /// A one-column body with `cell` as the only row's value.
    static func oneCell(type: String, _ cell: String, name: String = "C") throws -> KQLValue {
        let table = try decode(#"{"schema":[{"name":"\#(name)","type":"\#(type)"}],"results":[{"\#(name)":\#(cell)}]}"#).table
        return table[0, 0]
    }

    static func date(_ text: String) -> KQLValue { .datetime(LiteralSyntax.parseDateTime(text)!) }

    // MARK: The example payloads

    @Test func graphExampleDecodes() throws {
        let decoded = try Self.decode(Self.graphExample)
        let table = decoded.table
        #expect(table.schema.map(\.name) == ["DeviceName", "DeviceId", "Connections", "Ports", "FirstSeen", "AvgPort", "AnyRdp"])
        #expect(table.schema.map(\.type) == [.string, .string, .long, .dynamic, .datetime, .real, .bool])
        #expect(table.rowCount == 2)
        #expect(decoded.stats == nil)
        #expect(decoded.truncated == false)
        #expect(table.row(0) == [
            .string("ws-0142.contoso.local"), .string("3f2a9c1e0b7d4c55a1e8f0b2c3d4e5f6a7b8c9d0"), .long(418),
            .dynamic(.array([.long(3389), .long(22)])), Self.date("2026-05-04T06:12:44.1234567Z"), .real(3276.4), .bool(true),
        ])
        #expect(table[1, 3] == .dynamic(.array([.long(22)])))
        #expect(table[1, 4] == Self.date("2026-05-05T22:01:03.5000000Z"))
        #expect(table.columns[4].rawText(row: 1) == "2026-05-05T22:01:03.5Z")
        #expect(table[1, 5] == .real(22))
        #expect(table[1, 6] == .bool(false))
    }

    @Test func legacyExampleDecodesWithStats() throws {
        let decoded = try Self.decode(Self.legacyExample)
        #expect(decoded.table.schema.map(\.name) == ["Timestamp", "DeviceName", "FileName", "ProcessId"])
        #expect(decoded.table.schema.map(\.type) == [.datetime, .string, .string, .long])
        #expect(decoded.table.row(1) == [
            Self.date("2026-05-06T09:13:58.0021119Z"), .string("ws-0142.contoso.local"), .string("conhost.exe"), .long(7288),
        ])
        guard case .bag(let stats)? = decoded.stats else {
            Issue.record("Stats is not an object")
            return
        }
        #expect(stats.map(\.key) == ["ExecutionTime", "resource_usage", "dataset_statistics"])
        #expect(stats[0].value == .real(2.8731246))
        guard case .bag(let usage) = stats[1].value, case .bag(let cpu) = usage[1].value else {
            Issue.record("resource_usage.cpu missing")
            return
        }
        #expect(cpu.last?.key == "total cpu")
        #expect(cpu.last?.value == .string("00:00:03.3125000"))
    }

    @Test func acceptsDataAndByteArrays() throws {
        let fromData = try HuntingResponseDecoder.decode(Data(Self.graphExample.utf8))
        let fromArray = try HuntingResponseDecoder.decode(Array(Self.graphExample.utf8))
        #expect(fromData == fromArray)
    }

    // MARK: Shapes

    @Test func resultsBeforeSchema() throws {
        let body = #"{"results":[{"A":1,"B":"x"},{"B":"y"}],"Stats":null,"schema":[{"name":"A","type":"Int32"},{"name":"B","type":"String"}]}"#
        let table = try Self.decode(body).table
        #expect(table.row(0) == [.int(1), .string("x")])
        #expect(table.row(1) == [.null(.int), .string("y")])
    }

    @Test func caseInsensitiveTopLevelAndSchemaKeys() throws {
        let body = #"{"SCHEMA":[{"NAME":"A","tYpE":"int64","extra":{"x":[1]}}],"RESULTS":[{"A":5}],"@odata.count":1}"#
        let table = try Self.decode(body).table
        #expect(table.schema.map(\.name) == ["A"])
        #expect(table[0, 0] == .long(5))
    }

    @Test func exactTopLevelKeyWinsOverCaseInsensitiveOne() throws {
        let body = #"{"RESULTS":[{"A":1}],"results":[{"A":2}],"schema":[{"name":"A","type":"Int64"}],"Schema":[{"name":"B","type":"Int64"}]}"#
        let table = try Self.decode(body).table
        #expect(table.schema.map(\.name) == ["A"])
        #expect(table[0, 0] == .long(2))
    }

    @Test func camelCaseRowKeysMatchCaseInsensitively() throws {
        // Microsoft's own v1.0 example 2 (spec §0.5).
        let body = #"{"schema":[{"name":"Timestamp","type":"DateTime"},{"name":"FileName","type":"String"}],"results":[{"timestamp":"2024-03-26T09:39:50.7688641Z","fileName":"a.exe"}]}"#
        let table = try Self.decode(body).table
        #expect(table.row(0) == [Self.date("2024-03-26T09:39:50.7688641Z"), .string("a.exe")])
    }

    @Test func exactRowKeyWinsEvenAfterACaseInsensitiveOne() throws {
        let body = #"{"schema":[{"name":"Name","type":"String"}],"results":[{"name":"lower","Name":"exact"},{"NAME":"only"}]}"#
        let table = try Self.decode(body).table
        #expect(table[0, 0] == .string("exact"))
        #expect(table[1, 0] == .string("only"))
    }

    @Test func duplicateCaseColumnNamesBothWork() throws {
        // DeviceProcessEvents has LogonId (session) and LogonID (user) (spec §6).
        let schema = #"[{"name":"LogonId","type":"Int64"},{"name":"LogonID","type":"Int64"}]"#
        let exact = try Self.decode(#"{"schema":\#(schema),"results":[{"LogonID":2,"LogonId":1}]}"#).table
        #expect(exact.row(0) == [.long(1), .long(2)])
        let camel = try Self.decode(#"{"schema":\#(schema),"results":[{"logonID":2,"logonId":1}]}"#).table
        #expect(camel.row(0) == [.long(1), .long(2)])
    }

    @Test func missingKeysAreNullsAndUnknownKeysAreIgnored() throws {
        let body = #"{"schema":[{"name":"S","type":"String"},{"name":"N","type":"Int64"},{"name":"D","type":"DateTime"},{"name":"X","type":"Object"}],"results":[{"junk":{"a":[1,{"b":"}"}]},"N":3},{},{"S":"s"}]}"#
        let table = try Self.decode(body).table
        #expect(table.rowCount == 3)
        #expect(table.row(0) == [.string(""), .long(3), .null(.datetime), .dynamic(.null)])
        #expect(table.row(1) == [.string(""), .null(.long), .null(.datetime), .dynamic(.null)])
        #expect(table.row(2) == [.string("s"), .null(.long), .null(.datetime), .dynamic(.null)])
        #expect(table.columns[2].rawText(row: 0) == "")
    }

    @Test func keyOrderMayChangeFromRowToRow() throws {
        let body = #"{"schema":[{"name":"A","type":"Int64"},{"name":"B","type":"String"},{"name":"C","type":"Boolean"}],"results":[{"A":1,"B":"x","C":true},{"C":false,"A":2,"B":"y"},{"B":"z","Q":0,"A":3}]}"#
        let table = try Self.decode(body).table
        #expect(table.row(0) == [.long(1), .string("x"), .bool(true)])
        #expect(table.row(1) == [.long(2), .string("y"), .bool(false)])
        #expect(table.row(2) == [.long(3), .string("z"), .null(.bool)])
    }

    @Test func emptySchemaAndEmptyResults() throws {
        #expect(try Self.decode(#"{"schema":[],"results":[]}"#).table.rowCount == 0)
        let noColumns = try Self.decode(#"{"schema":[],"results":[{},{"a":1}]}"#).table
        #expect(noColumns.columns.isEmpty)
        #expect(noColumns.rowCount == 2)
        let noRows = try Self.decode(#"{"schema":[{"name":"A","type":"Guid"}],"results":[]}"#).table
        #expect(noRows.schema.map(\.type) == [.guid])
        #expect(noRows.rowCount == 0)
    }

    @Test func whitespaceAndByteOrderMarkAreAccepted() throws {
        let body = "\u{FEFF} \n{ \"schema\" :\t[ { \"name\" : \"A\" , \"type\" : \"Int64\" } ] ,\r\n \"results\" : [ { \"A\" : -7 } , { } ] } \n"
        let table = try Self.decode(body).table
        #expect(table[0, 0] == .long(-7))
        #expect(table[1, 0] == .null(.long))
    }

    // MARK: Types

    @Test(arguments: [
        ("String", "String"), ("string", "String"), ("Int32", "Int32"), ("Int16", "Int32"), ("Byte", "Int32"),
        ("UInt16", "Int32"), ("SByte", "Boolean"), ("Boolean", "Boolean"), ("Int64", "Int64"), ("UInt32", "Int64"),
        ("UInt64", "Int64"), ("Double", "Double"), ("Single", "Double"), ("DateTime", "DateTime"), ("Guid", "Guid"),
        ("TimeSpan", "TimeSpan"), ("timespan", "TimeSpan"), ("Object", "Object"), ("Dynamic", "Object"),
        ("Decimal", "Decimal"), ("SqlDecimal", "Decimal"), ("System.Int64", "Int64"), ("long", "Int64"),
        ("Frobnicator", "String"), ("", "String"),
    ])
    func apiTypeNames(name: String, canonical: String) {
        #expect(KQLScalarType(apiTypeName: name).apiTypeName == canonical)
    }

    @Test func apiTypeNamesRoundTrip() {
        for type in KQLScalarType.allCases {
            #expect(KQLScalarType(apiTypeName: type.apiTypeName) == type)
        }
    }

    static let cellCases: [(type: String, cell: String, expected: KQLValue)] = [
        ("String", #""plain""#, .string("plain")),
        ("String", "null", .string("")),
        ("String", "42", .string("42")),
        ("String", #"{"a": [1, true]}"#, .string(#"{"a": [1, true]}"#)),
        ("String", "true", .string("true")),
        ("Int32", "2147483647", .int(.max)),
        ("Int32", "-2147483648", .int(.min)),
        ("Int32", "2147483648", .null(.int)),
        ("Int32", #""123""#, .int(123)),
        ("Int32", "null", .null(.int)),
        ("Int64", "9007199254740993", .long(9_007_199_254_740_993)),
        ("Int64", "-9007199254740993", .long(-9_007_199_254_740_993)),
        ("Int64", "9223372036854775807", .long(.max)),
        ("Int64", "-9223372036854775808", .long(.min)),
        ("Int64", "9223372036854775808", .null(.long)),
        ("Int64", "123456789012345678901234", .null(.long)),
        ("Int64", "3.0", .long(3)),
        ("Int64", "1e3", .long(1000)),
        ("Int64", "3.5", .null(.long)),
        ("Int64", #""-42""#, .long(-42)),
        ("Int64", #""12x""#, .null(.long)),
        ("Int64", "true", .null(.long)),
        ("Int64", "[1]", .null(.long)),
        ("UInt64", "18446744073709551615", .null(.long)),
        ("Double", "3276.4", .real(3276.4)),
        ("Double", "-0.5e-3", .real(-0.0005)),
        ("Double", "1", .real(1)),
        ("Double", "12345678901234567890.5", .real(12_345_678_901_234_567_890.5)),
        ("Double", "2.2250738585072014e-308", .real(2.2250738585072014e-308)),
        ("Double", "0.1", .real(0.1)),
        ("Double", #""NaN""#, .real(.nan)),
        ("Double", #""Infinity""#, .real(.infinity)),
        ("Double", #""-Infinity""#, .real(-.infinity)),
        ("Double", #""2.5""#, .real(2.5)),
        ("Double", "null", .null(.real)),
        ("Boolean", "true", .bool(true)),
        ("Boolean", "false", .bool(false)),
        ("Boolean", "1", .bool(true)),
        ("Boolean", "0", .bool(false)),
        ("Boolean", "2", .null(.bool)),
        ("Boolean", #""True""#, .bool(true)),
        ("Boolean", #""false""#, .bool(false)),
        ("Boolean", "null", .null(.bool)),
        ("SByte", "1", .bool(true)),
        ("DateTime", #""2024-03-26T09:39:50Z""#, date("2024-03-26T09:39:50Z")),
        ("DateTime", #""2024-03-26T09:39:50.7Z""#, date("2024-03-26T09:39:50.7Z")),
        ("DateTime", #""2024-03-26T09:39:50.76Z""#, date("2024-03-26T09:39:50.76Z")),
        ("DateTime", #""2024-03-26T09:39:50.768Z""#, date("2024-03-26T09:39:50.768Z")),
        ("DateTime", #""2024-03-26T09:39:50.7688Z""#, date("2024-03-26T09:39:50.7688Z")),
        ("DateTime", #""2024-03-26T09:39:50.76886Z""#, date("2024-03-26T09:39:50.76886Z")),
        ("DateTime", #""2024-03-26T09:39:50.768864Z""#, date("2024-03-26T09:39:50.768864Z")),
        ("DateTime", #""2024-03-26T09:39:50.7688641Z""#, date("2024-03-26T09:39:50.7688641Z")),
        ("DateTime", #""2024-03-26T09:39:50.768864199Z""#, date("2024-03-26T09:39:50.7688641Z")),
        ("DateTime", #""2024-03-26T11:39:50.5+02:00""#, date("2024-03-26T09:39:50.5Z")),
        ("DateTime", #""2024-03-26T09:39:50""#, date("2024-03-26T09:39:50Z")),
        ("DateTime", #""2024-03-26""#, date("2024-03-26T00:00:00Z")),
        ("DateTime", #""0001-01-01T00:00:00Z""#, .datetime(.min)),
        ("DateTime", #""9999-12-31T23:59:59.9999999Z""#, .datetime(.max)),
        ("DateTime", #""2024-02-30T00:00:00Z""#, .null(.datetime)),
        ("DateTime", #""yesterday""#, .null(.datetime)),
        ("DateTime", "1711445990", .null(.datetime)),
        ("DateTime", "null", .null(.datetime)),
        ("Guid", #""8a2b1c3d-0000-4000-8000-0123456789ab""#, .guid(UUID(uuidString: "8a2b1c3d-0000-4000-8000-0123456789ab")!)),
        ("Guid", #""{8A2B1C3D-0000-4000-8000-0123456789AB}""#, .guid(UUID(uuidString: "8a2b1c3d-0000-4000-8000-0123456789ab")!)),
        ("Guid", #""8a2b1c3d-0000-4000-8000-0123456789zz""#, .null(.guid)),
        ("Guid", "null", .null(.guid)),
        ("TimeSpan", #""00:00:19.0468750""#, .timespan(KQLTimespan(ticks: 190_468_750))),
        ("TimeSpan", #""-1.02:03:04""#, .timespan(KQLTimespan(ticks: -(KQLTimespan.day + 2 * KQLTimespan.hour + 3 * KQLTimespan.minute + 4 * KQLTimespan.second)))),
        ("TimeSpan", "190468750", .timespan(KQLTimespan(ticks: 190_468_750))),
        ("TimeSpan", #""soon""#, .null(.timespan)),
        ("Decimal", "12.50", .decimal(Decimal(string: "12.50")!)),
        ("Decimal", #""-0.001""#, .decimal(Decimal(string: "-0.001")!)),
        ("Decimal", "null", .null(.decimal)),
        ("Object", "[3389, 22]", .dynamic(.array([.long(3389), .long(22)]))),
        ("Object", #"{"b": 1.5, "a": [null, true, "x"], "big": 18446744073709551615}"#,
         .dynamic(.bag([("b", .real(1.5)), ("a", .array([.null, .bool(true), .string("x")])), ("big", .real(1.8446744073709551615e19))]))),
        ("Object", #""{\"b\":1,\"a\":[2]}""#, .dynamic(.bag([("b", .long(1)), ("a", .array([.long(2)]))]))),
        ("Object", #""[1, 2] ""#, .dynamic(.array([.long(1), .long(2)]))),
        ("Object", #""not json""#, .dynamic(.string("not json"))),
        ("Object", #""{broken""#, .dynamic(.string("{broken"))),
        ("Object", #""""#, .dynamic(.string(""))),
        ("Object", "7", .dynamic(.long(7))),
        ("Object", "7.0", .dynamic(.real(7))),
        ("Object", "null", .dynamic(.null)),
        ("Frobnicator", #""text""#, .string("text")),
        ("Frobnicator", #"{"x": [1, 2]}"#, .string(#"{"x": [1, 2]}"#)),
        ("Frobnicator", "1.50", .string("1.50")),
    ]

    @Test(arguments: cellCases)
    func cellTyping(type: String, cell: String, expected: KQLValue) throws {
        #expect(try Self.oneCell(type: type, cell) == expected, "\(type) \(cell)")
    }

    @Test func dateTimeRawTextIsKept() throws {
        let body = #"{"schema":[{"name":"T","type":"DateTime"}],"results":[{"T":"2024-03-26T09:39:50.76Z"},{"T":"garbage"},{"T":null},{"T":12}]}"#
        let column = try Self.decode(body).table.columns[0]
        #expect((0..<4).map { column.rawText(row: $0) } == ["2024-03-26T09:39:50.76Z", "garbage", "", "12"])
        #expect((0..<4).map { column[$0] } == [Self.date("2024-03-26T09:39:50.76Z"), .null(.datetime), .null(.datetime), .null(.datetime)])
    }

    // MARK: Strings

    @Test(arguments: [
        (#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
        (#""\u0041\u00e9\u4e2d""#, "Aé中"),
        (#""\ud83d\ude00 smile""#, "😀 smile"),
        (#""x\uD83D\uDE00y""#, "x😀y"),
        (#""lone \ud83d here""#, "lone \u{FFFD} here"),
        (#""lone low \ude00""#, "lone low \u{FFFD}"),
        (#""\ud83d\u0041""#, "\u{FFFD}A"),
        (#""\u0000""#, "\u{0}"),
        (#""raw é 中 😀""#, "raw é 中 😀"),
        (#""an eight-byte-aligned \"quote\" after a long plain run""#, "an eight-byte-aligned \"quote\" after a long plain run"),
    ])
    func stringEscapes(cell: String, expected: String) throws {
        #expect(try Self.oneCell(type: "String", cell) == .string(expected))
        // Keys go through the same reader.
        let keyed = try Self.decode(#"{"schema":[{"name":\#(cell),"type":"Int64"}],"results":[{\#(cell):1}]}"#).table
        #expect(keyed.columns[0].name == expected)
        #expect(keyed[0, 0] == .long(1))
    }

    @Test func invalidUTF8IsRepairedNotFatal() throws {
        let prefix = Array(#"{"schema":[{"name":"S","type":"String"}],"results":[{"S":"ok "#.utf8)
        for bad: [UInt8] in [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF]] {
            for escaped in [false, true] {
                let middle = escaped ? Array(#"\n"#.utf8) : []
                let body = prefix + middle + bad + Array(#" end"}]}"#.utf8)
                let table = try HuntingResponseDecoder.decode(body).table
                guard case .string(let text) = table[0, 0] else { Issue.record("not a string"); continue }
                #expect(text.hasPrefix("ok "))
                #expect(text.hasSuffix(" end"))
                #expect(text.contains("\u{FFFD}"))
                // The stored bytes are valid UTF-8 themselves, not only when read back as String.
                guard case .string(let storage) = table.columns[0].storage else { continue }
                #expect(String(validating: storage.bytes, as: UTF8.self) != nil)
            }
        }
    }

    // MARK: Errors

    static let secret = "SECRET-CELL-7f3a"

    static let malformed: [(name: String, body: String, code: ResponseDecodingError.Code)] = [
        ("empty", "", .notJSON),
        ("whitespace", "  \n ", .notJSON),
        ("html", "<html><body>\(secret)</body></html>", .notJSON),
        ("array", #"[{"schema":[]}]"#, .notAnObject),
        ("string", #""\#(secret)""#, .notAnObject),
        ("no schema", #"{"results":[{"A":"\#(secret)"}]}"#, .missingSchema),
        ("no results", #"{"schema":[{"name":"A","type":"String"}]}"#, .missingResults),
        ("schema not array", #"{"schema":{"name":"A"},"results":[]}"#, .invalidSchema),
        ("schema item not object", #"{"schema":["A"],"results":[]}"#, .invalidSchema),
        ("schema item without name", #"{"schema":[{"type":"String"}],"results":[]}"#, .invalidSchema),
        ("schema name not string", #"{"schema":[{"name":5,"type":"String"}],"results":[]}"#, .invalidSchema),
        ("results not array", #"{"schema":[],"results":{"A":"\#(secret)"}}"#, .resultsNotArray),
        ("results null", #"{"schema":[],"results":null}"#, .resultsNotArray),
        ("results first, not array", #"{"results":"\#(secret)","schema":[]}"#, .resultsNotArray),
        ("row not object", #"{"schema":[{"name":"A","type":"String"}],"results":[{"A":"\#(secret)"},["\#(secret)"]]}"#, .rowNotObject),
        ("truncated in string", #"{"schema":[{"name":"A","type":"String"}],"results":[{"A":"\#(secret)"#, .unexpectedEnd),
        ("truncated after value", #"{"schema":[{"name":"A","type":"String"}],"results":[{"A":"\#(secret)""#, .unexpectedEnd),
        ("truncated in results", #"{"schema":[{"name":"A","type":"String"}],"results":[{"A":"\#(secret)"},"#, .unexpectedEnd),
        ("truncated in number", #"{"schema":[{"name":"A","type":"Int64"}],"results":[{"A":-"#, .unexpectedEnd),
        ("truncated in literal", #"{"schema":[{"name":"A","type":"Boolean"}],"results":[{"A":tr"#, .unexpectedEnd),
        ("truncated in skipped value", #"{"schema":[],"results":[],"x":{"a":["\#(secret)""#, .unexpectedEnd),
        ("truncated in escape", #"{"schema":[{"name":"A","type":"String"}],"results":[{"A":"\u12"#, .unexpectedEnd),
        ("truncated in schema", #"{"schema":[{"name":"A","#, .unexpectedEnd),
        ("bad escape", #"{"schema":[{"name":"A","type":"String"}],"results":[{"A":"\#(secret)\q"}]}"#, .invalidJSON),
        ("bad unicode escape", #"{"schema":[{"name":"A","type":"String"}],"results":[{"A":"\#(secret)\u12G4"}]}"#, .invalidJSON),
        ("missing colon", #"{"schema":[{"name":"A","type":"String"}],"results":[{"A" "\#(secret)"}]}"#, .invalidJSON),
        ("missing comma", #"{"schema":[{"name":"A","type":"String"}],"results":[{"A":"\#(secret)" "B":1}]}"#, .invalidJSON),
        ("bare word value", #"{"schema":[{"name":"A","type":"String"}],"results":[{"A":\#(secret)}]}"#, .invalidJSON),
        ("bad number", #"{"schema":[{"name":"A","type":"Double"}],"results":[{"A":1.}]}"#, .invalidJSON),
        ("trailing text", #"{"schema":[],"results":[]} \#(secret)"#, .invalidJSON),
        ("mismatched brackets in skipped value", #"{"schema":[],"results":[],"x":[1,2}}"#, .invalidJSON),
        ("too deep", #"{"schema":[{"name":"A","type":"Object"}],"results":[{"A":"# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}]}", .tooDeep),
    ]

    @Test(arguments: malformed)
    func malformedBodiesGiveTheRightError(name: String, body: String, code: ResponseDecodingError.Code) {
        do {
            let decoded = try Self.decode(body)
            Issue.record("\(name): decoded \(decoded.table.rowCount) rows, expected \(code)")
        } catch let error as ResponseDecodingError {
            #expect(error.code == code, "\(name): \(error)")
            #expect(!error.description.contains(Self.secret), "\(name): \(error)")
            #expect(!error.description.contains("SECRET"), "\(name): \(error)")
            #expect(error.offset <= body.utf8.count)
        } catch {
            Issue.record("\(name): unexpected error type \(error)")
        }
    }

    @Test func errorsSayWhereAndWhat() throws {
        let body = "{\"schema\":[{\"name\":\"A\",\"type\":\"Int64\"}],\n\"results\":[\n{\"A\":1},\n{\"A\":2 \"B\":3}]}"
        let error = try #require(throws: ResponseDecodingError.self) { try Self.decode(body) }
        #expect(error.code == .invalidJSON)
        #expect(error.line == 4)
        #expect(error.column == 8)
        #expect(error.message == "expected ',' or '}' in a row object, found a string, in row 2 of results")
        #expect(error.description == "response body:4:8 (byte \(error.offset)): \(error.message)")
        let truncated = try #require(throws: ResponseDecodingError.self) { try Self.decode(#"{"schema":[],"results":[{"#) }
        #expect(truncated.code == .unexpectedEnd)
        #expect(truncated.offset == 25)
        #expect(truncated.message.contains("ends"))
    }

    // MARK: Row cap

    @Test func hundredThousandRowsMeansTruncated() throws {
        func body(rows: Int) -> [UInt8] {
            var out = Array(#"{"schema":[{"name":"N","type":"Int64"},{"name":"S","type":"String"}],"results":["#.utf8)
            out.reserveCapacity(rows * 24)
            for row in 0..<rows {
                if row > 0 { out.append(UInt8(ascii: ",")) }
                out += Array(#"{"N":\#(row),"S":"r\#(row)"}"#.utf8)
            }
            out += Array("]}".utf8)
            return out
        }
        let full = try HuntingResponseDecoder.decode(body(rows: 100_000))
        #expect(full.truncated)
        #expect(full.table.rowCount == 100_000)
        #expect(full.table[99_999, 0] == .long(99_999))
        #expect(full.table[99_999, 1] == .string("r99999"))
        #expect(try HuntingResponseDecoder.decode(body(rows: 99_999)).truncated == false)
    }

    // MARK: Round trip

    @Test(arguments: 0..<8)
    func randomTableRoundTrip(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed) &* 7919 &+ 17)
        let table = RandomTable.make(using: &random)
        let body = TestJSONWriter.body(for: table, using: &random)
        let decoded = try HuntingResponseDecoder.decode(Array(body.utf8)).table
        #expect(decoded.schema.map(\.name) == table.schema.map(\.name))
        #expect(decoded.schema.map(\.type) == table.schema.map(\.type))
        #expect(decoded.rowCount == table.rowCount)
        for column in table.columns.indices {
            for row in 0..<table.rowCount where decoded[row, column] != table[row, column] {
                Issue.record("seed \(seed) row \(row) column \(table.columns[column].name): \(decoded[row, column]) != \(table[row, column])")
                return
            }
        }
    }

    // MARK: Fuzz

    @Test(.timeLimit(.minutes(2)))
    func mutatedBodiesDecodeOrThrowButNeverCrash() {
        var random = SplitMix64(seed: 20_260_506)
        let graph = Array(Self.graphExample.utf8)
        let legacy = Array(Self.legacyExample.utf8)
        let inserts: [[UInt8]] = ["\"", "{", "}", "[", "]", ",", ":", "\\", "\\u", "\\ud83d", "null", "-", "1e999", "\u{0}", "é"].map { Array($0.utf8) }
        var outcomes = (decoded: 0, thrown: 0)
        for iteration in 0..<2_000 {
            var body = iteration.isMultiple(of: 2) ? graph : legacy
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                guard !body.isEmpty else { break }
                let at = Int.random(in: 0..<body.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: body.removeSubrange(at...)
                case 1: body[at] ^= UInt8.random(in: 1...255, using: &random)
                case 2: body.insert(contentsOf: inserts.randomElement(using: &random)!, at: at)
                case 3: body.remove(at: at)
                default: body[at] = [UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "]")].randomElement(using: &random)!
                }
            }
            do {
                let decoded = try HuntingResponseDecoder.decode(body)
                #expect(decoded.table.columns.allSatisfy { $0.count == decoded.table.rowCount })
                outcomes.decoded += 1
            } catch {
                #expect(error.offset <= body.count)
                outcomes.thrown += 1
            }
        }
        #expect(outcomes.decoded + outcomes.thrown == 2_000)
        #expect(outcomes.decoded > 0)
        #expect(outcomes.thrown > 0)
    }
}

// MARK: - Helpers

/// Random tables of every column type, with nulls, awkward strings and extreme numbers.
enum RandomTable {
    static func make(using random: inout SplitMix64) -> KQLTable {
        let types = KQLScalarType.allCases
        let columnCount = Int.random(in: 1...12, using: &random)
        let schema: [(name: String, type: KQLScalarType)] = (0..<columnCount).map { index in
            ("Col\(index)_" + ["a", "É", "x y", "q\"t"].randomElement(using: &random)!, types.randomElement(using: &random)!)
        }
        let rowCount = Int.random(in: 0...60, using: &random)
        var builder = KQLTableBuilder(schema: schema)
        for _ in 0..<rowCount {
            builder.appendRow(schema.map { value(of: $0.type, using: &random) })
        }
        return builder.finish()
    }

    static func value(of type: KQLScalarType, using random: inout SplitMix64) -> KQLValue {
        if type != .string, Int.random(in: 0..<6, using: &random) == 0 { return .null(of: type) }
        switch type {
        case .string: return .string(string(using: &random))
        case .bool: return .bool(Bool.random(using: &random))
        case .int: return .int([Int32.min, Int32.max, 0, -1, Int32.random(in: .min ... .max, using: &random)].randomElement(using: &random)!)
        case .long:
            return .long([Int64.min, Int64.max, 9_007_199_254_740_993, -9_007_199_254_740_993, Int64.random(in: .min ... .max, using: &random)]
                .randomElement(using: &random)!)
        case .real:
            let special: [Double] = [.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 0.1, 1e22, 1e23]
            return .real(Bool.random(using: &random) ? special.randomElement(using: &random)! : Double.random(in: -1e12...1e12, using: &random))
        case .decimal: return .decimal(Decimal(string: "\(Int.random(in: -99_999...99_999, using: &random)).\(Int.random(in: 0...99, using: &random))")!)
        case .datetime: return .datetime(KQLDateTime(ticks: Int64.random(in: 0...KQLDateTime.max.ticks, using: &random)))
        case .timespan: return .timespan(KQLTimespan(ticks: Int64.random(in: -(KQLTimespan.day * 20_000)...(KQLTimespan.day * 20_000), using: &random)))
        case .guid: return .guid(UUID(uuid: (0..<16).reduce(into: [UInt8]()) { bytes, _ in bytes.append(.random(in: 0...255, using: &random)) }.withUnsafeBytes { $0.load(as: uuid_t.self) }))
        case .dynamic: return .dynamic(dynamic(depth: 0, using: &random))
        }
    }

    static func string(using random: inout SplitMix64) -> String {
        let pieces = ["", "a", "plain text", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", "é", "中文", "😀", "\u{2028}", "C:\\Windows\\System32\\cmd.exe", "\"quoted\""]
        return (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    static func dynamic(depth: Int, using random: inout SplitMix64) -> KQLDynamic {
        switch Int.random(in: 0..<(depth > 2 ? 5 : 7), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .long(Int64.random(in: .min ... .max, using: &random))
        case 3: return .real(Double.random(in: -1e6...1e6, using: &random))
        // Prefixed so that the text is never itself JSON (a string cell holding JSON is parsed).
        case 4: return .string("s-" + string(using: &random))
        case 5: return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in dynamic(depth: depth + 1, using: &random) })
        default:
            return .bag((0..<Int.random(in: 0...3, using: &random)).map { index in ("k\(index)" + string(using: &random), dynamic(depth: depth + 1, using: &random)) })
        }
    }
}

/// A tiny JSON encoder for tables, written independently of the decoder: random key order, omitted
/// null keys, optional whitespace and `\u` escapes for non-ASCII text.
enum TestJSONWriter {
    static func body(for table: KQLTable, using random: inout SplitMix64) -> String {
        let asciiOnly = Bool.random(using: &random)
        var out = "{\"@odata.context\":\"x\","
        let schema = table.schema.map { "{\"name\":\(string($0.name, asciiOnly: asciiOnly)),\"type\":\"\($0.type.apiTypeName)\"}" }
        let rows = (0..<table.rowCount).map { row -> String in
            var members: [String] = []
            for column in table.columns {
                let value = column[row]
                if value.isNull || value == .string(""), Bool.random(using: &random) { continue }
                members.append(string(column.name, asciiOnly: asciiOnly) + ":" + json(value, asciiOnly: asciiOnly))
            }
            members.shuffle(using: &random)
            return "{" + members.joined(separator: Bool.random(using: &random) ? "," : " ,\n ") + "}"
        }
        let schemaText = "\"schema\":[" + schema.joined(separator: ",") + "]"
        let resultsText = "\"results\":[" + rows.joined(separator: ",") + "]"
        out += Bool.random(using: &random) ? schemaText + "," + resultsText : resultsText + "," + schemaText
        return out + "}"
    }

    static func json(_ value: KQLValue, asciiOnly: Bool) -> String {
        switch value {
        case .null: return "null"
        case .bool(let v): return v ? "true" : "false"
        case .int(let v): return String(v)
        case .long(let v): return String(v)
        case .real(let v):
            if v.isNaN { return "\"NaN\"" }
            if v.isInfinite { return v < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
            return "\(v)"
        case .decimal(let v): return "\(v)"
        case .string(let v): return string(v, asciiOnly: asciiOnly)
        case .datetime(let v): return "\"\(v.iso8601)\""
        case .timespan(let v): return "\"\(v.constantFormat)\""
        case .guid(let v): return "\"\(v.uuidString)\""
        case .dynamic(let v): return v.json
        }
    }

    static func string(_ text: String, asciiOnly: Bool) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0..<0x20: out += String(format: "\\u%04x", scalar.value)
            case 0x80... where asciiOnly:
                // Non-BMP scalars become surrogate pairs, as JSON requires.
                for unit in String(scalar).utf16 { out += String(format: "\\u%04X", unit) }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
