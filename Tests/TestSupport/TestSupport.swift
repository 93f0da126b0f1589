public import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

/// A temporary folder, removed when the value goes away (kept when `HUNT_KEEP_TEST_FILES` is set).
public final class TemporaryFolder {
    /// Its absolute path.
    public let path: String

    /// Creates an empty folder under the system's temporary directory.
    public init() throws {
        path = NSTemporaryDirectory() + "hunt-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Whether folders stay behind (`HUNT_KEEP_TEST_FILES` set): `Gauntlet/secrets.py` scans
    /// everything the tests wrote.
    static let keep = ProcessInfo.processInfo.environment["HUNT_KEEP_TEST_FILES"] != nil

    deinit { if !Self.keep { try? FileManager.default.removeItem(atPath: path) } }

    /// Writes a text file at a relative path, creating folders; returns its full path.
    @discardableResult
    public func write(_ relative: String, _ contents: String) throws -> String {
        try write(relative, bytes: Array(contents.utf8))
    }

    /// Writes bytes at a relative path, creating folders; returns its full path.
    ///
    /// The file is opened close-on-exec: tests start child processes all the time, and a child
    /// that inherited the open file would keep it open for writing, so running it as a script
    /// (another test's `az`) would fail with "text file busy".
    @discardableResult
    public func write(_ relative: String, bytes: [UInt8]) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: full]) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: full]) }
            written += count
        }
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

/// The hunting API response examples of the spec (`spec/examples/`), shared by the tests of every
/// reader of saved responses.
public enum SpecExamples {
    /// A Graph `runHuntingQuery` answer.
    public static let graph = """
        {
          "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults",
          "schema": [
            { "name": "DeviceName",  "type": "String" },
            { "name": "DeviceId",    "type": "String" },
            { "name": "Connections", "type": "Int64" },
            { "name": "Ports",       "type": "Object" },
            { "name": "FirstSeen",   "type": "DateTime" },
            { "name": "AvgPort",     "type": "Double" },
            { "name": "AnyRdp",      "type": "Boolean" }
          ],
          "results": [
            {
              "DeviceName": "ws-0142.contoso.local",
              "DeviceId": "3f2a9c1e0b7d4c55a1e8f0b2c3d4e5f6a7b8c9d0",
              "Connections": 418,
              "Ports": [3389, 22],
              "FirstSeen": "2026-05-04T06:12:44.1234567Z",
              "AvgPort": 3276.4,
              "AnyRdp": true
            },
            {
              "DeviceName": "build-07.contoso.local",
              "DeviceId": "9b8a7c6d5e4f30211a2b3c4d5e6f708192a3b4c5",
              "Connections": 97,
              "Ports": [22],
              "FirstSeen": "2026-05-05T22:01:03.5Z",
              "AvgPort": 22.0,
              "AnyRdp": false
            }
          ]
        }
        """

    /// A legacy Defender `advancedqueries/run` answer, with its `Stats`.
    public static let legacy = """
        {
          "Stats": {
            "ExecutionTime": 2.8731246,
            "resource_usage": {
              "cache": {
                "memory": { "hits": 51231, "misses": 812, "total": 52043 },
                "disk": { "hits": 120, "misses": 14, "total": 134 }
              },
              "cpu": {
                "user": "00:00:03.2812500",
                "kernel": "00:00:00.0312500",
                "total cpu": "00:00:03.3125000"
              },
              "memory": { "peak_per_node": 104857600 }
            },
            "dataset_statistics": [
              { "table_row_count": 2, "table_size": 211 }
            ]
          },
          "Schema": [
            { "Name": "Timestamp",  "Type": "DateTime" },
            { "Name": "DeviceName", "Type": "String" },
            { "Name": "FileName",   "Type": "String" },
            { "Name": "ProcessId",  "Type": "Int64" }
          ],
          "Results": [
            {
              "Timestamp": "2026-05-06T09:14:02.4410071Z",
              "DeviceName": "ws-0142.contoso.local",
              "FileName": "whoami.exe",
              "ProcessId": 7312
            },
            {
              "Timestamp": "2026-05-06T09:13:58.0021119Z",
              "DeviceName": "ws-0142.contoso.local",
              "FileName": "conhost.exe",
              "ProcessId": 7288
            }
          ]
        }
        """
}

/// A file's text and the diagnostics reading it must give, for the table-driven error tests of
/// the JSON file formats (`hunt.json`, suppressions).
public struct JSONErrorCase: CustomStringConvertible, Sendable {
    /// What the case is about (its name in the test list).
    public var name: String
    /// The file's text.
    public var json: String
    /// Every diagnostic, in order, as `path:line:col: error: message`.
    public var expected: [String]

    /// Creates a case.
    public init(name: String, json: String, expected: [String]) {
        self.name = name
        self.json = json
        self.expected = expected
    }

    public var description: String { name }
}
