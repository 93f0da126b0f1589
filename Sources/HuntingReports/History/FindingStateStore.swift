public import Foundation
import KQL

/// The state directory: what every query found in every run, one compact file per query and
/// run, under `<directory>/<tenant>/<query>/<run start>.state`.
///
/// Files are written whole (a temporary file renamed into place), so a crash never leaves a half
/// file for the next run to read; names sort in time order.
public struct FindingStateStore: Sendable {
    /// The state directory.
    public let directory: URL

    /// Creates a store over `directory` (created on the first write).
    public init(directory: URL) {
        self.directory = directory
    }

    /// The folder of one query's states.
    func folder(tenant: String, query: String) -> URL {
        directory.appendingPathComponent(Self.component(tenant), isDirectory: true)
            .appendingPathComponent(Self.component(query), isDirectory: true)
    }

    /// A name safe as one path component and distinct for distinct texts: letters, digits, `.`,
    /// `_` and `-` stay; `/` becomes `+`; anything else is `%XX`; a leading `.` is escaped.
    static func component(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "-"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: ".") where !out.isEmpty:
                out.append(".")
            case UInt8(ascii: "/"):
                out.append("+")
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out.isEmpty ? "%" : out
    }

    /// `20261207T021500.123Z.state`: sorts in time order.
    static func fileName(_ run: Date) -> String {
        let text = KQLDateTime(unixSeconds: run.timeIntervalSince1970).iso8601  // 2026-12-07T02:15:00.1230000Z
        let digits = text.filter { $0 != "-" && $0 != ":" }  // 20261207T021500.1230000Z
        return String(digits.prefix(19)) + "Z.state"  // 20261207T021500.123Z.state
    }

    /// The state files of one query, oldest first.
    func files(tenant: String, query: String) -> [URL] {
        let folder = folder(tenant: tenant, query: query)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix("Z.state") && !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// The newest run in which the query succeeded, before `before` when given.
    ///
    /// A file that cannot be read is skipped, and reported through `problem` so the run can warn:
    /// one damaged file must not make every finding look new without saying why.
    /// - Returns: `nil` when the query never succeeded (its first run).
    public func lastSuccess(tenant: String, query: String, before: Date? = nil, problem: (StateError) -> Void = { _ in }) -> QueryState? {
        for file in files(tenant: tenant, query: query).reversed() {
            do {
                let state = try read(file)
                if let before, state.run >= before { continue }
                if state.status == .succeeded { return state }
            } catch {
                problem(error)
            }
        }
        return nil
    }

    /// Reads one state file.
    func read(_ file: URL) throws(StateError) -> QueryState {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw StateError(path: file.path, message: "cannot be read: \(error.localizedDescription)")
        }
        return try QueryState.decode(data, path: file.path)
    }

    /// Writes a run's state of one query, then removes that query's oldest files beyond `keep`
    /// (never the newest success).
    /// - Throws: ``StateError`` when the folder or file cannot be written.
    public func record(_ state: QueryState, keep: Int? = nil) throws(StateError) {
        let folder = folder(tenant: state.tenant, query: state.query)
        let target = folder.appendingPathComponent(Self.fileName(state.run))
        let temporary = folder.appendingPathComponent(".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(state.encoded()).write(to: temporary)
            if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
            try FileManager.default.moveItem(at: temporary, to: target)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw StateError(path: target.path, message: "cannot write the state file: \(error.localizedDescription); check the state directory's permissions")
        }
        if let keep { prune(tenant: state.tenant, query: state.query, keep: max(1, keep)) }
    }

    /// Removes a query's oldest state files so that `keep` remain, always keeping the newest
    /// success (the next run compares with it); leftover temporary files go too.
    func prune(tenant: String, query: String, keep: Int) {
        let folder = folder(tenant: tenant, query: query)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasPrefix(".tmp-") {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
        let all = files(tenant: tenant, query: query)
        guard all.count > keep else { return }
        let newestSuccess = all.reversed().first { (try? read($0))?.status == .succeeded }
        for file in all.dropLast(keep) where file != newestSuccess {
            try? FileManager.default.removeItem(at: file)
        }
    }
}
