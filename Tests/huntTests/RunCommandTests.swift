import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `hunt emulator` running as a child process, stopped with SIGINT.
final class EmulatorProcess {
    let process = Process()
    let url: String
    private let output = Pipe()
    private let errors: URL

    /// Starts the emulator; waits for its first line on a thread of its own.
    static func start(arguments: [String]) async throws -> EmulatorProcess {
        let box = try await offPool { try UncheckedBox(EmulatorProcess(arguments: arguments)) }
        return box.value
    }

    private init(arguments: [String]) throws {
        errors = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.executableURL = Hunt.binary
        process.arguments = ["emulator", "--port", "0"] + arguments
        process.environment = Hunt.environment()
        process.currentDirectoryURL = Hunt.packageRoot
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        var text = ""
        let handle = output.fileHandleForReading
        while !text.contains("\n") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        guard line.hasPrefix("Emulator listening on ") else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "hunt emulator said: \(text)"])
        }
        url = String(line.dropFirst("Emulator listening on ".count))
    }

    /// Sends SIGINT and waits (on a thread of its own); returns the exit status and its stderr.
    func stop() async -> (status: Int32, stderr: String) {
        kill(process.processIdentifier, SIGINT)
        let child = UncheckedBox(process)
        _ = try? await offPool { child.value.waitUntilExit() }
        let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: errors)
        return (self.process.terminationStatus, text)
    }

    static let credentials = [
        "AZURE_TENANT_ID": "00000000-0000-4000-8000-000000000001",
        "AZURE_CLIENT_ID": "11111111-1111-4111-8111-111111111111",
        "AZURE_CLIENT_SECRET": "emulator-secret",
    ]
}

/// Lets a non-Sendable value cross to the thread that waits on it; only that thread touches it.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Stops an emulator from a `defer`, where `await` is not allowed: SIGINT, then reap in the background.
func stopNow(_ emulator: EmulatorProcess) {
    kill(emulator.process.processIdentifier, SIGINT)
}

@Suite("hunt run and hunt emulator", .serialized)
struct RunCommandTests {
    /// Two queries with saved responses; `hostile` returns a cell with an ANSI escape.
    static func workspace() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        try folder.write("queries/alpha.kql", "// @title: Alpha\nlet days = 7d;\nDeviceInfo | where Timestamp > ago(days) | take 5\n")
        try folder.write("queries/hostile.kql", "// @title: Hostile\nDeviceProcessEvents | take 1\n")
        try folder.write("fixtures/alpha.json", #"{"schema":[{"name":"DeviceName","type":"String"},{"name":"Seen","type":"DateTime"}],"results":[{"DeviceName":"pc-1","Seen":"2024-03-26T09:39:50.7688641Z"},{"DeviceName":"pc-2","Seen":"2024-03-26T09:40:00Z"}]}"#)
        try folder.write("fixtures/hostile.json", #"{"schema":[{"name":"Cmd","type":"String"}],"results":[{"Cmd":"=cmd|' /C calc'!A0 \u001b[31mred"}]}"#)
        return folder
    }

    @Test func runAgainstTheEmulatorPrintsTablesAndSaysSampleData() async throws {
        let folder = try Self.workspace()
        let emulator = try await EmulatorProcess.start(arguments: ["--fixtures", folder.path + "/fixtures", "--queries", folder.path + "/queries"])
        let result = try await Hunt.run(
            arguments: ["run", "--backend", emulator.url, folder.path + "/queries", "--param", "days=3d"],
            environment: Hunt.environment(EmulatorProcess.credentials))
        let stopped = await emulator.stop()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("== alpha: Alpha — 2 rows"))
        #expect(result.stdout.contains("pc-2"))
        #expect(result.stdout.contains("\\u{1b}[31mred"))
        #expect(!result.stdout.contains("\u{1B}"))
        #expect(result.stderr.contains("sample data"))
        #expect(result.stdout.hasPrefix("# SAMPLE DATA from "))
        #expect(stopped.status == 0)
        #expect(stopped.stderr.contains("emulator stopped"))
        #expect(!stopped.stderr.contains("emulator-secret"))
    }

