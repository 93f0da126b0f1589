public import Foundation
import KQL

/// How a run behaves: width, retries and deadlines.
public struct RunOptions: Sendable {
    /// Queries in flight at once (the task group's width).
    public var width: Int
    /// Attempts per query for transient failures and unreadable answers (the first included).
    public var maxAttempts: Int
    /// Attempts per query when the service throttles (429), the first included.
    public var maxQuotaAttempts: Int
    /// Seconds one query may take, retries and waits included.
    public var queryDeadline: TimeInterval
    /// Seconds the whole run may take; queries not done by then end as timed out.
    public var runDeadline: TimeInterval?
    /// Seconds one call may wait for an answer.
    public var requestTimeout: TimeInterval
    /// The first back-off, in seconds; it doubles per attempt (full jitter) up to `backoffCap`.
    public var backoffBase: TimeInterval
    /// The longest back-off between attempts, in seconds.
    public var backoffCap: TimeInterval
    /// The longest wait honoured from Retry-After or a CPU-quota hint, in seconds.
    public var maxServerWait: TimeInterval
    /// Draws a number in a range, for jitter (a seeded one in tests).
    public var random: @Sendable (ClosedRange<Double>) -> Double

    /// Creates options; the defaults suit the Graph API.
    public init(
        width: Int = 4, maxAttempts: Int = 4, maxQuotaAttempts: Int = 8, queryDeadline: TimeInterval = 1800,
        runDeadline: TimeInterval? = nil, requestTimeout: TimeInterval = 200, backoffBase: TimeInterval = 1,
        backoffCap: TimeInterval = 60, maxServerWait: TimeInterval = 900,
        random: @escaping @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) }
    ) {
        self.width = max(1, width)
        self.maxAttempts = max(1, maxAttempts)
        self.maxQuotaAttempts = max(1, maxQuotaAttempts)
        self.queryDeadline = queryDeadline
        self.runDeadline = runDeadline
        self.requestTimeout = requestTimeout
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.maxServerWait = maxServerWait
        self.random = random
    }
}

/// What a run reports while it goes, for progress bars and logs.
public enum RunProgress: Sendable {
    /// An attempt of a query was sent.
    case attempt(queryId: String, attempt: Int)
    /// A query waits before trying again.
    case retrying(queryId: String, after: TimeInterval, because: HuntingError.Kind)
    /// The tenant's budget is paused (throttling) for this long.
    case throttled(seconds: TimeInterval, reason: String)
    /// A query ended.
    case finished(QueryOutcome, done: Int, total: Int)
}

/// Runs a batch of bound queries concurrently against one backend, sharing one quota budget,
/// retrying what is retryable, and ending every query as a table or a classified error.
public struct HuntingRunner: Sendable {
    public let backend: any HuntingBackend
    public let budget: QuotaBudget
    public let options: RunOptions
    private let log: HuntingLog
    private let progress: (@Sendable (RunProgress) -> Void)?
    private let clock = ContinuousClock()

    /// Creates a runner.
    public init(
        backend: any HuntingBackend, budget: QuotaBudget, options: RunOptions = RunOptions(), log: HuntingLog = .discard,
        progress: (@Sendable (RunProgress) -> Void)? = nil
    ) {
        self.backend = backend
        self.budget = budget
        self.options = options
        self.log = log
        self.progress = progress
    }

