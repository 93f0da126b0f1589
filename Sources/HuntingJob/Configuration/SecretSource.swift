import Glibc
public import Hunting

/// Where a secret is read from: never `hunt.json` itself, which is shared and versioned.
///
/// Written in the file as `{"env": "CONTOSO_HUNT_SECRET"}` or `{"file": "/etc/hunt/contoso.secret"}`.
public enum SecretSource: Sendable, Hashable, CustomStringConvertible {
    /// An environment variable, by name.
    case environment(String)
    /// A file readable by its owner only; one trailing line break is not part of the secret.
    case file(String)

    /// Files larger than this do not hold a secret.
    static let sizeLimit = 64 * 1024

    /// Reads the secret.
    /// - Parameters:
    ///   - environment: the environment (`ProcessInfo.processInfo.environment`).
    ///   - purpose: what the secret is, for errors (`the client secret of tenant 'contoso'`).
    /// - Returns: the secret.
    /// - Throws: ``ConfigurationError`` when the variable is unset or empty, or the file is
    ///   missing, unreadable, empty, or readable by group or others (with the `chmod 600` that
    ///   fixes it). No message ever holds the secret's value.
    public func resolve(environment: [String: String], for purpose: String = "the secret") throws(ConfigurationError) -> Secret {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw ConfigurationError("the environment variable \(name) is not set (or is empty); set it to \(purpose)", code: "missing-secret")
            }
            return Secret(value)
        case .file(let path):
            return try Self.read(path, purpose: purpose)
        }
    }

    /// `environment variable NAME` or `file PATH`.
    public var description: String {
        switch self {
        case .environment(let name): "environment variable \(name)"
        case .file(let path): "file \(path)"
        }
    }

    private static func read(_ path: String, purpose: String) throws(ConfigurationError) -> Secret {
        func failure(_ message: String) -> ConfigurationError { ConfigurationError(message, code: "unreadable-secret") }
        // Non-blocking, so a FIFO given by mistake fails the regular-file check instead of hanging.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw failure("cannot read \(purpose) from \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw failure("cannot read \(purpose) from \(path): it is not a regular file")
        }
        let permissions = info.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw failure(
                "\(path) holds \(purpose) but other users may read it (mode \(String(permissions, radix: 8))); refusing to use it. Restrict it with `chmod 600 \(path)`")
        }
        var bytes = [UInt8](repeating: 0, count: sizeLimit + 1)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw failure("cannot read \(purpose) from \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            filled += count
        }
        guard filled <= sizeLimit else { throw failure("\(path) is larger than \(sizeLimit / 1024) KiB, too large to hold \(purpose)") }
        var end = filled
        if end > 0, bytes[end - 1] == 0x0A {
            end -= 1
            if end > 0, bytes[end - 1] == 0x0D { end -= 1 }
        }
        guard end > 0 else { throw failure("\(path) is empty; write \(purpose) into it") }
        guard let text = String(validating: bytes[..<end], as: UTF8.self) else {
            throw failure("\(path) is not UTF-8 text; it should hold \(purpose)")
        }
        return Secret(text)
    }
}
