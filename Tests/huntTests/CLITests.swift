import Foundation
import Testing
import TestSupport

/// Runs the built `hunt` binary, as a user would.
struct Hunt {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = PackagePaths.root

    /// `hunt` sits next to the test bundle in the build products folder.
    static let binary: URL = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while ["xctest", ""].contains(folder.pathExtension) == false || ["MacOS", "Contents"].contains(folder.lastPathComponent) {
            folder.deleteLastPathComponent()
        }
        let candidate = folder.appendingPathComponent("hunt")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("hunt")
    }()

    static func run(_ arguments: String..., in directory: URL = packageRoot) async throws -> Result {
        try await run(arguments: arguments, in: directory)
    }

    /// The environment for a child `hunt`: this one, without any Azure credential variables, plus `extra`.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AZURE_") && $0.key != "HUNT_ACCESS_TOKEN" }
        environment.merge(extra) { $1 }
        return environment
    }

    /// Runs `hunt` and waits for it on a thread of its own: tests run on the small cooperative pool,
    /// which a blocking wait would starve (and with it every in-process server of other tests).
    /// - Parameters:
    ///   - executable: what to run instead of `hunt` (a wrapper such as `script`), with `prefix`
    ///     before the arguments.
    static func run(
        arguments: [String], in directory: URL = packageRoot, environment: [String: String] = Hunt.environment(),
        executable: URL = binary, prefix: [String] = []
    ) async throws -> Result {
        try await offPool {
            try runBlocking(arguments: prefix + arguments, in: directory, environment: environment, executable: executable)
        }
    }

    static func runBlocking(arguments: [String], in directory: URL, environment: [String: String], executable: URL = binary) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        let out = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        let err = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }
}

