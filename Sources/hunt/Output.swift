import Foundation

/// Where the tool writes. Only `hunt` prints; the libraries report through values.
enum Output {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Encodes a value as pretty JSON with sorted keys (stable output for scripts and diffs).
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// Exit codes, documented in the README.
enum ExitCode: Int32, Error {
    case success = 0
    case failure = 1
    case configuration = 2
    /// `report`: every query failed.
    case allFailed = 3
    /// `report --fail-on-findings`: new findings.
    case newFindings = 4
    case usage = 64
    case interrupted = 130
}
