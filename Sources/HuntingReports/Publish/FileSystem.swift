import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The POSIX calls the publisher is built on, each failing with a ``PublishError`` that names the
/// path. Nothing here follows a symbolic link it did not ask for: kinds come from `lstat`, and
/// removal unlinks a link instead of descending into its target.
enum FileSystem {
    /// What a path names, without following a final symbolic link.
    enum Kind: Equatable {
        case missing, file, directory, symlink, other
    }

    /// How `renameat2(RENAME_EXCHANGE)` ended.
    enum ExchangeResult: Equatable {
        /// The two entries swapped names.
        case exchanged
        /// The kernel or the filesystem cannot swap (`EINVAL`, `ENOSYS`, `EOPNOTSUPP`), as CIFS and
        /// NFS answer: fall back to two renames.
        case unsupported
        /// Another failure, with its `errno`.
        case failed(Int32)
    }

    /// The kind of `path`.
    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return errno == ENOENT || errno == ENOTDIR ? .missing : .other }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Whether `path` names a directory, following symbolic links.
    static func isDirectory(following path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// The modification time in `info`, in seconds since 1970.
    static func modificationTime(_ info: stat) -> TimeInterval {
        #if os(Linux)
        TimeInterval(info.st_mtim.tv_sec)
        #else
        TimeInterval(info.st_mtimespec.tv_sec)
        #endif
    }

    /// The `strerror` text of `code`.
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Creates the folder `path` with mode 0755 (whatever the umask says, where the filesystem keeps modes).
    /// - Throws: ``PublishError`` naming `path` when it cannot be created (including when it exists).
    static func makeDirectory(_ path: String) throws(PublishError) {
        guard mkdir(path, 0o755) == 0 else {
            throw PublishError(path: path, message: "cannot create the folder: \(reason(errno)); check that the share is mounted and writable")
        }
        // Best effort: CIFS mounts without Unix extensions refuse or ignore modes, and that is no failure.
        _ = chmod(path, 0o755)
    }

    /// Creates the file `path` (which must not exist) with mode 0644 and writes all of `bytes`.
    /// The result of `close` is checked: NFS reports a failed write there.
    /// - Throws: ``PublishError`` naming `path`; a half-written file is removed.
    static func writeFile(_ path: String, bytes: [UInt8]) throws(PublishError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw PublishError(path: path, message: "cannot create the file: \(reason(errno)); check free space and write permission on the share")
        }
        _ = fchmod(fd, 0o644)
        var failure: Int32 = 0
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                failure = count < 0 ? errno : EIO
                break
            }
            offset += count
        }
        if close(fd) != 0, failure == 0 { failure = errno }
        guard failure == 0 else {
            unlink(path)
            throw PublishError(path: path, message: "cannot write the file: \(reason(failure)); check free space and write permission on the share")
        }
    }

    /// The content of the regular file `path`, or `nil` when it cannot be read or is larger than `limit` bytes.
    static func readFile(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= limit else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { break }
            filled += count
        }
        guard filled <= limit else { return nil }
        return Array(bytes[..<filled])
    }

    /// The names in the folder `path`, hidden ones included, sorted.
    /// - Throws: ``PublishError`` naming `path` when it cannot be listed.
    static func list(_ path: String) throws(PublishError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw PublishError(path: path, message: "cannot list the folder: \(error.localizedDescription); check that the share is mounted and readable")
        }
    }

    /// Renames `from` to `to`, replacing `to` as rename(2) does.
    /// - Throws: ``PublishError`` naming both paths.
    static func move(_ from: String, to: String) throws(PublishError) {
        guard rename(from, to) == 0 else {
            throw PublishError(path: to, message: "cannot rename \(from) to this name: \(reason(errno))")
        }
    }

    /// Renames `from` to `to` unless `to` exists; returns 0 or the `errno` (`EEXIST` when `to` exists).
    /// Uses `renameat2(RENAME_NOREPLACE)`; where that is refused, checks and renames (a directory
    /// is then never renamed over anything but an empty folder, which rename(2) itself guarantees).
    static func renameNoReplace(_ from: String, to: String) -> Int32 {
        if let renameat2 = Self.renameat2 {
            if renameat2(atCurrentDirectory, from, atCurrentDirectory, to, renameNoReplaceFlag) == 0 { return 0 }
            let code = errno
            guard code == EINVAL || code == ENOSYS || code == EOPNOTSUPP else { return code }
        }
        guard kind(to) == .missing else { return EEXIST }
        return rename(from, to) == 0 ? 0 : errno
    }

    /// Swaps the names of `first` and `second` atomically with `renameat2(RENAME_EXCHANGE)`.
    static func exchange(_ first: String, _ second: String) -> ExchangeResult {
        guard let renameat2 = Self.renameat2 else { return .unsupported }
        if renameat2(atCurrentDirectory, first, atCurrentDirectory, second, renameExchangeFlag) == 0 { return .exchanged }
        let code = errno
        return code == EINVAL || code == ENOSYS || code == EOPNOTSUPP ? .unsupported : .failed(code)
    }

    /// Creates the symbolic link `path` pointing at `target` (taken as written, so relative stays relative).
    /// - Throws: ``PublishError`` naming `path`.
    static func makeSymlink(_ path: String, target: String) throws(PublishError) {
        guard symlink(target, path) == 0 else {
            throw PublishError(
                path: path,
                message: "cannot create a symbolic link: \(reason(errno)); if the share has no symbolic links (SMB often has none), publish with the latest mode 'copy'")
        }
    }

    /// Where the symbolic link `path` points, as written in it.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes `path` and everything under it without following symbolic links. In a folder, the
    /// entry named `first` goes before the rest, so a run's marker disappears before its files do.
    /// - Throws: ``PublishError`` naming the entry that could not be removed.
    static func removeTree(_ path: String, first: String? = nil) throws(PublishError) {
        switch kind(path) {
        case .missing:
            return
        case .directory:
            var names = try list(path)
            if let first, let index = names.firstIndex(of: first) { names.insert(names.remove(at: index), at: 0) }
            for name in names { try removeTree(path + "/" + name) }
            guard rmdir(path) == 0 || errno == ENOENT else {
                throw PublishError(path: path, message: "cannot remove the folder: \(reason(errno)); check write permission on the share")
            }
        default:
            guard unlink(path) == 0 || errno == ENOENT else {
                throw PublishError(path: path, message: "cannot remove: \(reason(errno)); check write permission on the share")
            }
        }
    }

    /// Copies the folder `from` to the new folder `to`: folders and regular files (modes 0755 and
    /// 0644); anything else is skipped. In the top folder, the entry named `last` is copied last, so
    /// its presence says the copy is whole.
    /// - Throws: ``PublishError`` naming the entry that could not be read or written.
    static func copyTree(_ from: String, to: String, last: String? = nil) throws(PublishError) {
        try makeDirectory(to)
        var names = try list(from)
        if let last, let index = names.firstIndex(of: last) { names.append(names.remove(at: index)) }
        for name in names {
            let source = from + "/" + name
            let target = to + "/" + name
            switch kind(source) {
            case .directory:
                try copyTree(source, to: target)
            case .file:
                guard let bytes = readFile(source, limit: Int.max - 1) else {
                    throw PublishError(path: source, message: "cannot read the file to copy it: \(reason(errno)); check that the share is readable")
                }
                try writeFile(target, bytes: bytes)
            default:
                continue
            }
        }
    }

    /// This machine's host name (`gethostname`, which never asks the network).
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// A short random hex string that keeps temporary names unique.
    static func randomSuffix() -> String {
        String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    // MARK: renameat2

    private typealias Renameat2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    private static let atCurrentDirectory: Int32 = -100  // AT_FDCWD
    private static let renameNoReplaceFlag: UInt32 = 1  // RENAME_NOREPLACE
    private static let renameExchangeFlag: UInt32 = 2  // RENAME_EXCHANGE

    /// glibc's `renameat2` (2.28 and later), which Swift's Glibc module does not export; looked up
    /// once with `dlsym(RTLD_DEFAULT, …)`. `nil` where it does not exist: every caller falls back.
    private static let renameat2: Renameat2? = {
        #if os(Linux)
        // RTLD_DEFAULT is the null handle on glibc.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: Renameat2.self)
        #else
        return nil
        #endif
    }()
}
