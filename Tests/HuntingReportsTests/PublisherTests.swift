import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hunting
@testable import HuntingReports
import KQL
import Synchronization
import Testing
import TestSupport

/// The publisher against real folders in the temporary directory: naming, `latest` in both modes,
/// the listing, retention, the lock, and the state a crash leaves at every step.
@Suite("Report publisher")
struct PublisherTests {
    // MARK: fixtures

    /// 2025-11-25 at `hour`:`minute`:`second` UTC.
    static func date(day: Int = 25, hour: Int = 2, minute: Int = 0, second: Int = 13) -> Date {
        Date(timeIntervalSince1970: KQLDateTime(year: 2025, month: 11, day: day, hour: hour, minute: minute, second: second)!.unixSeconds)
    }

    /// A small report whose every file carries `title`, so a folder can be checked for wholeness.
    static func report(_ title: String, sampleData: Bool = false, notice: String? = nil, html: Bool = true, rows: Int = 3) -> [ReportFile] {
        var manifest: [String: Any] = [
            "started": "2025-11-25T02:00:13.1234567Z", "sampleData": sampleData, "title": title,
            "counts": ["queries": 4, "withFindings": 2, "empty": 1, "failed": 1, "rows": rows, "newFindings": 2, "resolved": 1, "suppressed": 0],
        ]
        if let notice { manifest["notice"] = notice }
        let json = try! JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
        var files = [
            ReportFile(path: "report.md", bytes: Array("# \(title)\n".utf8)),
            ReportFile(path: "queries/q.csv", bytes: Array("a,b\n\(title),1\n".utf8)),
            ReportFile(path: "manifest.json", bytes: Array(json)),
        ]
        if html { files.insert(ReportFile(path: "report.html", bytes: Array("<html>\(title)</html>\n".utf8)), at: 0) }
        return files
    }

