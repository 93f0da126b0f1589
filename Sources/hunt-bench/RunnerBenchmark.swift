// hunt-bench runner: the concurrent runner against an in-process emulator with a scaled-down
// call quota. See `runnerBenchmark` and Benchmarks/README.md.
import Foundation
import Hunting
import HuntingEmulator
import KQL

/// The emulator's registered app (EmulatorConfiguration's default).
private let benchClientId = "11111111-1111-4111-8111-111111111111"
private let benchSecret = "emulator-secret"

/// Answers every query with a small table (three columns, two rows), like the tests' EchoBackend.
struct BenchBackend: HuntingBackend {
    let endpoint = HuntingEndpoint(kind: .fixtures, url: "hunt-bench", isSampleData: true)

    func run(_ request: HuntingRequest) async throws(HuntingError) -> HuntingResult {
        let seen = KQLDateTime(year: 2024, month: 3, day: 26, hour: 9, minute: 39, second: 50, fractionTicks: 7_688_641)!
        let table = KQLTable(
            schema: [("Query", .string), ("Length", .long), ("Seen", .datetime)],
            rows: [
                [.string(request.queryId), .long(Int64(request.text.utf8.count)), .datetime(seen)],
                [.string(request.clientRequestId), .long(0), .datetime(seen)],
            ])
        return HuntingResult(table: table)
    }
}

/// What `hunt-bench runner` was asked to do.
struct RunnerBenchmarkOptions {
    var queries = 120
    var width = 4
    var window: TimeInterval = 6
    var callsPerWindow = 45
    /// All queries at once, no client-side budget.
    var naive = false
    var seed: UInt64 = 20260506
    var latency: ClosedRange<Double> = 1...3
    /// The run's deadline (seconds), so a throttled run cannot go on for ever.
    var deadline: TimeInterval = 300
    /// Where to write every call record (arrival offset, status, latency), for analysis.
    var recordsPath: String?

    static let usage = "usage: hunt-bench runner [--naive] [--seed N] [--deadline SECONDS] [--records FILE] [--latency MIN-MAX] [QUERIES [WIDTH [WINDOW-SECONDS [CALLS-PER-WINDOW]]]]"

    init(_ arguments: [String]) {
        var positional: [String] = []
        var items = arguments[...]
        while let item = items.popFirst() {
            switch item {
            case "--naive": naive = true
            case "--seed":
                guard let value = items.popFirst().flatMap({ UInt64($0) }) else { fail(Self.usage, status: 64) }
                seed = value
            case "--deadline":
                guard let value = items.popFirst().flatMap({ Double($0) }), value > 0 else { fail(Self.usage, status: 64) }
                deadline = value
            case "--latency":
                let bounds = (items.popFirst() ?? "").split(separator: "-").compactMap { Double($0) }
                guard bounds.count == 2, bounds[0] >= 0, bounds[0] <= bounds[1] else { fail(Self.usage, status: 64) }
                latency = bounds[0]...bounds[1]
            case "--records":
                guard let value = items.popFirst() else { fail(Self.usage, status: 64) }
                recordsPath = value
            default:
                guard !item.hasPrefix("-") || Double(item) != nil else { fail(Self.usage, status: 64) }
                positional.append(item)
            }
        }
        guard positional.count <= 4 else { fail(Self.usage, status: 64) }
        let numbers = positional.map { Double($0) }
        guard numbers.allSatisfy({ ($0 ?? 0) > 0 }) else { fail(Self.usage + " (numbers must be positive)", status: 64) }
        if numbers.count > 0 { queries = Int(numbers[0]!) }
        if numbers.count > 1 { width = Int(numbers[1]!) }
        if numbers.count > 2 { window = numbers[2]! }
        if numbers.count > 3 { callsPerWindow = Int(numbers[3]!) }
        if naive { width = queries }
    }
}

/// N distinct bound queries, as the tests' makeQueries builds them.
func benchQueries(_ count: Int) -> [BoundQuery] {
    (0..<count).map { index in
        let text = "// @title: q\(index)\nlet n = \(index);\nDeviceInfo | take n"
        let parsed = QueryFileParser.parse(text, id: "q\(index)", path: "q\(index).kql")
        guard let query = parsed.query else { fail("query \(index) did not parse", status: 70) }
        return query.unbound
    }
}

