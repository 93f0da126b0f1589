import Foundation
import Hunting
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A folder laid out as a team's hunting project: queries, a tables folder for the emulator, and
/// the places `hunt report` writes (published reports, state).
struct ReportProject {
    let folder: TemporaryFolder
    var path: String { folder.path }
    var output: String { path + "/share" }
    var state: String { path + "/state" }
    var latest: String { output + "/latest" }

    init() throws {
        folder = try TemporaryFolder()
        try folder.write("queries/execution/encoded-powershell.kql", """
            // @title: Encoded PowerShell
            // @severity: high
            // @keys: DeviceName, ProcessCommandLine
            let lookback = 7d;
            DeviceProcessEvents
            | where Timestamp > ago(lookback)
            | where FileName =~ "powershell.exe" and ProcessCommandLine has "-enc"
            | project Timestamp, DeviceName, AccountName, ProcessCommandLine
            """)
        try folder.write("queries/execution/certutil.kql", """
            // @title: Certutil downloads
            // @severity: medium
            DeviceProcessEvents
            | where FileName =~ "certutil.exe" and ProcessCommandLine has "urlcache"
            | summarize Runs = count() by DeviceName
            """)
    }

    /// Writes the tables folder `name` with one `DeviceProcessEvents.csv` of these rows
    /// (device, account, file, command line), all on 2026-11-23.
    @discardableResult
    func tables(_ name: String, _ rows: [(String, String, String, String)]) throws -> String {
        var csv = "Timestamp,DeviceName,AccountName,FileName,ProcessCommandLine\n"
        for (index, row) in rows.enumerated() {
            csv += "2026-11-23T\(10 + index % 10):00:00Z,\(row.0),\(row.1),\(row.2),\"\(row.3)\"\n"
        }
        try folder.write("\(name)/DeviceProcessEvents.csv", csv)
        return path + "/" + name
    }

    /// `hunt report` against `emulator`, publishing into this project.
    func report(_ emulator: EmulatorProcess, _ extra: [String] = [], environment: [String: String] = [:]) async throws -> Hunt.Result {
        try await Hunt.run(
            arguments: ["report", "--backend", emulator.url, path + "/queries", "--output", output, "--state", state] + extra,
            in: URL(fileURLWithPath: path), environment: Hunt.environment(EmulatorProcess.credentials.merging(environment) { $1 }))
    }

    func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path + "/" + relative, encoding: .utf8)
    }

    func manifest(_ folder: String? = nil) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: (folder ?? latest) + "/manifest.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func query(_ manifest: [String: Any], _ id: String) -> [String: Any]? {
        (manifest["queries"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    /// The run folders published, oldest first.
    func runs() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: output).filter { $0.first?.isNumber == true }.sorted()
    }
}

/// Whether a published report folder is whole: its manifest reads and every file it lists is
/// there with the size and SHA-256 the manifest gives.
func reportIsWhole(_ folder: String) -> String? {
    guard let data = FileManager.default.contents(atPath: folder + "/manifest.json") else { return "no manifest.json in \(folder)" }
    guard let manifest = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
        let files = manifest["files"] as? [[String: Any]], !files.isEmpty
    else { return "manifest.json in \(folder) does not read" }
    for file in files {
        guard let path = file["path"] as? String, let sha = file["sha256"] as? String else { return "a file entry without path or sha256" }
        guard let bytes = FileManager.default.contents(atPath: folder + "/" + path) else { return "\(path) is missing from \(folder)" }
        if Digest.hex(Digest.sha256(Array(bytes))) != sha { return "\(path) in \(folder) differs from its manifest entry" }
    }
    return nil
}

@Suite("hunt report end to end")
struct ReportCommandTests {
    static let rowA = ("pc-1", "alice", "powershell.exe", "powershell -enc SQBFAFgA")
    static let rowB = ("pc-2", "bob", "powershell.exe", "powershell.exe -enc ZQBjAGgAbwA=")
    static let rowC = ("pc-3", "carol", "powershell.exe", "powershell -enc dwBoAG8AYQBtAGkA")
    static let rowD = ("pc-4", "dave", "powershell.exe", "powershell -enc bgBlAHcA")
    static let noise = ("pc-1", "alice", "notepad.exe", "notepad.exe report.txt")
    static let certutil = ("pc-2", "bob", "certutil.exe", "certutil -urlcache -f http://x.test/a.exe a.exe")
    static let now = ["--now", "2026-11-24T00:00:00Z"]