    /// The report title in the folder at `path` (following links) when every file of ``report(_:)`` is
    /// there with the content that title gives it, else `nil`.
    static func wholeTitle(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path + "/manifest.json"),
            let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let title = manifest["title"] as? String,
            read(path + "/report.md") == "# \(title)\n", read(path + "/queries/q.csv") == "a,b\n\(title),1\n",
            FileManager.default.fileExists(atPath: path + "/report.html") ? read(path + "/report.html") == "<html>\(title)</html>\n" : true,
            let marker = read(path + "/" + RunFolder.marker), RunFolder.parse(String(marker.dropLast())) != nil
        else { return nil }
        return title
    }

    static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    static func publisher(
        _ folder: TemporaryFolder, _ mode: LatestMode = .symlink, retention: Int? = nil, exchange: Bool = true, log: HuntingLog = .discard
    ) -> Publisher {
        var publisher = Publisher(settings: PublishSettings(directory: URL(fileURLWithPath: folder.path), latest: mode, retention: retention), log: log)
        publisher.exchangeSupported = exchange
        return publisher
    }

    static func entries(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    static let leftoverPrefixes = [".hunt-tmp-", ".hunt-trash-", ".latest.tmp-", ".latest.old-"]

    static func leftovers(_ path: String) -> [String] {
        entries(path).filter { name in leftoverPrefixes.contains { name.hasPrefix($0) } }
    }

    /// The run folders `index.html` links to, in order (not `latest`).
    static func listed(_ path: String) -> [String] {
        let html = read(path + "/index.html") ?? ""
        var names: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<th scope=\"row\"><a href=\"") {
            let tail = rest[start.upperBound...]
            guard let slash = tail.firstIndex(of: "/") else { break }
            names.append(String(tail[..<slash]))
            rest = tail[slash...]
        }
        return names
    }

    static func mode(_ path: String) -> Int {
        var info = stat()
        lstat(path, &info)
        return Int(info.st_mode & 0o777)
    }

    /// A log that keeps its records.
    final class Records: Sendable {
        let all = Mutex<[LogRecord]>([])
        var log: HuntingLog { HuntingLog(minimumLevel: .debug) { record in self.all.withLock { $0.append(record) } } }
        var warnings: [String] { all.withLock { $0.filter { $0.level == .warning }.map(\.message) } }
    }

    /// A lock file as another publish writes it.
    static func writeLock(_ folder: TemporaryFolder, pid: Int32, host: String = FileSystem.hostName, time: Date = Date()) throws {
        try folder.write(RunFolder.lock, "pid=\(pid)\nhost=\(host)\ntime=\(ReportText.iso(time))\ntoken=someone-else\n")
    }

    /// A pid no process has (above any `pid_max`), so `kill(pid, 0)` fails with `ESRCH`.
    static let deadPid: Int32 = 2_147_483_000

    // MARK: naming, latest and the listing

    @Test func firstPublishNamesTheFolderAfterTheStartLinksLatestAndListsIt() throws {
        let folder = try TemporaryFolder()
        let published = try Self.publisher(folder).publish(Self.report("first"), started: Self.date())
        #expect(published.name == "2025-11-25_0200")
        #expect(published.path.path == folder.path + "/2025-11-25_0200")
        #expect(published.latestPath.path == folder.path + "/latest")
        #expect(published.removed.isEmpty)
        #expect(Self.wholeTitle(published.path.path) == "first")
        #expect(Self.read(published.path.path + "/.hunt-run") == "2025-11-25_0200\n")
        #expect(FileSystem.kind(folder.path + "/latest") == .symlink)
        #expect(FileSystem.linkTarget(folder.path + "/latest") == "2025-11-25_0200")
        #expect(Self.wholeTitle(folder.path + "/latest") == "first")
        #expect(Self.listed(folder.path) == ["2025-11-25_0200"])
        let index = try #require(Self.read(folder.path + "/index.html"))
        #expect(index.contains("<a href=\"2025-11-25_0200/report.html\">2025-11-25_0200</a><span class=\"badge\">latest</span>"))
        #expect(index.contains("<a href=\"latest/report.html\">Open the latest report</a>"))
        #expect(index.contains("<time datetime=\"2025-11-25T02:00:13.1234567Z\">2025-11-25 02:00 UTC</time>"))
        #expect(Self.entries(folder.path) == ["2025-11-25_0200", "index.html", "latest"])
        // Modes whatever the umask: folders 0755, files 0644.
        #expect(Self.mode(published.path.path) == 0o755)
        #expect(Self.mode(published.path.path + "/queries") == 0o755)
        #expect(Self.mode(published.path.path + "/queries/q.csv") == 0o644)
        #expect(Self.mode(published.path.path + "/report.html") == 0o644)
        #expect(Self.mode(folder.path + "/index.html") == 0o644)
    }

    @Test func runsInTheSameMinuteGetASequenceAndNothingIsOverwritten() throws {
        let folder = try TemporaryFolder()
        // A foreign empty folder with the first name: never replaced, never listed.
        try FileManager.default.createDirectory(atPath: folder.path + "/2025-11-25_0200", withIntermediateDirectories: false)
        let publisher = Self.publisher(folder)
        let names = try (1...3).map { try publisher.publish(Self.report("run \($0)"), started: Self.date(second: $0)).name }
        #expect(names == ["2025-11-25_0200-2", "2025-11-25_0200-3", "2025-11-25_0200-4"])
        #expect(Self.entries(folder.path + "/2025-11-25_0200").isEmpty)
        #expect(Self.listed(folder.path) == ["2025-11-25_0200-4", "2025-11-25_0200-3", "2025-11-25_0200-2"])
        #expect(FileSystem.linkTarget(folder.path + "/latest") == "2025-11-25_0200-4")
        #expect(Self.wholeTitle(folder.path + "/2025-11-25_0200-2") == "run 1")
        // Ten sorts after nine.
        for _ in 5...11 { _ = try publisher.publish(Self.report("m"), started: Self.date()) }
        #expect(Self.listed(folder.path).prefix(3) == ["2025-11-25_0200-11", "2025-11-25_0200-10", "2025-11-25_0200-9"])
    }

    @Test(arguments: [true, false]) func copyModeMakesAWholeCopyAndReplacesIt(exchange: Bool) throws {
        let folder = try TemporaryFolder()
        let publisher = Self.publisher(folder, .copy, exchange: exchange)
        _ = try publisher.publish(Self.report("one"), started: Self.date(hour: 1))
        #expect(FileSystem.kind(folder.path + "/latest") == .directory)
        #expect(Self.wholeTitle(folder.path + "/latest") == "one")
        #expect(Self.read(folder.path + "/latest/.hunt-run") == "2025-11-25_0100\n")
        _ = try publisher.publish(Self.report("two"), started: Self.date(hour: 2))
        #expect(Self.wholeTitle(folder.path + "/latest") == "two")
        #expect(RunFolder.latestRun(in: folder.path) == "2025-11-25_0200")
        #expect(Self.mode(folder.path + "/latest") == 0o755)
        #expect(Self.mode(folder.path + "/latest/report.md") == 0o644)
        #expect(Self.leftovers(folder.path).isEmpty)
        #expect(Self.listed(folder.path) == ["2025-11-25_0200", "2025-11-25_0100"])
        #expect(Self.read(folder.path + "/index.html")?.contains("<a href=\"latest/report.html\">") == true)
    }

    @Test(arguments: [true, false]) func switchingModesBetweenRunsReplacesLatestEitherWay(exchange: Bool) throws {
        let folder = try TemporaryFolder()
        let modes: [LatestMode] = [.symlink, .copy, .copy, .symlink, .symlink, .copy]
        for (hour, mode) in modes.enumerated() {
            let name = try Self.publisher(folder, mode, exchange: exchange).publish(Self.report("h\(hour)"), started: Self.date(hour: hour)).name
            #expect(FileSystem.kind(folder.path + "/latest") == (mode == .copy ? .directory : .symlink))
            #expect(Self.wholeTitle(folder.path + "/latest") == "h\(hour)")
            #expect(RunFolder.latestRun(in: folder.path) == name)
            #expect(Self.leftovers(folder.path).isEmpty)
        }
        #expect(Self.listed(folder.path).count == modes.count)
    }

    @Test func theExchangeReallySwapsOnThisFilesystem() throws {
        let folder = try TemporaryFolder()
        try folder.write("a/file", "A")
        try folder.write("b/file", "B")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link", withDestinationPath: "a")
        #expect(FileSystem.exchange(folder.path + "/a", folder.path + "/b") == .exchanged)
        #expect(Self.read(folder.path + "/a/file") == "B")
        #expect(Self.read(folder.path + "/b/file") == "A")
        // A link and a folder swap too: that is how a copied latest replaces a linked one.
        #expect(FileSystem.exchange(folder.path + "/link", folder.path + "/b") == .exchanged)
        #expect(FileSystem.kind(folder.path + "/b") == .symlink)
        #expect(Self.read(folder.path + "/link/file") == "A")
        #expect(FileSystem.exchange(folder.path + "/missing", folder.path + "/a") == .failed(ENOENT))
        #expect(FileSystem.renameNoReplace(folder.path + "/a", to: folder.path + "/link") == EEXIST)
        #expect(FileSystem.renameNoReplace(folder.path + "/a", to: folder.path + "/c") == 0)
        #expect(Self.read(folder.path + "/c/file") == "B")
    }

    @Test func runNamesAreParsedStrictly() {
        #expect(RunFolder.name(started: Self.date(day: 5, hour: 7, minute: 9)) == "2025-11-05_0709")
        #expect(RunFolder.name(started: Self.date(), sequence: 12) == "2025-11-25_0200-12")
        #expect(RunFolder.parse("2025-11-25_0200").map { "\($0.minute) \($0.sequence)" } == "2025-11-25_0200 1")
        #expect(RunFolder.parse("2025-11-25_0200-2").map { "\($0.minute) \($0.sequence)" } == "2025-11-25_0200 2")
        for bad in ["2025-11-25_0200-1", "2025-11-25_0200-02", "2025-11-25_0200-", "2025-11-25_020", "2025-11-25 0200", "latest", "x2025-11-25_0200",
                    "2025-11-25_0200-2x", "2025-11-25_0200.bak", "２０２5-11-25_0200"] {
            #expect(RunFolder.parse(bad) == nil, "\(bad)")
        }
        #expect(RunFolder.isNewer("2025-11-25_0200-10", than: "2025-11-25_0200-9"))
        #expect(RunFolder.isNewer("2025-11-25_0201", than: "2025-11-25_0200-9"))
    }

    // MARK: the listing

    @Test func theListingEscapesWhatManifestsSay() throws {
        let folder = try TemporaryFolder()
        let hostile = "<script>alert('title')</script>"
        let notice = "\"><img src=x onerror=alert(1)> & more"
        _ = try Self.publisher(folder).publish(Self.report(hostile, sampleData: true, notice: notice), started: Self.date())
        let index = try #require(Self.read(folder.path + "/index.html"))
        #expect(!index.contains("<script"))
        #expect(!index.contains("<img"))
        #expect(index.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"))
        #expect(index.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; more"))
        #expect(!index.contains("style=\""))
        #expect(!index.contains(" onclick") && !index.contains(" onload"))
        // The policy allows exactly the page's own style element.
        #expect(!index.contains(ContentSecurityPolicy.placeholder))
        let style = try #require(ContentSecurityPolicy.hashes(of: "style", in: index).first)
        #expect(index.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'none'; style-src 'sha256-\(style)'"))
    }

    @Test func unreadableAndIncompleteManifestsAreListedAsSuch() throws {
        let folder = try TemporaryFolder()
        let publisher = Self.publisher(folder)
        let broken = try publisher.publish(Self.report("broken"), started: Self.date(hour: 1)).name
        let array = try publisher.publish(Self.report("array"), started: Self.date(hour: 2)).name
        let empty = try publisher.publish(Self.report("empty", html: false), started: Self.date(hour: 3)).name
        let fine = try publisher.publish(Self.report("fine", rows: 1234), started: Self.date(hour: 4)).name
        try folder.write(broken + "/manifest.json", "{not json")
        try folder.write(array + "/manifest.json", "[1, 2]")
        try folder.write(empty + "/manifest.json", "{\"title\": 5, \"counts\": {\"rows\": \"many\"}}")
        try publisher.recover()
        let index = try #require(Self.read(folder.path + "/index.html"))
        let rows = index.components(separatedBy: "<tr").dropFirst(2)  // after the head row
        #expect(rows.count == 4)
        let byName = Dictionary(uniqueKeysWithValues: rows.map { row in (Self.listedName(row), row) })
        #expect(byName[broken]?.contains("manifest unreadable") == true)
        #expect(byName[array]?.contains("manifest unreadable") == true)
        // Wrong types count as missing keys: listed, with dashes, linking to the Markdown report.
        #expect(byName[empty]?.contains("manifest unreadable") == false)
        #expect(byName[empty]?.contains("<td class=\"num\">—</td>") == true)
        #expect(byName[empty]?.contains("href=\"\(empty)/report.md\"") == true)
        #expect(byName[empty]?.contains("2025-11-25 03:00 UTC") == true)  // from the folder name
        #expect(byName[fine]?.contains("<td class=\"num\">1,234</td>") == true)
        #expect(byName[fine]?.contains("<td class=\"num fail\">1</td>") == true)
        #expect(byName[broken]?.contains("2025-11-25 01:00 UTC") == true)
    }

    @Test func theRenderersReportIsPublishedAndListedFromItsRealManifest() throws {
        let folder = try TemporaryFolder()
        let files = ReportRenderer().render(ReportModel(run: ReportFixture.run(), options: ReportOptions(title: "Nightly <hunt>")))
        let published = try Self.publisher(folder, .copy).publish(files, started: ReportFixture.started)
        #expect(published.name == "2025-11-25_0200")
        for file in files {
            #expect(FileManager.default.contents(atPath: published.path.path + "/" + file.path) == Data(file.bytes))
            #expect(FileManager.default.contents(atPath: folder.path + "/latest/" + file.path) == Data(file.bytes))
        }
        let index = try #require(Self.read(folder.path + "/index.html"))
        #expect(index.contains("<td class=\"report\" title=\"Sample data: "))
        #expect(index.contains(">Nightly &lt;hunt&gt;</td>"))
        #expect(index.contains("<span class=\"flag\">sample data</span>"))
        #expect(index.contains("<time datetime=\"2025-11-25T02:00:00.0000000Z\">2025-11-25 02:00 UTC</time>"))
        #expect(index.contains("<td class=\"num\">6</td>\n<td class=\"num\">3</td>\n<td class=\"num fail\">2</td>\n<td class=\"num\">649</td>"))
    }

    static func listedName(_ row: String) -> String {
        guard let start = row.range(of: "<a href=\""), let slash = row[start.upperBound...].firstIndex(of: "/") else { return "" }
        return String(row[start.upperBound..<slash])
    }

    @Test func sampleDataRunsAreLabelled() throws {
        let folder = try TemporaryFolder()
        let publisher = Self.publisher(folder)
        let sample = try publisher.publish(Self.report("sample", sampleData: true, notice: "Sample data: not a real tenant."), started: Self.date(hour: 1)).name
        let real = try publisher.publish(Self.report("real"), started: Self.date(hour: 2)).name
        let index = try #require(Self.read(folder.path + "/index.html"))
        let rows = index.components(separatedBy: "<tr").dropFirst(2)
        let byName = Dictionary(uniqueKeysWithValues: rows.map { (Self.listedName($0), $0) })
        #expect(byName[sample]?.contains("<span class=\"flag\">sample data</span>") == true)
        #expect(byName[sample]?.contains("title=\"Sample data: not a real tenant.\"") == true)
        #expect(index.contains("class=\"sample-note\""))
        #expect(byName[real]?.contains("sample data") == false)
        #expect(byName[real]?.contains("<span class=\"badge\">latest</span>") == true)
    }

    // MARK: retention

    @Test func retentionKeepsTheNewestRunsAndNeverTouchesForeignEntries() throws {
        let folder = try TemporaryFolder()
        // Foreign: a folder named like a run without a marker, one with another run's marker, a
        // file named like a run, a file, a hidden folder.
        try folder.write("2025-11-20_0100/keep.txt", "mine")
        try folder.write("2025-11-21_0100/.hunt-run", "2025-11-20_0100\n")
        try folder.write("2025-11-22_0100", "a file")
        try folder.write("notes.txt", "notes")
        try folder.write(".git/config", "x")
        let publisher = Self.publisher(folder, retention: 2)
        var removed: [String] = []
        for hour in 1...5 {
            removed += try publisher.publish(Self.report("h\(hour)"), started: Self.date(hour: hour)).removed
        }
        #expect(removed == ["2025-11-25_0100", "2025-11-25_0200", "2025-11-25_0300"])
        #expect(Self.entries(folder.path) == [
            ".git", "2025-11-20_0100", "2025-11-21_0100", "2025-11-22_0100", "2025-11-25_0400", "2025-11-25_0500", "index.html", "latest",
            "notes.txt",
        ])
        #expect(Self.read(folder.path + "/2025-11-20_0100/keep.txt") == "mine")
        #expect(Self.read(folder.path + "/2025-11-21_0100/.hunt-run") == "2025-11-20_0100\n")
        #expect(Self.listed(folder.path) == ["2025-11-25_0500", "2025-11-25_0400"])
        let index = Self.read(folder.path + "/index.html") ?? ""
        #expect(!index.contains("2025-11-20") && !index.contains("2025-11-21") && !index.contains("2025-11-22") && !index.contains("notes"))
    }

    /// Retention frees the oldest names of a minute; the next run of that minute must not take
    /// one of them, or it would sort before runs made earlier (and retention would remove the
    /// newest report).
    @Test func aNameRetentionFreedIsNeverTakenAgain() throws {
        let folder = try TemporaryFolder()
        let publisher = Self.publisher(folder, retention: 2)
        var names: [String] = []
        for second in 1...5 {
            names.append(try publisher.publish(Self.report("r\(second)"), started: Self.date(second: second)).name)
        }
        #expect(names == ["2025-11-25_0200", "2025-11-25_0200-2", "2025-11-25_0200-3", "2025-11-25_0200-4", "2025-11-25_0200-5"])
        #expect(Self.listed(folder.path) == ["2025-11-25_0200-5", "2025-11-25_0200-4"])
        #expect(RunFolder.latestRun(in: folder.path) == "2025-11-25_0200-5")
    }

    @Test func retentionNeverRemovesTheRunLatestShows() throws {
        let folder = try TemporaryFolder()
        let publisher = Self.publisher(folder, .copy, retention: 1)
        _ = try publisher.publish(Self.report("later"), started: Self.date(hour: 5))
        // A clock set back: the new run sorts older, but latest shows it, so both stay.
        let published = try publisher.publish(Self.report("earlier"), started: Self.date(hour: 3))
        #expect(published.removed.isEmpty)
        #expect(RunFolder.latestRun(in: folder.path) == "2025-11-25_0300")
        #expect(Self.listed(folder.path) == ["2025-11-25_0500", "2025-11-25_0300"])
        // The next run is newest and latest: both older ones go.
        #expect(try publisher.publish(Self.report("next"), started: Self.date(hour: 6)).removed == ["2025-11-25_0500", "2025-11-25_0300"])
    }

    // MARK: the lock

    @Test func aLockHeldByALiveProcessStopsThePublish() throws {
        let folder = try TemporaryFolder()
        let started = Date()
        try Self.writeLock(folder, pid: getpid(), time: started)
        let error = try #require(throws: PublishError.self) { try Self.publisher(folder).publish(Self.report("x"), started: Self.date()) }
        #expect(error.path == folder.path + "/.hunt.lock")
        #expect(error.message.contains("another publish holds the lock (pid \(getpid()) on host \(FileSystem.hostName) since \(ReportText.iso(started)))"))
        #expect(error.message.contains("delete this file"))
        #expect(error.description.hasPrefix(folder.path + "/.hunt.lock: "))
        #expect(Self.entries(folder.path) == [".hunt.lock"])
        #expect(Self.read(folder.path + "/.hunt.lock")?.contains("token=someone-else") == true)
        // recover() honours it too.
        #expect(throws: PublishError.self) { try Self.publisher(folder).recover() }
    }

    @Test func aLockFromAnotherHostIsHonouredUntilItIsStale() throws {
        let folder = try TemporaryFolder()
        try Self.writeLock(folder, pid: Self.deadPid, host: "elsewhere.example")
        let error = try #require(throws: PublishError.self) { try Self.publisher(folder).publish(Self.report("x"), started: Self.date()) }
        #expect(error.message.contains("if no publish is running on elsewhere.example, delete this file"))
        try Self.writeLock(folder, pid: 42, host: "elsewhere.example", time: Date().addingTimeInterval(-7 * 3600))
        let records = Records()
        _ = try Self.publisher(folder, log: records.log).publish(Self.report("x"), started: Self.date())
        #expect(records.warnings.contains { $0.contains("taking over the publish lock of pid 42 on host elsewhere.example") && $0.contains("older than 6 h 00 min") })
        #expect(FileSystem.kind(folder.path + "/.hunt.lock") == .missing)
        #expect(Self.leftovers(folder.path).isEmpty)
    }

    @Test func aLockWhoseProcessIsGoneIsTakenOver() throws {
        let folder = try TemporaryFolder()
        try Self.writeLock(folder, pid: Self.deadPid)
        let records = Records()
        let published = try Self.publisher(folder, log: records.log).publish(Self.report("x"), started: Self.date())
        #expect(published.name == "2025-11-25_0200")
        #expect(records.warnings.contains { $0.contains("its process is gone") })
        #expect(FileSystem.kind(folder.path + "/.hunt.lock") == .missing)
    }

    @Test func theLockIsReleasedWhenThePublishFails() throws {
        let folder = try TemporaryFolder()
        try folder.write("latest/foreign.txt", "not ours")
        let error = try #require(throws: PublishError.self) { try Self.publisher(folder).publish(Self.report("x"), started: Self.date()) }
        #expect(error.path == folder.path + "/latest")
        #expect(error.message.contains("was not made by hunt"))
        #expect(Self.entries(folder.path) == ["latest"])
        #expect(Self.read(folder.path + "/latest/foreign.txt") == "not ours")
    }

    // MARK: errors

    @Test func badReportsAndSettingsAreRefusedWithWhatToDo() throws {
        let folder = try TemporaryFolder()
        let publisher = Self.publisher(folder)
        let noManifest = try #require(throws: PublishError.self) { try publisher.publish([ReportFile(path: "report.md", bytes: [])], started: Self.date()) }
        #expect(noManifest.message.contains("no manifest.json"))
        for path in ["../escape", "/abs", "a//b", "./x", ".hunt-run", "q/../../x"] {
            let error = try #require(throws: PublishError.self) { try publisher.publish(Self.report("x") + [ReportFile(path: path, bytes: [])], started: Self.date()) }
            #expect(error.path == path)
        }
        #expect(throws: PublishError.self) { try publisher.publish(Self.report("x") + Self.report("y"), started: Self.date()) }
        let zero = try #require(throws: PublishError.self) { try Self.publisher(folder, retention: 0).publish(Self.report("x"), started: Self.date()) }
        #expect(zero.message.contains("at least 1"))
        try folder.write("latest", "a file")
        #expect(throws: PublishError.self) { try publisher.publish(Self.report("x"), started: Self.date()) }
        #expect(Self.entries(folder.path) == ["latest"])
        let unmounted = Publisher(settings: PublishSettings(directory: URL(fileURLWithPath: folder.path + "/share/reports")))
        let missing = try #require(throws: PublishError.self) { try unmounted.publish(Self.report("x"), started: Self.date()) }
        #expect(missing.message.contains("mounted"))
        #expect(FileSystem.kind(folder.path + "/share") == .missing)
        try unmounted.recover()  // nothing to recover in a folder that does not exist
    }

    @Test func aMissingPublishFolderIsCreatedInsideAnExistingOne() throws {
        let folder = try TemporaryFolder()
        let publisher = Publisher(settings: PublishSettings(directory: URL(fileURLWithPath: folder.path + "/reports/")))
        #expect(try publisher.publish(Self.report("x"), started: Self.date()).path.path == folder.path + "/reports/2025-11-25_0200")
        #expect(Self.mode(folder.path + "/reports") == 0o755)
    }

    // MARK: recovery

    /// A published folder with runs at 01:00 ("old") and 02:00 ("new"), `latest` in `mode` showing 02:00.
    static func twoRuns(_ mode: LatestMode) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        let publisher = Self.publisher(folder, mode)
        _ = try publisher.publish(Self.report("old"), started: Self.date(hour: 1))
        _ = try publisher.publish(Self.report("new"), started: Self.date(hour: 2))
        return folder
    }

    @Test(arguments: LatestMode.allCases) func aSwapInterruptedBetweenItsRenamesIsUndone(mode: LatestMode) throws {
        let folder = try Self.twoRuns(mode)
        // The fallback swap stopped after setting latest aside: no latest, the old one aside, the new copy staged.
        try FileManager.default.moveItem(atPath: folder.path + "/latest", toPath: folder.path + "/.latest.old-77-abc")
        try FileSystem.copyTree(folder.path + "/2025-11-25_0100", to: folder.path + "/.latest.tmp-77-def", last: RunFolder.marker)
        let records = Records()
        try Self.publisher(folder, mode, log: records.log).recover()
        #expect(Self.wholeTitle(folder.path + "/latest") == "new")
        #expect(FileSystem.kind(folder.path + "/latest") == (mode == .copy ? .directory : .symlink))
        #expect(Self.leftovers(folder.path).isEmpty)
        #expect(records.warnings.contains { $0.contains("restored latest") })
        #expect(Self.listed(folder.path) == ["2025-11-25_0200", "2025-11-25_0100"])
    }

    @Test func theNextPublishRepairsToo() throws {
        let folder = try Self.twoRuns(.copy)
        try FileManager.default.moveItem(atPath: folder.path + "/latest", toPath: folder.path + "/.latest.old-77-abc")
        try folder.write(".latest.tmp-77-def/report.md", "half")
        let published = try Self.publisher(folder, .copy, exchange: false).publish(Self.report("third"), started: Self.date(hour: 3))
        #expect(Self.wholeTitle(folder.path + "/latest") == "third")
        #expect(RunFolder.latestRun(in: folder.path) == published.name)
        #expect(Self.leftovers(folder.path).isEmpty)
    }

    @Test func anAsideWithoutItsMarkerIsNeverRestored() throws {
        let folder = try Self.twoRuns(.copy)
        // Removal starts with the marker: this one was being deleted, and latest is gone too.
        try FileManager.default.moveItem(atPath: folder.path + "/latest", toPath: folder.path + "/.latest.old-1-a")
        try FileManager.default.removeItem(atPath: folder.path + "/.latest.old-1-a/.hunt-run")
        try Self.publisher(folder, .copy).recover()
        // Made anew from the newest run instead.
        #expect(Self.wholeTitle(folder.path + "/latest") == "new")
        #expect(Self.leftovers(folder.path).isEmpty)
    }

    @Test func leftoversOfCrashedPublishesAreRemovedAndForeignHiddenEntriesKept() throws {
        let folder = try Self.twoRuns(.symlink)
        try folder.write(".hunt-tmp-2025-11-25_0300-99-1a/report.md", "half a run")
        try folder.write(".hunt-tmp-index-99-2b", "<html>half an index")
        try folder.write(".hunt-trash-2025-11-25_0000-99-3c/queries/q.csv", "half deleted")
        try folder.write(".latest.old-99-4d/manifest.json", "{}")  // latest exists: an old one to delete
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/.latest.tmp-99-5e", withDestinationPath: "2025-11-25_0100")
        try folder.write(".hunt-tmpfoo", "foreign: not our prefix")
        try folder.write(".latest", "foreign")
        try Self.publisher(folder).recover()
        #expect(Self.entries(folder.path) == [".hunt-tmpfoo", ".latest", "2025-11-25_0100", "2025-11-25_0200", "index.html", "latest"])
        #expect(Self.wholeTitle(folder.path + "/latest") == "new")
    }

    @Test func aLeftoverLinkIsRemovedWithoutTouchingItsTarget() throws {
        let folder = try Self.twoRuns(.symlink)
        let outside = try TemporaryFolder()
        try outside.write("precious/file", "keep me")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/.hunt-trash-x-1-2", withDestinationPath: outside.path + "/precious")
        try Self.publisher(folder).recover()
        #expect(Self.leftovers(folder.path).isEmpty)
        #expect(Self.read(outside.path + "/precious/file") == "keep me")
    }

    @Test func aMissingOrDanglingLatestIsRemadeForTheNewestRun() throws {
        let folder = try Self.twoRuns(.symlink)
        try FileManager.default.removeItem(atPath: folder.path + "/latest")
        try Self.publisher(folder).recover()
        #expect(FileSystem.linkTarget(folder.path + "/latest") == "2025-11-25_0200")
        try FileManager.default.removeItem(atPath: folder.path + "/latest")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/latest", withDestinationPath: "2025-11-25_0900")
        try Self.publisher(folder, .copy).recover()
        #expect(FileSystem.kind(folder.path + "/latest") == .directory)
        #expect(Self.wholeTitle(folder.path + "/latest") == "new")
    }

    @Test func recoverRelistsARunWhosePublishStoppedBeforeTheListing() throws {
        let folder = try Self.twoRuns(.symlink)
        try FileManager.default.removeItem(atPath: folder.path + "/index.html")
        try Self.publisher(folder).recover()
        #expect(Self.listed(folder.path) == ["2025-11-25_0200", "2025-11-25_0100"])
        // An empty folder is not made into a publish folder.
        let empty = try TemporaryFolder()
        try Self.publisher(empty).recover()
        #expect(Self.entries(empty.path).isEmpty)
    }

    // MARK: a crash at every step

    /// Copies `from` to `to` as it is: links stay links.
    static func snapshot(_ from: String, to: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: to, withIntermediateDirectories: true)
        for name in try manager.contentsOfDirectory(atPath: from) {
            let source = from + "/" + name
            let target = to + "/" + name
            switch FileSystem.kind(source) {
            case .symlink: try manager.createSymbolicLink(atPath: target, withDestinationPath: FileSystem.linkTarget(source)!)
            case .directory: try snapshot(source, to: target)
            default: try manager.copyItem(atPath: source, toPath: target)
            }
        }
    }

    /// What a reader may see at any moment: `latest` whole (or, only inside the fallback swap,
    /// missing with a whole one set aside), a whole `index.html` whose runs are all whole, every
    /// marked run folder whole.
    static func checkReadable(_ path: String, step: String) {
        let names = entries(path)
        if FileSystem.kind(path + "/latest") == .missing {
            #expect(names.contains { $0.hasPrefix(".latest.old-") && wholeTitle(path + "/" + $0) != nil }, "no latest after \(step)")
        } else {
            #expect(wholeTitle(path + "/latest") != nil, "latest not whole after \(step)")
        }
        let index = read(path + "/index.html") ?? ""
        #expect(index.hasSuffix("</html>\n"), "index not whole after \(step)")
        for run in listed(path) {
            #expect(wholeTitle(path + "/" + run) != nil, "listed run \(run) not whole after \(step)")
        }
        for name in names where RunFolder.parse(name) != nil && FileSystem.kind(path + "/" + name + "/.hunt-run") == .file {
            #expect(wholeTitle(path + "/" + name) != nil, "run \(name) not whole after \(step)")
        }
    }

    /// The snapshots a publish's checkpoints took, in order.
    final class Snapshots: Sendable {
        let list = Mutex<[(step: PublishStep, path: String)]>([])
    }

    struct CrashCase: Sendable, CustomTestStringConvertible {
        var before: LatestMode
        var mode: LatestMode
        var exchange: Bool
        var testDescription: String { "\(before) → \(mode)\(exchange ? "" : " without RENAME_EXCHANGE")" }
    }

    static let crashCases: [CrashCase] = [
        CrashCase(before: .symlink, mode: .symlink, exchange: true),
        CrashCase(before: .copy, mode: .copy, exchange: true),
        CrashCase(before: .copy, mode: .copy, exchange: false),
        CrashCase(before: .symlink, mode: .copy, exchange: false),
        CrashCase(before: .copy, mode: .symlink, exchange: false),
        CrashCase(before: .copy, mode: .symlink, exchange: true),
    ]

    /// Snapshots the folder at every step of a publish (what `kill -9` there would leave), checks
    /// each is readable, then that recover() makes each whole and tidy and a publish works on it.
    @Test(arguments: crashCases) func aCrashAtAnyStepLeavesTheOldReportWholeAndIsRepaired(_ crash: CrashCase) throws {
        let folder = try TemporaryFolder()
        let before = Self.publisher(folder, crash.before)
        for hour in 1...3 { _ = try before.publish(Self.report("h\(hour)"), started: Self.date(hour: hour)) }
        try folder.write(".hunt-tmp-2025-11-25_0000-1-1/report.md", "an earlier crash")
        let snapshots = try TemporaryFolder()
        let taken = Snapshots()
        var publisher = Self.publisher(folder, crash.mode, retention: 2, exchange: crash.exchange)
        let source = folder.path
        let target = snapshots.path
        publisher.checkpoint = { step in
            taken.list.withLock { list in
                let path = target + "/\(list.count)-\(step.rawValue)"
                try! Self.snapshot(source, to: path)
                list.append((step, path))
            }
        }
        let published = try publisher.publish(Self.report("h4"), started: Self.date(hour: 4))
        #expect(published.removed == ["2025-11-25_0200", "2025-11-25_0100"])
        let steps = taken.list.withLock { $0 }
        // The window the fallback swap cannot avoid, which recover() must close.
        for (step, path) in steps where step == .latestMovedAside {
            #expect(FileSystem.kind(path + "/latest") == .missing)
        }
        var expected = Set(PublishStep.allCases)
        if crash.before == .symlink && crash.mode == .symlink {
            expected.subtract([.latestMovedAside, .oldLatestRemoved])
        } else if crash.exchange {
            expected.remove(.latestMovedAside)
        }
        #expect(Set(steps.map(\.step)) == expected)
        #expect(steps.filter { $0.step == .fileWritten }.count == 4)
        for (step, path) in steps {
            Self.checkReadable(path, step: step.rawValue)
            // The crashed process's lock: its pid is gone.
            try Data("pid=\(Self.deadPid)\nhost=\(FileSystem.hostName)\ntime=\(ReportText.iso(Date()))\n".utf8).write(to: URL(fileURLWithPath: path + "/.hunt.lock"))
            let recovering = Publisher(settings: PublishSettings(directory: URL(fileURLWithPath: path), latest: crash.mode, retention: 2))
            try recovering.recover()
            Self.checkReadable(path, step: "recover() after \(step.rawValue)")
            #expect(Self.leftovers(path).isEmpty, "leftovers after recovering from \(step.rawValue)")
            #expect(FileSystem.kind(path + "/.hunt.lock") == .missing)
            let runs = try RunFolder.runs(in: path)
            #expect(Self.listed(path) == runs, "listing after recovering from \(step.rawValue)")
            #expect(runs.contains("2025-11-25_0300"), "the previous run is gone after \(step.rawValue)")
            #expect(Self.wholeTitle(path + "/latest").map { ["h3", "h4"].contains($0) } == true, "latest after recovering from \(step.rawValue)")
            // And the next night's publish works.
            let next = try recovering.publish(Self.report("h5"), started: Self.date(hour: 5))
            #expect(Self.wholeTitle(path + "/latest") == "h5")
            #expect(next.name == "2025-11-25_0500")
            #expect(Self.leftovers(path).isEmpty)
        }
    }
}