@Suite("hunt command line")
struct CLITests {
    @Test func binaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: Hunt.binary.path), "\(Hunt.binary.path)")
    }

    @Test func version() async throws {
        let result = try await Hunt.run("--version")
        #expect(result.status == 0)
        #expect(result.stdout == "0.1.0\n")
    }

    @Test(arguments: [[], ["--help"], ["-h"], ["help"]])
    func rootHelp(arguments: [String]) async throws {
        let result = try await runArguments(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("OVERVIEW: Run Microsoft Defender advanced hunting queries"))
        #expect(result.stdout.contains("USAGE: hunt <subcommand>"))
        #expect(result.stdout.contains("SUBCOMMANDS:\n  check "))
        #expect(result.stdout.contains("\n  show "))
    }

    @Test(arguments: [["check", "--help"], ["help", "check"], ["check", "-h", "--format", "nonsense"]])
    func subcommandHelp(arguments: [String]) async throws {
        let result = try await runArguments(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: hunt check [<path> ...] [--format <format>] [--strict]"))
        #expect(result.stdout.contains("--format <format>       Output format. (values: text, json) (default: text)"))
        #expect(result.stdout.contains("-h, --help              Show help information."))
    }

    @Test(arguments: [
        (["frobnicate"], "Error: Unknown subcommand 'frobnicate'\nUsage: hunt <subcommand>\n  See 'hunt --help' for more information.\n"),
        (["--frob"], "Error: Unknown option '--frob'\nUsage: hunt <subcommand>\n  See 'hunt --help' for more information.\n"),
        (["check", "--bogus"], "Error: Unknown option '--bogus'\nUsage: hunt check [<path> ...] [--format <format>] [--strict] [--endpoint <endpoint>]\n  See 'hunt check --help' for more information.\n"),
        (["check", "--format", "xml"], "Error: The value 'xml' is invalid for '--format <format>'; use one of: text, json\nUsage: hunt check [<path> ...] [--format <format>] [--strict] [--endpoint <endpoint>]\n  See 'hunt check --help' for more information.\n"),
        (["check", "--format"], "Error: Missing value for '--format <format>'\nUsage: hunt check [<path> ...] [--format <format>] [--strict] [--endpoint <endpoint>]\n  See 'hunt check --help' for more information.\n"),
        (["check", "--strict=yes"], "Error: The flag '--strict' does not take a value\nUsage: hunt check [<path> ...] [--format <format>] [--strict] [--endpoint <endpoint>]\n  See 'hunt check --help' for more information.\n"),
        (["show"], "Error: Missing expected argument '<file>'\nUsage: hunt show <file> [--param <name=value> ...] [--format <format>]\n  See 'hunt show --help' for more information.\n"),
        (["show", "a.kql", "b.kql"], "Error: Unexpected argument 'b.kql'\nUsage: hunt show <file> [--param <name=value> ...] [--format <format>]\n  See 'hunt show --help' for more information.\n"),
        (["show", "execution/encoded-powershell", "--param", "lookback"], "Error: Expected NAME=VALUE for '--param', got 'lookback'\nUsage: hunt show <file> [--param <name=value> ...] [--format <format>]\n  See 'hunt show --help' for more information.\n"),
        (["help", "nope"], "Error: Unknown subcommand 'nope'\nUsage: hunt <subcommand>\n  See 'hunt --help' for more information.\n"),
    ])
    func usageErrorsExit64(arguments: [String], stderr: String) async throws {
        let result = try await runArguments(arguments)
        #expect(result.status == 64)
        #expect(result.stderr == stderr)
        #expect(result.stdout.isEmpty)
    }

    @Test func badParameterValueIsAUsageErrorNamingTheDeclaredOnes() async throws {
        let result = try await Hunt.run("show", "execution/encoded-powershell", "--param", "lookback=abc", "--param", "lookbak=1d")
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: lookback: expected a timespan like 7d or 1.12:00:00, got \"abc\"\n       unknown parameter 'lookbak'; did you mean 'lookback'? (declared: lookback, minLength, allowedParents)\nUsage: hunt show"))
    }

    @Test func checkDefaultsToQueriesAndPasses() async throws {
        let result = try await Hunt.run("check")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("Checked "))
        #expect(result.stdout.hasSuffix(" loaded; 0 errors, 0 warnings.\n"))
    }

    @Test func checkOverTheCorpusLoadsAllButTheBrokenFile() async throws {
        let result = try await Hunt.run("check", "Tests/Corpus/visible")
        #expect(result.status == 1)
        let errors = result.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        // One file does not load; the linter's findings in the others are in LinterCorpusTests.
        #expect(errors.contains("Tests/Corpus/visible/alexverboon__ActiveDirectory.AD-SensitiveGroupChanges__1.kql:5:1: error: invalid dynamic literal: expected ',' or ']' in array"))
        #expect(result.stdout.contains("Checked 857 files: 856 loaded, 1 with errors; "))
    }

    @Test func checkJSON() async throws {
        let folder = try TemporaryFolder()
        try folder.write("warn.kql", "// @colour: blue\nlet n = 3;\nDeviceInfo | take n\n")
        try folder.write("bad.kql", "DeviceInfo | where a == 'x\n")
        let result = try await Hunt.run("check", folder.path, "--format", "json")
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["summary"] as? [String: Int] == ["files": 2, "loaded": 1, "errors": 1, "warnings": 1])
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["code"] as? String } == ["unterminated-string", "unknown-metadata-key"])
        #expect(diagnostics.first?["line"] as? Int == 1)
        #expect(diagnostics.first?["column"] as? Int == 25)
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.map { $0["id"] as? String } == ["bad", "warn"])
        #expect(files.last?["parameters"] as? [String] == ["n"])
    }

    @Test func strictTurnsWarningsIntoFailure() async throws {
        let folder = try TemporaryFolder()
        try folder.write("warn.kql", "// @colour: blue\nDeviceInfo\n")
        #expect(try await Hunt.run("check", folder.path).status == 0)
        let strict = try await Hunt.run("check", folder.path, "--strict")
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("warn.kql:1:5: warning: unknown metadata key @colour"))
    }

    @Test func showPrintsMetadataParametersAndTheBoundText() async throws {
        let result = try await Hunt.run("show", "Queries/execution/encoded-powershell.kql", "--param", "lookback=3d")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Title:     Encoded PowerShell command lines\n"))
        #expect(result.stdout.contains("Severity:  high\n"))
        #expect(result.stdout.contains("  NAME "))
        #expect(result.stdout.contains("  lookback        timespan  7d "))
        #expect(result.stdout.contains("3d"))
        #expect(result.stdout.contains("\nQuery (as sent):\n"))
        #expect(result.stdout.contains("\nlet lookback = 3d;\n"))
    }

    @Test func showQueryFormatIsExactlyTheBoundText() async throws {
        let original = try String(contentsOf: Hunt.packageRoot.appendingPathComponent("Queries/execution/encoded-powershell.kql"), encoding: .utf8)
        let result = try await Hunt.run("show", "execution/encoded-powershell", "--param", "minLength=99", "--format", "query")
        #expect(result.status == 0)
        #expect(result.stdout == original.replacingOccurrences(of: "let minLength = 40;", with: "let minLength = 99;"))
    }

    @Test func showJSON() async throws {
        let result = try await Hunt.run("show", "execution/encoded-powershell", "--param", "allowedParents=a.exe,b.exe", "--format", "json")
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["id"] as? String == "execution/encoded-powershell")
        #expect(json["timespan"] as? String == "P7D")
        let parameters = try #require(json["parameters"] as? [[String: Any]])
        #expect(parameters.last?["value"] as? String == #"dynamic(["a.exe", "b.exe"])"#)
        #expect(parameters.last?["bound"] as? Bool == true)
        #expect((json["query"] as? String)?.contains(#"let allowedParents = dynamic(["a.exe", "b.exe"]);"#) == true)
    }

    @Test func showOfABrokenFileFails() async throws {
        let result = try await Hunt.run("show", "Tests/Corpus/visible/alexverboon__ActiveDirectory.AD-SensitiveGroupChanges__1.kql")
        #expect(result.status == 1)
        #expect(result.stderr.contains(":5:1: error: invalid dynamic literal"))
        let missing = try await Hunt.run("show", "no/such/query")
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: no/such/query: no such file, and no query with that id under Queries/\n")
    }

    private func runArguments(_ arguments: [String]) async throws -> Hunt.Result { try await Hunt.run(arguments: arguments) }
}
