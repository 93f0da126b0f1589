import Foundation
import Hunting
import HuntingEmulator
import KQL
import Synchronization
import Testing
import TestSupport

// MARK: - Helpers

/// Answers every query with one row, so the tests check sign-in, not query handling.
struct OneRowBackend: HuntingBackend {
    let endpoint = HuntingEndpoint(kind: .fixtures, url: "test")

    func run(_ request: HuntingRequest) async throws(HuntingError) -> HuntingResult {
        HuntingResult(table: KQLTable(schema: [("x", .long)], rows: [[.long(1)]]))
    }
}

/// A running emulator with the default app (secret), a public client, and a collecting log.
struct CredentialRig {
    static let clientId = "11111111-1111-4111-8111-111111111111"
    static let secret = "emulator-secret"
    static let username = "analyst@contoso.example"
    static let password = "emulator-password"

    let emulator: HuntingEmulator
    let url: URL
    let tenant: String
    let logs = CollectingLog()

    init(_ configure: (inout EmulatorConfiguration) -> Void = { _ in }) throws {
        var configuration = EmulatorConfiguration()
        configure(&configuration)
        emulator = HuntingEmulator(configuration: configuration, backend: OneRowBackend())
        url = try emulator.start()
        tenant = configuration.tenant
    }

    func stop() { emulator.stop() }

    /// The scope GraphBackend asks for: the emulator's origin.
    var scope: TokenScope { TokenScope(resource: url.absoluteString) }

    func endpoint(tenant: String? = nil, transport: any HTTPTransport = URLSessionTransport()) throws -> EntraTokenEndpoint {
        try EntraTokenEndpoint(authority: url, tenant: tenant ?? self.tenant, transport: transport)
    }

    /// A token fetched with the default app's secret.
    func secretToken() async throws -> AccessToken {
        try await ClientSecretCredential(endpoint: endpoint(), clientId: Self.clientId, secret: Secret(Self.secret)).fetchToken(for: scope)
    }

    /// One query through Graph with tokens from `credential`.
    func query(with credential: any TokenCredential) async throws -> HuntingResult {
        let tokens = TokenCache(credential: credential, log: logs.log)
        let backend = try GraphBackend(baseURL: url, tenant: tenant, tokens: tokens, transport: URLSessionTransport(), log: logs.log)
        return try await backend.run(HuntingRequest(queryId: "q", text: "DeviceInfo | take 1"))
    }

    /// Checks that no log record and no text given contains a secret or anything the emulator issued.
    func expectNoLeaks(in texts: [String] = [], secrets: [String] = [], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let forbidden = [Self.secret, Self.password, "emu.", "emu-refresh.", "emu-device."] + secrets.filter { !$0.isEmpty }
        for text in logs.lines + texts {
            for secret in forbidden {
                #expect(!text.contains(secret), "leaked \(secret.prefix(12))… in: \(text)", sourceLocation: sourceLocation)
            }
        }
    }
}

/// The ``CredentialError`` a call throws, or `nil` when it succeeds (another error is an issue).
func credentialFailure<T>(
    sourceLocation: Testing.SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async -> CredentialError? {
    do {
        _ = try await body()
        return nil
    } catch let error as CredentialError {
        return error
    } catch {
        Issue.record("expected a CredentialError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Collects values from concurrent closures.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

/// A clock tests move forward.
final class TestClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
}

/// Sends through URLSession and records each form's `grant_type`.
final class GrantRecordingTransport: HTTPTransport {
    private let inner = URLSessionTransport()
    let grants = Recorder<String>()

    func send(_ request: HTTPRequestData) async throws(TransportError) -> HTTPResponseData {
        let form = String(decoding: request.body, as: UTF8.self).split(separator: "&")
        if let grant = form.first(where: { $0.hasPrefix("grant_type=") }) {
            grants.append(String(grant.dropFirst("grant_type=".count)).removingPercentEncoding ?? "")
        }
        return try await inner.send(request)
    }
}

/// Answers from a closure, for payload shapes the emulator does not send.
struct ScriptedTransport: HTTPTransport {
    let answer: @Sendable (HTTPRequestData) -> HTTPResponseData

    func send(_ request: HTTPRequestData) async throws(TransportError) -> HTTPResponseData { answer(request) }
}

/// Runs tools (openssl, chmod) for test setup, waiting without blocking the cooperative pool.
enum CredentialTestTools {
    struct SetupError: Error, CustomStringConvertible { var description: String }

    static func run(_ arguments: [String], in folder: TemporaryFolder) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        guard status == 0 else { throw SetupError(description: "\(arguments.joined(separator: " ")) failed (\(status))") }
    }

    /// A throwaway self-signed RSA certificate: (PEM with certificate and key, certificate PEM alone).
    static func certificate(_ name: String, in folder: TemporaryFolder) async throws -> (path: String, certificatePEM: String) {
        try await run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name)-key.pem", "-out", "\(name)-cert.pem",
             "-subj", "/CN=hunt-credential-test-\(name)", "-days", "2"], in: folder)
        let certificate = try String(contentsOfFile: folder.path + "/\(name)-cert.pem", encoding: .utf8)
        let key = try String(contentsOfFile: folder.path + "/\(name)-key.pem", encoding: .utf8)
        let path = try folder.write("\(name).pem", certificate + key)
        chmod(path, 0o600)
        return (path, certificate)
    }

    /// Writes an executable shell script.
    static func script(_ name: String, _ body: String, in folder: TemporaryFolder) throws -> String {
        let path = try folder.write(name, "#!/bin/sh\n" + body + "\n")
        chmod(path, 0o755)
        return path
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
    }
}

