public import Foundation
import SampleTenant
import Hunting

/// A token the emulator issued.
struct IssuedToken: Sendable {
    var tenant: String
    var clientId: String
    /// The audience: the resource the token was requested for.
    var resource: String
    /// App roles (application tokens) or delegated scopes (user tokens).
    var roles: Set<String>
    var user: String?
    var expiresAt: Date
}

/// One call to a hunting endpoint as the emulator saw it, for audits.
public struct HuntingCallRecord: Sendable, Hashable {
    /// When the request arrived.
    public var arrived: Date
    /// `graph` or `legacy`.
    public var api: String
    /// The HTTP status answered.
    public var status: Int
    /// The fault injected, if any.
    public var fault: String?
    /// The Retry-After sent, if any.
    public var retryAfter: String?
    /// The query id the backend resolved, when known.
    public var queryId: String?
    /// The client's `client-request-id`.
    public var clientRequestId: String?
    /// The simulated service latency of this call, in seconds (0 when it was answered before the
    /// emulator slept, e.g. a 429 or an injected fault).
    public var latency: Double = 0
    /// When the answer was ready to go out (after any simulated latency or slow fault).
    public var answered: Date?
    /// The request method and path.
    public var method = "POST"
    public var path = ""
    /// The `request-id` the emulator answered with.
    public var requestId: String?
    /// The first 16 hex digits of the SHA-256 of the query text, when the body had one.
    public var queryHash: String?
    /// The wait a CPU-quota answer named ("You can run queries again in …"), in seconds.
    public var cpuQuotaWait: Double?
}