/// The most calls that arrived within any `window` seconds (half-open, as the emulator counts).
func maxPerSlidingWindow(_ arrivals: [Date], window: TimeInterval) -> Int {
    let times = arrivals.sorted()
    var best = 0
    var end = 0
    for start in times.indices {
        if end < start { end = start }
        while end < times.count, times[end].timeIntervalSince(times[start]) < window { end += 1 }
        best = max(best, end - start)
    }
    return best
}

/// The wall time of an ideal greedy client: `width` workers with no overhead, each starting the
/// next query as soon as it is free and the sliding window (plus `margin`) allows, the queries
/// taking `latencies` in order. Not a strict lower bound (a scheduler that knew the latencies
/// could reorder), but the reference for what any width-limited client can reach on this
/// workload: max(N / rate, total latency / width) ignores that both limits bind at once and that
/// the last queries' latency comes after the last start.
func greedyIdealWall(latencies: [Double], width: Int, callsPerWindow: Int, window: TimeInterval, margin: TimeInterval) -> Double {
    var free = [Double](repeating: 0, count: max(1, width))
    var starts: [Double] = []
    var end = 0.0
    for latency in latencies {
        let worker = free.indices.min { free[$0] < free[$1] }!
        var start = free[worker]
        if starts.count >= callsPerWindow { start = max(start, starts[starts.count - callsPerWindow] + window + margin) }
        starts.append(start)
        free[worker] = start + latency
        end = max(end, start + latency)
    }
    return end
}

