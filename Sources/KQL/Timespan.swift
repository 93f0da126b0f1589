/// A KQL `timespan`: a signed duration in 100-nanosecond ticks.
public struct KQLTimespan: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Ticks (100 ns); negative for negative durations.
    public var ticks: Int64

    public static let tick: Int64 = 1
    public static let microsecond: Int64 = 10
    public static let millisecond: Int64 = 10_000
    public static let second: Int64 = 10_000_000
    public static let minute: Int64 = 600_000_000
    public static let hour: Int64 = 36_000_000_000
    public static let day: Int64 = 864_000_000_000

    /// Creates a duration from ticks.
    public init(ticks: Int64) { self.ticks = ticks }

    /// Creates a duration of whole days.
    public static func days(_ n: Int64) -> KQLTimespan { KQLTimespan(ticks: n * day) }
    /// Creates a duration of whole hours.
    public static func hours(_ n: Int64) -> KQLTimespan { KQLTimespan(ticks: n * hour) }
    /// Creates a duration of whole minutes.
    public static func minutes(_ n: Int64) -> KQLTimespan { KQLTimespan(ticks: n * minute) }
    /// Creates a duration of whole seconds.
    public static func seconds(_ n: Int64) -> KQLTimespan { KQLTimespan(ticks: n * second) }

    /// The duration in seconds.
    public var seconds: Double { Double(ticks) / 1e7 }

    /// The .NET constant format Kusto prints and the APIs send: `[-][d.]hh:mm:ss[.fffffff]`.
    public var constantFormat: String {
        let negative = ticks < 0
        let magnitude = ticks.magnitude
        let days = magnitude / UInt64(Self.day)
        var rest = magnitude % UInt64(Self.day)
        let hours = rest / UInt64(Self.hour)
        rest %= UInt64(Self.hour)
        let minutes = rest / UInt64(Self.minute)
        rest %= UInt64(Self.minute)
        let seconds = rest / UInt64(Self.second)
        let fraction = rest % UInt64(Self.second)
        var text = negative ? "-" : ""
        if days > 0 { text += "\(days)." }
        text += "\(pad(Int(hours), 2)):\(pad(Int(minutes), 2)):\(pad(Int(seconds), 2))"
        if fraction > 0 { text += "." + pad(Int(fraction), 7) }
        return text
    }

    /// An ISO 8601 duration (`P7D`, `PT1H30M`, `PT0.5S`), the form Graph's `Timespan` takes.
    public var iso8601: String {
        var magnitude = ticks.magnitude
        var text = ticks < 0 ? "-P" : "P"
        let days = magnitude / UInt64(Self.day)
        magnitude %= UInt64(Self.day)
        if days > 0 { text += "\(days)D" }
        if magnitude == 0 { return days > 0 ? text : text + "T0S" }
        text += "T"
        let hours = magnitude / UInt64(Self.hour)
        magnitude %= UInt64(Self.hour)
        if hours > 0 { text += "\(hours)H" }
        let minutes = magnitude / UInt64(Self.minute)
        magnitude %= UInt64(Self.minute)
        if minutes > 0 { text += "\(minutes)M" }
        if magnitude > 0 {
            let seconds = magnitude / UInt64(Self.second)
            let fraction = magnitude % UInt64(Self.second)
            text += "\(seconds)"
            if fraction > 0 {
                var digits = pad(Int(fraction), 7)
                while digits.hasSuffix("0") { digits.removeLast() }
                text += "." + digits
            }
            text += "S"
        }
        return text
    }

    public var description: String { constantFormat }

    public static func < (lhs: KQLTimespan, rhs: KQLTimespan) -> Bool { lhs.ticks < rhs.ticks }
}
