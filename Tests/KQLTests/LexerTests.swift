import Foundation
import Testing
import TestSupport

@testable import KQL

/// The tokens of `text` without the end-of-file token.
func lexTokens(_ text: String) -> [Token] { Array(Lexer.lex(text).tokens.dropLast()) }

@Suite("Lexer")
struct LexerTests {
    @Test func positionsCountLinesAndScalarColumns() {
        let tokens = lexTokens("DeviceInfo\r\n| where Name == \"é\" and X\n  | take 1")
        #expect(tokens.map(\.text) == ["DeviceInfo", "|", "where", "Name", "==", "\"é\"", "and", "X", "|", "take", "1"])
        #expect(tokens[1].range.start == SourceLocation(offset: 12, line: 2, column: 1))
        #expect(tokens[6].range.start.line == 2)
        #expect(tokens[6].range.start.column == 21)  // é counts as one column
        #expect(tokens[8].range.start == SourceLocation(offset: 41, line: 3, column: 3))
    }

    @Test(arguments: [
        ("Name", Token.Kind.identifier), ("$left", .identifier), ("_x1", .identifier), ("5Minutebin", .identifier),
        ("where", .keyword), ("project-away", .keyword), ("mv-expand", .keyword), ("make-series", .keyword),
        ("has", .wordOperator), ("!has", .wordOperator), ("has_cs", .wordOperator), ("!contains", .wordOperator),
        ("in~", .wordOperator), ("!in~", .wordOperator), ("!in", .wordOperator), ("has_any", .wordOperator),
        ("has_all", .wordOperator), ("between", .wordOperator), ("!between", .wordOperator),
        ("startswith", .wordOperator), ("!endswith_cs", .wordOperator), ("matches regex", .wordOperator),
        ("==", .punctuation), ("!=", .punctuation), ("=~", .punctuation), ("!~", .punctuation), ("<>", .punctuation),
        ("<=", .punctuation), (">=", .punctuation), ("..", .punctuation), ("=>", .punctuation), ("|", .punctuation),
        ("['Name with space']", .bracketedName), ("[\"x\"]", .bracketedName),
    ])
    func singleTokens(text: String, kind: Token.Kind) {
        let lexed = Lexer.lex(text)
        #expect(lexed.diagnostics.isEmpty)
        #expect(lexed.tokens.count == 2, "\(lexed.tokens)")
        #expect(lexed.tokens[0].kind == kind)
        #expect(lexed.tokens[0].text == text)
    }

    @Test func everyPunctuationSymbol() {
        let symbols = "== != =~ !~ < <= > >= + - * / % | ; , . .. => ( ) [ ] { } : ="
        let tokens = lexTokens(symbols)
        #expect(tokens.map(\.text) == symbols.split(separator: " ").map(String.init))
        #expect(tokens.allSatisfy { $0.kind == .punctuation })
    }

    @Test func subtractionIsNotAHyphenatedKeyword() {
        #expect(lexTokens("a-b").map(\.text) == ["a", "-", "b"])
        #expect(lexTokens("project -away").map(\.text) == ["project", "-", "away"])
    }