    /// Runs the queries. Never throws: each query ends as a result or a classified error, in
    /// input order. Cancelling the calling task stops the run; what finished is kept and the rest
    /// end as `.cancelled`.
    public func run(_ queries: [BoundQuery]) async -> RunResult {
        let started = Date()
        let runDeadline = options.runDeadline.map { clock.now.advanced(by: .seconds($0)) }
        var outcomes = [QueryOutcome?](repeating: nil, count: queries.count)
        await withTaskGroup(of: (Int, QueryOutcome).self) { group in
            var next = 0
            var done = 0
            func startNext() {
                guard next < queries.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await self.runOne(queries[index], runDeadline: runDeadline)) }
            }
            for _ in 0..<min(options.width, queries.count) { startNext() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                done += 1
                progress?(.finished(outcome, done: done, total: queries.count))
                startNext()
            }
        }
        return RunResult(
            outcomes: outcomes.map { $0! }, endpoint: backend.endpoint, started: started, finished: Date())
    }

    // MARK: one query

    private func runOne(_ query: BoundQuery, runDeadline: ContinuousClock.Instant?) async -> QueryOutcome {
        var record = Provenance(
            queryId: query.query.id, path: query.query.path, contentHash: Digest.hex(Digest.sha256(query.query.text.utf8)),
            parameters: Provenance.redactedParameters(query), endpoint: backend.endpoint,
            timespan: backend.endpoint.kind == .defender ? nil : query.query.metadata.timespan?.iso8601,
            started: Date(), finished: Date(), attempts: 0, rows: nil, truncated: false, errorKind: nil,
            requestIds: [], clientRequestIds: [])
        var deadline = clock.now.advanced(by: .seconds(options.queryDeadline))
        if let runDeadline, runDeadline < deadline { deadline = runDeadline }

        func finish(_ result: Result<HuntingResult, HuntingError>) -> QueryOutcome {
            record.finished = Date()
            switch result {
            case .success(let value):
                record.rows = value.table.rowCount
                record.truncated = value.truncated
                if let id = value.requestId { record.requestIds.append(id) }
            case .failure(let error):
                record.errorKind = error.kind
            }
            return QueryOutcome(query: query, result: result, provenance: record)
        }

        var lastError: HuntingError?
        while true {
            if Task.isCancelled { return finish(.failure(Self.cancelled(after: lastError))) }
            var request = HuntingRequest(
                queryId: query.query.id, text: query.text,
                timespan: backend.endpoint.kind == .defender ? nil : query.query.metadata.timespan,
                timeout: min(options.requestTimeout, max(1, seconds(clock.now.duration(to: deadline)))))
            request.admission = { [budget, deadline] () throws(HuntingError) in
                let allowed: Bool
                do {
                    allowed = try await budget.acquire(deadline: deadline)
                } catch {
                    throw HuntingError(.cancelled, "the run was stopped while this query waited for quota")
                }
                guard allowed else { throw HuntingError(.timeout, "the deadline passed while waiting for quota; the query was not sent") }
            }
            record.attempts += 1
            record.clientRequestIds.append(request.clientRequestId)
            progress?(.attempt(queryId: query.query.id, attempt: record.attempts))
            let result = await attempt(request, deadline: deadline)
            guard case .failure(let error) = result else { return finish(result) }
            if let id = error.requestId { record.requestIds.append(id) }
            lastError = error
            guard let wait = retryDelay(for: error, attempts: record.attempts) else {
                log.info("query failed", ["query": query.query.id, "error": error.kind.rawValue, "attempts": "\(record.attempts)"])
                return finish(.failure(error))
            }
            if clock.now.advanced(by: .seconds(wait)) > deadline {
                var late = error
                late.message += " (no time left to try again before the deadline)"
                return finish(.failure(late))
            }
            progress?(.retrying(queryId: query.query.id, after: wait, because: error.kind))
            log.info("retrying", ["query": query.query.id, "error": error.kind.rawValue, "wait": String(format: "%.2fs", wait)])
            if error.kind == .callQuota || error.kind == .cpuQuota {
                // Throttling is the tenant's, not the query's: every query of the run waits.
                let reason = error.kind == .cpuQuota ? "CPU quota" : "call quota"
                await budget.pause(for: wait)
                progress?(.throttled(seconds: wait, reason: reason))
            } else {
                do {
                    try await clock.sleep(for: .seconds(wait))
                } catch {
                    return finish(.failure(Self.cancelled(after: lastError)))
                }
            }
        }
    }

    /// One call, raced against the query's deadline.
    private func attempt(_ request: HuntingRequest, deadline: ContinuousClock.Instant) async -> Result<HuntingResult, HuntingError> {
        let backend = self.backend
        let clock = self.clock
        return await withTaskGroup(of: Result<HuntingResult, HuntingError>?.self) { group in
            group.addTask {
                do throws(HuntingError) {
                    return .success(try await backend.run(request))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await clock.sleep(until: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if let first { return first }
            if Task.isCancelled { return .failure(HuntingError(.cancelled, "the run was stopped while this query was running")) }
            return .failure(HuntingError(.timeout, "the query did not finish before its deadline", clientRequestId: request.clientRequestId))
        }
    }

    /// Seconds to wait before the next attempt, or `nil` when the error is final.
    private func retryDelay(for error: HuntingError, attempts: Int) -> TimeInterval? {
        guard error.isRetryable else { return nil }
        switch error.kind {
        case .callQuota, .cpuQuota:
            guard attempts < options.maxQuotaAttempts else { return nil }
            if let hinted = error.retryAfter { return min(hinted, options.maxServerWait) }
            // CPU quota blocks until the next 15-minute cycle when the service gives no hint.
            return error.kind == .cpuQuota ? min(secondsToNextQuarterHour(), options.maxServerWait) : backoff(attempts)
        case .timeout:
            return attempts < min(2, options.maxAttempts) ? backoff(attempts) : nil
        default:
            guard attempts < options.maxAttempts else { return nil }
            if let hinted = error.retryAfter { return min(max(hinted, backoff(attempts)), options.maxServerWait) }
            return backoff(attempts)
        }
    }

    /// Exponential back-off with full jitter: a random wait up to base·2^(attempt−1), capped.
    private func backoff(_ attempts: Int) -> TimeInterval {
        let ceiling = min(options.backoffCap, options.backoffBase * pow(2, Double(max(0, attempts - 1))))
        return options.random(0...ceiling)
    }

    private func secondsToNextQuarterHour() -> TimeInterval {
        let now = Date().timeIntervalSince1970
        return 900 - now.truncatingRemainder(dividingBy: 900) + 1
    }

    private func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func cancelled(after error: HuntingError?) -> HuntingError {
        var message = "the run was stopped before this query finished"
        if let error { message += " (last attempt: \(error.kind.rawValue))" }
        return HuntingError(.cancelled, message)
    }
}
