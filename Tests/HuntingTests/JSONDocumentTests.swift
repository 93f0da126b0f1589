import Foundation
import KQL
import Testing

@testable import Hunting

private func parseJSON(_ text: String, maxDepth: Int = JSONDocument.defaultMaxDepth) throws(JSONDocumentError) -> JSONDocument {
    try JSONDocument.parse(Array(text.utf8), path: "hunt.json", maxDepth: maxDepth)
}

@Suite("JSON documents with locations")
struct JSONDocumentTests {
    // MARK: valid documents

    struct Valid: CustomStringConvertible, Sendable {
        var text: String
        var expected: JSONValue.Content
        var description: String { text }
    }

    static let scalars: [Valid] = [
        Valid(text: "null", expected: .null),
        Valid(text: " true ", expected: .bool(true)),
        Valid(text: "\n\tfalse\r\n", expected: .bool(false)),
        Valid(text: "0", expected: .number(JSONNumber(text: "0"))),
        Valid(text: "-0.5e+10", expected: .number(JSONNumber(text: "-0.5e+10"))),
        Valid(text: "1E-3", expected: .number(JSONNumber(text: "1E-3"))),
        Valid(text: #""""#, expected: .string("")),
        Valid(text: #""plain""#, expected: .string("plain")),
        Valid(text: "[]", expected: .array([])),
        Valid(text: "{}", expected: .object(JSONObject())),
    ]

    @Test(arguments: scalars)
    func parsesValidDocuments(_ valid: Valid) throws {
        #expect(try parseJSON(valid.text).root.content == valid.expected)
    }

    @Test func valuesCarryTheirLineAndColumn() throws {
        let text = """
            {
              "name": "contoso",
              "list": [1, {"é": true}, null],
              "deep": {"a": {"b": -2}}
            }
            """
        let root = try parseJSON(text).root
        #expect(root.location == SourceLocation(offset: 0, line: 1, column: 1))
        let object = try #require(root.objectValue)
        #expect(object.keys == ["name", "list", "deep"])
        let name = try #require(object.member("name"))
        #expect(name.keyLocation.description == "2:3")
        #expect(name.value.location.description == "2:11")
        let list = try #require(object["list"]?.arrayValue)
        #expect(list.map(\.location.description) == ["3:12", "3:15", "3:28"])
        // Columns count Unicode scalars: "é" is two bytes but one column.
        let inner = try #require(list[1].objectValue?.member("é"))
        #expect(inner.keyLocation.description == "3:16")
        #expect(inner.value.location.description == "3:21")
        #expect(inner.value.location.offset == 44)
        let b = try #require(object["deep"]?.objectValue?["a"]?.objectValue?["b"])
        #expect(b.numberValue?.int64 == -2)
        #expect(b.location.description == "4:23")
    }

    @Test func keepsKeyOrder() throws {
        let object = try #require(try parseJSON(#"{"z": 1, "a": 2, "m": 3}"#).root.objectValue)
        #expect(object.keys == ["z", "a", "m"])
    }

    @Test func skipsAByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"a": [1,]}"#.utf8)
        #expect {
            _ = try JSONDocument.parse(bytes, path: "hunt.json")
        } throws: { error in
            (error as? JSONDocumentError)?.description == "hunt.json:1:9: error: trailing comma before ']'; remove it (JSON allows none)"
        }
        let document = try JSONDocument.parse([0xEF, 0xBB, 0xBF] + Array(" [true]".utf8), path: "x.json")
        #expect(document.root.location == SourceLocation(offset: 4, line: 1, column: 2))
    }

    @Test func lineBreaksOfEveryKindCount() throws {
        let array = try #require(try parseJSON("[1,\r\n2,\r3,\n4]").root.arrayValue)
        #expect(array.map(\.location.description) == ["1:2", "2:1", "3:1", "4:1"])
    }

    // MARK: numbers

    @Test func keepsBigIntegersExactly() throws {
        let array = try #require(try parseJSON("[9223372036854775807, 9223372036854775808, -9223372036854775808, 123456789012345678901234567890, 0.1, 1e400, 2.0]").root.arrayValue)
        let numbers = array.compactMap(\.numberValue)
        #expect(numbers.map(\.text) == ["9223372036854775807", "9223372036854775808", "-9223372036854775808", "123456789012345678901234567890", "0.1", "1e400", "2.0"])
        #expect(numbers[0].int64 == Int64.max)
        #expect(numbers[1].int64 == nil)
        #expect(numbers[1].isInteger)
        #expect(numbers[2].int64 == Int64.min)
        #expect(numbers[3].int64 == nil)
        #expect(numbers[3].double == 123456789012345678901234567890.0)
        #expect(numbers[4].double == 0.1)
        #expect(numbers[4].int64 == nil)
        #expect(numbers[5].double == nil)  // not finite
        #expect(numbers[6].isInteger == false)
    }

    // MARK: strings

    struct Escape: CustomStringConvertible, Sendable {
        var json: String
        var expected: String
        var description: String { json }
    }

    static let escapes: [Escape] = [
        Escape(json: #""a\"b""#, expected: "a\"b"),
        Escape(json: #""back\\slash\/""#, expected: "back\\slash/"),
        Escape(json: #""\b\f\n\r\t""#, expected: "\u{08}\u{0C}\n\r\t"),
        Escape(json: #""\u0041\u00e9\u20AC""#, expected: "Aé€"),
        Escape(json: #""\u0000""#, expected: "\u{0}"),
        Escape(json: #""\uD83D\uDE00 grin""#, expected: "😀 grin"),
        Escape(json: #""\ud834\udd1e""#, expected: "𝄞"),
        Escape(json: #""raw é 😀""#, expected: "raw é 😀"),
        Escape(json: #""mixed é\n😀""#, expected: "mixed é\n😀"),
    ]

    @Test(arguments: escapes)
    func decodesEscapes(_ escape: Escape) throws {
        #expect(try parseJSON(escape.json).root.stringValue == escape.expected)
    }

    // MARK: errors

    struct Failure: CustomStringConvertible, Sendable {
        var text: String
        var at: String
        var message: String
        var code: JSONDocumentError.Code = .syntax
        var description: String { text }
    }

    static let failures: [Failure] = [
        Failure(text: "", at: "1:1", message: "the file is empty; write a JSON value such as {}"),
        Failure(text: "  \n ", at: "2:2", message: "the file is empty; write a JSON value such as {}"),
        Failure(
            text: "{\n  \"a\": 1,\n  \"b\": [1, 2}\n}", at: "3:13", message: "expected ',' or ']' after an array element, found '}'"),
        Failure(
            text: "{\n  \"tenants\": [\n    {\"name\": \"x\"]\n  ]\n}", at: "3:17",
            message: "expected ',' or '}' after an object member, found ']'"),
        Failure(text: #"{"a": 1 "b": 2}"#, at: "1:9", message: "expected ',' or '}' after an object member, found a string"),
        Failure(text: "{\"a\": 1,\n}", at: "1:8", message: "trailing comma before '}'; remove it (JSON allows none)"),
        Failure(text: "[1, 2,\n  ]", at: "1:6", message: "trailing comma before ']'; remove it (JSON allows none)"),
        Failure(text: "{\n  // note\n  \"a\": 1}", at: "2:3", message: "expected a key in double quotes, found a comment (JSON allows none)"),
        Failure(text: "[1, /* x */ 2]", at: "1:5", message: "expected a value, found a comment (JSON allows none)"),
        Failure(text: "{name: 1}", at: "1:2", message: "expected a key in double quotes, found 'name'"),
        Failure(text: "{'name': 1}", at: "1:2", message: "expected a key in double quotes, found a single quote (JSON strings use double quotes)"),
        Failure(text: #"{"a" 1}"#, at: "1:6", message: "expected ':' after the key 'a', found a number"),
        Failure(text: #"{"a": }"#, at: "1:7", message: "expected a value, found '}'"),
        Failure(text: "[True]", at: "1:2", message: "expected a value, found 'True' (write true in lowercase)"),
        Failure(text: "[nul]", at: "1:2", message: "expected a value, found 'nul'"),
        Failure(text: "[nullx]", at: "1:2", message: "expected a value, found 'nullx'"),
        Failure(text: "[\u{201C}a\u{201D}]", at: "1:2", message: "expected a value, found '\u{201C}' (U+201C; JSON strings use straight double quotes)"),
        Failure(text: "[1] [2]", at: "1:5", message: "expected the end of the file after the top-level value, found '['"),
        Failure(text: "[01]", at: "1:2", message: "a number cannot start with 0 followed by digits; write it without leading zeros"),
        Failure(text: "[-]", at: "1:3", message: "expected a digit after '-', found ']'"),
        Failure(text: "[1.]", at: "1:4", message: "expected a digit after the decimal point, found ']'"),
        Failure(text: "[1e+]", at: "1:5", message: "expected a digit in the exponent, found ']'"),
        Failure(text: "[.5]", at: "1:2", message: "expected a value, found '.'"),
        Failure(text: "[+1]", at: "1:2", message: "expected a value, found '+'"),
        Failure(text: "{\"a\": [1, 2", at: "1:12", message: "expected ',' or ']' after an array element, found the end of the file"),
        Failure(text: "[\"é\", \"abc", at: "1:7", message: "unterminated string; close it with '\"'"),
        Failure(text: "[\"abc\ndef\"]", at: "1:2", message: "unterminated string: a string cannot span lines (write a line break in it as \\n)"),
        Failure(text: "[\"a\tb\"]", at: "1:4", message: "a string cannot hold a tab, which must be written \\t"),
        Failure(text: "[\"a\u{01}b\"]", at: "1:4", message: "a string cannot hold control character U+0001, which must be written \\u0001"),
        Failure(text: #"["a\x"]"#, at: "1:4", message: #"invalid escape '\x'; JSON knows \" \\ \/ \b \f \n \r \t and \uXXXX"#),
        Failure(text: #"["\u12G4"]"#, at: "1:3", message: "expected four hex digits after \\u"),
        Failure(
            text: #"["ok", "\uD83D x"]"#, at: "1:9",
            message: "lone high surrogate \\uD83D; follow it with a low surrogate (\\uDC00 to \\uDFFF) to write one character"),
        Failure(text: #"["\uD83D\u0041"]"#, at: "1:3", message: "lone high surrogate \\uD83D; follow it with a low surrogate (\\uDC00 to \\uDFFF) to write one character"),
        Failure(text: #"["\uDE00"]"#, at: "1:3", message: "lone low surrogate \\uDE00; a low surrogate must follow a high one (\\uD800 to \\uDBFF)"),
        Failure(
            text: "{\n  \"name\": 1,\n  \"name\": 2\n}", at: "3:3", message: "duplicate key 'name' (first at 2:3); a key may appear once in an object",
            code: .duplicateKey),
        Failure(
            text: "[{\"a\": 1}, {\"b\": 1, \"a\": 2, \"b\": 3}]", at: "1:29", message: "duplicate key 'b' (first at 1:13); a key may appear once in an object",
            code: .duplicateKey),
    ]

    @Test(arguments: failures)
    func reportsEachErrorWhereItIs(_ failure: Failure) {
        do {
            _ = try parseJSON(failure.text)
            Issue.record("parsed \(failure.text)")
        } catch {
            #expect(error.location.description == failure.at)
            #expect(error.message == failure.message)
            #expect(error.code == failure.code)
            #expect(error.description == "hunt.json:\(failure.at): error: \(failure.message)")
        }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        let bytes: [UInt8] = Array("[\"ok\", \"a".utf8) + [0xFF, 0x22, 0x5D]
        #expect {
            _ = try JSONDocument.parse(bytes, path: "x.json")
        } throws: { error in
            let error = error as? JSONDocumentError
            return error?.code == .invalidUTF8 && error?.location.description == "1:8"
        }
    }

    @Test func limitsNesting() throws {
        let ok = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(throws: Never.self) { _ = try parseJSON(ok) }
        let tooDeep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        do {
            _ = try parseJSON(tooDeep)
            Issue.record("parsed 257 levels")
        } catch {
            #expect(error.code == .tooDeep)
            #expect(error.location.description == "1:257")
            #expect(error.message == "arrays and objects nest deeper than 256 levels here; flatten the document")
        }
        // Hostile input far beyond the limit fails the same way instead of overflowing the stack.
        let hostile = String(repeating: "{\"a\":", count: 100_000)
        #expect(throws: JSONDocumentError.self) { _ = try parseJSON(hostile) }
        #expect(throws: JSONDocumentError.self) { _ = try parseJSON("[[[1]]]", maxDepth: 2) }
    }

    // MARK: reading by shape

    @Test func readerReportsUnknownKeysWrongTypesAndRangesTogether() throws {
        let text = """
            {
              "concurrency": {"widht": 4, "callsPerMinute": "45"},
              "output": {"rows": -1, "formats": ["html", 3]},
              "cloud": "globl",
              "weird key": true
            }
            """
        let reader = JSONDocumentReader(try parseJSON(text))
        let root = try #require(reader.root.object(keys: ["concurrency", "output", "cloud"]))
        let concurrency = try #require(root.object("concurrency", keys: ["width", "callsPerMinute"], required: ["width"]))
        #expect(concurrency.int("callsPerMinute", in: 1...Int.max) == nil)
        let output = try #require(root.object("output", keys: ["rows", "formats"]))
        #expect(output.int("rows", in: 0...Int.max) == nil)
        #expect(output.strings("formats") == nil)
        #expect(root.choice("cloud", ["global", "gcc", "china"]) == nil)
        let lines = reader.diagnostics.inSourceOrder().map(\.description)
        #expect(lines == [
            "hunt.json:2:18: error: concurrency: missing 'width', which is required",
            "hunt.json:2:19: error: unknown key 'widht' in concurrency; did you mean 'width'?",
            "hunt.json:2:49: error: concurrency.callsPerMinute: expected a whole number, found a string",
            "hunt.json:3:22: error: output.rows: must be at least 0, found -1",
            "hunt.json:3:46: error: output.formats[1]: expected a string, found a number",
            "hunt.json:4:12: error: cloud: expected global, gcc or china, found 'globl'; did you mean 'global'?",
            "hunt.json:5:3: error: unknown key 'weird key' at the top level (known: concurrency, output, cloud)",
        ])
    }

    @Test func readerNamesOddKeysAndArrayElements() throws {
        let text = #"{"overrides": {"execution/encoded-powershell": {"enabled": "no"}}, "list": [{"x": 1.5}]}"#
        let reader = JSONDocumentReader(try parseJSON(text))
        let root = try #require(reader.root.object())
        let overrides = try #require(root.object("overrides"))
        for member in overrides.members { _ = member.value.object(keys: ["enabled"])?.bool("enabled") }
        _ = root.array("list")?.first?.object(keys: ["x"])?.int("x", in: 0...10)
        #expect(reader.diagnostics.map(\.message) == [
            #"overrides["execution/encoded-powershell"].enabled: expected true or false, found a string"#,
            "list[0].x: expected a whole number, found 1.5",
        ])
    }

    @Test func readerAcceptsAStringOrAnArrayOfStrings() throws {
        let reader = JSONDocumentReader(try parseJSON(#"{"a": "one", "b": ["one", "two"], "c": [], "d": {}}"#))
        let root = try #require(reader.root.object())
        #expect(root.strings("a") == ["one"])
        #expect(root.strings("b") == ["one", "two"])
        #expect(root.strings("c", nonEmpty: true) == nil)
        #expect(root.strings("d") == nil)
        #expect(root.strings("missing") == nil)
        #expect(reader.diagnostics.map(\.message) == [
            "c: must list at least one value", "d: expected a string or an array of strings, found an object",
        ])
    }
}
