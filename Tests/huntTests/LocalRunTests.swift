import Foundation
import Testing
import TestSupport

/// `hunt run --backend local`: a report of a local run, user tables, and the options' errors.
@Suite struct LocalRunTests {
    @Test func runWithReportWritesASampleDataReport() async throws {
        let folder = try TemporaryFolder()
        try folder.write("tables/DeviceProcessEvents.csv", "Timestamp,DeviceName,FileName,ProcessCommandLine\n2026-11-23T10:00:00Z,pc-1,powershell.exe,powershell -enc SQBFAFgA\n")
        try folder.write("queries/encoded.kql", "// @title: Encoded PowerShell\nDeviceProcessEvents | where ProcessCommandLine has \"-enc\"\n")
        let report = folder.path + "/report"
        let result = try await Hunt.run(arguments: [
            "run", "--backend", "local", "--tables", folder.path + "/tables", "--now", "2026-11-24T00:00:00Z", folder.path + "/queries", "--report", report, "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: report + "/report.html", encoding: .utf8)
        #expect(html.contains("Sample data"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report + "/manifest.json"))) as? [String: Any])
        #expect(manifest["sampleData"] as? Bool == true)
        let markdown = try String(contentsOfFile: report + "/report.md", encoding: .utf8)
        #expect(markdown.contains("Encoded PowerShell"))
        #expect(markdown.contains("pc-1"))
    }

    @Test func tablesFolderAnswersQueries() async throws {
        let folder = try TemporaryFolder()
        try folder.write("tables/DeviceInfo.csv", "Timestamp,DeviceName,OSPlatform\n2026-11-23T10:00:00Z,pc-1,Windows11\n2026-11-01T10:00:00Z,pc-2,Windows10\n")
        try folder.write("queries/recent.kql", "// @title: Recent devices\nDeviceInfo | where Timestamp > ago(7d) | project DeviceName, OSPlatform\n")
        let result = try await Hunt.run(arguments: [
            "run", "--backend", "local", "--tables", folder.path + "/tables", "--now", "2026-11-24T00:00:00Z", folder.path + "/queries", "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("# SAMPLE DATA from "))
        #expect(result.stdout.contains("tables in \(folder.path)/tables"))
        #expect(result.stdout.contains("pc-1"))
        #expect(!result.stdout.contains("pc-2"))
    }

    @Test func badTablesFolderIsAConfigurationError() async throws {
        let folder = try TemporaryFolder()
        try folder.write("tables/DeviceInfo.csv", "Timestamp,DeviceName\nyesterday,pc-1\n")
        let result = try await Hunt.run(arguments: ["run", "--backend", "local", "--tables", folder.path + "/tables", "--quiet"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("DeviceInfo.csv:2:1"), "\(result.stderr)")
    }

    @Test func localOptionsNeedTheLocalBackend() async throws {
        let tables = try await Hunt.run(arguments: ["run", "--tables", "x"])
        #expect(tables.status == 64)
        #expect(tables.stderr.contains("--tables and --now need --backend local"))
        let now = try await Hunt.run(arguments: ["run", "--backend", "local", "--now", "yesterday"])
        #expect(now.status == 64)
        #expect(now.stderr.contains("--now takes a datetime"))
    }

    @Test func unsupportedFeatureFailsOnlyItsQuery() async throws {
        let folder = try TemporaryFolder()
        try folder.write("queries/a.kql", "// @title: Fine\nDeviceInfo | summarize count()\n")
        try folder.write("queries/b.kql", "// @title: Plugin\nDeviceInfo | evaluate autocluster()\n")
        let result = try await Hunt.run(arguments: ["run", "--backend", "local", folder.path + "/queries", "--quiet"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("not supported offline: evaluate autocluster (2:14)"), "\(result.stdout)")
        #expect(result.stdout.contains("== a: Fine — 1 row"))
    }

    @Test func aPathThatCannotBeReadFailsTheRunAndTheOthersStillRun() async throws {
        let folder = try TemporaryFolder()
        try folder.write("queries/a.kql", "// @title: Fine\nDeviceInfo | summarize count()\n")
        let missing = folder.path + "/not-there"
        let result = try await Hunt.run(arguments: ["run", "--backend", "local", folder.path + "/queries", missing])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("\(missing): error: no such file or folder"))
        #expect(result.stderr.contains("1 of 1 queries ran"))
        #expect(result.stderr.contains("; 1 path could not be read"))
        #expect(result.stdout.contains("== a: Fine — 1 row"))
    }
}
