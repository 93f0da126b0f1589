public import Foundation
public import Hunting

/// One published run.
public struct PublishedRun: Sendable, Equatable {
    /// The run folder's name, `2025-11-25_0200` (or `…-2` for a second run in the same minute).
    public var name: String
    /// The run folder.
    public var path: URL
    /// `latest` in the publish folder, now showing this run.
    public var latestPath: URL
    /// The runs removed to keep the retention, newest first.
    public var removed: [String]
}

/// Publishes rendered reports into a folder that is typically a mounted SMB or NFS share, for a
/// nightly job: each run becomes a folder named after its start time, `latest` shows the newest,
/// `index.html` lists them all, and old runs go once there are more than the retention allows.
///
/// A crash at any moment (`kill -9`, a lost mount) leaves the previous report whole: a run is built
/// in a hidden folder and renamed into place in one step, `latest` and `index.html` are replaced by
/// rename, and runs are renamed to a hidden name before they are deleted. What a crash leaves
/// behind, ``recover()`` (which ``publish(_:started:)`` runs first) repairs. Only names the
/// publisher creates are ever changed or deleted, and only run folders carrying its marker file;
/// `.hunt.lock` keeps two publishes from running at once.
public struct Publisher: Sendable {
    /// Where and how to publish.
    public let settings: PublishSettings
    /// The templates; `index.html` renders the listing.
    public let templates: MustacheLibrary
    /// Where repairs and lock takeovers are reported.
    public let log: HuntingLog

    /// Called at each step of a publish, so tests can look at what a crash there would leave.
    var checkpoint: @Sendable (PublishStep) -> Void = { _ in }
    /// `false` makes the publisher behave as on a filesystem that refuses `RENAME_EXCHANGE`.
    var exchangeSupported = true

    /// Creates a publisher.
    /// - Parameters:
    ///   - settings: Where and how to publish.
    ///   - templates: The templates; the listing renders through `index.html` (the built-in one
    ///     when the library has none).
    ///   - log: Where repairs and lock takeovers are reported; nothing by default.
    public init(settings: PublishSettings, templates: MustacheLibrary = ReportTemplates.builtin, log: HuntingLog = .discard) {
        self.settings = settings
        self.templates = templates
        self.log = log
    }

    /// Repairs what a crashed publish left: restores a `latest` that an interrupted swap set aside
    /// (or makes one for the newest run when there is none), removes leftover temporary and trash
    /// entries, and rewrites `index.html`. Takes the lock for the time it works; a folder that does
    /// not exist yet needs no repair.
    /// - Throws: ``PublishError`` when another publish holds the lock, or a file or folder cannot
    ///   be read, renamed or removed.
    public func recover() throws(PublishError) {
        let directory = directoryPath
        guard FileSystem.isDirectory(following: directory) else { return }
        let lock = try PublishLock.acquire(in: directory, staleAge: settings.staleLockAge, log: log)
        defer { lock.release(log: log) }
        try repair(directory, ensureLatest: true)
        let runs = try RunFolder.runs(in: directory)
        if !runs.isEmpty || FileSystem.kind(directory + "/" + RunFolder.index) != .missing {
            try writeIndex(directory, runs: runs, latest: RunFolder.latestRun(in: directory))
        }
    }