    @Test(arguments: [
        (#""a\"b\\c\n\t""#, "a\"b\\c\n\t"), (#"'it\'s'"#, "it's"), (#""\u00e9\x41\101\0""#, "éAA\u{0}"),
        (#""\uD83D\uDE00""#, "😀"), (#"@"C:\temp\""x""#, #"C:\temp\"x"#), (#"@'a''b'"#, "a'b"),
        (#"h"secret""#, "secret"), (#"H@'C:\x'"#, #"C:\x"#), ("```line1\nline \"2\"```", "line1\nline \"2\""),
        (#""""#, ""),
    ])
    func stringLiterals(text: String, value: String) {
        let lexed = Lexer.lex(text)
        #expect(lexed.diagnostics.isEmpty, "\(lexed.diagnostics)")
        #expect(lexed.tokens.count == 2)
        #expect(lexed.tokens[0].kind == .literal)
        #expect(lexed.tokens[0].value == .string(value))
    }

    @Test(arguments: [
        ("42", KQLValue.long(42)), ("0x1F", .long(31)), ("1.5", .real(1.5)), ("1e-3", .real(0.001)), ("2E+2", .real(200)),
        ("7d", .timespan(.days(7))), ("2h", .timespan(.hours(2))), ("30m", .timespan(.minutes(30))),
        ("10s", .timespan(.seconds(10))), ("100ms", .timespan(KQLTimespan(ticks: 1_000_000))),
        ("5microseconds", .timespan(KQLTimespan(ticks: 50))), ("1tick", .timespan(KQLTimespan(ticks: 1))),
        ("1.5h", .timespan(KQLTimespan(ticks: 54_000_000_000))), ("3days", .timespan(.days(3))), ("15min", .timespan(.minutes(15))),
        ("true", .bool(true)), ("FALSE", .bool(false)),
        ("datetime(2024-01-01)", .datetime(KQLDateTime(year: 2024, month: 1, day: 1)!)),
        ("datetime(2018-06-09T02:23:26.6832917Z)", .datetime(KQLDateTime(year: 2018, month: 6, day: 9, hour: 2, minute: 23, second: 26, fractionTicks: 6_832_917)!)),
        ("datetime(2015-12-31 23:59:59.9)", .datetime(KQLDateTime(year: 2015, month: 12, day: 31, hour: 23, minute: 59, second: 59, fractionTicks: 9_000_000)!)),
        ("datetime('2021-05-04')", .datetime(KQLDateTime(year: 2021, month: 5, day: 4)!)),
        ("datetime(Sat, 8 Nov 14 15:05:02 GMT)", .datetime(KQLDateTime(year: 2014, month: 11, day: 8, hour: 15, minute: 5, second: 2)!)),
        ("datetime(Saturday, 08-Nov-14 15:05)", .datetime(KQLDateTime(year: 2014, month: 11, day: 8, hour: 15, minute: 5)!)),
        ("datetime(\"01/16/2022 08:00:00 PM\")", .datetime(KQLDateTime(year: 2022, month: 1, day: 16, hour: 20)!)),
        ("datetime(null)", .null(.datetime)), ("date(2020-02-29)", .datetime(KQLDateTime(year: 2020, month: 2, day: 29)!)),
        ("time(1.02:03:04.5)", .timespan(KQLTimespan(ticks: KQLTimespan.day + 2 * KQLTimespan.hour + 3 * KQLTimespan.minute + 45_000_000))),
        ("time(2)", .timespan(.days(2))), ("timespan(15 seconds)", .timespan(.seconds(15))), ("time(-1.00:00:00)", .timespan(.days(-1))),
        ("timespan(null)", .null(.timespan)),
        ("guid(74be27de-1e4e-49d9-b579-fe0b331d3642)", .guid(UUID(uuidString: "74be27de-1e4e-49d9-b579-fe0b331d3642")!)),
        ("guid(null)", .null(.guid)), ("bool(true)", .bool(true)), ("int(-2)", .int(-2)), ("int(null)", .null(.int)),
        ("long(-9223372036854775808)", .long(.min)), ("real(+inf)", .real(.infinity)), ("real(-inf)", .real(-.infinity)),
        ("double(0.5)", .real(0.5)), ("decimal(1.25)", .decimal(Decimal(string: "1.25")!)),
        ("dynamic(null)", .dynamic(.null)), ("dynamic([])", .dynamic(.array([]))),
        ("dynamic([1, 'a', \"b\", 2.5, true, null])", .dynamic(.array([.long(1), .string("a"), .string("b"), .real(2.5), .bool(true), .null]))),
        ("dynamic({'k': {\"n\": [-1]}})", .dynamic(.bag([("k", .bag([("n", .array([.long(-1)]))]))]))),
        ("dynamic([\n  \"a\", // first\n  \"b\"\n])", .dynamic(.array([.string("a"), .string("b")]))),
        ("dynamic([datetime(2020-01-01), 1d, guid(null)])", .dynamic(.array([.datetime(KQLDateTime(year: 2020, month: 1, day: 1)!), .timespan(.days(1)), .null]))),
    ])
    func literals(text: String, value: KQLValue) {
        let lexed = Lexer.lex(text)
        #expect(lexed.diagnostics.isEmpty, "\(lexed.diagnostics)")
        #expect(lexed.tokens.count == 2, "\(lexed.tokens)")
        #expect(lexed.tokens[0].kind == .literal)
        #expect(lexed.tokens[0].value == value)
        #expect(lexed.tokens[0].text == text)
    }

    @Test func typedLiteralNeedsAdjacentParenthesis() {
        #expect(lexTokens("datatable(x:int, t:datetime)").map(\.kind).contains(.literal) == false)
        #expect(lexTokens("datetime (2020-01-01)").first?.kind == .identifier)
    }

    @Test func commentsAreTrivia() {
        let lexed = Lexer.lex("// @title: x\nDeviceInfo // trailing\n| take 1")
        #expect(lexed.comments.map(\.text) == ["// @title: x", "// trailing"])
        #expect(lexed.tokens.map(\.text) == ["DeviceInfo", "|", "take", "1", ""])
        #expect(lexed.comments[1].range.start == SourceLocation(offset: 24, line: 2, column: 12))
    }

    @Test func unicodeSpacesAndBOMAreWhitespace() {
        let text = "\u{FEFF}\u{200B}DeviceInfo\u{00A0}|\u{202F}where\u{3000}x"
        let lexed = Lexer.lex(text)
        #expect(lexed.diagnostics.isEmpty)
        #expect(lexed.tokens.map(\.text) == ["DeviceInfo", "|", "where", "x", ""])
        #expect(lexed.tokens[0].range.start.column == 2)  // after the zero-width space, BOM not counted
    }

    @Test(arguments: [
        ("print \"abc", "unterminated-string", 1, 7), ("x\n| where a == 'b\n| take 1", "unterminated-string", 2, 14),
        ("print ```abc", "unterminated-string", 1, 7), ("print \"a\\d\"", "unknown-escape", 1, 9),
        ("print datetime(2024-13-01)", "invalid-literal", 1, 16), ("print guid(nope)", "invalid-literal", 1, 12),
        ("print dynamic([1 2])", "invalid-literal", 1, 18), ("print dynamic([1,", "unterminated-literal", 1, 7), ("print time(2024", "unterminated-literal", 1, 7),
        ("print int(3000000000)", "invalid-literal", 1, 11), ("x | where a == “b”", "unexpected-character", 1, 16),
        ("print 1.5q", "invalid-number", 1, 7), ("print 99999999999999999999", "invalid-number", 1, 7),
        ("print `", "unexpected-character", 1, 7), ("print ~", "unexpected-character", 1, 7),
    ])
    func brokenInputGetsLocatedDiagnostics(text: String, code: String, line: Int, column: Int) throws {
        let lexed = Lexer.lex(text)
        let first = try #require(lexed.diagnostics.first)
        #expect(first.code == code, "\(first)")
        #expect(first.location?.line == line)
        #expect(first.location?.column == column)
        #expect(first.severity == .error)
    }

    @Test func invisibleCharactersAreNamedByCode() {
        #expect(Lexer.lex("x \u{2028} y").diagnostics.map(\.message) == ["unexpected character U+2028"])
        #expect(Lexer.lex("x \u{1B}[31m").diagnostics.first?.message == "unexpected character U+1B")
        #expect(Lexer.lex("x “y”").diagnostics.first?.message == "unexpected character '“' (U+201C); use a straight quote \" instead of a typographic one")
    }

    @Test func unterminatedStringRecoversOnTheNextLine() {
        let lexed = Lexer.lex("T | where a == 'b\n| take 1")
        #expect(lexed.diagnostics.count == 1)
        #expect(lexed.tokens.suffix(3).map(\.text) == ["take", "1", ""])
    }

    @Test func invalidUTF8IsReportedNotTrusted() {
        let lexed = Lexer.lex(bytes: Array("T | where a == ".utf8) + [0xFF, 0xFE] + Array(" x".utf8))
        #expect(lexed.diagnostics.map(\.code).contains("invalid-utf8"))
        #expect(lexed.tokens.last?.kind == .endOfFile)
    }

    @Test func diagnosticsAreCapped() {
        let lexed = Lexer.lex(String(repeating: "~ ", count: 5000))
        #expect(lexed.diagnostics.count == Lexer.maxDiagnostics + 1)
        #expect(lexed.diagnostics.last?.code == "too-many-errors")
    }

    @Test func randomBytesNeverTrapOrHang() {
        var generator = SplitMix64(seed: 7)
        let alphabet = Array("\"'`@hH()[]{}dynamic(datetime(time(guid(int(//\n\r\\ 0123456789.e-+xX=!~<>|;,:abc_$\u{00A0}\u{200B}é“".utf8) + [0xFF, 0x80, 0xC3, 0xE2]
        for _ in 0..<2000 {
            let count = Int(generator.next() % 64)
            let bytes = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let lexed = Lexer.lex(bytes: bytes)
            #expect(lexed.tokens.last?.kind == .endOfFile)
            for token in lexed.tokens {
                #expect(token.range.start.offset <= token.range.end.offset)
                #expect(token.range.end.offset <= bytes.count)
            }
        }
    }
}