    @Test func aSecondRunMarksExactlyTheNewRowAndListsTheRemovedOneAsResolved() async throws {
        let project = try ReportProject()
        let first = try project.tables("night1", [Self.rowA, Self.rowB, Self.rowC, Self.noise, Self.certutil])
        let second = try project.tables("night2", [Self.rowA, Self.rowC, Self.rowD, Self.noise, Self.certutil])

        let emulator1 = try await EmulatorProcess.start(arguments: ["--tables", first] + Self.now)
        let run1 = try await project.report(emulator1, ["--quiet"])
        _ = await emulator1.stop()
        #expect(run1.status == 0, "\(run1.stderr)")
        #expect(try project.runs().count == 1)
        // A new minute makes a new folder name either way; the state is what matters.
        let emulator2 = try await EmulatorProcess.start(arguments: ["--tables", second] + Self.now)
        let run2 = try await project.report(emulator2)
        _ = await emulator2.stop()
        #expect(run2.status == 0, "\(run2.stderr)")
        #expect(try project.runs().count == 2)

        let manifest = try project.manifest()
        let powershell = try #require(ReportProject.query(manifest, "execution/encoded-powershell"))
        let history = try #require(powershell["history"] as? [String: Any])
        #expect(history["newFindings"] as? Int == 1)
        #expect(history["resolved"] as? Int == 1)
        #expect(history["keyColumns"] as? [String] == ["DeviceName", "ProcessCommandLine"])
        let certutil = try #require(ReportProject.query(manifest, "execution/certutil")?["history"] as? [String: Any])
        #expect(certutil["newFindings"] as? Int == 0)

        // The CSV marks exactly pc-4's row new; the others are present.
        let csv = try String(contentsOfFile: project.latest + "/queries/execution.encoded-powershell.csv", encoding: .utf8)
        let lines = csv.split(separator: "\r\n").map(String.init).filter { !$0.hasPrefix("#") }
        #expect(lines.first?.hasSuffix(",FindingStatus,FindingKey") == true, "\(lines.first ?? "")")
        let newLines = lines.filter { $0.contains(",new,") }
        #expect(newLines.count == 1)
        #expect(newLines.first?.contains("pc-4") == true)
        #expect(lines.filter { $0.contains(",present,") }.count == 2)

        // The report lists pc-2's finding as resolved, and the summary counts one new finding.
        let markdown = try String(contentsOfFile: project.latest + "/report.md", encoding: .utf8)
        #expect(markdown.contains("1 resolved finding since the last run"))
        #expect(markdown.contains("DeviceName=pc-2"))
        #expect(markdown.contains("**1 new finding**"))
        let html = try String(contentsOfFile: project.latest + "/report.html", encoding: .utf8)
        #expect(html.components(separatedBy: "<tr class=\"new\">").count - 1 == 1)
        #expect(run2.stdout.contains("1 new, 1 resolved"), "\(run2.stdout)")
    }

