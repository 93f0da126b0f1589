import Foundation
import Hunting
import HuntingEmulator
import KQL
import Testing
import TestSupport

/// An emulator writing its request log to a file, and a runner that talks to it with a client secret.
private struct LoggingEmulator {
    let folder: TemporaryFolder
    let logPath: String
    let emulator: HuntingEmulator
    let runner: HuntingRunner

    init(faults: [FaultRule], knownQueries: [HuntingQuery] = []) throws {
        folder = try TemporaryFolder()
        logPath = folder.path + "/requests.jsonl"
        let configuration = EmulatorConfiguration(faults: faults)
        emulator = HuntingEmulator(
            configuration: configuration, backend: EchoBackend(), requestLog: try RequestLog(path: logPath), knownQueries: knownQueries)
        let url = try emulator.start()
        let endpoint = try EntraTokenEndpoint(authority: url, tenant: configuration.tenant, transport: URLSessionTransport())
        let credential = try ClientSecretCredential(
            endpoint: endpoint, clientId: EmulatorHarness.clientId, secret: Secret(EmulatorHarness.secret))
        let graph = try GraphBackend(
            baseURL: url, tenant: configuration.tenant, tokens: TokenCache(credential: credential),
            transport: URLSessionTransport(maximumConnections: 8), isSampleData: true)
        runner = HuntingRunner(
            backend: graph, budget: QuotaBudget(policy: QuotaPolicy(callsPerWindow: 1000, window: 60)),
            options: RunOptions(backoffBase: 0.05, backoffCap: 0.2))
    }

    /// The file's text and its lines as JSON objects.
    func lines() throws -> (text: String, objects: [[String: Any]]) {
        let text = try String(contentsOfFile: logPath, encoding: .utf8)
        let objects = try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
        return (text, objects)
    }
}

@Suite("The emulator's request log", .serialized)
struct RequestLogTests {
    /// A throttled call, its retry, and the token call each make one line with what an audit needs.
    @Test func eachCallIsOneLineWithWhatAnAuditNeeds() async throws {
        let queries = makeQueries(2)
        let emulator = try LoggingEmulator(
            faults: [FaultRule(.firstCallsPerQuery(1), .throttle(retryAfter: .fractional(0.3)))],
            knownQueries: queries.map(\.query))
        defer { emulator.emulator.stop() }
        let result = await emulator.runner.run(queries)
        #expect(result.failures.isEmpty)
        let (_, lines) = try emulator.lines()
        let tokens = lines.filter { $0["kind"] as? String == "token" }
        let hunting = lines.filter { $0["kind"] as? String == "hunting" }
        #expect(tokens.count == 1)
        #expect(tokens.first?["grantType"] as? String == "client_credentials")
        #expect(hunting.count == 4)
        for outcome in result.outcomes {
            let ids = outcome.provenance.clientRequestIds
            let calls = hunting.filter { ids.contains($0["clientRequestId"] as? String ?? "") }
            #expect(calls.map { $0["status"] as? Int } == [429, 200])
            #expect(calls.map { $0["clientRequestId"] as? String } == ids)
            #expect(calls.allSatisfy { $0["queryId"] as? String == outcome.query.query.id })
            let hash = String(Digest.hex(Digest.sha256(outcome.query.text.utf8)).prefix(16))
            #expect(calls.allSatisfy { $0["queryHash"] as? String == hash })
            #expect(calls.first?["fault"] as? String == "429;retry-after=0.3")
            #expect(calls.first?["retryAfter"] as? String == "0.3")
            #expect(calls.last?["fault"] is NSNull)
            #expect(calls.allSatisfy { ($0["requestId"] as? String)?.count == 36 })
        }
        for line in lines {
            let time = try #require(line["time"] as? String)
            let arrived = try #require(line["arrived"] as? String)
            // Sub-millisecond: seven fractional digits, like the service's timestamps.
            #expect(time.count == "2024-03-26T09:39:50.7688641Z".count && arrived.count == time.count, "\(time)")
            #expect(arrived <= time)
        }
    }

    /// No secret, token or query text ever reaches the file.
    @Test func theLogHoldsNoSecretTokenOrQueryText() async throws {
        let queries = makeQueries(3)
        let emulator = try LoggingEmulator(faults: [FaultRule(.firstCalls(1), .expiredToken)])
        defer { emulator.emulator.stop() }
        let result = await emulator.runner.run(queries)
        #expect(result.failures.isEmpty)
        let (text, lines) = try emulator.lines()
        #expect(!text.contains(EmulatorHarness.secret))
        #expect(!text.contains("emu."), "an issued token reached the log")
        #expect(!text.lowercased().contains("bearer"))
        #expect(!text.contains("DeviceInfo"))
        // The refused token: a 401, a new token, then the same client-request-id succeeds.
        let refusedAt = try #require(lines.firstIndex { $0["status"] as? Int == 401 })
        let refused = lines[refusedAt]
        #expect(refused["fault"] as? String == "expired-token")
        let retriedAt = try #require(lines.lastIndex { $0["clientRequestId"] as? String == refused["clientRequestId"] as? String })
        #expect(lines[retriedAt]["status"] as? Int == 200)
        #expect(lines[refusedAt..<retriedAt].contains { $0["kind"] as? String == "token" })
        #expect(lines.filter { $0["kind"] as? String == "token" }.count == 2)
        // Without known queries the id is unknown, and said to be.
        #expect(lines.filter { $0["kind"] as? String == "hunting" }.allSatisfy { $0["queryId"] is NSNull })
    }

    /// A CPU-quota answer says how long it asked the client to wait; faults are named as written.
    @Test(arguments: [
        (Fault.cpuQuota(seconds: 1), 429, "cpu;seconds=1"),
        (Fault.status(503), 503, "503"),
        (Fault.malformedJSON, 200, "malformed"),
    ])
    func faultsAreNamedAsTheFlagWritesThem(fault: Fault, status: Int, name: String) async throws {
        let emulator = try LoggingEmulator(faults: [FaultRule(.firstCalls(1), fault)])
        defer { emulator.emulator.stop() }
        let result = await emulator.runner.run(makeQueries(1))
        #expect(result.failures.isEmpty)
        let first = try #require(try emulator.lines().objects.first { $0["kind"] as? String == "hunting" })
        #expect(first["status"] as? Int == status)
        #expect(first["fault"] as? String == name)
        if case .cpuQuota(let seconds) = fault {
            #expect(first["cpuQuotaWait"] as? Double == Double(seconds))
            #expect(first["retryAfter"] is NSNull)
        } else {
            #expect(first["cpuQuotaWait"] is NSNull)
        }
    }

    @Test func aFolderThatDoesNotExistIsAnErrorThatNamesThePath() throws {
        let error = #expect(throws: RequestLogError.self) { try RequestLog(path: "/nonexistent-\(UUID().uuidString)/requests.jsonl") }
        #expect(error?.description.contains("/requests.jsonl") == true)
        #expect(error?.description.contains("No such file") == true)
    }

    /// The CLI prints each request once: taking the server's log empties it.
    @Test func takingTheRequestLogEmptiesIt() async throws {
        let emulator = try LoggingEmulator(faults: [])
        defer { emulator.emulator.stop() }
        _ = await emulator.runner.run(makeQueries(2))
        let taken = emulator.emulator.takeRequestLog()
        #expect(taken.map(\.status) == [200, 200, 200])
        #expect(emulator.emulator.takeRequestLog().isEmpty)
        #expect(emulator.emulator.requestLog.isEmpty)
    }
}
