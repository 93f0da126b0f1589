import Foundation
import Testing
import TestSupport

@testable import Hunting
@testable import KQL

func parse(_ text: String, id: String = "test") -> (query: HuntingQuery?, diagnostics: [Diagnostic]) {
    QueryFileParser.parse(text, id: id, path: "q.kql")
}

@Suite("Query files")
struct QueryFileTests {
    static let sample = """
        // @title: Encoded PowerShell
        // @description: PowerShell with -EncodedCommand.
        // @severity: high
        // @tags: execution, powershell
        // @mitre: T1059.001, t1027
        // @owner: Detection Engineering
        // @timespan: P7D
        // @keys: DeviceId, ProcessCommandLine
        // @enabled: true
        // @param lookback: How far back to look.
        let lookback = 7d;
        let minLength = 40;   // shortest base64 run
        let names = dynamic(["powershell.exe", "pwsh.exe"]);
        let since = datetime(2024-01-01);
        let label = "a \\"quoted\\" label";
        let offset = -5;
        let computed = ago(1d);
        DeviceProcessEvents
        | where Timestamp > ago(lookback) and FileName in~ (names)
        | where strlen(ProcessCommandLine) > minLength
        """

    @Test func readsMetadata() throws {
        let (query, diagnostics) = parse(Self.sample)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let m = try #require(query).metadata
        #expect(m.title == "Encoded PowerShell")
        #expect(m.description == "PowerShell with -EncodedCommand.")
        #expect(m.severity == .high)
        #expect(m.tags == ["execution", "powershell"])
        #expect(m.mitre == ["T1059.001", "T1027"])
        #expect(m.owner == "Detection Engineering")
        #expect(m.timespan == .days(7))
        #expect(m.keys == ["DeviceId", "ProcessCommandLine"])
        #expect(m.enabled)
    }

    @Test func readsParametersTypedByTheirLiteral() throws {
        let query = try #require(parse(Self.sample).query)
        #expect(query.parameters.map(\.name) == ["lookback", "minLength", "names", "since", "label", "offset"])
        #expect(query.parameters.map(\.type) == [.timespan, .long, .dynamic, .datetime, .string, .long])
        #expect(query.parameter(named: "offset")?.defaultValue == .long(-5))
        #expect(query.parameter(named: "label")?.defaultValue == .string("a \"quoted\" label"))
        #expect(query.parameter(named: "lookback")?.documentation == "How far back to look.")
        #expect(query.parameter(named: "minLength")?.documentation == "shortest base64 run")
        #expect(query.parameter(named: "computed") == nil)  // not a literal
        let offset = try #require(query.text.range(of: "let lookback")).lowerBound.utf16Offset(in: query.text) + 4
        #expect(query.parameter(named: "lookback")?.location == KQL.SourceLocation(offset: offset, line: 11, column: 5))
        #expect(query.bodyLocation.line == 18)
    }

    @Test func plainHeaderCommentsBecomeTheDescription() throws {
        let text = """
            // Finds certutil downloads.
            // Attackers use it as a downloader.
            // ------------------------------
            //
            // Second paragraph.
            DeviceProcessEvents | take 1
            """
        let query = try #require(parse(text, id: "folder/certutil").query)
        #expect(query.metadata.description == "Finds certutil downloads. Attackers use it as a downloader.\n\nSecond paragraph.")
        #expect(query.metadata.title == "certutil")
        #expect(query.metadata.severity == .medium)
    }

    @Test(arguments: [
        ("// @severity: critical\nT", "invalid-metadata", Diagnostic.Severity.error, 1, 15),
        ("// @mitre: T1059, X12\nT", "invalid-metadata", .error, 1, 12),
        ("// @timespan: soon\nT", "invalid-metadata", .error, 1, 15),
        ("// @enabled: maybe\nT", "invalid-metadata", .error, 1, 14),
        ("// @title:\nT", "invalid-metadata", .error, 1, 11),
        ("// @severty: high\nT", "unknown-metadata-key", .warning, 1, 5),
        ("// @title x\nT", "malformed-metadata", .warning, 1, 5),
        ("// @title: a\n// @title: b\nT", "duplicate-metadata", .warning, 2, 5),
        ("// @timespan: P60D\nT", "timespan-beyond-retention", .warning, 1, 15),
        ("// @param nope: x\nlet a = 1;\nT", "unknown-parameter-doc", .warning, 1, 11),
        ("let a = 1;\n// @severity: high\nT", "misplaced-metadata", .warning, 2, 5),
        ("let a = 1;\nlet a = 2;\nT", "parameter-redeclared", .warning, 2, 5),
        ("", "empty-file", .error, 1, 1),
        ("// only a comment\n", "no-query-body", .error, 1, 1),
        ("let a = 1;\nlet b = 2;", "no-query-body", .error, 2, 11),
        ("T | where x == 'oops\n", "unterminated-string", .error, 1, 16),
    ])
    func badInputGetsLocatedDiagnostics(text: String, code: String, severity: Diagnostic.Severity, line: Int, column: Int) throws {
        let (query, diagnostics) = parse(text)
        let diagnostic = try #require(diagnostics.first { $0.code == code }, "\(diagnostics)")
        #expect(diagnostic.severity == severity)
        #expect(diagnostic.path == "q.kql")
        #expect(diagnostic.location?.line == line)
        #expect(diagnostic.location?.column == column)
        #expect((query == nil) == (severity == .error))
    }

    @Test func unknownKeySuggestsTheClosestOne() {
        let message = parse("// @severty: high\nT").diagnostics.first?.message ?? ""
        #expect(message.contains("did you mean @severity?"))
    }

    @Test func mentionsAreNotDirectives() {
        #expect(parse("// thanks @alex for this\n// @alex wrote it\nT").diagnostics.isEmpty)
    }

    @Test func lintDisableSilencesWarningsButNotErrors() {
        let silenced = parse("// @lint-disable: unknown-metadata-key\n// @colour: red\nT")
        #expect(silenced.diagnostics.isEmpty)
        let errors = parse("// @lint-disable: invalid-metadata\n// @severity: huge\nT")
        #expect(errors.diagnostics.map(\.code) == ["invalid-metadata"])
    }

    @Test func lintDisableMayLeaveOutTheColon() throws {
        let query = try #require(parse("// @lint-disable no-time-filter unknown-column\nT").query)
        #expect(query.metadata.disabledDiagnostics == ["no-time-filter", "unknown-column"])
        #expect(parse("// @lint-disable no-time-filter\nT").diagnostics.isEmpty)
    }

    @Test func byteOrderMarkAndCRLFAreFine() throws {
        let query = try #require(parse("\u{FEFF}// @title: BOM\r\nlet x = 5;\r\nT | take x\r\n").query)
        #expect(query.metadata.title == "BOM")
        #expect(query.parameters.first?.location.line == 2)
        #expect(!query.text.hasPrefix("\u{FEFF}"))
    }
}