    @Test func aSuppressionHidesItsRowAndAnExpiredOneIsFlagged() async throws {
        let project = try ReportProject()
        let tables = try project.tables("tables", [Self.rowA, Self.rowB, Self.rowC])
        try project.folder.write("suppressions.json", """
            {"suppressions": [
              {"query": "execution/*", "match": {"DeviceName": "pc-3"}, "reason": "Admin workstation <b>known</b>",
               "owner": "alice@contoso.com", "expires": "2099-01-31"},
              {"query": "execution/encoded-powershell", "match": {"AccountName": "bob"}, "reason": "Pen test",
               "owner": "red team", "expires": "2020-01-01"}
            ]}
            """)
        let emulator = try await EmulatorProcess.start(arguments: ["--tables", tables] + Self.now)
        defer { stopNow(emulator) }
        let result = try await project.report(emulator, ["--suppressions", project.path + "/suppressions.json"])
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try String(contentsOfFile: project.latest + "/queries/execution.encoded-powershell.csv", encoding: .utf8)
        #expect(!csv.contains("pc-3"))
        #expect(csv.contains("pc-2"), "an expired suppression hides nothing")
        let html = try String(contentsOfFile: project.latest + "/report.html", encoding: .utf8)
        let appendix = try #require(html.range(of: "Appendix: suppressed rows"))
        #expect(html[appendix.upperBound...].contains("pc-3"))
        #expect(html.contains("Admin workstation &lt;b&gt;known&lt;/b&gt;"))
        #expect(html.contains("1 suppression expired."))
        #expect(html.contains("suppressions.json:4:"))
        let markdown = try String(contentsOfFile: project.latest + "/report.md", encoding: .utf8)
        #expect(markdown.contains("## Appendix: suppressed rows"))
        #expect(markdown.contains("**1 suppression expired.**"))
        let manifest = try project.manifest()
        #expect((manifest["counts"] as? [String: Any])?["suppressed"] as? Int == 1)
        #expect((manifest["expiredSuppressions"] as? [Any])?.count == 1)
        #expect(result.stdout.contains("1 suppressions expired"))
    }

