import Foundation
import Hunting
import HuntingEmulator
import KQL
import Synchronization
import Testing
import TestSupport

@Suite("Graph and legacy backends against the emulator", .serialized)
struct BackendEmulatorTests {
    @Test func aQueryGoesThroughWithAClientSecret() async throws {
        let harness = try EmulatorHarness()
        defer { harness.stop() }
        let result = try await harness.graph().run(HuntingRequest(queryId: "q", text: "DeviceInfo | take 1", timespan: .days(7)))
        #expect(result.table.schema.map(\.name) == ["Query", "Length", "Seen"])
        #expect(result.table[0, 0] == .string("DeviceInfo | take 1"))
        #expect(result.table.columns[2].rawText(row: 0) == "2024-03-26T09:39:50.7688641Z")
        #expect(result.requestId != nil)
        #expect(result.clientRequestId != nil)
    }

    @Test func theLegacyEndpointAnswersInPascalCaseWithStatsAndWarns() async throws {
        let harness = try EmulatorHarness()
        defer { harness.stop() }
        let backend = try DefenderBackend(baseURL: harness.url, tenant: harness.tenant, tokens: harness.tokens, transport: URLSessionTransport(), log: harness.logs.log)
        let result = try await backend.run(HuntingRequest(queryId: "q", text: "DeviceInfo | take 1"))
        #expect(result.table.rowCount == 1)
        #expect(result.stats != nil)
        #expect(harness.logs.all.contains { $0.level == .warning && $0.message.contains("being retired") })
    }

    @Test func aWrongSecretGivesTheActionableMessage() async throws {
        let harness = try EmulatorHarness()
        defer { harness.stop() }
        let endpoint = try EntraTokenEndpoint(authority: harness.url, tenant: harness.tenant, transport: URLSessionTransport())
        let credential = try ClientSecretCredential(endpoint: endpoint, clientId: EmulatorHarness.clientId, secret: Secret("not-the-secret"))
        let backend = try GraphBackend(baseURL: harness.url, tenant: harness.tenant, tokens: TokenCache(credential: credential), transport: URLSessionTransport())
        let error = await #expect(throws: HuntingError.self) { try await backend.run(HuntingRequest(queryId: "q", text: "T")) }
        #expect(error?.kind == .authentication)
        #expect(error?.message.contains("AADSTS7000215") == true)
        #expect(error?.message.contains("secret's Value") == true)
        #expect(error?.message.contains("not-the-secret") == false)
    }

