public import Foundation

/// How hard a run may push the service, in total or for one tenant.
public struct ConcurrencySettings: Sendable, Hashable {
    /// Queries in flight at once.
    public var width: Int
    /// Calls allowed per minute (Graph allows 45).
    public var callsPerMinute: Int
    /// Calls allowed per hour; `nil` uses the service's known limit.
    public var callsPerHour: Int?
    /// Seconds one query may take, retries included.
    public var queryTimeout: TimeInterval
    /// Seconds the whole run may take; `nil` has no limit.
    public var runDeadline: TimeInterval?

    /// The widest a run may be: more parallel calls only wait on the service's quota.
    public static let maxWidth = 64

    /// Creates settings; the defaults are those of `hunt run`.
    public init(width: Int = 4, callsPerMinute: Int = 45, callsPerHour: Int? = nil, queryTimeout: TimeInterval = 600, runDeadline: TimeInterval? = nil) {
        self.width = width
        self.callsPerMinute = callsPerMinute
        self.callsPerHour = callsPerHour
        self.queryTimeout = queryTimeout
        self.runDeadline = runDeadline
    }
}
