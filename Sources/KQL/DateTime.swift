/// A KQL `datetime`: an instant in UTC counted in 100-nanosecond ticks since 0001-01-01T00:00:00Z,
/// the precision Kusto keeps.
public struct KQLDateTime: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Ticks (100 ns) since 0001-01-01T00:00:00Z.
    public var ticks: Int64

    /// The earliest representable instant, 0001-01-01T00:00:00Z.
    public static let min = KQLDateTime(ticks: 0)
    /// The latest representable instant, 9999-12-31T23:59:59.9999999Z.
    public static let max = KQLDateTime(ticks: 3_155_378_975_999_999_999)
    /// Ticks at 1970-01-01T00:00:00Z.
    public static let unixEpochTicks: Int64 = 621_355_968_000_000_000

    public static let ticksPerSecond: Int64 = 10_000_000
    public static let ticksPerDay: Int64 = 864_000_000_000

    /// Creates a value from ticks; values outside 0001…9999 are clamped.
    public init(ticks: Int64) {
        self.ticks = Swift.min(Swift.max(ticks, 0), 3_155_378_975_999_999_999)
    }

    /// Creates a value from calendar fields in UTC, or `nil` when a field is out of range.
    public init?(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
        fractionTicks: Int64 = 0
    ) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
            (0..<Self.ticksPerSecond).contains(fractionTicks)
        else { return nil }
        let days = Int64(Self.daysFromCivil(year: year, month: month, day: day))
        let seconds = Int64(hour * 3600 + minute * 60 + second)
        ticks = days * Self.ticksPerDay + seconds * Self.ticksPerSecond + fractionTicks
    }

    /// Creates a value from seconds since the Unix epoch (sub-tick precision is dropped).
    public init(unixSeconds: Double) {
        self.init(ticks: Self.unixEpochTicks + Int64((unixSeconds * 1e7).rounded(.down)))
    }

    /// Seconds since the Unix epoch.
    public var unixSeconds: Double { Double(ticks - Self.unixEpochTicks) / 1e7 }

    /// The calendar fields in UTC.
    public var components:
        (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, fractionTicks: Int64)
    {
        let days = ticks / Self.ticksPerDay
        var rest = ticks % Self.ticksPerDay
        let (y, m, d) = Self.civilFromDays(Int(days))
        let hour = Int(rest / (3600 * Self.ticksPerSecond))
        rest %= 3600 * Self.ticksPerSecond
        let minute = Int(rest / (60 * Self.ticksPerSecond))
        rest %= 60 * Self.ticksPerSecond
        let second = Int(rest / Self.ticksPerSecond)
        return (y, m, d, hour, minute, second, rest % Self.ticksPerSecond)
    }

    /// ISO 8601 in UTC with all seven fractional digits, as Kusto prints it:
    /// `2024-03-26T09:39:50.7688641Z`.
    public var iso8601: String {
        let c = components
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):"
            + "\(pad(c.second, 2)).\(pad(Int(c.fractionTicks), 7))Z"
    }

    public var description: String { iso8601 }

    public static func < (lhs: KQLDateTime, rhs: KQLDateTime) -> Bool { lhs.ticks < rhs.ticks }

    // Howard Hinnant's civil-calendar algorithms, rebased so that day 0 is 0001-01-01.

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let sinceUnix = era * 146_097 + doe - 719_468
        return sinceUnix + 719_162  // 719,162 days from 0001-01-01 to 1970-01-01
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days - 719_162 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Zero-pads a non-negative number to `width` digits.
func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
