import Foundation
import KQL

/// The names the publisher gives what it creates in the publish folder, and the marker that proves
/// a run folder is its own. Everything else in the folder is foreign: never listed, never touched.
enum RunFolder {
    /// The marker file inside every run folder (and inside a copied `latest`), holding the run's
    /// name and a newline. Written last and removed first, so its presence means the folder is whole.
    static let marker = ".hunt-run"
    /// `latest`: the newest run, as a symbolic link or a copy.
    static let latest = "latest"
    /// The run listing.
    static let index = "index.html"
    /// The lock file.
    static let lock = ".hunt.lock"

    /// Prefixes of the temporary names a publish uses; what a crashed publish left under them is
    /// removed by the next one.
    static let temporaryPrefix = ".hunt-tmp-"
    static let trashPrefix = ".hunt-trash-"
    static let latestTemporaryPrefix = ".latest.tmp-"
    /// The previous `latest` while the fallback swap (two renames) is under way.
    static let latestOldPrefix = ".latest.old-"

    /// `2025-11-25_0200` for a run started at 02:00 UTC on 25 November 2025; `-2`, `-3`, … for
    /// later runs in the same minute (`sequence` above 1).
    static func name(started: Date, sequence: Int = 1) -> String {
        let c = KQLDateTime(unixSeconds: started.timeIntervalSince1970).components
        let base = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))_\(pad(c.hour, 2))\(pad(c.minute, 2))"
        return sequence > 1 ? "\(base)-\(sequence)" : base
    }

    /// The parts of a run folder name: the minute (`2025-11-25_0200`) and the sequence (1 for the
    /// first run of that minute), or `nil` when `name` is not a run name.
    static func parse(_ name: String) -> (minute: String, sequence: Int)? {
        let bytes = Array(name.utf8)
        guard bytes.count >= 15 else { return nil }
        // "YYYY-MM-DD_HHMM": digits everywhere but the separators.
        for (i, byte) in bytes[..<15].enumerated() {
            let expected: UInt8? = i == 4 || i == 7 ? UInt8(ascii: "-") : i == 10 ? UInt8(ascii: "_") : nil
            if let expected { guard byte == expected else { return nil } } else { guard isDigit(byte) else { return nil } }
        }
        let minute = String(decoding: bytes[..<15], as: UTF8.self)
        guard bytes.count > 15 else { return (minute, 1) }
        // "-N" with N ≥ 2 and no leading zero.
        let rest = bytes[16...]
        guard bytes[15] == UInt8(ascii: "-"), (1...6).contains(rest.count), rest.allSatisfy(isDigit), rest.first != UInt8(ascii: "0"),
            let sequence = Int(String(decoding: rest, as: UTF8.self)), sequence >= 2
        else { return nil }
        return (minute, sequence)
    }

    /// Whether run `a` started after run `b` (names as ``parse(_:)`` accepts them).
    static func isNewer(_ a: String, than b: String) -> Bool {
        guard let x = parse(a), let y = parse(b) else { return a > b }
        return x.minute != y.minute ? x.minute > y.minute : x.sequence > y.sequence
    }

    /// The marker file's content for the run `name`.
    static func markerBytes(_ name: String) -> [UInt8] { Array("\(name)\n".utf8) }

    /// The run name recorded in the marker inside `folder`, if the marker is there and holds a run name.
    static func markedName(in folder: String) -> String? {
        guard let bytes = FileSystem.readFile(folder + "/" + marker, limit: 256) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.hasSuffix("\n") else { return nil }
        let name = String(text.dropLast())
        return parse(name) == nil ? nil : name
    }

    /// Whether `name` in the publish folder `directory` is a whole run this publisher made: a real
    /// folder (not a link) with a run name whose marker holds that same name.
    static func isRun(_ name: String, in directory: String) -> Bool {
        let path = directory + "/" + name
        return parse(name) != nil && FileSystem.kind(path) == .directory && markedName(in: path) == name
    }

    /// The publisher's runs in `directory`, newest first.
    /// - Throws: ``PublishError`` when the folder cannot be listed.
    static func runs(in directory: String) throws(PublishError) -> [String] {
        try FileSystem.list(directory).filter { isRun($0, in: directory) }.sorted { isNewer($0, than: $1) }
    }

    /// The run `latest` in `directory` shows: the link's target or the name in the copy's marker.
    static func latestRun(in directory: String) -> String? {
        let path = directory + "/" + latest
        switch FileSystem.kind(path) {
        case .symlink:
            guard let target = FileSystem.linkTarget(path), parse(target) != nil, isRun(target, in: directory) else { return nil }
            return target
        case .directory:
            return markedName(in: path)
        default:
            return nil
        }
    }

    /// A name for a temporary entry: `prefix`, `label-` when given, the process id and a random suffix.
    static func temporaryName(_ prefix: String, _ label: String? = nil) -> String {
        prefix + (label.map { "\($0)-" } ?? "") + "\(ProcessInfo.processInfo.processIdentifier)-\(FileSystem.randomSuffix())"
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