    @Test func plainHTTPIsRefusedExceptForLoopback() throws {
        #expect(throws: HuntingError.self) {
            try GraphBackend(baseURL: URL(string: "http://graph.example.com")!, tenant: nil, tokens: TokenCache(credential: StubCredential()), transport: URLSessionTransport())
        }
        #expect(throws: CredentialError.self) {
            try EntraTokenEndpoint(authority: URL(string: "http://login.example.com")!, tenant: "t", transport: URLSessionTransport())
        }
        _ = try GraphBackend(baseURL: URL(string: "http://127.0.0.1:1")!, tenant: nil, tokens: TokenCache(credential: StubCredential()), transport: URLSessionTransport())
        _ = try GraphBackend(baseURL: URL(string: "https://graph.microsoft.com")!, tenant: nil, tokens: TokenCache(credential: StubCredential()), transport: URLSessionTransport())
    }

    @Test func chinaHasNoGraphHunting() {
        #expect {
            try GraphBackend.forCloud(.china, tenant: "t", tokens: TokenCache(credential: StubCredential()), transport: URLSessionTransport())
        } throws: { error in
            (error as? HuntingError)?.message.contains("not offered") == true
        }
    }

    /// Each fault is produced by the emulator and classified right by a single call.
    @Test(arguments: [
        ("429;retry-after=2", HuntingError.Kind.callQuota, 2.0), ("429;retry-after=0.5", .callQuota, 0.5),
        ("429;retry-after=none", .callQuota, nil), ("cpu;seconds=30", .cpuQuota, 30.0), ("500", .transient, nil),
        ("502", .transient, nil), ("503", .transient, nil), ("504", .timeout, nil), ("reset", .transient, nil),
        ("malformed", .malformedResponse, nil), ("truncated", .transient, nil), ("expired-token", .authentication, nil),
    ] as [(String, HuntingError.Kind, Double?)])
    func faultsAreClassified(fault: String, kind: HuntingError.Kind, retryAfter: Double?) async throws {
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(faults: [FaultRule(.always, Fault(header: fault)!)]))
        defer { harness.stop() }
        let error = await #expect(throws: HuntingError.self) {
            try await harness.graph().run(HuntingRequest(queryId: "q", text: "DeviceInfo", timeout: 10))
        }
        if fault == "truncated" || fault == "reset" {
            // A cut connection surfaces as a lost connection or an unreadable body, depending on where it breaks.
            #expect(error?.kind == .transient || error?.kind == .malformedResponse, "\(String(describing: error))")
        } else {
            #expect(error?.kind == kind, "\(String(describing: error))")
        }
        #expect(error?.retryAfter == retryAfter)
        #expect(error?.isRetryable == (kind != .authentication))
    }

    @Test func aSlowAnswerTimesOut() async throws {
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(faults: [FaultRule(.always, .slow(seconds: 3))]))
        defer { harness.stop() }
        let error = await #expect(throws: HuntingError.self) {
            try await harness.graph().run(HuntingRequest(queryId: "q", text: "DeviceInfo", timeout: 1))
        }
        #expect(error?.kind == .timeout)
    }

    @Test(arguments: [
        ("T | where x == 1 // SYNTAX-ERROR", HuntingError.Kind.syntax), ("T // SEMANTIC-ERROR", .semantic),
        ("T // MISSING-TABLE", .missingTable),
    ])
    func queryErrorsKeepTheServiceMessageAndPosition(text: String, kind: HuntingError.Kind) async throws {
        let harness = try EmulatorHarness()
        defer { harness.stop() }
        let error = await #expect(throws: HuntingError.self) { try await harness.graph().run(HuntingRequest(queryId: "q", text: text)) }
        #expect(error?.kind == kind)
        #expect(error?.status == 400)
        if kind == .syntax {
            #expect(error?.position?.line == 1 && error?.position?.column == 5)
        }
    }

    @Test func aResultOverTheSizeLimitIsClassifiedAndNotRetried() async throws {
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(maxResponseBytes: 100))
        defer { harness.stop() }
        let result = try await harness.runner().run(makeQueries(1))
        #expect(result.outcomes[0].error?.kind == .resultTooLarge)
        #expect(result.outcomes[0].error?.message.contains("Narrow the query") == true)
        #expect(result.outcomes[0].provenance.attempts == 1)
    }

    @Test func theServiceRowCapMarksTheResultTruncated() async throws {
        struct ManyRows: HuntingBackend {
            let endpoint = HuntingEndpoint(kind: .fixtures, url: "many")
            func run(_ request: HuntingRequest) async throws(HuntingError) -> HuntingResult {
                HuntingResult(table: KQLTable(schema: [("n", .long)], rows: (0..<100_050).map { [.long(Int64($0))] }))
            }
        }
        let harness = try EmulatorHarness(backend: ManyRows())
        defer { harness.stop() }
        let result = try await harness.graph().run(HuntingRequest(queryId: "q", text: "T"))
        #expect(result.table.rowCount == 100_000)
        #expect(result.truncated)
    }

    @Test func aMissingRoleIsAPermissionErrorNamingThePermission() async throws {
        var configuration = EmulatorConfiguration()
        configuration.applications[0].roles = ["SecurityEvents.Read.All"]
        let harness = try EmulatorHarness(configuration: configuration)
        defer { harness.stop() }
        let error = await #expect(throws: HuntingError.self) { try await harness.graph().run(HuntingRequest(queryId: "q", text: "T")) }
        #expect(error?.kind == .permission)
        #expect(error?.message.contains("ThreatHunting.Read.All") == true)
    }

    @Test func theFixtureBackendAnswersSavedResponsesThroughTheEmulator() async throws {
        let folder = try TemporaryFolder()
        let query = try #require(QueryFileParser.parse("// @title: x\nlet days = 7d;\nDeviceInfo | where Timestamp > ago(days)", id: "triage/x", path: "x.kql").query)
        try FileManager.default.createDirectory(atPath: folder.path + "/triage", withIntermediateDirectories: true)
        let saved = #"{"schema":[{"name":"DeviceName","type":"String"}],"results":[{"DeviceName":"pc-1"},{"DeviceName":"pc-2"}]}"#
        try saved.write(toFile: folder.path + "/triage/x.json", atomically: true, encoding: .utf8)
        let harness = try EmulatorHarness(backend: FixtureBackend(folder: URL(fileURLWithPath: folder.path), queries: [query]))
        defer { harness.stop() }
        let bound = try query.bind(["days": "3d"])
        let result = try await harness.graph().run(HuntingRequest(queryId: "whatever", text: bound.text))
        #expect(result.table.rowCount == 2)
        #expect(result.table[1, 0] == .string("pc-2"))
        let calls = await harness.emulator.huntingCalls()
        #expect(calls.last?.queryId == "triage/x")
    }
}