// MARK: - Application credentials

@Suite("Credentials against the emulator")
struct CredentialTests {
    @Test func clientSecretGetsATokenAndAQueryThrough() async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        var settings = CredentialSettings.fromEnvironment([
            "AZURE_TENANT_ID": rig.tenant, "AZURE_CLIENT_ID": CredentialRig.clientId, "AZURE_CLIENT_SECRET": CredentialRig.secret,
        ])
        settings.authorityHost = rig.url
        let credential = try settings.makeCredential(transport: URLSessionTransport(), log: rig.logs.log)
        #expect(credential is ClientSecretCredential)
        let token = try await credential.fetchToken(for: rig.scope)
        #expect(token.value.reveal().hasPrefix("emu."))
        #expect(try await rig.query(with: credential).table.rowCount == 1)
        rig.expectNoLeaks(in: [credential.displayName, "\(token)"])
    }

    @Test func wrongSecretUnknownAppAndUnknownTenantSayWhatToFix() async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        let wrongSecret = try ClientSecretCredential(endpoint: rig.endpoint(), clientId: CredentialRig.clientId, secret: Secret("not-the-secret-value"))
        let secretError = try #require(await credentialFailure { try await wrongSecret.fetchToken(for: rig.scope) })
        #expect(secretError.code == .invalidCredential)
        #expect(secretError.description.contains("AADSTS7000215"))
        #expect(secretError.description.contains("secret's Value"))

        let unknownApp = try ClientSecretCredential(endpoint: rig.endpoint(), clientId: "99999999-0000-4000-8000-000000000000", secret: Secret(CredentialRig.secret))
        let appError = try #require(await credentialFailure { try await unknownApp.fetchToken(for: rig.scope) })
        #expect(appError.code == .unknownApplication)
        #expect(appError.description.contains("AADSTS700016"))
        #expect(appError.description.contains("99999999-0000-4000-8000-000000000000"))

        let unknownTenant = try ClientSecretCredential(endpoint: rig.endpoint(tenant: "contoso-typo.onmicrosoft.com"), clientId: CredentialRig.clientId, secret: Secret(CredentialRig.secret))
        let tenantError = try #require(await credentialFailure { try await unknownTenant.fetchToken(for: rig.scope) })
        #expect(tenantError.code == .unknownTenant)
        #expect(tenantError.description.contains("AADSTS90002"))
        #expect(tenantError.description.contains("contoso-typo.onmicrosoft.com"))

        let texts = [secretError, appError, tenantError].map(\.description)
        rig.expectNoLeaks(in: texts, secrets: ["not-the-secret-value"])
    }

    @Test(arguments: [ClientAssertion.Algorithm.ps256, .rs256], [false, true])
    func certificateGetsATokenAndAQueryThrough(algorithm: ClientAssertion.Algorithm, chain: Bool) async throws {
        let folder = try TemporaryFolder()
        let (path, certificatePEM) = try await CredentialTestTools.certificate("client", in: folder)
        let rig = try CredentialRig {
            $0.applications = [EmulatorConfiguration.Application(clientId: CredentialRig.clientId, certificatePEM: certificatePEM)]
        }
        defer { rig.stop() }
        var settings = CredentialSettings.fromEnvironment([
            "AZURE_TENANT_ID": rig.tenant, "AZURE_CLIENT_ID": CredentialRig.clientId, "AZURE_CLIENT_CERTIFICATE_PATH": path,
            "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN": chain ? "true" : "0", "AZURE_AUTHORITY_HOST": rig.url.absoluteString,
        ])
        settings.assertionAlgorithm = algorithm
        let credential = try #require(try settings.makeCredential(transport: URLSessionTransport(), log: rig.logs.log) as? ClientCertificateCredential)
        #expect(credential.algorithm == algorithm)
        #expect(credential.sendsCertificateChain == chain)
        #expect(try await credential.fetchToken(for: rig.scope).value.reveal().hasPrefix("emu."))
        #expect(try await rig.query(with: credential).table.rowCount == 1)
        rig.expectNoLeaks(in: [credential.displayName], secrets: ["PRIVATE KEY"])
    }

    @Test func anUnregisteredCertificateIsRefusedWithAdvice() async throws {
        let folder = try TemporaryFolder()
        let (_, registered) = try await CredentialTestTools.certificate("registered", in: folder)
        let (other, _) = try await CredentialTestTools.certificate("other", in: folder)
        let rig = try CredentialRig {
            $0.applications = [EmulatorConfiguration.Application(clientId: CredentialRig.clientId, certificatePEM: registered)]
        }
        defer { rig.stop() }
        let credential = try ClientCertificateCredential(endpoint: rig.endpoint(), clientId: CredentialRig.clientId, certificatePath: other)
        let error = try #require(await credentialFailure { try await credential.fetchToken(for: rig.scope) })
        #expect(error.code == .invalidCredential)
        #expect(error.description.contains("AADSTS700027"))
        #expect(error.description.contains("Upload the certificate"))
        rig.expectNoLeaks(in: [error.description], secrets: ["PRIVATE KEY"])
    }

    @Test func aMissingCertificateFileIsAConfigurationError() async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        let error = try #require(await credentialFailure {
            try ClientCertificateCredential(endpoint: rig.endpoint(), clientId: CredentialRig.clientId, certificatePath: "/nonexistent/client.pem")
        })
        #expect(error.code == .configuration)
        #expect(error.description.contains("/nonexistent/client.pem"))
    }

    // MARK: - User credentials

    @Test func passwordGetsATokenAndAQueryThroughAndWarns() async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        var settings = CredentialSettings.fromEnvironment([
            "AZURE_TENANT_ID": rig.tenant, "AZURE_CLIENT_ID": CredentialRig.clientId,
            "AZURE_USERNAME": CredentialRig.username, "AZURE_PASSWORD": CredentialRig.password,
        ])
        settings.authorityHost = rig.url
        let credential = try settings.makeCredential(transport: URLSessionTransport(), log: rig.logs.log)
        #expect(credential is UsernamePasswordCredential)
        #expect(try await credential.fetchToken(for: rig.scope).value.reveal().hasPrefix("emu."))
        #expect(try await rig.query(with: credential).table.rowCount == 1)
        #expect(rig.logs.all.contains { $0.level == .warning && $0.message.contains("ROPC") })

        let wrong = try UsernamePasswordCredential(endpoint: rig.endpoint(), clientId: CredentialRig.clientId, username: CredentialRig.username, password: Secret("wrong-password-123"))
        let error = try #require(await credentialFailure { try await wrong.fetchToken(for: rig.scope) })
        #expect(error.code == .invalidCredential)
        #expect(error.description.contains("AADSTS50126"))
        rig.expectNoLeaks(in: [error.description, credential.displayName], secrets: ["wrong-password-123"])
    }

    @Test func passwordUnderMFASaysToUseAnotherFlow() async throws {
        let transport = ScriptedTransport { _ in
            HTTPResponseData(status: 400, body: Data(#"{"error":"invalid_grant","error_description":"AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.","error_codes":[50076]}"#.utf8))
        }
        let endpoint = try EntraTokenEndpoint(authority: URL(string: "https://login.example.test")!, tenant: "contoso.example", transport: transport)
        let credential = try UsernamePasswordCredential(endpoint: endpoint, clientId: "app", username: "a@contoso.example", password: Secret("mfa-user-password"))
        let error = try #require(await credentialFailure { try await credential.fetchToken(for: TokenScope(resource: "https://graph.microsoft.com")) })
        #expect(error.code == .interactionRequired)
        #expect(error.aadsts == 50076)
        #expect(error.description.contains("device-code"))
        #expect(!error.description.contains("mfa-user-password"))
    }

    @Test func passwordRefusesCommonTenant() async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        let error = try #require(await credentialFailure {
            try UsernamePasswordCredential(endpoint: rig.endpoint(tenant: "common"), clientId: CredentialRig.clientId, username: "a@b.c", password: Secret("x"))
        })
        #expect(error.code == .configuration)
        #expect(error.description.contains("organizations"))
    }

    @Test func staticTokenFromTheEnvironmentGetsAQueryThrough() async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        let issued = try await rig.secretToken().value.reveal()
        let settings = CredentialSettings.fromEnvironment(["HUNT_ACCESS_TOKEN": issued])
        let credential = try settings.makeCredential(transport: URLSessionTransport(), log: rig.logs.log)
        #expect(credential is StaticTokenCredential)
        #expect(credential.canRefresh == false)
        #expect(try await rig.query(with: credential).table.rowCount == 1)
        rig.expectNoLeaks(in: [credential.displayName], secrets: [issued])
    }

    @Test func aRefusedStaticTokenSaysToGetANewOne() async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        let credential = try StaticTokenCredential(Secret("Bearer not-a-valid-token-xyz"))
        let tokens = TokenCache(credential: credential, log: rig.logs.log)
        let backend = try GraphBackend(baseURL: rig.url, tenant: rig.tenant, tokens: tokens, transport: URLSessionTransport(), log: rig.logs.log)
        var messages: [String] = []
        for _ in 0..<2 {
            let error = await #expect(throws: HuntingError.self) { try await backend.run(HuntingRequest(queryId: "q", text: "T")) }
            #expect(error?.kind == .authentication)
            messages.append(error?.message ?? "")
        }
        #expect(messages[1].contains("the token from HUNT_ACCESS_TOKEN was refused; get a new one"))
        rig.expectNoLeaks(in: messages, secrets: ["not-a-valid-token-xyz"])
    }

    // MARK: - Device code

    /// A device-code credential against the rig whose polls wait 10 ms and record the asked interval.
    static func deviceCode(
        _ rig: CredentialRig, cache: String? = nil, transport: any HTTPTransport = URLSessionTransport(),
        prompts: Recorder<DeviceCodePrompt>, waits: Recorder<TimeInterval>
    ) throws -> DeviceCodeCredential {
        try DeviceCodeCredential(
            endpoint: rig.endpoint(transport: transport), clientId: CredentialRig.clientId, refreshTokenCachePath: cache, log: rig.logs.log,
            sleep: { seconds in
                waits.append(seconds)
                try await Task.sleep(nanoseconds: 10_000_000)
            },
            prompt: { prompts.append($0) })
    }

    @Test func deviceCodeApprovedAfterTwoPollsThenReusesTheRefreshToken() async throws {
        let rig = try CredentialRig { $0.deviceCode = .approveAfter(polls: 2) }
        defer { rig.stop() }
        let prompts = Recorder<DeviceCodePrompt>(), waits = Recorder<TimeInterval>()
        let transport = GrantRecordingTransport()
        let credential = try Self.deviceCode(rig, transport: transport, prompts: prompts, waits: waits)
        let token = try await credential.fetchToken(for: rig.scope)
        #expect(token.value.reveal().hasPrefix("emu."))
        #expect(waits.all == [1, 1, 1])
        let prompt = try #require(prompts.all.first)
        #expect(prompts.all.count == 1)
        #expect(prompt.verificationURL == "https://microsoft.com/devicelogin")
        #expect(prompt.userCode.count == 8)
        #expect(prompt.message.contains(prompt.userCode))
        #expect(await credential.hasRefreshToken)

        #expect(try await rig.query(with: credential).table.rowCount == 1)
        #expect(prompts.all.count == 1)
        let device = "urn:ietf:params:oauth:grant-type:device_code"
        #expect(transport.grants.all == [device, device, device, "refresh_token"])
        #expect(rig.emulator.requestLog.filter { $0.path.hasSuffix("devicecode") }.count == 1)
        rig.expectNoLeaks(in: [prompt.message])
    }

    @Test func deviceCodeSlowsDownByFiveSecondsPerSlowDown() async throws {
        let rig = try CredentialRig { $0.deviceCode = .slowDownThenApprove(slowDowns: 2) }
        defer { rig.stop() }
        let prompts = Recorder<DeviceCodePrompt>(), waits = Recorder<TimeInterval>()
        let credential = try Self.deviceCode(rig, prompts: prompts, waits: waits)
        #expect(try await credential.fetchToken(for: rig.scope).value.reveal().hasPrefix("emu."))
        #expect(waits.all == [1, 6, 11])
        rig.expectNoLeaks()
    }

    @Test(arguments: [EmulatorConfiguration.DeviceCodeBehaviour.decline, .expire])
    func deviceCodeDeclinedOrExpiredStops(behaviour: EmulatorConfiguration.DeviceCodeBehaviour) async throws {
        let rig = try CredentialRig { $0.deviceCode = behaviour }
        defer { rig.stop() }
        let prompts = Recorder<DeviceCodePrompt>(), waits = Recorder<TimeInterval>()
        let credential = try Self.deviceCode(rig, prompts: prompts, waits: waits)
        let error = try #require(await credentialFailure { try await credential.fetchToken(for: rig.scope) })
        #expect(error.code == .declined)
        #expect(waits.all.count == 1)
        if behaviour == .decline {
            #expect(error.description.contains("declined"))
        } else {
            #expect(error.description.contains("expired"))
            #expect(error.aadsts == 70019)
        }
        #expect(await credential.hasRefreshToken == false)
        rig.expectNoLeaks(in: [error.description])
    }

    @Test func deviceCodeCachesTheRefreshTokenInAPrivateFile() async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        let folder = try TemporaryFolder()
        let cache = folder.path + "/refresh.json"
        let prompts = Recorder<DeviceCodePrompt>(), waits = Recorder<TimeInterval>()
        let first = try Self.deviceCode(rig, cache: cache, prompts: prompts, waits: waits)
        _ = try await first.fetchToken(for: rig.scope)
        #expect(CredentialTestTools.mode(cache) == 0o600)
        let saved = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cache))) as? [String: String])
        #expect(saved["tenant"] == rig.tenant)
        #expect(saved["clientId"] == CredentialRig.clientId)
        let refresh = try #require(saved["refreshToken"])
        #expect(refresh.hasPrefix("emu-refresh."))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["refresh.json"])

        // A new process (a new credential) signs in from the file without a prompt.
        let transport = GrantRecordingTransport()
        let second = try Self.deviceCode(rig, cache: cache, transport: transport, prompts: prompts, waits: waits)
        #expect(try await second.fetchToken(for: rig.scope).value.reveal().hasPrefix("emu."))
        #expect(prompts.all.count == 1)
        #expect(transport.grants.all == ["refresh_token"])
        #expect(CredentialTestTools.mode(cache) == 0o600)
        rig.expectNoLeaks(secrets: [refresh])
    }

    @Test func aRefusedCachedRefreshTokenFallsBackToANewSignIn() async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        let folder = try TemporaryFolder()
        let cache = try folder.write("refresh.json", #"{"tenant":"\#(rig.tenant)","clientId":"\#(CredentialRig.clientId)","refreshToken":"revoked-refresh-token-abc"}"#)
        chmod(cache, 0o600)
        let prompts = Recorder<DeviceCodePrompt>(), waits = Recorder<TimeInterval>()
        let transport = GrantRecordingTransport()
        let credential = try Self.deviceCode(rig, cache: cache, transport: transport, prompts: prompts, waits: waits)
        #expect(try await credential.fetchToken(for: rig.scope).value.reveal().hasPrefix("emu."))
        #expect(transport.grants.all.first == "refresh_token")
        #expect(prompts.all.count == 1)
        let saved = try String(contentsOfFile: cache, encoding: .utf8)
        #expect(saved.contains("emu-refresh."))
        #expect(CredentialTestTools.mode(cache) == 0o600)
        rig.expectNoLeaks(secrets: ["revoked-refresh-token-abc"])
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func aCacheOthersCanReadIsRefused(mode: Int) async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        let folder = try TemporaryFolder()
        let cache = try folder.write("refresh.json", #"{"tenant":"\#(rig.tenant)","clientId":"\#(CredentialRig.clientId)","refreshToken":"exposed-refresh-token-abc"}"#)
        chmod(cache, mode_t(mode))
        let prompts = Recorder<DeviceCodePrompt>(), waits = Recorder<TimeInterval>()
        let credential = try Self.deviceCode(rig, cache: cache, prompts: prompts, waits: waits)
        let error = try #require(await credentialFailure { try await credential.fetchToken(for: rig.scope) })
        #expect(error.code == .configuration)
        #expect(error.description.contains("chmod 600 \(cache)"))
        #expect(prompts.all.isEmpty)
        #expect(rig.emulator.requestLog.isEmpty)
        rig.expectNoLeaks(in: [error.description], secrets: ["exposed-refresh-token-abc"])
    }

    @Test func deviceCodeReadsTheV1ShapeAndStopsAtItsDeadline() async throws {
        let clock = TestClock()
        let polls = Recorder<String>()
        let transport = ScriptedTransport { request in
            if request.url.path.hasSuffix("devicecode") {
                return HTTPResponseData(status: 200, body: Data(#"{"user_code":"F7QK2LMNP","device_code":"v1-device-code-xyz","verification_url":"https://microsoft.com/devicelogin","expires_in":"10","interval":"3","message":"Open the page and enter F7QK2LMNP."}"#.utf8))
            }
            polls.append(String(decoding: request.body, as: UTF8.self))
            return HTTPResponseData(status: 400, body: Data(#"{"error":"authorization_pending","error_description":"AADSTS70016: pending","error_codes":[70016]}"#.utf8))
        }
        let endpoint = try EntraTokenEndpoint(authority: URL(string: "https://login.example.test")!, tenant: "contoso.example", transport: transport, now: { clock.now })
        let waits = Recorder<TimeInterval>(), prompts = Recorder<DeviceCodePrompt>()
        let credential = try DeviceCodeCredential(
            endpoint: endpoint, clientId: "app", sleep: { seconds in waits.append(seconds); clock.advance(seconds) }, prompt: { prompts.append($0) })
        let error = try #require(await credentialFailure { try await credential.fetchToken(for: TokenScope(resource: "https://graph.microsoft.com")) })
        #expect(error.code == .declined)
        #expect(error.description.contains("expired"))
        #expect(waits.all == [3, 3, 3, 1])
        #expect(polls.all.count == 4)
        #expect(polls.all.allSatisfy { $0.contains("device_code=v1-device-code-xyz") })
        let prompt = try #require(prompts.all.first)
        #expect(prompt.verificationURL == "https://microsoft.com/devicelogin")
        #expect(prompt.userCode == "F7QK2LMNP")
        #expect(prompt.expiresAt == Date(timeIntervalSince1970: 1_800_000_010))
        #expect(!error.description.contains("v1-device-code-xyz"))
    }

    // MARK: - Managed identity

    @Test func managedIdentityThroughIMDSGetsATokenAndAQueryThrough() async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        var settings = CredentialSettings()
        settings.kind = .managedIdentity
        settings.managedIdentityEndpoint = rig.url.appendingPathComponent("metadata/identity/oauth2/token")
        let credential = try #require(try settings.makeCredential(transport: URLSessionTransport(), log: rig.logs.log) as? ManagedIdentityCredential)
        let token = try await credential.fetchToken(for: rig.scope)
        #expect(token.value.reveal().hasPrefix("emu."))
        #expect(abs(token.expiresOn.timeIntervalSinceNow - 3600) < 60)
        #expect(try await rig.query(with: credential).table.rowCount == 1)
        let request = try #require(rig.emulator.requestLog.first { $0.path.hasPrefix("/metadata") })
        #expect(request.headers["Metadata"] == "true")

        let userAssigned = try ManagedIdentityCredential(
            source: .imds(rig.url.appendingPathComponent("metadata/identity/oauth2/token")), clientId: CredentialRig.clientId, transport: URLSessionTransport())
        #expect(try await userAssigned.fetchToken(for: rig.scope).value.reveal().hasPrefix("emu."))
        rig.expectNoLeaks(in: [credential.displayName])
    }

    @Test func managedIdentityThroughAppServiceGetsATokenAndAQueryThrough() async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        var settings = CredentialSettings.fromEnvironment([
            "IDENTITY_ENDPOINT": rig.url.absoluteString + "/msi/token", "IDENTITY_HEADER": "identity-header-secret-123",
            "AZURE_TOKEN_CREDENTIALS": "ManagedIdentityCredential",
        ])
        #expect(settings.kind == .managedIdentity)
        settings.kind = .managedIdentity
        let credential = try #require(try settings.makeCredential(transport: URLSessionTransport(), log: rig.logs.log) as? ManagedIdentityCredential)
        #expect(try await credential.fetchToken(for: rig.scope).value.reveal().hasPrefix("emu."))
        #expect(try await rig.query(with: credential).table.rowCount == 1)
        let request = try #require(rig.emulator.requestLog.first { $0.path.hasPrefix("/msi") })
        #expect(request.headers["X-IDENTITY-HEADER"] == "identity-header-secret-123")
        rig.expectNoLeaks(in: [credential.displayName, "\(credential.source)"], secrets: ["identity-header-secret-123"])
    }

    @Test func managedIdentityEndpointsMustBeIMDSOrLoopbackOrHTTPS() throws {
        _ = try ManagedIdentityCredential(transport: URLSessionTransport())
        _ = try ManagedIdentityCredential(source: .appService(endpoint: URL(string: "http://127.0.0.1:41741/msi/token")!, header: Secret("h")), transport: URLSessionTransport())
        #expect(throws: CredentialError.self) {
            try ManagedIdentityCredential(source: .imds(URL(string: "http://10.0.0.4/metadata/identity/oauth2/token")!), transport: URLSessionTransport())
        }
        #expect(throws: CredentialError.self) {
            try ManagedIdentityCredential(source: .appService(endpoint: URL(string: "http://169.254.169.254/msi/token")!, header: Secret("h")), transport: URLSessionTransport())
        }
        var settings = CredentialSettings.fromEnvironment(["IDENTITY_ENDPOINT": "http://127.0.0.1:1/msi/token"])
        settings.kind = .managedIdentity
        #expect { try settings.makeCredential(transport: URLSessionTransport()) } throws: { error in
            (error as? CredentialError)?.message.contains("IDENTITY_HEADER") == true
        }
    }

    @Test func managedIdentityReadsStringAndNumberExpiries() async throws {
        let transport = ScriptedTransport { request in
            let body = request.url.query?.contains("resource=a") == true
                ? #"{"access_token":"t1","expires_on":1800003600,"expires_in":"3599"}"#
                : #"{"access_token":"t2","expires_in":120}"#
            return HTTPResponseData(status: 200, body: Data(body.utf8))
        }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let credential = try ManagedIdentityCredential(transport: transport, now: { now })
        #expect(try await credential.fetchToken(for: TokenScope(resource: "a")).expiresOn == Date(timeIntervalSince1970: 1_800_003_600))
        #expect(try await credential.fetchToken(for: TokenScope(resource: "b")).expiresOn == now.addingTimeInterval(120))
    }

    // MARK: - Azure CLI

    @Test func azureCLIGetsATokenAndAQueryThrough() async throws {
        let rig = try CredentialRig()
        defer { rig.stop() }
        let folder = try TemporaryFolder()
        let issued = try await rig.secretToken().value.reveal()
        let expiry = Int(Date().timeIntervalSince1970) + 3000
        let az = try CredentialTestTools.script("az", """
            printf '%s\\n' "$*" > '\(folder.path)/args.txt'
            cat <<'EOF'
            {"accessToken": "\(issued)", "expiresOn": "2026-05-06 10:58:41.000000", "expires_on": \(expiry), "tenant": "\(rig.tenant)", "tokenType": "Bearer"}
            EOF
            """, in: folder)
        let settings = CredentialSettings.fromEnvironment([
            "PATH": "/nonexistent:\(folder.path)", "AZURE_TOKEN_CREDENTIALS": "AzureCliCredential", "AZURE_TENANT_ID": rig.tenant,
        ])
        let credential = try #require(try settings.makeCredential(transport: URLSessionTransport(), log: rig.logs.log) as? AzureCLICredential)
        #expect(credential.executablePath == az)
        let token = try await credential.fetchToken(for: rig.scope)
        #expect(token.value.reveal() == issued)
        #expect(token.expiresOn == Date(timeIntervalSince1970: TimeInterval(expiry)))
        let arguments = try String(contentsOfFile: folder.path + "/args.txt", encoding: .utf8)
        #expect(arguments == "account get-access-token --resource \(rig.scope.resource) --output json --tenant \(rig.tenant)\n")
        #expect(try await rig.query(with: credential).table.rowCount == 1)
        rig.expectNoLeaks(in: [credential.displayName], secrets: [issued])
    }

    @Test func azureCLINotSignedInOrMissingSaysWhatToRun() async throws {
        let folder = try TemporaryFolder()
        let az = try CredentialTestTools.script("az", """
            echo "ERROR: Please run 'az login' to setup account." >&2
            exit 1
            """, in: folder)
        let credential = try AzureCLICredential(executablePath: az, tenant: "contoso.example")
        let error = try #require(await credentialFailure { try await credential.fetchToken(for: TokenScope(resource: "https://graph.microsoft.com")) })
        #expect(error.code == .interactionRequired)
        #expect(error.description.contains("run `az login`"))
        #expect(error.description.contains("az login --tenant contoso.example"))

        let missing = try #require(await credentialFailure { try AzureCLICredential(searchPath: "/nonexistent:" + folder.path + "/empty") })
        #expect(missing.code == .configuration)
        #expect(missing.description.contains("not found on PATH"))
        #expect(missing.description.contains("az login"))

        let notExecutable = try folder.write("az-text", "not a program")
        #expect(throws: CredentialError.self) { try AzureCLICredential(executablePath: notExecutable) }
        #expect(throws: CredentialError.self) { try AzureCLICredential(executablePath: az, tenant: "--debug") }
    }

    @Test func azureCLIFailuresAndTimeoutsNeverShowTheToken() async throws {
        let folder = try TemporaryFolder()
        let failing = try CredentialTestTools.script("az-fails", """
            echo '{"accessToken": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJlLXNlY3JldA"}'
            echo "ERROR: AADSTS50173: The provided grant has expired due to it being revoked." >&2
            exit 1
            """, in: folder)
        let error = try #require(await credentialFailure {
            try await AzureCLICredential(executablePath: failing).fetchToken(for: TokenScope(resource: "https://graph.microsoft.com"))
        })
        #expect(error.aadsts == 50173)
        #expect(error.description.contains("AADSTS50173"))
        #expect(!error.description.contains("eyJ"))

        let slow = try CredentialTestTools.script("az-slow", "exec sleep 120", in: folder)
        let started = Date()
        let timeout = try #require(await credentialFailure {
            try await AzureCLICredential(executablePath: slow, timeout: 0.3).fetchToken(for: TokenScope(resource: "https://graph.microsoft.com"))
        })
        #expect(timeout.code == .unavailable)
        #expect(timeout.description.contains("did not answer"))
        // Far below the script's 120 s, so the 0.3 s timeout ended it; loose for a busy machine.
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func azureCLIOutputFallsBackToLocalExpiresOn() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Berlin"))
        let json = #"{"accessToken":"abc","expiresOn":"2026-05-06 10:58:41.500000","tokenType":"Bearer"}"#
        let token = try AzureCLICredential.token(fromOutput: Data(json.utf8), timeZone: zone)
        // 10:58:41.5 in Berlin (UTC+2 in May) is 08:58:41.5Z.
        #expect(token.expiresOn == Date(timeIntervalSince1970: 1_778_057_921.5))
        let example = #"{"accessToken":"abc","expiresOn":"2026-05-06 10:58:41.000000","expires_on":1778065121}"#
        #expect(try AzureCLICredential.token(fromOutput: Data(example.utf8), timeZone: zone).expiresOn == Date(timeIntervalSince1970: 1_778_065_121))
        #expect(throws: CredentialError.self) { try AzureCLICredential.token(fromOutput: Data(#"{"accessToken":"abc"}"#.utf8)) }
        #expect(throws: CredentialError.self) { try AzureCLICredential.token(fromOutput: Data("ERROR".utf8)) }
    }
}

