import Foundation
import KQL

/// Locale-free formatting for reports: the same run renders the same bytes on every machine.
enum ReportText {
    /// `1234567` → `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = value < 0 ? "-" : ""
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    /// `1 row`, `2,000 rows`.
    static func count(_ value: Int, _ noun: String, plural: String? = nil) -> String {
        "\(grouped(value)) \(value == 1 ? noun : plural ?? noun + "s")"
    }

    /// `0.4 s`, `12 s`, `3 min 05 s`, `1 h 02 min`.
    static func duration(_ seconds: TimeInterval) -> String {
        let s = max(0, seconds)
        if s < 10 { return String(format: "%.1f s", s) }
        let whole = Int(s.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min \(pad(whole % 60)) s" }
        return "\(whole / 3600) h \(pad(whole / 60 % 60)) min"
    }

    /// `2026-11-25T02:00:13Z` (whole seconds, UTC).
    static func iso(_ date: Date) -> String {
        let c = KQLDateTime(unixSeconds: date.timeIntervalSince1970).components
        return "\(c.year)-\(pad(c.month))-\(pad(c.day))T\(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))Z"
    }

    /// `2026-11-25 02:00 UTC`.
    static func display(_ date: Date) -> String { display(KQLDateTime(unixSeconds: date.timeIntervalSince1970)) }

    /// `2026-11-25 02:00 UTC`.
    static func display(_ time: KQLDateTime) -> String {
        let c = time.components
        return "\(c.year)-\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute)) UTC"
    }

    /// `2026-11-25`.
    static func day(_ date: Date) -> String {
        let c = KQLDateTime(unixSeconds: date.timeIntervalSince1970).components
        return "\(c.year)-\(pad(c.month))-\(pad(c.day))"
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    /// `text` cut to at most `limit` characters, ending in `…` when cut.
    static func shortened(_ text: String, to limit: Int) -> (text: String, cut: Bool) {
        guard limit > 0, text.utf8.count > limit else { return (text, false) }
        var end = text.startIndex
        var taken = 0
        while taken < limit, end < text.endIndex {
            text.formIndex(after: &end)
            taken += 1
        }
        guard end < text.endIndex else { return (text, false) }
        return (String(text[..<end]) + "…", true)
    }

    /// A file and anchor name from a query id: lowercase ASCII letters, digits, `-`, `_` and `.`;
    /// `/` becomes `.` and the `.kql` extension goes.
    static func slug(_ id: String) -> String {
        var base = id.lowercased()
        if base.hasSuffix(".kql") { base.removeLast(4) }
        var out = ""
        for scalar in base.unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9", "-", "_": out.unicodeScalars.append(scalar)
            case "/", "\\", ".": if !out.isEmpty, out.last != "." { out.append(".") }
            default: if out.last != "-" { out.append("-") }
            }
        }
        while out.last == "." || out.last == "-" { out.removeLast() }
        return out.isEmpty ? "query" : out
    }

    /// Unique slugs for `ids`, in order: a clash gets `-2`, `-3`, ….
    static func uniqueSlugs(_ ids: [String]) -> [String] {
        var used: Set<String> = []
        return ids.map { id in
            let base = slug(id)
            var candidate = base
            var n = 2
            while !used.insert(candidate).inserted {
                candidate = "\(base)-\(n)"
                n += 1
            }
            return candidate
        }
    }
}