/// The emulator's mutable state: issued tokens, device codes, quota windows, fault counters.
actor EmulatorState {
    var configuration: EmulatorConfiguration
    private var random: EmulatorRandom
    private var tokens: [String: IssuedToken] = [:]
    private var refreshTokens: [String: IssuedToken] = [:]
    private var deviceCodes: [String: DeviceCodeSession] = [:]
    private var callTimes: [String: [Date]] = [:]
    private var cpuCharges: [(time: Date, seconds: Double)] = []
    private var ruleHits: [Int: Int] = [:]
    private var perQueryHits: [Int: [String: Int]] = [:]
    private(set) var calls: [HuntingCallRecord] = []
    /// Where each answered call is also written as a JSON line, when asked for.
    private let requestLog: RequestLog?

    struct DeviceCodeSession {
        var clientId: String
        var resource: String
        var polls = 0
        var lastPoll: Date?
        var expiresAt: Date
        var userCode: String
    }

    init(configuration: EmulatorConfiguration, requestLog: RequestLog? = nil) {
        self.configuration = configuration
        self.requestLog = requestLog
        random = EmulatorRandom(seed: configuration.seed)
    }

    // MARK: tokens

    func issue(clientId: String, resource: String, roles: Set<String>, user: String?) -> (token: String, refresh: String?, lifetime: Int) {
        let token = "emu." + random.hex(32)
        let issued = IssuedToken(
            tenant: configuration.tenant, clientId: clientId, resource: resource, roles: roles, user: user,
            expiresAt: Date().addingTimeInterval(configuration.tokenLifetime))
        tokens[token] = issued
        var refresh: String?
        if user != nil {
            let value = "emu-refresh." + random.hex(32)
            refreshTokens[value] = issued
            refresh = value
        }
        return (token, refresh, Int(configuration.tokenLifetime.rounded(.up)))
    }

    func token(_ value: String) -> IssuedToken? { tokens[value] }

    func redeemRefreshToken(_ value: String) -> IssuedToken? { refreshTokens[value] }

    func application(_ clientId: String) -> EmulatorConfiguration.Application? {
        configuration.applications.first { $0.clientId == clientId }
    }

    // MARK: device code

    func startDeviceCode(clientId: String, resource: String) -> (deviceCode: String, userCode: String) {
        let deviceCode = "emu-device." + random.hex(24)
        let userCode = random.userCode()
        deviceCodes[deviceCode] = DeviceCodeSession(
            clientId: clientId, resource: resource, expiresAt: Date().addingTimeInterval(900), userCode: userCode)
        return (deviceCode, userCode)
    }

    enum PollAnswer {
        case pending, slowDown, declined, expired, unknown, approved(clientId: String, resource: String)
    }

    func poll(deviceCode: String) -> PollAnswer {
        guard var session = deviceCodes[deviceCode] else { return .unknown }
        session.polls += 1
        session.lastPoll = Date()
        deviceCodes[deviceCode] = session
        switch configuration.deviceCode {
        case .decline:
            deviceCodes[deviceCode] = nil
            return .declined
        case .expire:
            deviceCodes[deviceCode] = nil
            return .expired
        case .approveAfter(let polls):
            if session.polls <= polls { return .pending }
        case .slowDownThenApprove(let slowDowns):
            if session.polls <= slowDowns { return .slowDown }
        }
        deviceCodes[deviceCode] = nil
        return .approved(clientId: session.clientId, resource: session.resource)
    }

    // MARK: quota

    /// Admits a call under a policy, or says how many seconds until the window has room.
    func admit(api: String, policy: QuotaPolicy?) -> TimeInterval? {
        guard let policy else { return nil }
        let now = Date()
        var times = callTimes[api, default: []].filter { now.timeIntervalSince($0) < policy.hourWindow }
        let inWindow = times.filter { now.timeIntervalSince($0) < policy.window }
        if inWindow.count >= policy.callsPerWindow {
            return policy.window - now.timeIntervalSince(inWindow[inWindow.count - policy.callsPerWindow])
        }
        if let hourly = policy.callsPerHour, times.count >= hourly {
            return policy.hourWindow - now.timeIntervalSince(times[times.count - hourly])
        }
        times.append(now)
        callTimes[api] = times
        return nil
    }

    /// Charges CPU seconds; returns the seconds until the window frees when the budget is spent.
    func chargeCPU(_ seconds: Double) -> TimeInterval? {
        guard let budget = configuration.cpuSecondsPerWindow else { return nil }
        let now = Date()
        cpuCharges.removeAll { now.timeIntervalSince($0.time) >= configuration.cpuWindow }
        let used = cpuCharges.reduce(0) { $0 + $1.seconds }
        if used >= budget, let oldest = cpuCharges.first {
            return configuration.cpuWindow - now.timeIntervalSince(oldest.time)
        }
        cpuCharges.append((now, seconds))
        return nil
    }

    // MARK: faults

    /// The fault for this call: the header's, else the first matching rule's.
    func fault(forQuery text: String, header: String?) -> Fault? {
        if configuration.allowFaultHeader, let header, let fault = Fault(header: header) { return fault }
        for (index, rule) in configuration.faults.enumerated() {
            switch rule.match {
            case .always:
                return rule.fault
            case .probability(let p):
                if random.unit() < p { return rule.fault }
            case .firstCalls(let n):
                let hits = ruleHits[index, default: 0]
                if hits < n {
                    ruleHits[index] = hits + 1
                    return rule.fault
                }
            case .queryContains(let marker):
                if text.contains(marker) { return rule.fault }
            case .firstCallsPerQuery(let n):
                let hits = perQueryHits[index, default: [:]][text, default: 0]
                if hits < n {
                    perQueryHits[index, default: [:]][text] = hits + 1
                    return rule.fault
                }
            }
        }
        return nil
    }

    func latency() -> Double {
        let range = configuration.latency
        return range.lowerBound + (range.upperBound - range.lowerBound) * random.unit()
    }

    /// Keeps a hunting call for audits and writes it to the request log. Called where the answer
    /// was decided, so the log says what the emulator meant to send (a reset or truncated answer
    /// is logged with its status and its fault).
    func record(_ call: HuntingCallRecord) {
        calls.append(call)
        requestLog?.append(call.requestLogLine)
    }

    /// Writes a token-endpoint call to the request log (token calls are not kept in ``calls``,
    /// whose audits count hunting calls only).
    func record(_ call: IdentityCallRecord) {
        requestLog?.append(call.requestLogLine)
    }

    func clearCalls() { calls.removeAll() }
}

/// A seeded generator (the sample tenant's SplitMix64), so emulator runs repeat.
struct EmulatorRandom {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func hex(_ count: Int) -> String { generator.hex(count) }

    mutating func userCode() -> String {
        let letters = Array("BCDFGHJKLMNPQRSTVWXZ")
        return String((0..<8).map { _ in letters[Int(next() % UInt64(letters.count))] })
    }
}