    @Test func csvAndJSONOutput() async throws {
        let folder = try Self.workspace()
        let emulator = try await EmulatorProcess.start(arguments: ["--fixtures", folder.path + "/fixtures", "--queries", folder.path + "/queries", "--quiet"])
        defer { stopNow(emulator) }
        let environment = Hunt.environment(EmulatorProcess.credentials)
        let csv = try await Hunt.run(arguments: ["run", "--backend", emulator.url, folder.path + "/queries", "--format", "csv", "--quiet"], environment: environment)
        #expect(csv.status == 0)
        #expect(csv.stdout.hasPrefix("# SAMPLE DATA from "))
        #expect(csv.stdout.contains("DeviceName,Seen\r\npc-1,2024-03-26T09:39:50.7688641Z\r\n"))
        #expect(csv.stdout.contains("'=cmd|' /C calc'!A0"))
        let json = try await Hunt.run(arguments: ["run", "--backend", emulator.url, folder.path + "/queries", "--format", "json", "--quiet"], environment: environment)
        #expect(json.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["sampleData"] as? Bool == true)
        let queries = try #require(document["queries"] as? [[String: Any]])
        #expect(queries.map { $0["id"] as? String } == ["alpha", "hostile"])
        let provenance = try #require(queries.first?["provenance"] as? [String: Any])
        #expect(provenance["attempts"] as? Int == 1)
        #expect((provenance["contentHash"] as? String)?.count == 64)
    }

