public import Foundation

/// What the user must do to finish a device-code sign-in: open a page and enter a code.
public struct DeviceCodePrompt: Sendable, Hashable, CustomStringConvertible {
    /// The page to open (`https://microsoft.com/devicelogin`).
    public var verificationURL: String
    /// The code to enter there.
    public var userCode: String
    /// Entra's sentence saying both, ready to show.
    public var message: String
    /// When the code stops working.
    public var expiresAt: Date

    /// Creates a prompt.
    public init(verificationURL: String, userCode: String, message: String, expiresAt: Date) {
        self.verificationURL = verificationURL
        self.userCode = userCode
        self.message = message
        self.expiresAt = expiresAt
    }

    public var description: String { message }
}

/// Sign-in as a user with the device-code flow (spec §3.4): the user opens a page on any device
/// and enters a code while this process polls the token endpoint.
///
/// The flow asks for `offline_access`, so Entra returns a refresh token; later fetches (another
/// scope, or the access token nearing expiry) redeem it with `grant_type=refresh_token` and start a
/// new device-code sign-in only when that fails. The refresh token stays in memory unless a cache
/// file is given, which is then written atomically with mode 0600 and refused when others can read it.
public actor DeviceCodeCredential: TokenCredential {
    /// The tenant's token and device-code endpoints.
    public nonisolated let endpoint: EntraTokenEndpoint
    /// The public client application's id.
    public nonisolated let clientId: String
    /// The refresh-token cache file, when there is one.
    public nonisolated let refreshTokenCachePath: String?
    private let prompt: @Sendable (DeviceCodePrompt) -> Void
    private let sleep: @Sendable (TimeInterval) async throws -> Void
    private let log: HuntingLog
    private var refreshToken: Secret?
    private var cacheLoaded = false
    private var signIn: Task<EntraTokenEndpoint.TokenResponse, any Error>?

    /// Creates the credential.
    /// - Parameters:
    ///   - endpoint: the tenant's endpoints.
    ///   - clientId: the application (client) id; the app must allow public client flows.
    ///   - refreshTokenCachePath: a file to keep the refresh token in between runs; `nil` keeps it in memory only.
    ///   - log: where progress is reported (never a code or token).
    ///   - sleep: waits between polls, in seconds; tests pass a shorter wait.
    ///   - prompt: shows the user where to sign in; the library never prints.
    /// - Throws: ``CredentialError`` `.configuration` when the client id or cache path is empty.
    public init(
        endpoint: EntraTokenEndpoint, clientId: String, refreshTokenCachePath: String? = nil, log: HuntingLog = .discard,
        sleep: @escaping @Sendable (TimeInterval) async throws -> Void = DeviceCodeCredential.taskSleep,
        prompt: @escaping @Sendable (DeviceCodePrompt) -> Void
    ) throws(CredentialError) {
        guard !clientId.isEmpty else { throw CredentialError(.configuration, "no client id: set AZURE_CLIENT_ID or --client-id") }
        if let refreshTokenCachePath, refreshTokenCachePath.isEmpty {
            throw CredentialError(.configuration, "the refresh-token cache path is empty")
        }
        self.endpoint = endpoint
        self.clientId = clientId
        self.refreshTokenCachePath = refreshTokenCachePath
        self.log = log
        self.sleep = sleep
        self.prompt = prompt
    }

    /// The default wait between polls: `Task.sleep`.
    /// - Throws: `CancellationError` when the task is cancelled.
    public static let taskSleep: @Sendable (TimeInterval) async throws -> Void = { seconds in
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }

    public nonisolated var displayName: String { "device-code sign-in with app \(clientId)" }

    /// Whether a refresh token is at hand (from a sign-in or the cache file).
    public var hasRefreshToken: Bool { refreshToken != nil }

    public func fetchToken(for scope: TokenScope) async throws(CredentialError) -> AccessToken {
        try loadCache()
        if let token = try await redeemRefreshToken(for: scope) { return token }
        if let running = signIn {
            _ = try? await running.value
            if let token = try await redeemRefreshToken(for: scope) { return token }
        }
        let task = Task { () throws -> EntraTokenEndpoint.TokenResponse in try await self.deviceCodeSignIn(for: scope) }
        signIn = task
        defer { signIn = nil }
        let response = try await Self.wait(for: task)
        keep(response)
        return response.accessToken
    }

    // MARK: - Refresh token

    private func loadCache() throws(CredentialError) {
        guard !cacheLoaded, let path = refreshTokenCachePath else { return }
        if let saved = try RefreshTokenFile(path: path).load(tenant: endpoint.tenant, clientId: clientId, log: log) {
            refreshToken = saved
            log.info("using the saved sign-in from the refresh-token cache", ["path": path])
        }
        cacheLoaded = true
    }

    /// A token from the refresh token, or `nil` when there is none or Entra refused it.
    /// - Throws: ``CredentialError`` `.unavailable` when the sign-in service cannot be reached.
    private func redeemRefreshToken(for scope: TokenScope) async throws(CredentialError) -> AccessToken? {
        guard let refresh = refreshToken else { return nil }
        do {
            let response = try await endpoint.requestToken(
                [
                    ("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", refresh.reveal()),
                    ("scope", Self.scopes(scope)),
                ], clientId: clientId, scope: scope)
            keep(response)
            return response.accessToken
        } catch where error.code == .unavailable {
            throw error
        } catch {
            log.info("the saved sign-in was refused; starting a new device-code sign-in", ["reason": error.message])
            if refreshToken == refresh { refreshToken = nil }
            return nil
        }
    }

    /// Keeps the newest refresh token, in memory and in the cache file.
    private func keep(_ response: EntraTokenEndpoint.TokenResponse) {
        guard let refresh = response.refreshToken, !refresh.isEmpty else { return }
        refreshToken = refresh
        guard let path = refreshTokenCachePath else { return }
        do {
            try RefreshTokenFile(path: path).save(tenant: endpoint.tenant, clientId: clientId, refreshToken: refresh)
        } catch {
            log.warning("the sign-in worked but could not be saved; the next run signs in again", ["reason": error.message])
        }
    }

    // MARK: - Device code

    /// Starts a device-code sign-in, shows the prompt, and polls until the user finishes.
    private func deviceCodeSignIn(for scope: TokenScope) async throws(CredentialError) -> EntraTokenEndpoint.TokenResponse {
        let json = try await endpoint.post(
            endpoint.deviceCodeURL, [("client_id", clientId), ("scope", Self.scopes(scope))], clientId: clientId, scope: scope)
        let session = try DeviceCodeSession(json, started: endpoint.now())
        log.info("device-code sign-in started; waiting for the user", ["url": session.prompt.verificationURL])
        prompt(session.prompt)
        let poller = DeviceCodePoller(endpoint: endpoint, clientId: clientId, scope: scope, session: session, sleep: sleep)
        let response = try await poller.run()
        log.info("device-code sign-in finished")
        return response
    }

    /// `<resource>/.default offline_access`: the resource's permissions, and a refresh token.
    static func scopes(_ scope: TokenScope) -> String { scope.defaultScope + " offline_access" }

    private static func wait(for task: Task<EntraTokenEndpoint.TokenResponse, any Error>) async throws(CredentialError) -> EntraTokenEndpoint.TokenResponse {
        do {
            return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        } catch let error as CredentialError {
            throw error
        } catch {
            throw CredentialError(.unavailable, "the device-code sign-in failed: \(error)")
        }
    }
}

