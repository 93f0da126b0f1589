import Foundation
import Testing
import TestSupport

@testable import KQL

@Suite("Parser: errors and recovery")
struct ParserRecoveryTests {
    /// `line:col message` of each error.
    static func errors(_ text: String) -> [String] {
        KQLParser.parse(text).errors.map { "\($0.location?.description ?? "?") \($0.message)" }
    }

    @Test func threeErrorsInOnePipeChainAreAllReported() {
        let text = """
            DeviceEvents
            | where Timestamp >
            | project A, , B
            | extend = 5
            | take 10
            """
        let parsed = KQLParser.parse(text, path: "three.kql")
        #expect(
            parsed.errors.map(\.description) == [
                "three.kql:3:1: error: expected an expression, found '|'",
                "three.kql:3:14: error: expected an expression, found ','",
                "three.kql:4:10: error: expected an expression, found '='",
            ])
        #expect(parsed.errors.allSatisfy { $0.code == "syntax-error" })
        // The operators around the errors are still in the tree.
        #expect(parsed.script.queries.first?.operators.map(\.name) == ["take"])
    }

    @Test func errorsInSeveralStatements() {
        let text = """
            let a = ;
            let b = (1;
            let c = 3;
            T | where z == | take c
            """
        #expect(
            Self.errors(text) == [
                "1:9 expected an expression, found ';'",
                "2:11 expected ')' to close the parenthesis, found ';'",
                "4:16 expected an expression, found '|'",
            ])
        let script = KQLParser.parse(text).script
        #expect(script.statements.count == 2)  // `let c` and the query
    }

    @Test func renderedDiagnosticShowsTheLineAndACaret() throws {
        let text = "T\n| where A == | project B\n"
        let parsed = KQLParser.parse(text, path: "q.kql")
        let error = try #require(parsed.errors.first)
        #expect(
            error.rendered(with: text) == """
                q.kql:2:14: error: expected an expression, found '|'
                 2 | | where A == | project B
                   |              ^
                """)
        let tabbed = "T\n|\twhere A ==\n"
        let tabError = try #require(KQLParser.parse(tabbed).errors.first)
        #expect(tabError.rendered(with: tabbed).hasSuffix(" 3 | \n   | ^"))
    }

    @Test func missingPipeIsReportedAndTheOperatorStillRead() {
        let parsed = KQLParser.parse("DeviceEvents\n where x == 1\n| take 1")
        #expect(parsed.errors.map(\.message) == ["expected '|' before 'where', found 'where'"])
        #expect(parsed.script.queries.first?.operators.map(\.name) == ["where", "take"])
    }

    /// Found by the kql-parser fuzzer: an operator kept as raw tokens with a bracket never closed
    /// swallowed the rest of the text silently, and printed back as another tree.
    @Test func anUnclosedBracketInARawOperatorIsAnError() throws {
        let parsed = KQLParser.parse("let x = T\n| graph-shortest-paths where Total[Certs == 0")
        let error = try #require(parsed.errors.first)
        #expect(error.message == "'[' is never closed")
        #expect(error.location?.line == 2)
        #expect(error.location?.column == 35)
        #expect(!KQLParser.parse("T | graph-shortest-paths where a[0] == 1 | take 1").hasErrors)
    }

    @Test func unknownOperator() {
        #expect(
            Self.errors("T | wher x == 1 | take 1") == [
                "1:5 expected a tabular operator (where, project, extend, summarize, …) after '|', found 'wher'"
            ])
    }

    @Test func singleEqualsInWhere() {
        #expect(Self.errors("T | where x = 1") == ["1:13 expected '|', ';' or the end of the query, found '='"])
    }

    @Test func unclosedParenthesisAtTheEnd() {
        #expect(
            Self.errors("T | join kind=inner (U | where x") == [
                "1:33 expected ')' to close the parenthesis, found the end of the query"
            ])
    }

    @Test func strayClosingParenthesis() {
        #expect(Self.errors("T | where x)\n| take 1") == ["1:12 expected '|', ';' or the end of the query, found ')'"])
    }

    @Test func letWithoutName() {
        #expect(Self.errors("let = 5;\nT") == ["1:5 expected a name after 'let', found '='"])
    }

    @Test func letWithoutSemicolon() {
        #expect(Self.errors("let x = 1\nT | take x") == ["2:1 expected ';' after the let statement, found 'T'"])
    }

    @Test func lexerErrorsAreNotRepeated() {
        let parsed = KQLParser.parse("T | where x == \u{201C}a\u{201D}")
        #expect(parsed.errors.map(\.code) == ["unexpected-character", "unexpected-character"])
    }

    /// Inputs nested 10,000 levels deep, by name (the texts are built in the test, so a failure
    /// does not print megabytes).
    static let deepInputs: [String: String] = {
        let n = 10_000
        func repeated(_ s: String) -> String { String(repeating: s, count: n) }
        return [
            "parentheses": repeated("(") + "1" + repeated(")"),
            "calls": "T | where " + repeated("f(") + "1" + repeated(")"),
            "unary minus": "print " + repeated("-") + "1",
            "unions": "union " + repeated("(union ") + "T" + repeated(")"),
            "function bodies": repeated("let f = () { "),
            "mv-apply": "T | mv-apply x on (" + repeated("mv-apply x on ("),
            "fork": "T | fork " + repeated("(fork "),
            "partition": "T | partition by x {" + repeated("T | partition by x { "),
            "between": "print x between (" + repeated("y between ("),
            "in lists": "T | where a in (" + repeated("b in ("),
            "members": "T | project " + repeated("a.") + "b",
            "indexes": "print " + repeated("a["),
            "additions": "print " + repeated("1 + ") + "1",
            "or chain": "print " + repeated("x or ") + "y",
        ]
    }()

    @Test(arguments: deepInputs.keys.sorted())
    func deepNestingIsADiagnosticNotACrash(name: String) throws {
        let parsed = KQLParser.parse(Self.deepInputs[name]!)
        let error = try #require(parsed.errors.first)
        #expect(error.code == "nesting-too-deep")
        #expect(parsed.errors.count == 1, "\(parsed.errors.prefix(3).map(\.description))")
        _ = KQLPrinter.print(parsed.script)
    }

    @Test func moderateNestingIsFine() {
        let text = "print " + String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30)
        #expect(Self.errors(text).isEmpty)
    }

    /// Random token soup never traps or hangs, and always yields some diagnostics or a tree.
    @Test func randomTokenSequencesNeverCrash() {
        let vocabulary = [
            "T", "|", "where", "project", "extend", "summarize", "by", "join", "on", "(", ")", "[", "]", "{", "}",
            ",", ";", "=", "==", "let", "x", "1", "'s'", "and", "or", "in", "!in~", "between", "..", "$left", ".",
            "mv-apply", "to", "typeof", "datatable", "union", "fork", "partition", "make-series", "step", "from",
            "render", "with", "kind", "hint.strategy", "*", "-", "parse", "parse-kv", "as", "evaluate", "top-nested",
            "of", "dynamic([1,2])", "view", ":", "string", "find", "search", "range", "print", "scan", "|",
        ]
        var generator = SplitMix64(seed: 2024)
        for _ in 0..<3000 {
            let count = Int.random(in: 1...40, using: &generator)
            var text = ""
            for _ in 0..<count { text += vocabulary.randomElement(using: &generator)! + " " }
            let parsed = KQLParser.parse(text)
            _ = KQLPrinter.print(parsed.script)
        }
    }

    /// What the parser accepts prints back to the same tree, even for random input.
    @Test func acceptedRandomInputRoundTrips() {
        let vocabulary = ["T", "| where", "| project", "x", "1", "==", "and", "(", ")", ",", "| take", "f(", "-", "'a'", "+"]
        var generator = SplitMix64(seed: 7)
        var accepted = 0
        for _ in 0..<5000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...12, using: &generator) { text += vocabulary.randomElement(using: &generator)! + " " }
            let parsed = KQLParser.parse(text)
            guard !parsed.hasErrors else { continue }
            accepted += 1
            let reparsed = KQLParser.parse(KQLPrinter.print(parsed.script))
            #expect(reparsed.script == parsed.script, "\(text)")
        }
        #expect(accepted > 50)
    }
}
