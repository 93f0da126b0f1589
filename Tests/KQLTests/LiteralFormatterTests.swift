import Foundation
import Testing
import TestSupport

@testable import KQL

/// Formats a value and lexes the result back: it must be exactly one literal token, no diagnostics.
func roundTrip(_ value: KQLValue, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let literal = value.kqlLiteral
    let lexed = Lexer.lex(literal)
    #expect(lexed.diagnostics.isEmpty, "\(literal): \(lexed.diagnostics)", sourceLocation: sourceLocation)
    #expect(lexed.tokens.count == 2, "\(literal) lexed as \(lexed.tokens)", sourceLocation: sourceLocation)
    #expect(lexed.tokens.first?.kind == .literal, sourceLocation: sourceLocation)
    #expect(lexed.tokens.first?.value == value, "\(literal) read back as \(String(describing: lexed.tokens.first?.value))", sourceLocation: sourceLocation)
}

@Suite("Literal formatting")
struct LiteralFormatterTests {
    @Test(arguments: [
        (KQLValue.string("a\"b"), #"'a"b'"#), (.string("it's"), #""it's""#), (.string("both \" '"), #""both \" '""#),
        (.string("C:\\x\n"), #""C:\\x\n""#), (.string("\u{0}"), #""\u0000""#), (.long(5), "5"), (.long(-5), "long(-5)"),
        (.int(7), "int(7)"), (.real(1.5), "1.5"), (.real(1), "1.0"), (.real(-2.5), "real(-2.5)"), (.real(.nan), "real(nan)"),
        (.real(.infinity), "real(+inf)"), (.real(-.infinity), "real(-inf)"), (.bool(true), "true"),
        (.datetime(KQLDateTime(year: 2024, month: 1, day: 1)!), "datetime(2024-01-01T00:00:00.0000000Z)"),
        (.timespan(.days(7)), "7d"), (.timespan(.hours(36)), "36h"), (.timespan(KQLTimespan(ticks: 1)), "1tick"),
        (.timespan(KQLTimespan(ticks: 1_000_000)), "100ms"), (.timespan(KQLTimespan(ticks: 50)), "5microsecond"),
        (.timespan(.days(-1)), "time(-1.00:00:00)"), (.null(.datetime), "datetime(null)"), (.null(.int), "int(null)"),
        (.guid(UUID(uuidString: "74BE27DE-1E4E-49D9-B579-FE0B331D3642")!), "guid(74be27de-1e4e-49d9-b579-fe0b331d3642)"),
        (.dynamic(.array([.string("a"), .long(1)])), #"dynamic(["a", 1])"#), (.dynamic(.null), "dynamic(null)"),
        (.dynamic(.bag([("k", .bool(false))])), #"dynamic({"k": false})"#), (.decimal(Decimal(string: "12.50")!), "decimal(12.5)"),
    ])
    func formats(value: KQLValue, literal: String) {
        #expect(value.kqlLiteral == literal)
        roundTrip(value)
    }

    /// ≥10,000 generated strings with quotes, backslashes, line breaks, injection attempts,
    /// Unicode and NUL: each formats to one string token with the same value.
    @Test func generatedStringsRoundTrip() {
        let pieces = [
            "\"", "'", "\\", "\\\"", "\n", "\r\n", "\t", "\u{0}", "\u{7}", "\u{1B}[31m", "\"; DeviceInfo | take 1 //",
            "'; DeviceInfo | take 1 //", "```", "@\"", "h'", "//", "|", ";", "é", "日本", "😀", "\u{200B}", "\u{202F}",
            "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{7F}", "abc", " ", "${x}", "{{x}}", "<script>", "%", "\\u0041", "\\x41",
        ]
        var generator = SplitMix64(seed: 2024)
        for _ in 0..<10_000 {
            var s = ""
            for _ in 0..<Int(generator.next() % 8) {
                if generator.next() % 4 == 0, let scalar = Unicode.Scalar(UInt32(generator.next() % 0x3_0000)) {
                    s.unicodeScalars.append(scalar)
                } else {
                    s += pieces[Int(generator.next() % UInt64(pieces.count))]
                }
            }
            roundTrip(.string(s))
        }
    }

    @Test func edgeValuesOfEveryTypeRoundTrip() {
        for v in [Int64.min, Int64.min + 1, -1, 0, 1, Int64.max] { roundTrip(.long(v)) }
        for v in [Int32.min, -1, 0, Int32.max] { roundTrip(.int(v)) }
        for v in [0.0, -0.0, 1e-300, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .pi, 1e16, 1e300, -1e300, .greatestFiniteMagnitude, .nan, .infinity, -.infinity, 0.1 + 0.2] {
            roundTrip(.real(v))
        }
        for v in [KQLDateTime.min, .max, KQLDateTime(ticks: KQLDateTime.unixEpochTicks), KQLDateTime(ticks: 637_000_000_000_000_001)] {
            roundTrip(.datetime(v))
        }
        for t: Int64 in [0, 1, -1, 9, 10, 10_000, 36_000_000_000, KQLTimespan.day * 10_675_199, Int64.max, Int64.min + 1, -KQLTimespan.day - 1] {
            roundTrip(.timespan(KQLTimespan(ticks: t)))
        }
        for type in KQLScalarType.allCases where type != .string { roundTrip(.null(of: type)) }
        roundTrip(.bool(false))
        roundTrip(.guid(UUID()))
        for d in ["0", "-0.0001", "79228162514264337593543950335", "-12.5"] { roundTrip(.decimal(Decimal(string: d)!)) }
        roundTrip(.dynamic(.bag([("a\"b", .array([.real(.nan), .real(-1.5), .long(.min), .datetime(.max), .timespan(KQLTimespan(ticks: -5)), .guid(UUID()), .null, .string("x\ny")])), ("", .bag([]))])))
    }

    @Test func generatedDynamicValuesRoundTrip() {
        var generator = SplitMix64(seed: 99)
        func make(_ depth: Int) -> KQLDynamic {
            switch generator.next() % (depth > 3 ? 7 : 9) {
            case 0: return .null
            case 1: return .bool(generator.next() % 2 == 0)
            case 2: return .long(Int64(bitPattern: generator.next()))
            case 3: return .real(Double(bitPattern: generator.next()))
            case 4: return .string(String(repeating: "\"'\\\n", count: Int(generator.next() % 3)))
            case 5: return .datetime(KQLDateTime(ticks: Int64(generator.next() % 3_155_378_975_999_999_999)))
            case 6: return .timespan(KQLTimespan(ticks: Int64(bitPattern: generator.next()) / 2))
            case 7: return .array((0..<generator.next() % 4).map { _ in make(depth + 1) })
            default: return .bag((0..<generator.next() % 4).map { i in ("k\(i)", make(depth + 1)) })
            }
        }
        for _ in 0..<2000 { roundTrip(.dynamic(make(0))) }
    }
}
