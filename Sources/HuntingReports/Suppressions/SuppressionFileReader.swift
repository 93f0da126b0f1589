import Foundation
import Hunting
import KQL

/// Reads the entries of a suppressions file, reporting every problem to the document reader.
struct SuppressionFileReader {
    let reader: JSONDocumentReader

    static let keys = ["query", "tenant", "key", "match", "reason", "owner", "expires"]
    static let required = ["query", "reason", "owner", "expires"]

    func read() -> [Suppression] {
        let root = reader.root
        let entries: [JSONValueReader]
        switch root.value.content {
        case .array:
            entries = root.array() ?? []
        case .object:
            entries = root.object(keys: ["suppressions"], required: ["suppressions"])?.array("suppressions") ?? []
        default:
            root.report(
                "expected an object {\"suppressions\": [...]} or an array of suppressions, found \(root.value.kindDescription)",
                code: "wrong-type")
            entries = []
        }
        return entries.compactMap(entry)
    }

    private func entry(_ value: JSONValueReader) -> Suppression? {
        guard let object = value.object(keys: Self.keys, required: Self.required) else { return nil }
        let query = object.string("query", nonEmpty: true)
        let tenant = object.string("tenant", nonEmpty: true)
        let reason = object.string("reason", nonEmpty: true)
        let owner = object.string("owner", nonEmpty: true)
        var expiry: (date: Date, text: String)?
        if let member = object["expires"], let text = member.string() {
            if let date = Self.expiry(text) {
                expiry = (date, text)
            } else {
                member.report(
                    "expected a date such as 2027-01-31 (through the end of that day, UTC) or a datetime with a zone such as 2027-01-31T18:00:00Z, found '\(text)'")
            }
        }
        var key: String?
        var match: [Suppression.ColumnMatch] = []
        switch (object["key"], object["match"]) {
        case (.some, .some):
            object.reportKey("match", "give either 'key' (one finding) or 'match' (rows by column), not both")
            return nil
        case (.none, .none):
            value.report("say which rows it hides: 'key' (a finding key from the report) or 'match' (column patterns)", code: "missing-key")
            return nil
        case (.some(let member), .none):
            key = member.string(nonEmpty: true)
            guard key != nil else { return nil }
        case (.none, .some(let member)):
            guard let patterns = member.object() else { return nil }
            guard patterns.object.count > 0 else {
                member.report("list at least one column, such as {\"DeviceName\": \"build-*\"}")
                return nil
            }
            for (column, _, pattern) in patterns.members {
                if let text = pattern.string() { match.append(Suppression.ColumnMatch(column: column, pattern: text)) }
            }
            guard match.count == patterns.object.count else { return nil }
        }
        guard let query, let reason, let owner, let expiry else { return nil }
        if object.has("tenant"), tenant == nil { return nil }
        return Suppression(
            query: query, tenant: tenant, key: key, match: match, reason: reason, owner: owner, expires: expiry.date,
            expiresText: expiry.text, path: reader.path, location: value.location)
    }

    /// The first instant a suppression no longer hides rows: `YYYY-MM-DD` means through the end
    /// of that day (UTC); a datetime must carry its zone (`Z` or `±hh:mm`).
    static func expiry(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for index in range {
                guard bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes.count >= 10, let year = digits(0..<4), bytes[4] == UInt8(ascii: "-"), let month = digits(5..<7),
            bytes[7] == UInt8(ascii: "-"), let day = digits(8..<10)
        else { return nil }
        if bytes.count == 10 {
            guard let date = KQLDateTime(year: year, month: month, day: day) else { return nil }
            return Date(timeIntervalSince1970: date.unixSeconds + 86_400)
        }
        let count = bytes.count
        let hasZone = bytes[count - 1] == UInt8(ascii: "Z")
            || (count >= 16 && (bytes[count - 6] == UInt8(ascii: "+") || bytes[count - 6] == UInt8(ascii: "-")) && bytes[count - 3] == UInt8(ascii: ":"))
        guard bytes[10] == UInt8(ascii: "T"), hasZone, let instant = LiteralSyntax.parseDateTime(text) else { return nil }
        return Date(timeIntervalSince1970: instant.unixSeconds)
    }
}
