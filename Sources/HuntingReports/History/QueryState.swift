public import Foundation
import KQL

/// One finding as a run recorded it: its key, when it was first seen and its key values.
public struct RecordedFinding: Sendable, Hashable {
    /// The finding key (``FindingKeyColumns/key(_:row:)``).
    public var key: String
    /// The start of the first run that found it.
    public var firstSeen: Date
    /// The key columns' values (display text, shortened), to show a resolved finding.
    public var values: [String]

    /// Creates a record.
    public init(key: String, firstSeen: Date, values: [String]) {
        self.key = key
        self.firstSeen = firstSeen
        self.values = values
    }
}

/// What one query found in one run, as the state directory keeps it: a compact file per query
/// and run, read back by the next run to tell new findings from known ones.
public struct QueryState: Sendable, Hashable {
    /// How the query ended in that run.
    public enum Status: String, Sendable, Hashable {
        case succeeded, failed
    }

    /// The tenant's name.
    public var tenant: String
    /// The query's id.
    public var query: String
    /// When the run started.
    public var run: Date
    /// How the query ended.
    public var status: Status
    /// The error class, when it failed.
    public var errorKind: String?
    /// The key columns' names.
    public var keyColumns: [String]
    /// Every finding of the run (suppressed ones included), one per key.
    public var findings: [RecordedFinding]

    /// Creates a state.
    public init(
        tenant: String, query: String, run: Date, status: Status, errorKind: String? = nil, keyColumns: [String] = [],
        findings: [RecordedFinding] = []
    ) {
        self.tenant = tenant
        self.query = query
        self.run = run
        self.status = status
        self.errorKind = errorKind
        self.keyColumns = keyColumns
        self.findings = findings
    }

    static let formatVersion = 1

    /// The file's bytes: one JSON object, one finding per line.
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        func string(_ text: String) { CellBytes.string(text, quoting: .json, to: &out) }
        func member(_ name: String, _ write: () -> Void) {
            out += ",\"".utf8
            out += name.utf8
            out += "\":".utf8
            write()
        }
        out += "{\"formatVersion\":\(Self.formatVersion)".utf8
        member("tenant") { string(tenant) }
        member("query") { string(query) }
        member("run") { string(Self.text(run)) }
        member("status") { string(status.rawValue) }
        if let errorKind { member("errorKind") { string(errorKind) } }
        member("keyColumns") {
            out.append(UInt8(ascii: "["))
            for (i, name) in keyColumns.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                string(name)
            }
            out.append(UInt8(ascii: "]"))
        }
        member("findings") {
            out.append(UInt8(ascii: "["))
            for (i, finding) in findings.enumerated() {
                out += (i > 0 ? ",\n" : "\n").utf8
                out.append(UInt8(ascii: "["))
                string(finding.key)
                out.append(UInt8(ascii: ","))
                string(Self.text(finding.firstSeen))
                out += ",[".utf8
                for (j, value) in finding.values.enumerated() {
                    if j > 0 { out.append(UInt8(ascii: ",")) }
                    string(value)
                }
                out += "]]".utf8
            }
            out += (findings.isEmpty ? "]" : "\n]").utf8
        }
        out += "}\n".utf8
        return out
    }

    /// Reads a file written by ``encoded()``.
    /// - Throws: ``StateError`` naming the file when it is not a state file of this format.
    static func decode(_ data: Data, path: String) throws(StateError) -> QueryState {
        func bad(_ what: String) -> StateError { StateError(path: path, message: "not a hunt state file (\(what)); delete it or move it away") }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { throw bad("not a JSON object") }
        guard object["formatVersion"] as? Int == formatVersion else { throw bad("unknown formatVersion") }
        guard let tenant = object["tenant"] as? String, let query = object["query"] as? String,
            let runText = object["run"] as? String, let run = date(runText),
            let status = (object["status"] as? String).flatMap(Status.init(rawValue:)),
            let keyColumns = object["keyColumns"] as? [String], let rows = object["findings"] as? [[Any]]
        else { throw bad("a required member is missing or of the wrong type") }
        var findings: [RecordedFinding] = []
        findings.reserveCapacity(rows.count)
        for row in rows {
            guard row.count == 3, let key = row[0] as? String, let seenText = row[1] as? String, let seen = date(seenText),
                let values = row[2] as? [String]
            else { throw bad("a finding is not [key, firstSeen, [values]]") }
            findings.append(RecordedFinding(key: key, firstSeen: seen, values: values))
        }
        return QueryState(
            tenant: tenant, query: query, run: run, status: status, errorKind: object["errorKind"] as? String,
            keyColumns: keyColumns, findings: findings)
    }

    /// ISO 8601 with seven fractional digits, as everywhere in reports.
    static func text(_ date: Date) -> String { KQLDateTime(unixSeconds: date.timeIntervalSince1970).iso8601 }

    static func date(_ text: String) -> Date? {
        guard case .datetime(let time)? = try? KQLValue(text: text, as: .datetime) else { return nil }
        return Date(timeIntervalSince1970: time.unixSeconds)
    }
}

/// A state directory or file that cannot be used.
public struct StateError: Error, Sendable, CustomStringConvertible {
    /// The file or folder.
    public var path: String
    /// What is wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