/// The device-code endpoint's answer: v2 (`verification_uri`, numbers) or v1 (`verification_url`, strings).
struct DeviceCodeSession: Sendable {
    var deviceCode: Secret
    var prompt: DeviceCodePrompt
    /// Seconds between polls, as the server asked.
    var interval: TimeInterval

    /// Reads the answer.
    /// - Throws: ``CredentialError`` `.unavailable` when a required field is missing.
    init(_ json: [String: Any], started: Date) throws(CredentialError) {
        guard let device = json["device_code"] as? String, !device.isEmpty,
            let user = json["user_code"] as? String, !user.isEmpty,
            let url = (json["verification_uri"] as? String) ?? (json["verification_url"] as? String)
        else {
            throw CredentialError(.unavailable, "the device-code endpoint answered without device_code, user_code or verification_uri")
        }
        let lifetime = EntraTokenEndpoint.number(json["expires_in"]) ?? 900
        let message = (json["message"] as? String) ?? "To sign in, open \(url) and enter the code \(user)."
        deviceCode = Secret(device)
        prompt = DeviceCodePrompt(verificationURL: url, userCode: user, message: message, expiresAt: started.addingTimeInterval(lifetime))
        interval = max(1, EntraTokenEndpoint.number(json["interval"]) ?? 5)
    }
}