    @Test func reportFolderHoldsEveryFormatAndIsReplacedWhole() async throws {
        let folder = try Self.workspace()
        try folder.write("templates/query.md.mustache", "## {{title}} (custom)\n\n{{>default/query.md}}")
        let emulator = try await EmulatorProcess.start(arguments: ["--fixtures", folder.path + "/fixtures", "--queries", folder.path + "/queries", "--quiet"])
        defer { stopNow(emulator) }
        let environment = Hunt.environment(EmulatorProcess.credentials)
        let out = folder.path + "/out/report"
        let first = try await Hunt.run(
            arguments: ["run", "--backend", emulator.url, folder.path + "/queries", "--report", out, "--templates", folder.path + "/templates", "--csv-bom"],
            environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.isEmpty, "tables are printed only with --format when --report is given")
        #expect(first.stderr.contains("report: \(out)/report.html"))
        let files = try FileManager.default.subpathsOfDirectory(atPath: out).sorted()
        #expect(files == ["manifest.json", "queries", "queries/alpha.csv", "queries/alpha.json", "queries/hostile.csv", "queries/hostile.json", "report.html", "report.md"])
        let csv = try Data(contentsOf: URL(fileURLWithPath: out + "/queries/hostile.csv"))
        #expect(csv.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(String(decoding: csv, as: UTF8.self).contains("'=cmd|' /C calc'!A0"))
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(markdown.contains("## Alpha (custom)"))
        #expect(markdown.contains("Sample data"))
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("Content-Security-Policy"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))) as? [String: Any])
        #expect(manifest["sampleData"] as? Bool == true)
        #expect(!String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json")), as: UTF8.self).contains("emulator-secret"))

        // A second run replaces the folder as a whole.
        let second = try await Hunt.run(
            arguments: ["run", "--backend", emulator.url, folder.path + "/queries/alpha.kql", "--report", out, "--quiet"], environment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/queries/hostile.csv"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/out")
        #expect(leftovers == ["report"], "no staging or old folders are left behind")
    }

    @Test func reportRefusesAFolderThatIsNotAReportAndBadTemplates() async throws {
        let folder = try Self.workspace()
        try folder.write("precious/notes.txt", "keep me")
        try folder.write("templates/report.html.mustache", "<html>\n{{#queries}}\n{{title}}\n")
        let emulator = try await EmulatorProcess.start(arguments: ["--fixtures", folder.path + "/fixtures", "--queries", folder.path + "/queries", "--quiet"])
        defer { stopNow(emulator) }
        let environment = Hunt.environment(EmulatorProcess.credentials)
        let refused = try await Hunt.run(
            arguments: ["run", "--backend", emulator.url, folder.path + "/queries", "--report", folder.path + "/precious", "--quiet"], environment: environment)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("is not a report"))
        #expect(try String(contentsOfFile: folder.path + "/precious/notes.txt", encoding: .utf8) == "keep me")
        let badTemplates = try await Hunt.run(
            arguments: ["run", "--backend", emulator.url, folder.path + "/queries", "--report", folder.path + "/out", "--templates", folder.path + "/templates"],
            environment: environment)
        #expect(badTemplates.status == 2)
        #expect(badTemplates.stderr.contains("templates/report.html.mustache:2:1: error:"), "\(badTemplates.stderr)")
        let orphan = try await Hunt.run(arguments: ["run", "--templates", folder.path + "/templates"], environment: environment)
        #expect(orphan.status == 64)
    }

    @Test func aFailedQueryMakesExitCodeOneAndTheOthersStillRun() async throws {
        let folder = try Self.workspace()
        try folder.write("queries/zeta.kql", "// @title: No fixture\nDeviceEvents | take 1\n")
        let emulator = try await EmulatorProcess.start(arguments: ["--fixtures", folder.path + "/fixtures", "--queries", folder.path + "/queries", "--quiet", "--fault", "first:1=503"])
        defer { stopNow(emulator) }
        let result = try await Hunt.run(arguments: ["run", "--backend", emulator.url, folder.path + "/queries"], environment: Hunt.environment(EmulatorProcess.credentials))
        #expect(result.status == 1)
        #expect(result.stdout.contains("== alpha: Alpha — 2 rows"))
        #expect(result.stdout.contains("== zeta: No fixture — FAILED"))
        #expect(result.stderr.contains("2 of 3 queries ran"))
    }

    @Test func noCredentialsIsExitTwoWithWhatToSet() async throws {
        let result = try await Hunt.run(arguments: ["run", "Queries"], environment: Hunt.environment())
        #expect(result.status == 2)
        #expect(result.stderr.contains("AZURE_TENANT_ID"))
        #expect(result.stderr.contains("--backend local"))
        #expect(!result.stderr.contains("<redacted>"), "the advice itself must not look like a secret")
    }

    @Test func aWrongSecretIsReportedPerQueryWithTheFix() async throws {
        let folder = try Self.workspace()
        let emulator = try await EmulatorProcess.start(arguments: ["--fixtures", folder.path + "/fixtures", "--queries", folder.path + "/queries", "--quiet"])
        defer { stopNow(emulator) }
        var environment = Hunt.environment(EmulatorProcess.credentials)
        environment["AZURE_CLIENT_SECRET"] = "wrong-value"
        let result = try await Hunt.run(arguments: ["run", "--backend", emulator.url, folder.path + "/queries"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stdout.contains("AADSTS7000215"))
        #expect(!result.stdout.contains("wrong-value") && !result.stderr.contains("wrong-value"))
    }

    @Test(arguments: [
        (["run", "--param", "nope=1", "Queries"], "no query declares 'nope'"),
        (["run", "--backend", "ftp://x", "Queries"], "--backend must be graph, defender or a URL"),
        (["run", "--width", "0", "Queries"], "--width, --calls-per-minute, --timeout and --max-rows take positive numbers"),
        (["emulator", "--quota", "lots"], "--quota takes CALLS/SECONDS"),
        (["emulator", "--fault", "sometimes=500"], "cannot read --fault 'sometimes=500'"),
    ])
    func badOptionsAreUsageErrors(arguments: [String], message: String) async throws {
        let result = try await Hunt.run(arguments: arguments, environment: Hunt.environment(EmulatorProcess.credentials))
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.status == 64)
    }

    @Test func emulatorQueriesThatCannotBeLoadedAreAConfigurationError() async throws {
        let missing = try TemporaryFolder().path + "/not-there"
        let result = try await Hunt.run(arguments: ["emulator", "--port", "0", "--queries", missing])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(missing): error: no such file or folder (--queries)"), "\(result.stderr)")
    }

    @Test func plainHTTPToAnotherHostIsRefused() async throws {
        let result = try await Hunt.run(arguments: ["run", "--backend", "http://graph.example.com", "Queries"], environment: Hunt.environment(EmulatorProcess.credentials))
        #expect(result.status == 2)
        #expect(result.stderr.contains("refusing plain http://"))
    }
}
