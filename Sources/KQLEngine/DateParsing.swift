import Foundation
import KQL

/// Reading datetimes from text the way Kusto's `todatetime()` and `parse` do: ISO 8601 and the
/// forms KQL literals accept, plus the US form `MM/dd/yyyy [HH:mm[:ss[.fffffff]]]`.
enum DateParsing {
    static func parse(_ text: String) -> KQLDateTime? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let value = LiteralSyntax.parseDateTime(trimmed) { return value }
        return parseUS(trimmed)
    }

    /// `MM/dd/yyyy [HH:mm[:ss[.fffffff]]]`, UTC.
    static func parseUS(_ text: String) -> KQLDateTime? {
        let parts = text.split(separator: " ", maxSplits: 1)
        guard let datePart = parts.first else { return nil }
        let date = datePart.split(separator: "/")
        guard date.count == 3, let month = Int(date[0]), let day = Int(date[1]), let year = Int(date[2]), date[2].count == 4 else {
            return nil
        }
        var hour = 0, minute = 0, second = 0
        var fraction: Int64 = 0
        if parts.count == 2 {
            let time = parts[1].split(separator: ":")
            guard time.count == 2 || time.count == 3, let h = Int(time[0]), let m = Int(time[1]) else { return nil }
            hour = h
            minute = m
            if time.count == 3 {
                let seconds = time[2].split(separator: ".", maxSplits: 1)
                guard let s = Int(seconds[0]) else { return nil }
                second = s
                if seconds.count == 2 {
                    let digits = seconds[1].prefix(7)
                    guard digits.allSatisfy(\.isNumber), let f = Int64(digits) else { return nil }
                    fraction = f * Int64(pow10(7 - digits.count))
                }
            }
        }
        return KQLDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second, fractionTicks: fraction)
    }

    private static func pow10(_ n: Int) -> Int { (0..<n).reduce(1) { r, _ in r * 10 } }
}
