public import Foundation

/// The package's seeded generator, so property tests see the same cases every run.
@_exported public import struct SampleTenant.SplitMix64

/// Paths inside this package, for tests that read its files.
public enum PackagePaths {
    /// The package root.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The 857 public hunting queries copied into `Tests/Corpus/visible` (licences beside them).
    public static let corpus = root.appendingPathComponent("Tests/Corpus/visible")

    /// The starter query pack.
    public static let queries = root.appendingPathComponent("Queries")

    /// The corpus files, sorted.
    public static let corpusFiles: [URL] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return names.filter { $0.hasSuffix(".kql") }.sorted().map { corpus.appendingPathComponent($0) }
    }()
}

/// A temporary folder, removed when the value goes away.
public final class TemporaryFolder {
    /// Its absolute path.
    public let path: String

    /// Creates an empty folder under the system's temporary directory.
    public init() throws {
        path = NSTemporaryDirectory() + "hunt-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes a text file at a relative path, creating folders; returns its full path.
    @discardableResult
    public func write(_ relative: String, _ contents: String) throws -> String {
        try write(relative, bytes: Array(contents.utf8))
    }

    /// Writes bytes at a relative path, creating folders; returns its full path.
    @discardableResult
    public func write(_ relative: String, bytes: [UInt8]) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }
}

/// Runs blocking or CPU-heavy work on a thread of its own and awaits it, so it never holds one of
/// the cooperative pool's few threads (on a 2-core machine, two busy tests would starve the
/// emulator's handlers in the tests running beside them).
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
