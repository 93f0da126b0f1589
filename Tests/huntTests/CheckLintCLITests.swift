import Foundation
import Testing
import TestSupport

/// `hunt check` runs the linter: end to end, on files written to a temporary folder.
@Suite("hunt check lints queries")
struct CheckLintCLITests {
    @Test func reportsATypoedTableAndAnUnknownColumn() async throws {
        let folder = try TemporaryFolder()
        try folder.write("typo.kql", """
            // @title: Typo in the table name
            DeviceProcesEvents
            | where Timestamp > ago(1d)
            """)
        try folder.write("column.kql", """
            // @title: Typo in a column name
            let lookback = 1d;
            DeviceProcessEvents
            | where Timestamp > ago(lookback)
            | project DeviceName, FileNmae
            """)
        let result = try await Hunt.run("check", folder.path)
        #expect(result.status == 1)
        #expect(result.stdout == """
            \(folder.path)/column.kql:5:23: warning: unknown column 'FileNmae'; did you mean 'FileName'?
            \(folder.path)/typo.kql:2:1: error: unknown table 'DeviceProcesEvents'; did you mean 'DeviceProcessEvents'?
            Checked 2 files: 2 loaded; 1 error, 1 warning.

            """)
    }

    @Test func syntaxErrorsShowTheLineAndACaret() async throws {
        let folder = try TemporaryFolder()
        try folder.write("broken.kql", "DeviceInfo\n| where Timestamp > ago(1d) and and\n| take 5\n")
        let result = try await Hunt.run("check", folder.path)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("""
            \(folder.path)/broken.kql:2:33: error: expected an expression, found 'and'
             2 | | where Timestamp > ago(1d) and and
               |                                 ^

            """))
    }

    @Test func jsonCarriesLintCodesAndCounts() async throws {
        let folder = try TemporaryFolder()
        try folder.write("q.kql", "DeviceInfo\n| where TimeGenerated > ago(1d)\n| project OSPlatform\n| where OSVersion == 'x'\n")
        let result = try await Hunt.run("check", folder.path, "--format", "json")
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["summary"] as? [String: Int] == ["files": 1, "loaded": 1, "errors": 1, "warnings": 1])
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["code"] as? String } == ["timegenerated-on-defender-table", "unknown-column"])
        #expect(diagnostics.map { $0["line"] as? Int } == [2, 4])
        #expect(diagnostics.map { $0["column"] as? Int } == [9, 9])
    }

    @Test func lintDisableSilencesACodeInOneFile() async throws {
        let folder = try TemporaryFolder()
        try folder.write("quiet.kql", "// @lint-disable: no-time-filter, unknown-column\nDeviceInfo\n| project Nope\n")
        try folder.write("loud.kql", "DeviceInfo\n| project DeviceName\n")
        let result = try await Hunt.run("check", folder.path, "--strict")
        #expect(result.status == 1)
        #expect(result.stdout == """
            \(folder.path)/loud.kql:1:1: warning: DeviceInfo is read without a time filter, so the service scans all 30 days it keeps; add `| where Timestamp > ago(1d)` (or the window you need) right after the table
            Checked 2 files: 2 loaded; 0 errors, 1 warning.

            """)
    }

    @Test func theLegacyEndpointServesOnlyDeviceTables() async throws {
        let folder = try TemporaryFolder()
        try folder.write("mail.kql", "EmailEvents\n| where Timestamp > ago(1d)\n")
        #expect(try await Hunt.run("check", folder.path).status == 0)
        let legacy = try await Hunt.run("check", folder.path, "--endpoint", "defender")
        #expect(legacy.status == 1)
        #expect(legacy.stdout.contains("mail.kql:1:1: error: EmailEvents is not served by the legacy Defender for Endpoint API"))
    }

    @Test func theStarterPackIsCleanEvenStrict() async throws {
        let result = try await Hunt.run("check", "--strict", "Queries")
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.hasSuffix(" loaded; 0 errors, 0 warnings.\n"))
    }
}