/// Polls the token endpoint for one device code until the user finishes, declines, or the code expires.
struct DeviceCodePoller: Sendable {
    enum Answer { case token(EntraTokenEndpoint.TokenResponse), pending, slowDown }

    let endpoint: EntraTokenEndpoint
    let clientId: String
    let scope: TokenScope
    let session: DeviceCodeSession
    let sleep: @Sendable (TimeInterval) async throws -> Void

    /// Polls at the server's interval, 5 s slower after each `slow_down`, until `expires_in` runs out.
    /// - Throws: ``CredentialError``: `.declined` when declined or expired, others as Entra answers.
    func run() async throws(CredentialError) -> EntraTokenEndpoint.TokenResponse {
        var interval = session.interval
        while true {
            let remaining = session.prompt.expiresAt.timeIntervalSince(endpoint.now())
            guard remaining > 0 else { throw expired }
            do {
                try await sleep(min(interval, remaining))
            } catch {
                throw CredentialError(.unavailable, "the device-code sign-in was cancelled")
            }
            switch try await poll() {
            case .token(let response): return response
            case .pending: continue
            case .slowDown: interval += 5
            }
        }
    }

    /// One poll of the token endpoint.
    func poll() async throws(CredentialError) -> Answer {
        let fields = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", clientId),
            ("device_code", session.deviceCode.reveal()),
        ]
        let request = HTTPRequestData(
            method: "POST", url: endpoint.tokenURL,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Data(FormEncoding.encode(fields).utf8), timeout: 60)
        let response: HTTPResponseData
        do {
            response = try await endpoint.transport.send(request)
        } catch {
            throw CredentialError(.unavailable, "cannot reach the sign-in service at \(endpoint.authority.host ?? "?"): \(error.message)")
        }
        let json = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        if response.status == 200, let json { return .token(try Self.tokenResponse(json, now: endpoint.now())) }
        return try answer(status: response.status, json: json)
    }

    /// Classifies an error answer: keep polling, slow down, or stop.
    private func answer(status: Int, json: [String: Any]?) throws(CredentialError) -> Answer {
        let correlation = json?["correlation_id"] as? String
        switch json?["error"] as? String {
        case "authorization_pending":
            return .pending
        case "slow_down":
            return .slowDown
        case "authorization_declined", "access_denied":
            throw CredentialError(
                .declined, "the sign-in at \(session.prompt.verificationURL) was declined; run again and approve it", correlationId: correlation)
        case "expired_token", "code_expired":
            throw expired
        case "bad_verification_code":
            throw CredentialError(
                .declined, "Entra ID no longer recognises this device code (bad_verification_code, AADSTS70018); run again to get a new code",
                aadsts: 70018, correlationId: correlation)
        default:
            throw EntraTokenEndpoint.error(status: status, body: json, clientId: clientId, tenant: endpoint.tenant, scope: scope)
        }
    }

    private var expired: CredentialError {
        return CredentialError(
            .declined,
            "the device code expired before the sign-in finished (AADSTS70019); run again, then open \(session.prompt.verificationURL) and enter the new code before it expires",
            aadsts: 70019)
    }

    /// Reads a token answer (v2 numbers or v1 strings).
    /// - Throws: ``CredentialError`` `.unavailable` without an `access_token`.
    static func tokenResponse(_ json: [String: Any], now: Date) throws(CredentialError) -> EntraTokenEndpoint.TokenResponse {
        guard let token = json["access_token"] as? String, !token.isEmpty else {
            throw CredentialError(.unavailable, "the token endpoint answered without an access_token")
        }
        let lifetime = EntraTokenEndpoint.number(json["expires_in"]) ?? 3600
        let refresh = (json["refresh_token"] as? String).map(Secret.init)
        return EntraTokenEndpoint.TokenResponse(accessToken: AccessToken(token, expiresOn: now.addingTimeInterval(lifetime)), refreshToken: refresh)
    }
}
