import Foundation
import Glibc

/// A refresh token kept on disk between runs, as JSON `{tenant, clientId, refreshToken}`, readable
/// by its owner only. Written atomically: a new file created with mode 0600 beside the target
/// (`O_CREAT|O_EXCL`), written, flushed with `fsync`, then renamed over the target.
struct RefreshTokenFile: Sendable {
    /// Larger files are not token caches.
    static let sizeLimit = 64 * 1024

    let path: String

    /// The refresh token saved for this tenant and app, or `nil` when there is none (no file, or
    /// a file for another tenant or app, or one that cannot be parsed; `log` says which).
    /// - Throws: ``CredentialError`` `.configuration` when the file may be read or changed by
    ///   other users or belongs to another user, with the command that fixes it.
    func load(tenant: String, clientId: String, log: HuntingLog) throws(CredentialError) -> Secret? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw CredentialError(.configuration, "cannot read the refresh-token cache \(path): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        try checkPrivate(fd)
        guard let json = readJSON(fd) else {
            log.warning("ignoring the refresh-token cache: it is not a token cache file; a new sign-in will replace it", ["path": path])
            return nil
        }
        guard json["tenant"] as? String == tenant, json["clientId"] as? String == clientId,
            let token = json["refreshToken"] as? String, !token.isEmpty
        else {
            log.info("the refresh-token cache is for another tenant or app; signing in again", ["path": path])
            return nil
        }
        return Secret(token)
    }

    /// Replaces the file with one holding this refresh token, mode 0600.
    /// - Throws: ``CredentialError`` `.configuration` naming the step that failed.
    func save(tenant: String, clientId: String, refreshToken: Secret) throws(CredentialError) {
        let object: [String: String] = ["tenant": tenant, "clientId": clientId, "refreshToken": refreshToken.reveal()]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            throw CredentialError(.configuration, "cannot encode the refresh-token cache")
        }
        let folder = Self.folder(of: path)
        let temporary = folder + "/." + (path as NSString).lastPathComponent + ".tmp-" + UUID().uuidString.lowercased()
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("create a file in \(folder)") }
        var written = Self.writeAll(Array(data), to: fd) && fsync(fd) == 0
        written = close(fd) == 0 && written
        guard written else {
            let error = failure("write \(temporary)")
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("rename the new cache to \(path)")
            unlink(temporary)
            throw error
        }
        Self.syncFolder(folder)
    }

    /// Refuses a file other users may read or change, or that another user owns.
    private func checkPrivate(_ fd: Int32) throws(CredentialError) {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw CredentialError(.configuration, "the refresh-token cache \(path) is not a regular file; give the path of a file")
        }
        let permissions = info.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw CredentialError(
                .configuration,
                "the refresh-token cache \(path) can be read or changed by other users (mode \(String(permissions, radix: 8))); refusing to use it. Fix it with `chmod 600 \(path)`, or delete it to sign in again")
        }
        guard info.st_uid == geteuid() else {
            throw CredentialError(
                .configuration, "the refresh-token cache \(path) belongs to another user; refusing to use it. Delete it to sign in again")
        }
    }

    private func readJSON(_ fd: Int32) -> [String: Any]? {
        var bytes = [UInt8](repeating: 0, count: Self.sizeLimit + 1)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            filled += count
        }
        guard filled <= Self.sizeLimit else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(bytes[..<filled]))) as? [String: Any]
    }

    private func failure(_ step: String) -> CredentialError {
        CredentialError(.configuration, "cannot save the refresh-token cache: could not \(step): \(String(cString: strerror(errno)))")
    }

    private static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    /// Flushes the rename to disk; failure only loses durability, so it is ignored.
    private static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