@Suite("Runner against the emulator", .serialized)
struct RunnerEmulatorTests {
    /// Retries wait what Retry-After says, within 10%: the runner's chosen wait is exactly the
    /// header's value, and the emulator sees the retry no sooner than 90% of it (the upper bound
    /// is loose, since a busy machine can only add delay).
    @Test(arguments: [1.0, 0.5])
    func retryAfterIsHonoured(seconds: Double) async throws {
        let style: Fault.RetryAfterStyle = seconds == 1 ? .seconds(1) : .fractional(seconds)
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(faults: [FaultRule(.firstCalls(1), .throttle(retryAfter: style))]))
        defer { harness.stop() }
        let waits = Mutex<[Double]>([])
        let runner = HuntingRunner(
            backend: try harness.graph(), budget: QuotaBudget(policy: QuotaPolicy(callsPerWindow: 100, window: 60)),
            options: RunOptions(backoffBase: 0.05)
        ) { event in
            if case .retrying(_, let after, _) = event { waits.withLock { $0.append(after) } }
        }
        let result = await runner.run(makeQueries(1))
        #expect(result.outcomes[0].error == nil)
        #expect(result.outcomes[0].provenance.attempts == 2)
        let chosen = try #require(waits.withLock { $0 }.first)
        #expect(abs(chosen - seconds) <= seconds * 0.1)
        let calls = await harness.emulator.huntingCalls()
        #expect(calls.map(\.status) == [429, 200])
        let gap = calls[1].arrived.timeIntervalSince(calls[0].arrived)
        #expect(gap >= seconds * 0.9 && gap <= seconds + 5, "waited \(gap) s for Retry-After \(seconds)")
    }

    /// Permanent errors are tried once.
    @Test func permanentErrorsAreTriedOnce() async throws {
        var configuration = EmulatorConfiguration()
        configuration.faults = [FaultRule(.queryContains("FORBIDDEN"), .expiredToken)]
        let harness = try EmulatorHarness(configuration: configuration)
        defer { harness.stop() }
        let queries = makeQueries(3) { [ "// SYNTAX-ERROR", "// SEMANTIC-ERROR", "" ][$0] }
        let result = try await harness.runner().run(queries)
        #expect(result.outcomes.map { $0.error?.kind } == [.syntax, .semantic, nil])
        #expect(result.outcomes.map(\.provenance.attempts) == [1, 1, 1])
        let calls = await harness.emulator.huntingCalls()
        #expect(calls.count == 3)
    }

    /// Audited from the emulator's log: no window ever holds more calls than the quota, and the
    /// emulator never had to throttle.
    @Test func noWindowExceedsTheQuota() async throws {
        let policy = QuotaPolicy(callsPerWindow: 5, window: 1)
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(graphQuota: policy, latency: 0.01...0.05))
        defer { harness.stop() }
        let result = try await harness.runner(budget: policy, options: RunOptions(width: 8, backoffBase: 0.05)).run(makeQueries(24))
        #expect(result.failures.isEmpty, "\(result.failures.map { $0.error!.description })")
        let calls = await harness.emulator.huntingCalls()
        #expect(calls.count == 24)
        #expect(calls.allSatisfy { $0.status == 200 })
        let times = calls.map(\.arrived).sorted()
        for (index, start) in times.enumerated() {
            let inWindow = times[index...].prefix { $0.timeIntervalSince(start) < policy.window }.count
            #expect(inWindow <= policy.callsPerWindow, "\(inWindow) calls within 1 s from call \(index)")
        }
    }

    /// A token that expires mid-run is refreshed once, and no query fails.
    @Test func aTokenExpiringMidRunIsRefreshedOnce() async throws {
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(tokenLifetime: 1.5, latency: 0.1...0.1), refreshMargin: 0.2)
        defer { harness.stop() }
        let result = try await harness.runner(options: RunOptions(width: 1, backoffBase: 0.05)).run(makeQueries(16))
        #expect(result.failures.isEmpty, "\(result.failures.map { $0.error!.description })")
        let tokenRequests = harness.emulator.requestLog.filter { $0.path.hasSuffix("/oauth2/v2.0/token") }
        #expect(tokenRequests.count == 2)
    }

    /// A 401 for an expired token gets one refresh and one retry, inside the same attempt.
    @Test func aRefusedTokenIsRefreshedOnceAndTheQuerySucceeds() async throws {
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(faults: [FaultRule(.firstCalls(1), .expiredToken)]))
        defer { harness.stop() }
        let result = try await harness.runner().run(makeQueries(1))
        #expect(result.failures.isEmpty)
        #expect(result.outcomes[0].provenance.attempts == 1)
        let tokenRequests = harness.emulator.requestLog.filter { $0.path.hasSuffix("/oauth2/v2.0/token") }
        #expect(tokenRequests.count == 2)
        #expect(harness.logs.lines.contains { $0.contains("refreshing it once") })
    }

    /// 100 queries with 10% injected transient faults all end with results; one permanently
    /// broken query ends as a classified error while the others succeed.
    @Test func transientFaultsAreRetriedAndABrokenQueryIsReported() async throws {
        let configuration = EmulatorConfiguration(faults: [
            FaultRule(.probability(0.1), .status(503)), FaultRule(.probability(0.02), .resetMidBody),
        ], seed: 42)
        let harness = try EmulatorHarness(configuration: configuration)
        defer { harness.stop() }
        let queries = makeQueries(101) { $0 == 100 ? "// SEMANTIC-ERROR" : "" }
        let result = try await harness.runner(options: RunOptions(width: 4, maxAttempts: 6, backoffBase: 0.02, backoffCap: 0.1)).run(queries)
        #expect(result.outcomes.count == 101)
        #expect(result.outcomes.prefix(100).allSatisfy { $0.error == nil && $0.table?.rowCount == 1 },
                "\(result.failures.map { "\($0.query.query.id): \($0.error!)" })")
        #expect(result.outcomes[100].error?.kind == .semantic)
        let calls = await harness.emulator.huntingCalls()
        #expect(calls.contains { $0.status == 503 })
        #expect(result.outcomes.map(\.provenance.queryId) == queries.map(\.query.id))
    }

    @Test func cpuQuotaPausesTheWholeRun() async throws {
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(faults: [FaultRule(.firstCalls(1), .cpuQuota(seconds: 1))]))
        defer { harness.stop() }
        let result = try await harness.runner(options: RunOptions(width: 3, backoffBase: 0.05)).run(makeQueries(3))
        #expect(result.failures.isEmpty)
        let calls = await harness.emulator.huntingCalls()
        let throttled = try #require(calls.first { $0.status == 429 })
        // Every call after the CPU-quota answer waited for the pause.
        for call in calls where call.arrived > throttled.arrived.addingTimeInterval(0.2) {
            #expect(call.arrived.timeIntervalSince(throttled.arrived) >= 0.9)
        }
    }

    @Test func provenanceRecordsTheRun() async throws {
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(faults: [FaultRule(.firstCalls(1), .status(500))]))
        defer { harness.stop() }
        let text = "// @title: secret test\n// @timespan: P2D\nlet apiToken = \"hunter2\";\nlet days = 2d;\nDeviceInfo | take 1"
        let query = try #require(QueryFileParser.parse(text, id: "prov", path: "prov.kql").query)
        let result = try await harness.runner().run([try query.bind(["days": "1d"])])
        let provenance = result.outcomes[0].provenance
        #expect(provenance.attempts == 2)
        #expect(provenance.rows == 1)
        #expect(provenance.timespan == "P2D")
        #expect(provenance.parameters == ["apiToken": "<redacted>", "days": "1d"])
        #expect(provenance.contentHash.count == 64)
        #expect(provenance.clientRequestIds.count == 2)
        #expect(provenance.requestIds.count == 2)
        #expect(provenance.endpoint.isSampleData)
        #expect(provenance.errorKind == nil)
    }

    @Test func cancellingTheRunKeepsWhatFinished() async throws {
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(latency: 0.3...0.3))
        defer { harness.stop() }
        let runner = try harness.runner(options: RunOptions(width: 1))
        let task = Task { await runner.run(makeQueries(10)) }
        try await Task.sleep(for: .milliseconds(800))
        task.cancel()
        let result = await task.value
        #expect(result.outcomes.count == 10)
        let finished = result.outcomes.filter { $0.error == nil }.count
        #expect(finished >= 1 && finished < 10)
        #expect(result.outcomes.suffix(10 - finished).allSatisfy { $0.error?.kind == .cancelled })
    }

    @Test func theRunDeadlineEndsWhatIsLeft() async throws {
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(latency: 0.4...0.4))
        defer { harness.stop() }
        let started = Date()
        let result = try await harness.runner(options: RunOptions(width: 1, runDeadline: 1)).run(makeQueries(6))
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(result.outcomes.contains { $0.error == nil })
        #expect(result.outcomes.contains { $0.error?.kind == .timeout })
    }

    /// No secret, token or Authorization header in any log line or request log entry.
    @Test func secretsNeverReachTheLogs() async throws {
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(faults: [FaultRule(.firstCalls(1), .expiredToken), FaultRule(.firstCalls(1), .status(503))]))
        defer { harness.stop() }
        _ = try await harness.runner().run(makeQueries(3))
        let token = try await harness.tokens.token(for: TokenScope(resource: harness.url.absoluteString)).value.reveal()
        var lines = harness.logs.lines
        lines += harness.emulator.requestLog.map { "\($0)" }
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(!line.contains(EmulatorHarness.secret))
            #expect(!line.contains(token))
            #expect(!line.contains("emu."), "\(line)")
        }
    }
}

/// A credential that is never asked.
struct StubCredential: TokenCredential {
    var displayName: String { "stub" }
    func fetchToken(for scope: TokenScope) async throws(CredentialError) -> AccessToken {
        throw CredentialError(.configuration, "stub")
    }
}