    /// Publishes one run: writes `files` into a new run folder named after `started`, points
    /// `latest` at it, rewrites `index.html` and removes the runs beyond the retention.
    /// - Parameters:
    ///   - files: The rendered report; must hold `manifest.json`, and every path must be relative
    ///     without `.` or `..` parts.
    ///   - started: When the run started; its UTC minute names the folder.
    /// - Returns: The run's name and folder, `latest`, and the runs removed.
    /// - Throws: ``PublishError`` naming the path at fault: another publish holds the lock, the
    ///   folder or share cannot be written, `latest` exists but was not made by the publisher, or
    ///   the report's files are not a report. The previous report stays as it was.
    public func publish(_ files: [ReportFile], started: Date) throws(PublishError) -> PublishedRun {
        let directory = directoryPath
        if let retention = settings.retention, retention < 1 {
            throw PublishError(path: directory, message: "the retention must keep at least 1 run (it is \(retention)); set it to 1 or more, or leave it unset to keep every run")
        }
        try Self.validate(files, for: directory)
        try prepare(directory)
        let lock = try PublishLock.acquire(in: directory, staleAge: settings.staleLockAge, log: log)
        defer { lock.release(log: log) }
        checkpoint(.locked)
        try repair(directory, ensureLatest: false)
        checkpoint(.repaired)
        try checkLatestIsOurs(directory)
        let name = try createRun(files, started: started, in: directory)
        try replaceLatest(with: name, in: directory)
        let runs = try RunFolder.runs(in: directory)
        var kept = runs
        var removed: [String] = []
        if let retention = settings.retention {
            let protected: Set = [name, RunFolder.latestRun(in: directory) ?? name]
            kept = runs.enumerated().filter { $0.offset < retention || protected.contains($0.element) }.map(\.element)
            removed = runs.filter { !kept.contains($0) }
        }
        // The listing first: a crash before the deletions leaves unlisted runs, never listed missing ones.
        try writeIndex(directory, runs: kept, latest: name)
        var gone: [String] = []
        for run in removed {
            do {
                try discard(run, in: directory)
                gone.append(run)
            } catch {
                // The new run is published; an old one that stays only costs space, and the next publish retries.
                log.warning("cannot remove an old run: \(error.message)", ["path": error.path])
            }
        }
        log.info("published the report", ["run": name, "path": directory])
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        return PublishedRun(
            name: name, path: folder.appendingPathComponent(name, isDirectory: true),
            latestPath: folder.appendingPathComponent(RunFolder.latest), removed: gone)
    }

    /// The publish folder's path, without a trailing slash.
    var directoryPath: String { settings.directory.standardizedFileURL.path }

    /// Creates the publish folder if it is missing, but only inside an existing folder.
    private func prepare(_ directory: String) throws(PublishError) {
        switch FileSystem.kind(directory) {
        case .directory:
            return
        case .symlink where FileSystem.isDirectory(following: directory):
            return
        case .missing:
            let parent = (directory as NSString).deletingLastPathComponent
            guard FileSystem.isDirectory(following: parent) else {
                throw PublishError(path: directory, message: "the publish folder and its parent \(parent) do not exist; check the path and that the share is mounted")
            }
            try FileSystem.makeDirectory(directory)
        default:
            throw PublishError(path: directory, message: "exists and is not a folder; give the path of a folder to publish into")
        }
    }

    /// Refuses a report without `manifest.json` or with a path that could leave its folder.
    private static func validate(_ files: [ReportFile], for directory: String) throws(PublishError) {
        guard files.contains(where: { $0.path == "manifest.json" }) else {
            throw PublishError(path: directory, message: "the report to publish has no manifest.json; publish the files the report renderer returns")
        }
        var seen: Set<String> = []
        for file in files {
            let parts = file.path.split(separator: "/", omittingEmptySubsequences: false)
            guard !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." || $0.contains("\0") }), parts.first != Substring(RunFolder.marker) else {
                throw PublishError(path: file.path, message: "is not a plain relative path inside the report; the report's files cannot be published")
            }
            guard seen.insert(file.path).inserted else {
                throw PublishError(path: file.path, message: "appears twice in the report; the report's files cannot be published")
            }
        }
    }
}

/// The points of a publish where a crash leaves a different state behind.
enum PublishStep: String, Sendable, CaseIterable {
    case locked, repaired
    case stagingCreated, fileWritten, markerWritten, runRenamed
    case latestStaged, latestMovedAside, latestReplaced, oldLatestRemoved
    case indexStaged, indexReplaced
    case runTrashed, runRemoved
}
