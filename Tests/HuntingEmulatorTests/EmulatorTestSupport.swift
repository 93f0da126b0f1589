import Foundation
import Hunting
import HuntingEmulator
import KQL
import Synchronization

/// Collects every log record, to check what the library says (and never says).
final class CollectingLog: Sendable {
    private let records = Mutex<[LogRecord]>([])

    var log: HuntingLog { HuntingLog(minimumLevel: .debug) { record in self.records.withLock { $0.append(record) } } }
    var all: [LogRecord] { records.withLock { $0 } }
    var lines: [String] { all.map(\.description) }
}

/// Answers every query with a one-row table naming the query, or with an error for marked queries:
/// `SEMANTIC-ERROR` in the text gives a semantic error, `SYNTAX-ERROR` a syntax error,
/// `MISSING-TABLE` the service's unknown-table error.
struct EchoBackend: HuntingBackend {
    let endpoint = HuntingEndpoint(kind: .fixtures, url: "echo", isSampleData: true)

    func run(_ request: HuntingRequest) async throws(HuntingError) -> HuntingResult {
        if request.text.contains("SEMANTIC-ERROR") {
            throw HuntingError(.semantic, "semantic: 'where' operator: Failed to resolve scalar expression named 'Nope'. Fix semantic errors in your query.", status: 400, serviceCode: "BadRequest")
        }
        if request.text.contains("MISSING-TABLE") {
            throw HuntingError(.missingTable, "missingTable: 'where' operator: Failed to resolve table or column expression named 'DeviceTvmSoftwareInventory'. Fix semantic errors in your query.", status: 400, serviceCode: "BadRequest")
        }
        if request.text.contains("SYNTAX-ERROR") {
            throw HuntingError(.syntax, "syntax: Syntax error: Query could not be parsed at '|' on line [1,5]", status: 400, serviceCode: "BadRequest")
        }
        let table = KQLTable(
            schema: [("Query", .string), ("Length", .long), ("Seen", .datetime)],
            rows: [[.string(request.text), .long(Int64(request.text.count)), .datetime(KQLDateTime(year: 2024, month: 3, day: 26, hour: 9, minute: 39, second: 50, fractionTicks: 7_688_641)!)]])
        return HuntingResult(table: table)
    }
}

/// A running emulator with a Graph backend and a runner that talk to it with a client secret.
struct EmulatorHarness {
    static let clientId = "11111111-1111-4111-8111-111111111111"
    static let secret = "emulator-secret"

    let emulator: HuntingEmulator
    let url: URL
    let tenant: String
    let logs = CollectingLog()
    let tokens: TokenCache

    init(configuration: EmulatorConfiguration = EmulatorConfiguration(), backend: any HuntingBackend = EchoBackend(), refreshMargin: TimeInterval = 300) throws {
        emulator = HuntingEmulator(configuration: configuration, backend: backend)
        url = try emulator.start()
        tenant = configuration.tenant
        let endpoint = try EntraTokenEndpoint(authority: url, tenant: tenant, transport: URLSessionTransport())
        let credential = try ClientSecretCredential(endpoint: endpoint, clientId: Self.clientId, secret: Secret(Self.secret))
        tokens = TokenCache(credential: credential, refreshMargin: refreshMargin, log: logs.log)
    }

    func graph(transport: any HTTPTransport = URLSessionTransport(maximumConnections: 16)) throws -> GraphBackend {
        try GraphBackend(baseURL: url, tenant: tenant, tokens: tokens, transport: transport, log: logs.log, isSampleData: true)
    }

    func runner(budget: QuotaPolicy = QuotaPolicy(callsPerWindow: 1000, window: 60), options: RunOptions = RunOptions(backoffBase: 0.05, backoffCap: 0.2)) throws -> HuntingRunner {
        HuntingRunner(backend: try graph(), budget: QuotaBudget(policy: budget), options: options, log: logs.log)
    }

    func stop() { emulator.stop() }
}

/// Bound queries with distinct texts.
func makeQueries(_ count: Int, marker: (Int) -> String = { _ in "" }) -> [BoundQuery] {
    (0..<count).map { index in
        let text = "// @title: q\(index)\nlet n = \(index);\nDeviceInfo | take n \(marker(index))"
        let parsed = QueryFileParser.parse(text, id: "q\(index)", path: "q\(index).kql")
        return parsed.query!.unbound
    }
}