// MARK: - Selection

@Suite("Credential selection from the environment")
struct CredentialSelectionTests {
    static let base = ["AZURE_TENANT_ID": "contoso.example", "AZURE_CLIENT_ID": "app-id"]
    static let secret = ["AZURE_CLIENT_SECRET": "s3cret-value"]
    static let certificate = ["AZURE_CLIENT_CERTIFICATE_PATH": "/tmp/client.pem"]
    static let user = ["AZURE_USERNAME": "a@contoso.example", "AZURE_PASSWORD": "p4ssword-value"]
    static let token = ["HUNT_ACCESS_TOKEN": "static-token-value"]

    static func merged(_ parts: [String: String]...) -> [String: String] {
        parts.reduce(into: [:]) { $0.merge($1) { $1 } }
    }

    @Test func precedenceIsSecretThenCertificateThenPasswordThenToken() {
        let all = Self.merged(Self.base, Self.secret, Self.certificate, Self.user, Self.token)
        #expect(CredentialSettings.fromEnvironment(all).effectiveKind == .clientSecret)
        #expect(CredentialSettings.fromEnvironment(Self.merged(Self.base, Self.certificate, Self.user, Self.token)).effectiveKind == .certificate)
        #expect(CredentialSettings.fromEnvironment(Self.merged(Self.base, Self.user, Self.token)).effectiveKind == .password)
        #expect(CredentialSettings.fromEnvironment(Self.merged(Self.base, Self.token)).effectiveKind == .staticToken)
        #expect(CredentialSettings.fromEnvironment(Self.base).effectiveKind == nil)
        var explicit = CredentialSettings.fromEnvironment(all)
        explicit.kind = .deviceCode
        #expect(explicit.effectiveKind == .deviceCode)
    }

