public import KQL

/// What sample tenant to generate: its size, time window and whether attack stories are woven in.
public struct SampleTenantConfiguration: Sendable, Hashable {
    /// The base seed; every table derives its own seed from it and the table name.
    public var seed: UInt64
    /// Number of devices (the first few are servers).
    public var devices: Int
    /// Number of human users.
    public var users: Int
    /// Days of data, ending at `end`.
    public var days: Int
    /// The end of the time window (pinned, never the clock, so data is reproducible).
    public var end: KQLDateTime
    /// Whether the attack stories are planted.
    public var attackStories: Bool
    /// Multiplies the number of benign events per device-day (1 = default volume).
    public var eventScale: Double

    /// The default end of the window: 2026-11-24T00:00:00Z.
    public static let defaultEnd = KQLDateTime(year: 2026, month: 11, day: 24)!

    /// Creates a configuration.
    public init(
        seed: UInt64 = 1, devices: Int = 50, users: Int = 30, days: Int = 7,
        end: KQLDateTime = SampleTenantConfiguration.defaultEnd, attackStories: Bool = true, eventScale: Double = 1
    ) {
        self.seed = seed
        self.devices = max(devices, 1)
        self.users = max(users, 1)
        self.days = max(days, 1)
        self.end = end
        self.attackStories = attackStories
        self.eventScale = max(eventScale, 0)
    }
}
