import Foundation
@testable import HuntingReports
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The HTML report in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run`
/// installs). Skipped, with a message saying so, where no Chromium can be found.
@Suite("HTML report in headless Chromium", .serialized)
struct BrowserTests {
    static let chromium: String? = {
        let candidates = [ProcessInfo.processInfo.environment["HUNT_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Where screenshots go: `HUNT_ARTIFACTS`, else `.build/test-artifacts`.
    static let artifacts: URL = {
        if let path = ProcessInfo.processInfo.environment["HUNT_ARTIFACTS"] { return URL(fileURLWithPath: path) }
        return PackagePaths.root.appendingPathComponent(".build/test-artifacts")
    }()

    /// Runs in the page before anything else: records alerts (every hostile vector calls `alert`),
    /// script errors and Content-Security-Policy violations.
    static let probe = """
        window.__hunt = { alerts: [], errors: [], violations: [] };
        window.alert = function (m) { window.__hunt.alerts.push(String(m)); };
        window.addEventListener('error', function (e) { window.__hunt.errors.push(String(e.message)); });
        document.addEventListener('securitypolicyviolation', function (e) { window.__hunt.violations.push(e.violatedDirective + ' ' + e.blockedURI); });
        """

    /// Runs after the page's own script: sorts and filters the result table of the section
    /// `SECTION` by its column `COLUMN`, then writes what it saw into the DOM for `--dump-dom`.
    static func driver(section: String, column: Int) -> String {
        "var SECTION = '\(section)', COLUMN = \(column);\n" + driverBody
    }

    static let driverBody = """
        (function () {
          var out = { sorted: false, filtered: false, tables: document.querySelectorAll('table').length };
          try {
            var section = document.getElementById(SECTION);
            var table = section.querySelector('table');
            var column = function () {
              return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return r.cells[COLUMN].textContent.trim(); });
            };
            out.before = column().slice(0, 3);
            var button = table.tHead.rows[0].cells[COLUMN].querySelector('button');
            button.click();
            var asc = column();
            out.afterFirstClick = asc.slice(0, 3);
            out.headerSort = table.tHead.rows[0].cells[COLUMN].getAttribute('aria-sort');
            button.click();
            out.afterSecondClick = column().slice(0, 3);
            var numbers = asc.map(Number);
            out.sorted = numbers.every(function (v, i) { return i === 0 || numbers[i - 1] <= v; }) && numbers[0] === 101;
            var filter = section.querySelector('input[type="search"]');
            filter.value = 'user42@';
            filter.dispatchEvent(new Event('input', { bubbles: true }));
            var visible = Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return r.offsetParent !== null && !r.hidden; });
            out.visibleAfterFilter = visible.length;
            out.filtered = visible.length === 1;
          } catch (e) { out.driverError = String(e); }
          setTimeout(function () {
            out.alerts = window.__hunt.alerts; out.errors = window.__hunt.errors; out.violations = window.__hunt.violations;
            var pre = document.createElement('pre');
            pre.id = 'hunt-test-result';
            pre.textContent = JSON.stringify(out);
            document.body.appendChild(pre);
          }, 300);
        })();
        """

    /// A fixture's report with the probe first in `<head>` and the driver last in `<body>`, and a
    /// policy recomputed to allow exactly those two scripts besides the page's own: the plain
    /// run's report, or the nightly one (two tenants, a "new" column before the result's columns,
    /// resolved findings, the suppression appendix).
    static func instrumentedReport(_ fixture: String) throws -> String {
        let nightly = fixture == "nightly"
        let model = nightly ? NightlyFixture.model() : ReportModel(run: ReportFixture.run())
        let driver = nightly
            ? Self.driver(section: "q-contoso.lateral-movement.many-logons", column: 2)
            : Self.driver(section: "q-lateral-movement.many-logons", column: 1)
        let files = ReportRenderer().render(model)
        var html = String(decoding: try #require(files.first { $0.path == "report.html" }).bytes, as: UTF8.self)
        let meta = try #require(html.range(of: #"<meta http-equiv="Content-Security-Policy" content="[^"]*">"#, options: .regularExpression))
        html.replaceSubrange(meta, with: "<meta http-equiv=\"Content-Security-Policy\" content=\"\(ContentSecurityPolicy.placeholder)\"><script>\(probe)</script>")
        let end = try #require(html.range(of: "</body>", options: .backwards))
        html.replaceSubrange(end, with: "<script>\(driver)</script></body>")
        return ContentSecurityPolicy.fill(html)
    }

    struct ChromiumTimedOut: Error, CustomStringConvertible {
        var seconds: Int
        var description: String { "chromium did not finish in \(seconds) s" }
    }

    /// Runs Chromium with `arguments` on a thread of its own (it takes seconds of both cores, and a
    /// blocked task-pool thread would stall every emulator test running beside it), killing it
    /// after `timeout` seconds; returns stdout and stderr.
    static func chromium(_ arguments: [String], timeout: TimeInterval = 90) async throws -> (stdout: String, stderr: String) {
        let executable = try #require(chromium)
        return try await offPool { try run(executable, arguments, timeout: timeout) }
    }

    private static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval) throws -> (stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                             "--user-data-dir=\(FileManager.default.temporaryDirectory.path)/hunt-chromium-\(UUID().uuidString)"] + arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let done = DispatchSemaphore(value: 0)
        let outBox = DataBox()
        let errBox = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(stdout, outBox), (stderr, errBox)] {
            group.enter()
            Thread.detachNewThread {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        Thread.detachNewThread {
            process.waitUntilExit()
            done.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            done.wait()
            group.wait()
            throw ChromiumTimedOut(seconds: Int(timeout))
        }
        group.wait()
        return (String(decoding: outBox.data, as: UTF8.self), String(decoding: errBox.data, as: UTF8.self))
    }

    final class DataBox: @unchecked Sendable {
        var data = Data()
    }

    @Test(
        .enabled(if: BrowserTests.chromium != nil, "SKIPPED: no headless Chromium (install Debian's chromium, or set HUNT_CHROMIUM)"),
        arguments: ["run", "nightly"])
    func reportLoadsSortsFiltersAndRunsNoScriptFromData(fixture: String) async throws {
        let folder = try TemporaryFolder()
        try folder.write("report.html", try Self.instrumentedReport(fixture))
        let page = "file://\(folder.path)/report.html"
        let (dom, log) = try await Self.chromium(["--virtual-time-budget=3000", "--enable-logging=stderr", "--v=0", "--dump-dom", page])
        let marker = try #require(dom.range(of: "<pre id=\"hunt-test-result\">"), "the driver wrote no result; chromium said:\n\(log.suffix(2000))")
        let rest = dom[marker.upperBound...]
        let json = String(rest[..<(rest.range(of: "</pre>")?.lowerBound ?? rest.endIndex)])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(json)")
        #expect(result["driverError"] == nil, "\(result)")
        #expect(result["alerts"] as? [String] == [], "a script from data ran: \(result)")
        #expect(result["errors"] as? [String] == [], "script errors: \(result)")
        #expect(result["violations"] as? [String] == [], "the page broke its own policy: \(result)")
        #expect(result["sorted"] as? Bool == true, "sorting: \(result)")
        #expect(result["headerSort"] as? String == "ascending", "\(result)")
        #expect((result["afterSecondClick"] as? [String])?.first == "600", "\(result)")
        #expect(result["filtered"] as? Bool == true, "filtering: \(result)")
        // Console errors other than our own probes (CSP reports, script errors) show up in the log.
        let consoleErrors = log.split(separator: "\n").filter { $0.contains(":CONSOLE(") && !$0.contains(":INFO:") }
        #expect(consoleErrors.isEmpty, "console:\n\(consoleErrors.joined(separator: "\n"))")
    }

    @Test(.enabled(if: BrowserTests.chromium != nil, "SKIPPED: no headless Chromium (install Debian's chromium, or set HUNT_CHROMIUM)"))
    func screenshotIsWrittenAsAnArtifact() async throws {
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let folder = try TemporaryFolder()
        let files = ReportRenderer().render(ReportModel(run: ReportFixture.run()))
        try folder.write("report.html", bytes: try #require(files.first { $0.path == "report.html" }).bytes)
        let shot = Self.artifacts.appendingPathComponent("report-chromium.png")
        try? FileManager.default.removeItem(at: shot)
        _ = try await Self.chromium(["--window-size=1280,2400", "--hide-scrollbars", "--screenshot=\(shot.path)", "file://\(folder.path)/report.html"])
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
        #expect(png.count > 20_000, "a blank page would be tiny")
        print("screenshot: \(shot.path)")
    }
}
