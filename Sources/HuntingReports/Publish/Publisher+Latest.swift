import Foundation

extension Publisher {
    /// Refuses to replace a `latest` the publisher did not make: a file, or a folder without its marker.
    /// - Throws: ``PublishError`` naming `latest` and what to do.
    func checkLatestIsOurs(_ directory: String) throws(PublishError) {
        let latest = directory + "/" + RunFolder.latest
        switch FileSystem.kind(latest) {
        case .missing, .symlink:
            return
        case .directory where RunFolder.markedName(in: latest) != nil:
            return
        default:
            throw PublishError(
                path: latest,
                message: "exists but was not made by hunt (no \(RunFolder.marker) marker inside); move it away or publish into another folder")
        }
    }

    /// Points `latest` at the run `name`: a new link or copy is made under a hidden name, then
    /// swapped in by one rename (a link over a link) or by `renameat2(RENAME_EXCHANGE)`; where the
    /// filesystem refuses the exchange, the old `latest` is renamed aside, the new one renamed in,
    /// and the old one deleted (``repair(_:ensureLatest:)`` finishes an interrupted swap).
    /// - Throws: ``PublishError`` naming the entry that could not be made or renamed; the old
    ///   `latest` is then still in place.
    func replaceLatest(with name: String, in directory: String) throws(PublishError) {
        let latest = directory + "/" + RunFolder.latest
        let staging = directory + "/" + RunFolder.temporaryName(RunFolder.latestTemporaryPrefix)
        switch settings.latest {
        case .symlink: try FileSystem.makeSymlink(staging, target: name)
        case .copy:
            do {
                try FileSystem.copyTree(directory + "/" + name, to: staging, last: RunFolder.marker)
            } catch {
                removeLeftover(staging)
                throw error
            }
        }
        checkpoint(.latestStaged)
        do {
            try swap(staging, into: latest, run: name)
        } catch {
            removeLeftover(staging)
            throw error
        }
    }

    /// Puts the new `latest` at `staging` in place of the old one.
    private func swap(_ staging: String, into latest: String, run name: String) throws(PublishError) {
        let old = FileSystem.kind(latest)
        if old == .missing || (old == .symlink && settings.latest == .symlink) {
            // rename(2) replaces a link by a link atomically, and creates a missing name.
            try FileSystem.move(staging, to: latest)
            checkpoint(.latestReplaced)
            return
        }
        // A folder cannot be renamed over a link or a non-empty folder, nor a link over a folder.
        if exchangeSupported {
            switch FileSystem.exchange(staging, latest) {
            case .exchanged:
                // Trust, but verify: the new one must now be `latest` and the old one at `staging`.
                guard RunFolder.latestRun(in: (latest as NSString).deletingLastPathComponent) == name, FileSystem.kind(staging) == old else {
                    throw PublishError(path: latest, message: "renameat2(RENAME_EXCHANGE) reported success but did not swap \(staging) and latest; publish with the latest mode 'symlink' on this filesystem")
                }
                checkpoint(.latestReplaced)
                removeLeftover(staging)
                checkpoint(.oldLatestRemoved)
                return
            case .failed(let code):
                throw PublishError(path: latest, message: "cannot swap \(staging) with latest: \(FileSystem.reason(code))")
            case .unsupported:
                log.debug("the filesystem refuses RENAME_EXCHANGE; replacing latest with two renames", ["path": latest])
            }
        }
        let directory = (latest as NSString).deletingLastPathComponent
        let aside = directory + "/" + RunFolder.temporaryName(RunFolder.latestOldPrefix)
        try FileSystem.move(latest, to: aside)
        checkpoint(.latestMovedAside)
        do {
            try FileSystem.move(staging, to: latest)
        } catch {
            try? FileSystem.move(aside, to: latest)
            throw error
        }
        checkpoint(.latestReplaced)
        removeLeftover(aside)
        checkpoint(.oldLatestRemoved)
    }

    /// Repairs what a crashed publish left in `directory`: a `latest` set aside by an interrupted
    /// swap is restored (when `latest` is missing) or deleted, and every leftover temporary, trash
    /// and `latest` staging entry is deleted. With `ensureLatest`, a missing or dangling `latest` is
    /// then made for the newest run.
    /// - Throws: ``PublishError`` when the folder cannot be listed or an entry cannot be renamed.
    func repair(_ directory: String, ensureLatest: Bool) throws(PublishError) {
        let latest = directory + "/" + RunFolder.latest
        let names = try FileSystem.list(directory)
        // The old latest of an interrupted swap is whole (it was `latest`, and removal starts with
        // its marker); among several, the newest run wins.
        var asides = names.filter { $0.hasPrefix(RunFolder.latestOldPrefix) }
        if FileSystem.kind(latest) == .missing {
            let candidates = asides.compactMap { aside in shownRun(directory + "/" + aside, in: directory).map { (aside, $0) } }
            if let (aside, run) = candidates.max(by: { RunFolder.isNewer($1.1, than: $0.1) }) {
                try FileSystem.move(directory + "/" + aside, to: latest)
                asides.removeAll { $0 == aside }
                log.warning("restored latest, which an interrupted publish had set aside", ["run": run, "path": latest])
            }
        }
        let prefixes = [RunFolder.temporaryPrefix, RunFolder.trashPrefix, RunFolder.latestTemporaryPrefix]
        for name in asides + names.filter({ name in prefixes.contains { name.hasPrefix($0) } }) {
            log.info("removing a leftover of an interrupted publish", ["path": directory + "/" + name])
            removeLeftover(directory + "/" + name)
        }
        guard ensureLatest else { return }
        let kind = FileSystem.kind(latest)
        if kind == .missing || (kind == .symlink && RunFolder.latestRun(in: directory) == nil), let newest = try RunFolder.runs(in: directory).first {
            log.warning("latest was missing or pointed nowhere; pointing it at the newest run", ["run": newest, "path": latest])
            try replaceLatest(with: newest, in: directory)
        }
    }

    /// The run an entry shaped like `latest` (a link to a run, or a copy with its marker) shows.
    private func shownRun(_ path: String, in directory: String) -> String? {
        switch FileSystem.kind(path) {
        case .symlink:
            guard let target = FileSystem.linkTarget(path), RunFolder.isRun(target, in: directory) else { return nil }
            return target
        case .directory:
            return RunFolder.markedName(in: path)
        default:
            return nil
        }
    }
}