/// Starts an emulator (latency 1–3 s, seeded; Graph quota `callsPerWindow` per `window` s, no
/// margin), runs `queries` distinct queries through a client-secret credential, GraphBackend,
/// a QuotaBudget with the same policy (default margin) and a HuntingRunner of the given width,
/// and prints one JSON object: wall time, the emulator's call records summarised, the lower
/// bound max(N / callsPerWindow × window, total latency / width), the ratio and the audit.
///
/// `--naive` runs every query at once with no client-side budget (a huge limit) against the same
/// emulator quota, to count the 429s such a client collects; the runner still retries them
/// honouring Retry-After, and the run deadline caps it.
func runnerBenchmark(_ options: RunnerBenchmarkOptions) async {
    let quota = QuotaPolicy(callsPerWindow: options.callsPerWindow, window: options.window, margin: 0)
    let configuration = EmulatorConfiguration(graphQuota: quota, latency: options.latency, seed: options.seed)
    let emulator = HuntingEmulator(configuration: configuration, backend: BenchBackend())
    let url: URL
    do {
        url = try emulator.start(port: 0)
    } catch {
        fail("cannot start the emulator: \(error)", status: 71)
    }
    defer { emulator.stop() }

    let budgetPolicy = options.naive
        ? QuotaPolicy(callsPerWindow: 1_000_000, window: options.window)
        : QuotaPolicy(callsPerWindow: options.callsPerWindow, window: options.window)
    let runner: HuntingRunner
    do {
        // The token endpoint gets its own transport, as in the tests; the Graph transport allows
        // as many connections as the runner has queries in flight.
        let endpoint = try EntraTokenEndpoint(authority: url, tenant: configuration.tenant, transport: URLSessionTransport())
        let credential = try ClientSecretCredential(endpoint: endpoint, clientId: benchClientId, secret: Secret(benchSecret))
        let tokens = TokenCache(credential: credential)
        let graph = try GraphBackend(
            baseURL: url, tenant: configuration.tenant, tokens: tokens,
            transport: URLSessionTransport(maximumConnections: options.width), isSampleData: true)
        runner = HuntingRunner(
            backend: graph, budget: QuotaBudget(policy: budgetPolicy),
            options: RunOptions(width: options.width, runDeadline: options.deadline))
    } catch {
        fail("cannot set up the client: \(error)", status: 70)
    }

    let queries = benchQueries(options.queries)
    let startDate = Date()
    let start = ContinuousClock.now
    let result = await runner.run(queries)
    let elapsed = start.duration(to: .now)
    let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let endDate = startDate.addingTimeInterval(wall)

    let calls = await emulator.huntingCalls()
    let throttled = calls.filter { $0.status == 429 }
    let succeeded = calls.filter { $0.status == 200 }
    let totalLatency = succeeded.reduce(0) { $0 + $1.latency }
    let quotaBound = Double(options.queries) / Double(options.callsPerWindow) * options.window
    let latencyBound = totalLatency / Double(options.width)
    let lowerBound = max(quotaBound, latencyBound)
    let arrivals = calls.map(\.arrived).sorted()
    let admitted = calls.filter { $0.status != 429 }.map(\.arrived)
    let failures = result.failures
    var failureKinds: [String: Int] = [:]
    for failure in failures { failureKinds[failure.error!.kind.rawValue, default: 0] += 1 }
    let budgetMargin = options.naive ? 0 : budgetPolicy.margin
    // The sliding window lets a first burst of a full window through at once, so the best a client
    // of any width can do is (complete windows) × (window + margin) + the last call's latency.
    let fullWindows = (options.queries - 1) / options.callsPerWindow
    let lastStartBound = Double(fullWindows) * (options.window + budgetMargin)

    let latencies = succeeded.sorted { $0.arrived < $1.arrived }.map(\.latency)
    let ideal = greedyIdealWall(
        latencies: latencies, width: options.width, callsPerWindow: options.callsPerWindow, window: options.window, margin: 0)
    let idealWithMargin = greedyIdealWall(
        latencies: latencies, width: options.width, callsPerWindow: options.callsPerWindow, window: options.window,
        margin: budgetMargin)

    let summary: [String: Any] = [
        "mode": options.naive ? "naive" : "budgeted",
        "queries": options.queries,
        "width": options.width,
        "window_s": options.window,
        "calls_per_window": options.callsPerWindow,
        "budget_margin_s": budgetMargin,
        "latency_range_s": [options.latency.lowerBound, options.latency.upperBound],
        "seed": options.seed,
        "run_deadline_s": options.deadline,
        "wall_s": wall,
        "calls": calls.count,
        "calls_200": succeeded.count,
        "calls_429": throttled.count,
        "total_latency_s": totalLatency,
        "quota_bound_s": quotaBound,
        "latency_bound_s": latencyBound,
        "lower_bound_s": lowerBound,
        "ratio": wall / lowerBound,
        "greedy_ideal_s": ideal,
        "greedy_ideal_with_margin_s": idealWithMargin,
        "ratio_vs_greedy_ideal": wall / ideal,
        "failed": failures.count,
        "failure_kinds": failureKinds,
        "attempts": result.outcomes.reduce(0) { $0 + $1.provenance.attempts },
        "audit_max_per_window": maxPerSlidingWindow(arrivals, window: options.window),
        "audit_max_admitted_per_window": maxPerSlidingWindow(admitted, window: options.window),
        // Where the time went: the first call's arrival after the start (token fetch, connection
        // set-up), the last arrival, and the tail after it (the last calls' latency).
        "first_arrival_s": arrivals.first.map { $0.timeIntervalSince(startDate) } ?? -1,
        "last_arrival_s": arrivals.last.map { $0.timeIntervalSince(startDate) } ?? -1,
        "tail_after_last_arrival_s": arrivals.last.map { endDate.timeIntervalSince($0) } ?? -1,
        "last_call_earliest_start_s": lastStartBound,
    ]
    if let path = options.recordsPath {
        let records: [[String: Any]] = calls.map { call in
            ["arrived_s": call.arrived.timeIntervalSince(startDate), "status": call.status, "latency_s": call.latency,
             "retry_after": call.retryAfter ?? NSNull()]
        }
        let data = try! JSONSerialization.data(withJSONObject: records, options: [.sortedKeys])
        guard FileManager.default.createFile(atPath: path, contents: data) else { fail("cannot write \(path)", status: 73) }
    }
    let json = try! JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}
