public import Foundation
public import Hunting

/// What the emulator knows and how it behaves. Everything has a default, so
/// `EmulatorConfiguration()` serves a working tenant with one app and one user.
public struct EmulatorConfiguration: Sendable {
    /// An application registration.
    public struct Application: Sendable {
        /// The application (client) id.
        public var clientId: String
        /// The client secret it signs in with, if any.
        public var secret: String?
        /// The PEM certificate whose key signs its client assertions, if any.
        public var certificatePEM: String?
        /// The app roles its tokens carry (`ThreatHunting.Read.All`, `AdvancedQuery.Read.All`).
        public var roles: Set<String>
        /// Whether public-client flows (device code, password) are allowed.
        public var allowsPublicClientFlows: Bool

        /// Creates an app.
        public init(clientId: String, secret: String? = nil, certificatePEM: String? = nil,
                    roles: Set<String> = ["ThreatHunting.Read.All", "AdvancedQuery.Read.All"], allowsPublicClientFlows: Bool = true) {
            self.clientId = clientId
            self.secret = secret
            self.certificatePEM = certificatePEM
            self.roles = roles
            self.allowsPublicClientFlows = allowsPublicClientFlows
        }
    }

    /// How the device-code sign-in goes.
    public enum DeviceCodeBehaviour: Sendable, Hashable {
        /// The user signs in after this many polls answered `authorization_pending`.
        case approveAfter(polls: Int)
        /// The first polls answer `slow_down`, then it is approved.
        case slowDownThenApprove(slowDowns: Int)
        /// The user declines.
        case decline
        /// The code expires without a sign-in.
        case expire
    }

    /// The tenant id (or domain) tokens are issued for.
    public var tenant: String
    /// Registered applications.
    public var applications: [Application]
    /// Users for the password grant: user name → password.
    public var users: [String: String]
    /// Seconds an issued access token is valid (short to exercise refresh).
    public var tokenLifetime: TimeInterval
    /// The device-code sign-in behaviour and polling interval (seconds).
    public var deviceCode: DeviceCodeBehaviour
    public var deviceCodeInterval: Int
    /// Call quota per tenant for the Graph endpoint (`nil`: unlimited).
    public var graphQuota: QuotaPolicy?
    /// Call quota per tenant for the legacy endpoint.
    public var legacyQuota: QuotaPolicy?
    /// CPU seconds per window (each query costs its simulated latency); `nil`: unlimited.
    public var cpuSecondsPerWindow: Double?
    /// The CPU window in seconds (15 minutes on the service).
    public var cpuWindow: TimeInterval
    /// A simulated service latency range, in seconds, per query.
    public var latency: ClosedRange<Double>
    /// The 100,000-row cap.
    public var rowLimit: Int
    /// The largest response body, in bytes (50 MB on the service).
    public var maxResponseBytes: Int
    /// Faults to inject.
    public var faults: [FaultRule]
    /// Whether the `X-Emulator-Fault` request header may ask for a fault.
    public var allowFaultHeader: Bool
    /// When set, the legacy endpoints answer as retired after this date.
    public var legacyRetiredAfter: Date?
    /// The seed of the emulator's random choices (latency, probabilistic faults).
    public var seed: UInt64

    /// Creates a configuration.
    public init(
        tenant: String = "00000000-0000-4000-8000-000000000001",
        applications: [Application] = [Application(clientId: "11111111-1111-4111-8111-111111111111", secret: "emulator-secret")],
        users: [String: String] = ["analyst@contoso.example": "emulator-password"],
        tokenLifetime: TimeInterval = 3600, deviceCode: DeviceCodeBehaviour = .approveAfter(polls: 1), deviceCodeInterval: Int = 1,
        graphQuota: QuotaPolicy? = nil, legacyQuota: QuotaPolicy? = nil, cpuSecondsPerWindow: Double? = nil,
        cpuWindow: TimeInterval = 900, latency: ClosedRange<Double> = 0...0, rowLimit: Int = 100_000,
        maxResponseBytes: Int = 50_000_000, faults: [FaultRule] = [], allowFaultHeader: Bool = true,
        legacyRetiredAfter: Date? = nil, seed: UInt64 = 1
    ) {
        self.tenant = tenant
        self.applications = applications
        self.users = users
        self.tokenLifetime = tokenLifetime
        self.deviceCode = deviceCode
        self.deviceCodeInterval = deviceCodeInterval
        self.graphQuota = graphQuota
        self.legacyQuota = legacyQuota
        self.cpuSecondsPerWindow = cpuSecondsPerWindow
        self.cpuWindow = cpuWindow
        self.latency = latency
        self.rowLimit = rowLimit
        self.maxResponseBytes = maxResponseBytes
        self.faults = faults
        self.allowFaultHeader = allowFaultHeader
        self.legacyRetiredAfter = legacyRetiredAfter
        self.seed = seed
    }
}