    @Test func faultsMidRunStillPublishWithClassifiedErrorsAndExitOne() async throws {
        let project = try ReportProject()
        let tables = try project.tables("tables", [Self.rowA, Self.certutil])
        // Every query's first call gets a 503 (retried), and the certutil query always a 500.
        let emulator = try await EmulatorProcess.start(arguments: ["--tables", tables, "--fault", "per-query:1=503", "--fault", "contains:urlcache=500"] + Self.now)
        defer { stopNow(emulator) }
        let result = try await project.report(emulator, ["--quiet", "--timeout", "20"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(reportIsWhole(project.latest) == nil)
        let manifest = try project.manifest()
        let failed = try #require(ReportProject.query(manifest, "execution/certutil"))
        #expect((failed["error"] as? [String: Any])?["kind"] as? String == "transient")
        #expect(failed["status"] as? String == "failed")
        let fine = try #require(ReportProject.query(manifest, "execution/encoded-powershell"))
        #expect(fine["rows"] as? Int == 1)
        #expect((fine["provenance"] as? [String: Any])?["attempts"] as? Int == 2)
        let html = try String(contentsOfFile: project.latest + "/report.html", encoding: .utf8)
        #expect(html.contains("Service unavailable"))
    }

    @Test func severalTenantsRunIntoOneReportAndNoSecretReachesAFile() async throws {
        let project = try ReportProject()
        let tables = try project.tables("tables", [Self.rowA, Self.certutil])
        let emulator = try await EmulatorProcess.start(arguments: ["--tables", tables] + Self.now)
        defer { stopNow(emulator) }
        let secretFile = try project.folder.write("fabrikam.secret", "emulator-secret\n")
        chmod(secretFile, 0o600)
        try project.folder.write("hunt.json", """
            {
              "queries": ["queries"],
              "backend": "\(emulator.url)",
              "publish": {"directory": "share", "latest": "symlink", "retention": 5},
              "state": "state",
              "tenants": [
                {"name": "contoso", "id": "00000000-0000-4000-8000-000000000001", "clientId": "11111111-1111-4111-8111-111111111111",
                 "credential": "secret", "secret": {"env": "CONTOSO_HUNT_SECRET"}},
                {"name": "fabrikam", "id": "00000000-0000-4000-8000-000000000001", "clientId": "11111111-1111-4111-8111-111111111111",
                 "credential": "secret", "secret": {"file": "fabrikam.secret"}, "width": 1}
              ]
            }
            """)
        let result = try await Hunt.run(
            arguments: ["report", "--log-format", "json"], in: URL(fileURLWithPath: project.path),
            environment: Hunt.environment(["CONTOSO_HUNT_SECRET": "emulator-secret"]))
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try project.manifest()
        #expect((manifest["tenants"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["contoso", "fabrikam"])
        #expect((manifest["queries"] as? [[String: Any]])?.count == 4)
        let html = try String(contentsOfFile: project.latest + "/report.html", encoding: .utf8)
        #expect(html.contains("Tenant contoso"))
        #expect(html.contains("Tenant fabrikam"))
        #expect(html.contains("<th scope=\"col\">Tenant</th>"))
        // JSON lines on stderr, one object each.
        let events = result.stderr.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(events.contains { $0["event"] as? String == "published" })
        #expect(events.filter { $0["event"] as? String == "finished" }.count == 4)
        // The secret is in no file the run wrote, nor in its output.
        let files = FileManager.default.enumerator(atPath: project.path)?.compactMap { $0 as? String } ?? []
        for file in files where !file.hasSuffix(".secret") {
            guard let data = FileManager.default.contents(atPath: project.path + "/" + file) else { continue }
            #expect(!String(decoding: data, as: UTF8.self).contains("emulator-secret"), "\(file) holds the secret")
        }
        #expect(!result.stdout.contains("emulator-secret") && !result.stderr.contains("emulator-secret"))
    }

    // MARK: the terminal

    /// On a terminal (`script` gives the run one), progress is a bar redrawn in place and a
    /// failure is red; `NO_COLOR` keeps the bar and drops the colour.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux's script for a terminal"))
    func aTerminalGetsAProgressBarAndNoColorIsHonoured() async throws {
        let folder = try TemporaryFolder()
        try folder.write("queries/fine.kql", "// @title: Fine\nDeviceInfo | summarize count()\n")
        try folder.write("queries/broken.kql", "// @title: Broken\nNoSuchTable | take 1\n")
        func onTerminal(_ extra: [String: String]) async throws -> String {
            let command = [Hunt.binary.path, "report", "--backend", "local", folder.path + "/queries", "--output", folder.path + "/share",
                           "--state", folder.path + "/state"].joined(separator: " ")
            // The test runner may set NO_COLOR itself; each case says what it wants.
            var environment = Hunt.environment(extra.merging(["TERM": "xterm"]) { $1 })
            if extra["NO_COLOR"] == nil { environment["NO_COLOR"] = nil }
            let result = try await Hunt.run(
                arguments: [], environment: environment,
                executable: URL(fileURLWithPath: "/usr/bin/script"), prefix: ["-q", "-e", "-c", command, "/dev/null"])
            #expect(result.status == 1, "\(result.stdout)")
            return result.stdout
        }
        let coloured = try await onTerminal([:])
        #expect(coloured.contains("\r\u{1B}[2K[########################] 2/2"), "\(coloured.debugDescription)")
        #expect(coloured.contains("\u{1B}[31mfailed\u{1B}[0m"), "\(coloured.debugDescription)")
        let plain = try await onTerminal(["NO_COLOR": "1"])
        #expect(plain.contains("\r\u{1B}[2K[########################] 2/2"))
        #expect(!plain.contains("\u{1B}[31m"))
        #expect(plain.contains("FAILED: missingTable"))
    }

    // MARK: exit codes

    @Test func withoutCredentialsItStopsAndSaysHowToConfigureOrTryTheSampleTenant() async throws {
        let project = try ReportProject()
        let result = try await Hunt.run(arguments: ["report", project.path + "/queries", "--output", project.output], in: URL(fileURLWithPath: project.path))
        #expect(result.status == 2)
        #expect(result.stderr.contains("no credentials"))
        #expect(result.stderr.contains("hunt report --backend local"))
        #expect(result.stderr.contains("AZURE_TENANT_ID"))
        #expect(!FileManager.default.fileExists(atPath: project.output), "nothing was published")
    }

    @Test func aBrokenConfigurationIsAnErrorWithItsPlace() async throws {
        let project = try ReportProject()
        try project.folder.write("hunt.json", "{\n  \"publish\": {\"directroy\": \"share\"},\n  \"tenants\": [{\"name\": \"x\", \"secret\": \"hunter2\"}]\n}\n")
        let result = try await Hunt.run(arguments: ["report", "--backend", "local"], in: URL(fileURLWithPath: project.path))
        #expect(result.status == 2)
        #expect(result.stderr.contains("hunt.json:2:15: error: unknown key 'directroy' in publish; did you mean 'directory'?"), "\(result.stderr)")
        #expect(result.stderr.contains("hunt.json:3:"))
        #expect(!result.stderr.contains("hunter2"))
    }

    @Test func noQueryToRunIsAnErrorNotAQuietNight() async throws {
        let folder = try TemporaryFolder()
        let missing = try await Hunt.run(arguments: ["report", "--backend", "local", "--output", folder.path + "/share"], in: URL(fileURLWithPath: folder.path))
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no query to run: Queries holds no query file that loads"), "\(missing.stderr)")
        try folder.write("queries/off.kql", "// @title: Off\n// @enabled: false\nDeviceInfo | take 1\n")
        let disabled = try await Hunt.run(arguments: ["report", "--backend", "local", folder.path + "/queries", "--output", folder.path + "/share"])
        #expect(disabled.status == 2)
        #expect(disabled.stderr.contains("--include-disabled"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/share/latest"))
        // One folder missing among others: the rest run, the report says so, exit 1.
        try folder.write("queries/on.kql", "// @title: On\nDeviceInfo | summarize count()\n")
        let partly = try await Hunt.run(arguments: [
            "report", "--backend", "local", folder.path + "/queries", folder.path + "/nowhere", "--output", folder.path + "/share",
            "--state", folder.path + "/state", "--quiet",
        ])
        #expect(partly.status == 1, "\(partly.stderr)")
        let markdown = try String(contentsOfFile: folder.path + "/share/latest/report.md", encoding: .utf8)
        #expect(markdown.contains("Not run, could not be loaded: \(folder.path)/nowhere: error: no such file or folder"))
    }

    @Test func everyQueryFailingExitsThree() async throws {
        let folder = try TemporaryFolder()
        try folder.write("queries/a.kql", "// @title: A\nNoSuchTable | take 1\n")
        try folder.write("queries/b.kql", "// @title: B\nDeviceInfo | where NoSuchColumn == 1\n")
        let result = try await Hunt.run(
            arguments: ["report", "--backend", "local", folder.path + "/queries", "--output", folder.path + "/share", "--state", folder.path + "/state", "--quiet"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(reportIsWhole(folder.path + "/share/latest") == nil, "a run where everything failed still publishes its report")
    }

    @Test func aQueryThatDoesNotParseFailsAloneWithoutACall() async throws {
        let folder = try TemporaryFolder()
        try folder.write("queries/fine.kql", "// @title: Fine\nDeviceInfo | summarize count()\n")
        try folder.write("queries/broken.kql", "// @title: Broken\nDeviceInfo\n| where (DeviceName == \"x\"\n")
        let result = try await Hunt.run(
            arguments: ["report", "--backend", "local", folder.path + "/queries", "--output", folder.path + "/share", "--state", folder.path + "/state"])
        #expect(result.status == 1, "\(result.stderr)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path + "/share/latest/manifest.json"))) as? [String: Any])
        let broken = try #require(ReportProject.query(manifest, "broken"))
        let error = try #require(broken["error"] as? [String: Any])
        #expect(error["kind"] as? String == "syntax")
        #expect((error["message"] as? String)?.hasPrefix("not sent: the query does not parse") == true)
    }

    @Test func newFindingsWithFailOnFindingsExitFourThenZero() async throws {
        let project = try ReportProject()
        let tables = try project.tables("tables", [Self.rowA])
        let arguments = ["report", "--backend", "local", "--tables", tables] + Self.now
            + [project.path + "/queries", "--output", project.output, "--state", project.state, "--fail-on-findings", "--quiet"]
        let first = try await Hunt.run(arguments: arguments)
        #expect(first.status == 4, "\(first.stderr)")
        let second = try await Hunt.run(arguments: arguments)
        #expect(second.status == 0, "nothing new the second time: \(second.stderr)")
    }

    @Test(arguments: [
        ["report", "--bogus"], ["report", "--param", "nope=1", "--backend", "local"], ["report", "--rows", "many"],
        ["report", "--tables", "x"], ["report", "--formats", "pdf"], ["report", "--backend", "gopher://x"],
    ])
    func usageErrorsExitSixtyFour(arguments: [String]) async throws {
        let result = try await Hunt.run(arguments: arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("Error: "))
        #expect(result.stderr.contains("Usage: hunt report"))
    }

    @Test func anInterruptedRunPublishesNothingAndExits130() async throws {
        let project = try ReportProject()
        let tables = try project.tables("tables", [Self.rowA])
        let emulator = try await EmulatorProcess.start(arguments: ["--tables", tables, "--latency", "20-20"] + Self.now)
        defer { stopNow(emulator) }
        let process = Process()
        process.executableURL = Hunt.binary
        process.arguments = ["report", "--backend", emulator.url, project.path + "/queries", "--output", project.output, "--state", project.state]
        process.environment = Hunt.environment(EmulatorProcess.credentials)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let box = UncheckedBox((process, errors))
        let status = try await offPool { () -> (Int32, String) in
            let (process, errors) = box.value
            var text = ""
            while !text.contains("running ") {
                let chunk = errors.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            Thread.sleep(forTimeInterval: 1)
            kill(process.processIdentifier, SIGINT)
            text += String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        #expect(status.0 == 130, "\(status.1)")
        #expect(status.1.contains("nothing was published"))
        #expect(!FileManager.default.fileExists(atPath: project.latest))
    }

}

/// The runs that take seconds of both cores each (the whole sample tenant, many runs killed while
/// publishing), one at a time: run side by side, they would starve the timing-sensitive tests
/// of the other suites, and the kills' timing would not mean much.
@Suite("hunt report, the heavy runs", .serialized)
struct ReportHeavyTests {
    static let now = ReportCommandTests.now

    @Test func theSampleTenantThroughTheEmulatorGivesEveryFileLabelledSampleData() async throws {
        let project = try ReportProject()
        let emulator = try await EmulatorProcess.start(arguments: [])
        defer { stopNow(emulator) }
        let result = try await Hunt.run(
            arguments: ["report", "--backend", emulator.url, "Queries", "--output", project.output, "--state", project.state],
            environment: Hunt.environment(EmulatorProcess.credentials))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("18 queries: 16 with findings"), "\(result.stdout)")
        #expect(result.stdout.contains("report: \(project.latest)/report.html"))
        for file in ["report.html", "report.md", "manifest.json", "queries/execution.encoded-powershell.csv", "queries/execution.encoded-powershell.json"] {
            let text = try String(contentsOfFile: project.latest + "/" + file, encoding: .utf8)
            #expect(text.lowercased().contains("sample data"), "\(file) does not say sample data")
        }
        #expect(reportIsWhole(project.latest) == nil)
        let index = try String(contentsOfFile: project.output + "/index.html", encoding: .utf8)
        #expect(index.contains("sample data"))
        let manifest = try project.manifest()
        #expect(manifest["sampleData"] as? Bool == true)
        let counts = try #require(manifest["counts"] as? [String: Any])
        #expect(counts["newFindings"] as? Int == 23, "first run: every finding is new")
        #expect(counts["failed"] as? Int == 0)
    }


    /// The README's main command, run as a newcomer would in a fresh clone (no hunt.json, no
    /// state, no reports yet), produces a report.
    @Test func theReadmeMainCommandProducesAReportInAFreshClone() async throws {
        let clone = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: PackagePaths.queries.path, toPath: clone.path + "/Queries")
        let readme = try String(contentsOf: PackagePaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let line = try #require(readme.split(separator: "\n").first { $0.hasPrefix("swift run hunt report") })
        let arguments = line.split(separator: "#")[0].split(separator: " ").dropFirst(3).map(String.init)
        #expect(arguments == ["report", "--backend", "local"])
        let result = try await Hunt.run(arguments: arguments, in: URL(fileURLWithPath: clone.path))
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: clone.path + "/reports/latest/report.html", encoding: .utf8)
        #expect(html.contains("Sample data"))
        #expect(result.stdout.contains("report: \(clone.path)/reports/latest/report.html"))
    }
    // MARK: crash safety


    /// `kill -9` at random moments of publishing, over many runs: `latest` is always a whole
    /// report, old or new, `index.html` always a whole file, and the next run repairs whatever
    /// the killed ones left.
    @Test(arguments: ["symlink", "copy"])
    func killedAtRandomMomentsLatestIsAlwaysAWholeReport(latest: String) async throws {
        let project = try ReportProject()
        // Enough rows that rendering, writing and copying the report takes a while.
        var rows: [(String, String, String, String)] = []
        for i in 0..<1500 { rows.append(("pc-\(i)", "user\(i % 50)", "powershell.exe", "powershell -enc \(String(repeating: "QUJD", count: 20))\(i)")) }
        let tables = try project.tables("tables", rows)
        let arguments = ["report", "--backend", "local", "--tables", tables] + Self.now
            + [project.path + "/queries", "--output", project.output, "--state", project.state, "--latest", latest, "--retention", "3"]
        let box = UncheckedBox(arguments)
        // Starts a run and waits for its "publishing" line; kills it `delay` seconds later (or
        // lets it finish without one). Returns how long publishing took when it was not killed.
        @Sendable func publish(killAfter delay: Double?) throws -> Double {
            let process = Process()
            process.executableURL = Hunt.binary
            process.arguments = box.value
            process.environment = Hunt.environment()
            let errors = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            var text = ""
            while !text.contains("publishing\n") {
                let chunk = errors.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            let publishing = Date()
            if let delay {
                Thread.sleep(forTimeInterval: delay)
                kill(process.processIdentifier, SIGKILL)
            }
            _ = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Date().timeIntervalSince(publishing)
        }
        let phase = try await offPool { try publish(killAfter: nil) }
        #expect(reportIsWhole(project.latest) == nil)
        var generator = SplitMix64(seed: latest == "copy" ? 7 : 11)
        var problems: [String] = []
        var published = 0
        for trial in 0..<8 {
            let runsBefore = try project.runs()
            // Late in publishing: rendering comes first, the renames, `latest`, the index and
            // retention last (the publisher's own tests stop it at every one of those steps).
            let delay = phase * (0.55 + 0.5 * Double(generator.next() % 1000) / 1000)
            _ = try await offPool { try publish(killAfter: delay) }
            // Hashing every file takes a while in a debug build: off the task pool.
            let latestFolder = project.latest
            if let problem = try await offPool({ reportIsWhole(latestFolder) }) {
                problems.append("trial \(trial) (killed \(String(format: "%.3f", delay)) s into publishing): \(problem)")
            }
            let index = (try? String(contentsOfFile: project.output + "/index.html", encoding: .utf8)) ?? ""
            if !index.hasSuffix("</html>\n") { problems.append("trial \(trial): index.html is not whole") }
            if try project.runs() != runsBefore { published += 1 }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        // The next run repairs what the killed ones left and publishes.
        let last = try await Hunt.run(arguments: arguments + ["--quiet"])
        #expect(last.status == 0, "\(last.stderr)")
        #expect(reportIsWhole(project.latest) == nil)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.output).filter { $0.hasPrefix(".hunt-tmp") || $0.hasPrefix(".latest.") || $0.hasPrefix(".hunt-trash") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        #expect(try project.runs().count <= 3, "retention keeps 3 runs")
        // What the trials hit, kept beside the other test artifacts.
        let artifacts = PackagePaths.root.appendingPathComponent(".build/test-artifacts")
        try? FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        try? "latest=\(latest): publishing takes \(String(format: "%.3f", phase)) s; 8 kills, \(published) after the run folder was renamed into place\n"
            .write(to: artifacts.appendingPathComponent("kill-trials-\(latest).txt"), atomically: true, encoding: .utf8)
    }
}