    @Test func buildsTheChosenKinds() throws {
        let transport = URLSessionTransport()
        let all = Self.merged(Self.base, Self.secret, Self.certificate, Self.user, Self.token)
        #expect(try CredentialSettings.fromEnvironment(all).makeCredential(transport: transport) is ClientSecretCredential)
        #expect(try CredentialSettings.fromEnvironment(Self.merged(Self.base, Self.user)).makeCredential(transport: transport) is UsernamePasswordCredential)
        #expect(try CredentialSettings.fromEnvironment(Self.token).makeCredential(transport: transport) is StaticTokenCredential)
        var device = CredentialSettings.fromEnvironment(Self.base)
        device.kind = .deviceCode
        #expect(try device.makeCredential(transport: transport) is DeviceCodeCredential)
        var identity = CredentialSettings()
        identity.kind = .managedIdentity
        let imds = try #require(try identity.makeCredential(transport: transport) as? ManagedIdentityCredential)
        #expect(imds.source == .imds(ManagedIdentityCredential.imdsEndpoint))
        #expect(imds.clientId == nil)
    }

    @Test func nothingConfiguredSaysWhatToSet() {
        #expect {
            try CredentialSettings.fromEnvironment(["AZURE_CLIENT_SECRET": ""]).makeCredential(transport: URLSessionTransport())
        } throws: { error in
            guard let error = error as? CredentialError, error.code == .configuration else { return false }
            return ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "HUNT_ACCESS_TOKEN", "--backend local"]
                .allSatisfy { error.message.contains($0) }
        }
    }

    @Test func incompleteSettingsNameTheMissingVariables() {
        #expect {
            try CredentialSettings.fromEnvironment(Self.secret).makeCredential(transport: URLSessionTransport())
        } throws: { error in
            guard let error = error as? CredentialError else { return false }
            return error.message.contains("AZURE_TENANT_ID and AZURE_CLIENT_ID") && !error.message.contains("s3cret-value")
        }
        var device = CredentialSettings.fromEnvironment(["AZURE_CLIENT_ID": "app"])
        device.kind = .deviceCode
        #expect { try device.makeCredential(transport: URLSessionTransport()) } throws: { error in
            (error as? CredentialError)?.message.contains("AZURE_TENANT_ID") == true
        }
        var token = CredentialSettings()
        token.kind = .staticToken
        #expect { try token.makeCredential(transport: URLSessionTransport()) } throws: { error in
            (error as? CredentialError)?.message.contains("HUNT_ACCESS_TOKEN") == true
        }
    }

    @Test(arguments: [
        ("login.microsoftonline.us", "https://login.microsoftonline.us"),
        ("https://login.microsoftonline.us/", "https://login.microsoftonline.us"),
        ("https://login.chinacloudapi.cn", "https://login.chinacloudapi.cn"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ])
    func authorityHostWithOrWithoutScheme(text: String, expected: String) {
        #expect(CredentialSettings.fromEnvironment(["AZURE_AUTHORITY_HOST": text]).authority.absoluteString == expected)
    }

    @Test func theCloudPicksTheSignInHostAndChinaIsFineForTokens() throws {
        var settings = CredentialSettings.fromEnvironment(Self.merged(Self.base, Self.secret))
        #expect(settings.authority.absoluteString == "https://login.microsoftonline.com")
        settings.cloud = .china
        let credential = try #require(try settings.makeCredential(transport: URLSessionTransport()) as? ClientSecretCredential)
        #expect(credential.endpoint.tokenURL.absoluteString == "https://login.chinacloudapi.cn/contoso.example/oauth2/v2.0/token")
        settings.authorityHost = URL(string: "http://login.example.com")
        #expect(throws: CredentialError.self) { try settings.makeCredential(transport: URLSessionTransport()) }
    }

    @Test func certificateChainFlagAndKindNames() {
        #expect(CredentialSettings.fromEnvironment(["AZURE_CLIENT_SEND_CERTIFICATE_CHAIN": "true"]).sendCertificateChain)
        #expect(CredentialSettings.fromEnvironment(["AZURE_CLIENT_SEND_CERTIFICATE_CHAIN": "1"]).sendCertificateChain)
        #expect(!CredentialSettings.fromEnvironment(["AZURE_CLIENT_SEND_CERTIFICATE_CHAIN": "false"]).sendCertificateChain)
        #expect(CredentialKind.allCases.map(\.rawValue) == ["secret", "certificate", "device-code", "password", "managed-identity", "azure-cli", "token"])
        #expect(CredentialSettings.fromEnvironment(["AZURE_TOKEN_CREDENTIALS": "AzureCliCredential"]).kind == .azureCLI)
        #expect(CredentialSettings.fromEnvironment(["AZURE_TOKEN_CREDENTIALS": "dev"]).kind == nil)
    }

    @Test func secretsNeverPrint() throws {
        let settings = CredentialSettings.fromEnvironment(Self.merged(Self.base, Self.secret, Self.user, Self.token, ["IDENTITY_HEADER": "hdr-value"]))
        let dumped = "\(settings) \(String(reflecting: settings))"
        for secret in ["s3cret-value", "p4ssword-value", "static-token-value", "hdr-value"] {
            #expect(!dumped.contains(secret))
        }
        let token = try StaticTokenCredential(Secret("static-token-value"))
        #expect(!token.displayName.contains("static-token-value"))
    }
}
