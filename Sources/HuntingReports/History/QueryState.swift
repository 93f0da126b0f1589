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

    static let formatVersion = 2

    /// The file's bytes: a first line naming the format, then one `name<TAB>value…` line per
    /// field and one `finding<TAB>key<TAB>first seen<TAB>value…` line per finding. Backslash,
    /// tab, line feed and carriage return in values are written `\\`, `\t`, `\n`, `\r`, so a
    /// line is a record and a tab a separator whatever the values hold. Small, greppable, and read
    /// back in one pass over the bytes (a night's 100,000 findings, without a JSON tree).
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        func line(_ fields: [String]) {
            for (index, field) in fields.enumerated() {
                if index > 0 { out.append(Self.tab) }
                for byte in field.utf8 {
                    switch byte {
                    case UInt8(ascii: "\\"): out += [Self.backslash, Self.backslash]
                    case Self.tab: out += [Self.backslash, UInt8(ascii: "t")]
                    case Self.newline: out += [Self.backslash, UInt8(ascii: "n")]
                    case UInt8(ascii: "\r"): out += [Self.backslash, UInt8(ascii: "r")]
                    default: out.append(byte)
                    }
                }
            }
            out.append(Self.newline)
        }
        line([Self.magic, String(Self.formatVersion)])
        line(["tenant", tenant])
        line(["query", query])
        line(["run", Self.text(run)])
        line(["status", status.rawValue])
        if let errorKind { line(["errorKind", errorKind]) }
        line(["keyColumns"] + keyColumns)
        for finding in findings {
            line(["finding", finding.key, Self.text(finding.firstSeen)] + finding.values)
        }
        return out
    }

    static let magic = "hunt-state"
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let backslash = UInt8(ascii: "\\")

    /// Reads a file written by ``encoded()``.
    /// - Throws: ``StateError`` naming the file and line when it is not a state file of this format.
    static func decode(_ data: Data, path: String) throws(StateError) -> QueryState {
        func bad(_ what: String, line: Int? = nil) -> StateError {
            StateError(path: path + (line.map { ":\($0)" } ?? ""), message: "not a hunt state file (\(what)); delete it or move it away")
        }
        let bytes = [UInt8](data)
        var fields: [String: [String]] = [:]
        var findings: [RecordedFinding] = []
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: newline) ?? bytes.count
            lineNumber += 1
            let record = Self.fields(bytes[start..<end])
            start = end + 1
            if lineNumber == 1 {
                guard record == [magic, String(formatVersion)] else { throw bad("unknown format or version", line: 1) }
                continue
            }
            guard let name = record.first else { continue }
            if name == "finding" {
                guard record.count >= 3, let seen = date(record[2]) else { throw bad("a finding without key and first-seen time", line: lineNumber) }
                findings.append(RecordedFinding(key: record[1], firstSeen: seen, values: Array(record.dropFirst(3))))
            } else {
                fields[name] = Array(record.dropFirst())
            }
        }
        guard lineNumber > 0 else { throw bad("empty") }
        guard let tenant = fields["tenant"]?.first, let query = fields["query"]?.first,
            let run = fields["run"]?.first.flatMap(date), let status = fields["status"]?.first.flatMap(Status.init(rawValue:)),
            let keyColumns = fields["keyColumns"]
        else { throw bad("a required field is missing") }
        return QueryState(
            tenant: tenant, query: query, run: run, status: status, errorKind: fields["errorKind"]?.first, keyColumns: keyColumns,
            findings: findings)
    }

    /// The tab-separated, backslash-escaped fields of one line.
    static func fields(_ line: ArraySlice<UInt8>) -> [String] {
        var fields: [String] = []
        var field: [UInt8] = []
        var escaped = false
        for byte in line {
            if escaped {
                switch byte {
                case UInt8(ascii: "t"): field.append(tab)
                case UInt8(ascii: "n"): field.append(newline)
                case UInt8(ascii: "r"): field.append(UInt8(ascii: "\r"))
                default: field.append(byte)
                }
                escaped = false
            } else if byte == backslash {
                escaped = true
            } else if byte == tab {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            } else {
                field.append(byte)
            }
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields
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
