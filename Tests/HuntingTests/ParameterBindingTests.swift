import Foundation
import Testing
import TestSupport

@testable import Hunting
@testable import KQL

@Suite("Parameter binding")
struct ParameterBindingTests {
    static let text = """
        // @title: Binding
        let lookback = 7d;   // how far
        let minCount = 5;
        let label = "default";
        let names = dynamic(["a.exe"]);
        let since = datetime(2024-01-01);
        let ratio = 0.5;
        let flag = false;
        let small = int(3);
        let id = guid(00000000-0000-0000-0000-000000000000);
        let names2 = names;
        T | where Timestamp > ago(lookback) | where Label == label | take minCount
        """

    static var query: HuntingQuery { parse(text).query! }

    /// The bound text must equal the original with exactly the literal ranges replaced: every
    /// other byte is unchanged.
    func expectOnlyLiteralsReplaced(_ bound: BoundQuery, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let original = Array(bound.query.text.utf8)
        var expected: [UInt8] = []
        var cursor = 0
        let replacements = bound.query.parameters.flatMap { parameter in
            parameter.literalRanges.map { (range: $0, name: parameter.name) }
        }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for replacement in replacements {
            expected += original[cursor..<replacement.range.lowerBound]
            let value = bound.values.first { $0.name == replacement.name }!.value
            expected += bound.overridden.contains(replacement.name) ? Array(value.kqlLiteral.utf8) : Array(original[replacement.range])
            cursor = replacement.range.upperBound
        }
        expected += original[cursor...]
        #expect(Array(bound.text.utf8) == expected, sourceLocation: sourceLocation)
    }

    @Test func replacesOnlyTheLiteralTokens() throws {
        let bound = try Self.query.bind([
            "lookback": "3d", "minCount": "10", "label": "x\"; DeviceInfo | take 1 //", "names": "b.exe, c.exe",
            "since": "2024-02-01T08:00:00Z", "ratio": "nan", "flag": "TRUE", "small": "-7", "id": "{8A2B1C3D-0000-4000-8000-0123456789AB}",
        ])
        expectOnlyLiteralsReplaced(bound)
        #expect(bound.text.contains(#"let label = 'x"; DeviceInfo | take 1 //';"#))
        #expect(bound.text.contains(#"let names = dynamic(["b.exe", "c.exe"]);"#))
        #expect(bound.text.contains("let lookback = 3d;   // how far"))
        #expect(bound.text.contains("let since = datetime(2024-02-01T08:00:00.0000000Z);"))
        #expect(bound.text.contains("let ratio = real(nan);"))
        #expect(bound.text.contains("let small = int(-7);"))
        #expect(bound.text.contains("let id = guid(8a2b1c3d-0000-4000-8000-0123456789ab);"))
        #expect(bound.text.hasSuffix("T | where Timestamp > ago(lookback) | where Label == label | take minCount"))
        #expect(bound.overridden.count == 9)
    }

    @Test func defaultsAreLeftByteForByte() throws {
        let bound = try Self.query.bind([:])
        #expect(bound.text == Self.query.text)
        #expect(bound.values.map(\.value) == Self.query.parameters.map(\.defaultValue))
    }

    /// Hostile strings, bound and lexed again, are one literal token with the same value, and
    /// the rest of the query has the same tokens.
    @Test func generatedHostileValuesStayInsideTheirLiteral() throws {
        let query = Self.query
        let originalTokens = Lexer.lex(query.text).tokens.map(\.text)
        let labelIndex = try #require(originalTokens.firstIndex(of: "\"default\""))
        var generator = SplitMix64(seed: 11)
        let pieces = ["\"", "'", "\\", "\n", "\r", "`", "```", "|", ";", "//", "@\"", "h'", "\u{0}", "é", "\u{2028}", "take 1", ")", "dynamic("]
        for _ in 0..<3000 {
            var value = ""
            for _ in 0..<Int(generator.next() % 10) { value += pieces[Int(generator.next() % UInt64(pieces.count))] }
            let bound = try query.bind(["label": value])
            expectOnlyLiteralsReplaced(bound)
            let tokens = Lexer.lex(bound.text).tokens
            #expect(tokens.count == originalTokens.count)
            #expect(tokens[labelIndex].value == .string(value))
            for (i, token) in tokens.enumerated() where i != labelIndex {
                #expect(token.text == originalTokens[i])
            }
        }
    }

    @Test(arguments: [
        ("lookback", "abc", "lookback: expected a timespan like 7d or 1.12:00:00, got \"abc\""),
        ("lookback", "7", "lookback: expected a timespan like 7d or 1.12:00:00, got \"7\""),
        ("minCount", "ten", "minCount: expected a whole number like 10, got \"ten\""),
        ("minCount", "99999999999999999999", "minCount: expected a whole number like 10, got \"99999999999999999999\""),
        ("small", "3000000000", "small: expected a whole number between -2147483648 and 2147483647, got \"3000000000\""),
        ("since", "yesterday", "since: expected a date like 2024-01-31 or 2024-01-31T08:00:00Z, got \"yesterday\""),
        ("flag", "maybe", "flag: expected true or false, got \"maybe\""),
        ("id", "xyz", "id: expected a GUID like 8a2b1c3d-0000-4000-8000-0123456789ab, got \"xyz\""),
        ("ratio", "1,5", "ratio: expected a number like 0.5, nan or inf, got \"1,5\""),
        ("names", "[1,", "names: expected JSON like [\"a\", \"b\"] or {\"key\": 1}, got invalid JSON (expected a value)"),
        ("lookbak", "1d", "unknown parameter 'lookbak'; did you mean 'lookback'? (declared: lookback, minCount, label, names, since, ratio, flag, small, id)"),
    ])
    func badValuesGetClearErrors(name: String, value: String, message: String) {
        #expect {
            try Self.query.bind([name: value])
        } throws: { error in
            let error = error as! ParameterBindingError
            return error.problems.map(\.message) == [message] && error.description == "q.kql: \(message)"
        }
    }

    @Test func everyProblemIsReportedAtOnce() {
        #expect {
            try Self.query.bind(["lookback": "x", "minCount": "y", "nope": "1"])
        } throws: { error in
            (error as! ParameterBindingError).problems.map(\.name) == ["lookback", "minCount", "nope"]
        }
    }

    @Test func typedValuesConvertOnlyWhenExact() throws {
        let bound = try Self.query.bind(values: ["minCount": .int(12), "ratio": .long(2), "lookback": .string("2h")])
        #expect(bound.text.contains("let minCount = 12;"))
        #expect(bound.text.contains("let ratio = 2.0;"))
        #expect(bound.text.contains("let lookback = 2h;"))
        #expect(throws: ParameterBindingError.self) { try Self.query.bind(values: ["small": .long(1 << 40)]) }
        #expect(throws: ParameterBindingError.self) { try Self.query.bind(values: ["flag": .real(1)]) }
    }

    @Test func redeclaredParameterIsReplacedEverywhere() throws {
        let query = try #require(parse("let n = 1;\nlet n = 2;\nT | take n").query)
        let bound = try query.bind(["n": "9"])
        #expect(bound.text == "let n = 9;\nlet n = 9;\nT | take n")
    }

    @Test func signedAndJoinedLiteralsAreReplacedWhole() throws {
        let query = try #require(parse("let n = -1d;\nlet s = \"a\" 'b';\nT").query)
        #expect(query.parameters.map(\.defaultValue) == [.timespan(.days(-1)), .string("ab")])
        let bound = try query.bind(["n": "2h", "s": "c"])
        #expect(bound.text == "let n = 2h;\nlet s = \"c\";\nT")
    }
}
