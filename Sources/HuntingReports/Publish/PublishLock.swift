import Foundation
import Hunting
import KQL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `.hunt.lock` in the publish folder: while it exists, no other publish changes the folder.
///
/// Created with `O_CREAT|O_EXCL` (atomic on NFSv3 and later and on SMB) and holding
/// `pid=…`, `host=…`, `time=…` and a random `token=…` lines. A lock whose process is gone (same
/// host, `kill(pid, 0)` fails with `ESRCH`) or that is older than the stale age is taken over.
struct PublishLock {
    /// What a lock file says about its holder.
    struct Holder: Equatable {
        var pid: Int32?
        var host: String?
        var time: Date?
        var token: String?

        /// Parses the `key=value` lines of a lock file; unknown or garbled lines are ignored.
        init(_ bytes: [UInt8]) {
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                let value = String(line[line.index(after: equals)...])
                switch line[..<equals] {
                case "pid": pid = Int32(value)
                case "host": host = value
                case "time": time = LiteralSyntax.parseDateTime(value).map { Date(timeIntervalSince1970: $0.unixSeconds) }
                case "token": token = value
                default: continue
                }
            }
        }

        init(pid: Int32, host: String, time: Date, token: String) {
            self.pid = pid
            self.host = host
            self.time = time
            self.token = token
        }

        /// The file's content.
        var bytes: [UInt8] {
            var text = ""
            if let pid { text += "pid=\(pid)\n" }
            if let host { text += "host=\(host)\n" }
            if let time { text += "time=\(ReportText.iso(time))\n" }
            if let token { text += "token=\(token)\n" }
            return Array(text.utf8)
        }
    }

    /// The lock file.
    let path: String
    /// What this publish wrote into it; the lock is only removed while it still says this.
    let token: String

    /// Takes the lock in `directory`, taking over an abandoned one.
    /// - Parameters:
    ///   - directory: The publish folder.
    ///   - staleAge: How old a lock must be to be taken over while its process may still be alive.
    ///   - log: Where the takeover of an abandoned lock is reported, as a warning.
    /// - Throws: ``PublishError`` naming the lock file, its holder and what to do, when another
    ///   publish holds it or it cannot be created.
    static func acquire(in directory: String, staleAge: TimeInterval, log: HuntingLog) throws(PublishError) -> PublishLock {
        let path = directory + "/" + RunFolder.lock
        let token = FileSystem.randomSuffix() + FileSystem.randomSuffix()
        let me = Holder(pid: getpid(), host: FileSystem.hostName, time: Date(), token: token)
        // A few rounds: each either takes the lock, fails for good, or removed an abandoned lock.
        for _ in 0..<4 {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 {
                _ = fchmod(fd, 0o644)
                let bytes = me.bytes
                let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
                let closed = close(fd) == 0
                guard written == bytes.count, closed else {
                    let code = errno
                    unlink(path)
                    throw PublishError(path: path, message: "cannot write the lock file: \(FileSystem.reason(code)); check free space and write permission on the share")
                }
                return PublishLock(path: path, token: token)
            }
            let code = errno
            guard code == EEXIST else {
                throw PublishError(path: path, message: "cannot create the lock file: \(FileSystem.reason(code)); check that the share is mounted and writable")
            }
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }  // released meanwhile: try again
            let holder = Holder(FileSystem.readFile(path, limit: 4096) ?? [])
            let since = holder.time ?? Date(timeIntervalSince1970: FileSystem.modificationTime(info))
            let age = Date().timeIntervalSince(since)
            let sameHost = holder.host == me.host
            let gone = sameHost && holder.pid.map { $0 > 0 && kill($0, 0) != 0 && errno == ESRCH } == true
            guard gone || age > staleAge else {
                throw PublishError(path: path, message: held(holder, since: since, sameHost: sameHost, staleAge: staleAge))
            }
            log.warning(
                "taking over the publish lock of \(describe(holder, since: since)): "
                    + (gone ? "its process is gone" : "it is older than \(ReportText.duration(staleAge))"),
                ["path": path])
            try remove(path, ifStill: info)
        }
        throw PublishError(path: path, message: "cannot take the lock: other publishes keep taking it; try again later")
    }

    /// Removes the lock file if it is still ours; a lock taken over meanwhile by another publish stays.
    func release(log: HuntingLog) {
        guard let bytes = FileSystem.readFile(path, limit: 4096), Holder(bytes).token == token else {
            log.warning("the publish lock was taken over by another publish while this one ran; leaving it", ["path": path])
            return
        }
        unlink(path)
    }

    /// Removes the abandoned lock at `path` if it is still the file `info` describes: it is moved
    /// aside first, and put back if another publish replaced it in the meantime.
    private static func remove(_ path: String, ifStill info: stat) throws(PublishError) {
        let aside = (path as NSString).deletingLastPathComponent + "/" + RunFolder.temporaryName(RunFolder.trashPrefix, "lock")
        guard rename(path, aside) == 0 else {
            if errno == ENOENT { return }
            throw PublishError(path: path, message: "cannot remove the abandoned lock file: \(FileSystem.reason(errno)); delete it by hand if no publish is running")
        }
        var moved = stat()
        if lstat(aside, &moved) == 0, moved.st_ino == info.st_ino, moved.st_dev == info.st_dev {
            unlink(aside)
        } else {
            // Another publish took the abandoned lock first: that lock is live, put it back.
            _ = FileSystem.renameNoReplace(aside, to: path)
        }
    }

    private static func describe(_ holder: Holder, since: Date) -> String {
        "pid \(holder.pid.map(String.init) ?? "unknown") on host \(holder.host ?? "unknown") since \(ReportText.iso(since))"
    }

    private static func held(_ holder: Holder, since: Date, sameHost: Bool, staleAge: TimeInterval) -> String {
        let what = "another publish holds the lock (\(describe(holder, since: since)))"
        let advice = sameHost
            ? "wait for it to finish; if that process is not a publish, delete this file"
            : "wait for it to finish; if no publish is running on \(holder.host ?? "that host"), delete this file"
        return "\(what); \(advice) (a lock is taken over automatically once it is older than \(ReportText.duration(staleAge)))"
    }
}
