import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Publisher {
    /// Builds the run in a hidden folder beside its final name, marker last, and renames it into
    /// place in one step. Within a minute the name takes the sequence after the highest one there
    /// (`-2`, `-3`, …), never a lower one that retention freed, so names keep sorting in the order
    /// the runs were made and no run is ever replaced.
    /// - Returns: The run's name.
    /// - Throws: ``PublishError`` naming the file or folder that could not be written; the hidden
    ///   folder is removed.
    func createRun(_ files: [ReportFile], started: Date, in directory: String) throws(PublishError) -> String {
        let minute = RunFolder.name(started: started)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var sequence = entries.compactMap(RunFolder.parse).filter { $0.minute == minute }.map(\.sequence).max() ?? 0
        sequence += 1
        var name = RunFolder.name(started: started, sequence: sequence)
        func advance() throws(PublishError) {
            repeat {
                sequence += 1
                guard sequence < 10_000 else {
                    throw PublishError(path: directory + "/" + name, message: "too many runs in the same minute; remove some of them")
                }
                name = RunFolder.name(started: started, sequence: sequence)
            } while FileSystem.kind(directory + "/" + name) != .missing
        }
        if FileSystem.kind(directory + "/" + name) != .missing { try advance() }
        let staging = directory + "/" + RunFolder.temporaryName(RunFolder.temporaryPrefix, name)
        try FileSystem.makeDirectory(staging)
        checkpoint(.stagingCreated)
        do throws(PublishError) {
            var folders: Set<String> = []
            for file in files {
                var parent = ""
                for part in file.path.split(separator: "/").dropLast() {
                    parent += (parent.isEmpty ? "" : "/") + part
                    if folders.insert(parent).inserted { try FileSystem.makeDirectory(staging + "/" + parent) }
                }
                try FileSystem.writeFile(staging + "/" + file.path, bytes: file.bytes)
                checkpoint(.fileWritten)
            }
            let marker = staging + "/" + RunFolder.marker
            try FileSystem.writeFile(marker, bytes: RunFolder.markerBytes(name))
            checkpoint(.markerWritten)
            while true {
                let code = FileSystem.renameNoReplace(staging, to: directory + "/" + name)
                if code == 0 { break }
                guard code == EEXIST || code == ENOTEMPTY else {
                    throw PublishError(path: directory + "/" + name, message: "cannot rename the new run \(staging) to this name: \(FileSystem.reason(code))")
                }
                // Something appeared under the name meanwhile (not a publish: those hold the lock).
                try advance()
                unlink(marker)
                try FileSystem.writeFile(marker, bytes: RunFolder.markerBytes(name))
            }
            checkpoint(.runRenamed)
            return name
        } catch {
            try? FileSystem.removeTree(staging)
            throw error
        }
    }

    /// Replaces `index.html` with the listing of `runs` (newest first), written beside it and renamed over it.
    /// - Throws: ``PublishError`` naming the file that could not be written.
    func writeIndex(_ directory: String, runs: [String], latest: String?) throws(PublishError) {
        let latestHref = FileSystem.kind(directory + "/" + RunFolder.latest) == .missing
            ? nil : RunIndex.page(of: directory + "/" + RunFolder.latest, relative: RunFolder.latest)
        guard let bytes = RunIndex(runs: runs, in: directory, latest: latest).render(templates: templates, latestHref: latestHref) else { return }
        let staging = directory + "/" + RunFolder.temporaryName(RunFolder.temporaryPrefix, "index")
        do throws(PublishError) {
            try FileSystem.writeFile(staging, bytes: bytes)
            checkpoint(.indexStaged)
            try FileSystem.move(staging, to: directory + "/" + RunFolder.index)
            checkpoint(.indexReplaced)
        } catch {
            unlink(staging)
            throw error
        }
    }

    /// Removes the run `name`: renamed to a hidden trash name first, so a crash while deleting
    /// never leaves a half-deleted run under its own name; a trash folder that cannot be deleted is
    /// only logged (the next publish tries again).
    /// - Throws: ``PublishError`` when the run cannot be renamed.
    func discard(_ name: String, in directory: String) throws(PublishError) {
        guard RunFolder.isRun(name, in: directory) else { return }
        let trash = directory + "/" + RunFolder.temporaryName(RunFolder.trashPrefix, name)
        try FileSystem.move(directory + "/" + name, to: trash)
        checkpoint(.runTrashed)
        removeLeftover(trash)
        checkpoint(.runRemoved)
        log.info("removed an old run to keep the retention", ["run": name, "retention": settings.retention.map(String.init) ?? "all"])
    }

    /// Deletes a hidden entry of the publisher's own, marker first; a failure is logged, not thrown.
    func removeLeftover(_ path: String) {
        do throws(PublishError) {
            try FileSystem.removeTree(path, first: RunFolder.marker)
        } catch {
            log.warning("cannot remove a leftover of an earlier publish; the next publish tries again: \(error.message)", ["path": error.path])
        }
    }
}
