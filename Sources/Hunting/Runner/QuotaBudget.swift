public import Foundation

/// How fast one (tenant, endpoint) may be called.
public struct QuotaPolicy: Sendable, Hashable, Codable {
    /// Calls allowed in any window of `window` seconds.
    public var callsPerWindow: Int
    /// The window, in seconds (60 for the service; the emulator and benchmarks may scale it down).
    public var window: TimeInterval
    /// Calls allowed in any hour-long window (scaled with `window`: 60 windows), when limited.
    public var callsPerHour: Int?
    /// Extra spacing added to each window, so that jitter between sending a call and its arrival
    /// never lets a window on the service's side see one call too many (default: 2% of the
    /// window, between 50 ms and 0.5 s).
    public var margin: TimeInterval

    /// Creates a policy.
    public init(callsPerWindow: Int = 45, window: TimeInterval = 60, callsPerHour: Int? = nil, margin: TimeInterval? = nil) {
        self.callsPerWindow = max(1, callsPerWindow)
        self.window = window
        self.callsPerHour = callsPerHour
        self.margin = margin ?? min(0.5, max(0.05, window * 0.02))
    }

    /// Graph runHuntingQuery: "at least 45 calls per minute per tenant".
    public static let graph = QuotaPolicy(callsPerWindow: 45, window: 60)
    /// The legacy Defender API: 45 calls a minute and 1,500 an hour.
    public static let legacyDefender = QuotaPolicy(callsPerWindow: 45, window: 60, callsPerHour: 1500)

    /// The length of the "hour" window, scaled like `window`.
    public var hourWindow: TimeInterval { window * 60 }
}

/// One run's shared quota for one (tenant, endpoint): a sliding-window limiter (a token bucket
/// could let a burst and its refill through in one window; the sliding window guarantees that no
/// `window` ever holds more than `callsPerWindow` calls) plus a shared pause that CPU-quota
/// and call-quota answers set for every query of the tenant.
public actor QuotaBudget {
    /// The policy enforced.
    public nonisolated let policy: QuotaPolicy
    private let clock = ContinuousClock()
    private var calls: [ContinuousClock.Instant] = []
    private var pausedUntil: ContinuousClock.Instant?

    /// Creates a budget.
    public init(policy: QuotaPolicy) {
        self.policy = policy
    }

    /// Waits until one more call is allowed, then counts it.
    /// - Parameter deadline: give up (returning `false`) rather than wait past this instant.
    /// - Returns: `true` when the call may go ahead, `false` when the deadline would pass first.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    public func acquire(deadline: ContinuousClock.Instant? = nil) async throws -> Bool {
        while true {
            try Task.checkCancellation()
            let now = clock.now
            let allowedAt = earliestSlot(after: now)
            if allowedAt <= now {
                calls.append(now)
                return true
            }
            if let deadline, allowedAt > deadline { return false }
            try await clock.sleep(until: allowedAt)
        }
    }

    /// Stops every caller for `seconds` (a CPU-quota or call-quota answer); a longer pause
    /// already in force is kept.
    public func pause(for seconds: TimeInterval) {
        let until = clock.now.advanced(by: .seconds(max(0, seconds)))
        if pausedUntil.map({ until > $0 }) ?? true { pausedUntil = until }
    }

    /// The first instant at which a call fits every limit.
    private func earliestSlot(after now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let longest = policy.callsPerHour == nil ? policy.window : policy.hourWindow
        let horizon = now.advanced(by: .seconds(-(longest + policy.margin)))
        if let firstKept = calls.firstIndex(where: { $0 > horizon }), firstKept > 0 { calls.removeFirst(firstKept) }
        var earliest = now
        if let pausedUntil, pausedUntil > earliest { earliest = pausedUntil }
        earliest = max(earliest, slot(limit: policy.callsPerWindow, window: policy.window, now: now))
        if let hourly = policy.callsPerHour { earliest = max(earliest, slot(limit: hourly, window: policy.hourWindow, now: now)) }
        return earliest
    }

    /// When the window allows another call: the (limit)-th most recent call plus the window.
    private func slot(limit: Int, window: TimeInterval, now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        guard calls.count >= limit else { return now }
        return calls[calls.count - limit].advanced(by: .seconds(window + policy.margin))
    }
}
