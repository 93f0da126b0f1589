import Foundation
public import Hunting
public import HuntingReports

/// The nightly run end to end: every tenant's queries through its own runner and budget, each
/// outcome reviewed against the last successful run and the suppressions, one consolidated
/// report rendered and published, and only then tonight's findings recorded as known.
///
/// Recording after publishing means a night whose report never reached the share shows its new
/// findings as new again the next night, instead of losing them.
public struct NightlyJob: Sendable {
    /// One tenant: its name (the report's label and the state directory's key) and its runner,
    /// which holds its backend, credential and quota budget.
    public struct Tenant: Sendable {
        /// The tenant's name.
        public var name: String
        /// Runs its queries.
        public var runner: HuntingRunner
        /// Notes for its part of the report.
        public var notes: [String]

        /// Creates a tenant.
        public init(name: String, runner: HuntingRunner, notes: [String] = []) {
            self.name = name
            self.runner = runner
            self.notes = notes
        }
    }

    /// What the job is doing, for progress displays and logs.
    public enum Event: Sendable {
        /// A tenant's runner reported progress.
        case run(tenant: String, RunProgress)
        /// Every query ended; outcomes are being compared with the last run.
        case reviewing
        /// The report is being rendered and published.
        case publishing
        /// The report is on the share.
        case published(PublishedRun)
    }

    /// The tenants, in configuration order (the report's order).
    public var tenants: [Tenant]
    /// The queries every tenant runs.
    public var queries: [BoundQuery]
    /// Things the report's summary must say (query files that could not be loaded, say).
    public var notes: [String]
    /// How many query files could not be loaded (they make the run count as partly failed).
    public var brokenFiles: Int
    /// Where findings are remembered between runs.
    public var state: FindingStateStore
    /// State files kept per query.
    public var stateRetention: Int
    /// The suppressions.
    public var suppressions: Suppressions
    /// Renders the report.
    public var renderer: ReportRenderer
    /// Shapes the report.
    public var reportOptions: ReportOptions
    /// Publishes the report.
    public var publisher: Publisher
    /// Whether new findings make the exit status 4.
    public var failOnFindings: Bool
    /// Where the job reports problems that are not a query's (state files it cannot read).
    public var log: HuntingLog

    /// The suppressions a run applies: a suppressor per query result, and the ones that expired.
    public struct Suppressions: Sendable {
        /// The suppressor for one query's result in one tenant (`nil`: nothing can apply).
        public var suppressor: @Sendable (_ queryId: String, _ tenant: String, _ columns: [String]) -> RowSuppressor?
        /// The suppressions whose expiry has passed.
        public var expired: [SuppressionNote]

        /// Creates suppressions.
        public init(
            expired: [SuppressionNote] = [],
            suppressor: @escaping @Sendable (_ queryId: String, _ tenant: String, _ columns: [String]) -> RowSuppressor?
        ) {
            self.expired = expired
            self.suppressor = suppressor
        }

        /// No suppressions.
        public static let none = Suppressions { _, _, _ in nil }
    }

    /// Creates a job.
    public init(
        tenants: [Tenant], queries: [BoundQuery], notes: [String] = [], brokenFiles: Int = 0, state: FindingStateStore,
        stateRetention: Int = 30, suppressions: Suppressions = .none, renderer: ReportRenderer = ReportRenderer(),
        reportOptions: ReportOptions = ReportOptions(), publisher: Publisher, failOnFindings: Bool = false, log: HuntingLog = .discard
    ) {
        self.tenants = tenants
        self.queries = queries
        self.notes = notes
        self.brokenFiles = brokenFiles
        self.state = state
        self.stateRetention = stateRetention
        self.suppressions = suppressions
        self.renderer = renderer
        self.reportOptions = reportOptions
        self.publisher = publisher
        self.failOnFindings = failOnFindings
        self.log = log
    }

    /// How the job ended.
    public struct Result: Sendable {
        /// The exit status.
        public var status: JobExitStatus
        /// The report's model, when the queries ran.
        public var model: ReportModel?
        /// Where the report went, when it was published.
        public var published: PublishedRun?
        /// Why it was not published, when it was not.
        public var publishError: PublishError?
        /// State files that could not be written (the next run then sees these findings as new).
        public var stateErrors: [StateError]
    }

    /// Runs the job. Never throws: a failed query is part of the report; a report that cannot be
    /// published, or a cancelled run, is in the result's status.
    /// - Parameter events: progress, called from any task.
    public func run(events: @escaping @Sendable (Event) -> Void = { _ in }) async -> Result {
        let runs = await withTaskGroup(of: (Int, RunResult).self) { group in
            for (index, tenant) in tenants.enumerated() {
                group.addTask {
                    let runner = HuntingRunner(
                        backend: tenant.runner.backend, budget: tenant.runner.budget, options: tenant.runner.options, log: log,
                        progress: { events(.run(tenant: tenant.name, $0)) })
                    return (index, await runner.run(queries))
                }
            }
            var results = [RunResult?](repeating: nil, count: tenants.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
        let interrupted = Task.isCancelled
        let total = runs.reduce(0) { $0 + $1.outcomes.count }
        let failed = runs.reduce(0) { $0 + $1.failures.count }
        if interrupted {
            // A stopped run publishes nothing and records nothing: the previous report stays.
            return Result(status: .interrupted, model: nil, published: nil, publishError: nil, stateErrors: [])
        }

        events(.reviewing)
        var tenantRuns: [TenantRun] = []
        for (tenant, run) in zip(tenants, runs) {
            var notes = tenant.notes
            let reviews = run.outcomes.map { outcome in
                let previous = state.lastSuccess(tenant: tenant.name, query: outcome.query.query.id, before: run.started) { problem in
                    log.warning("\(problem.description)")
                    notes.append("A state file could not be read, so some findings may show as new: \(problem.description)")
                }
                let columns = outcome.table?.columns.map(\.name) ?? []
                return FindingReview.review(
                    outcome, tenant: tenant.name, run: run.started, previous: previous,
                    suppressor: suppressions.suppressor(outcome.query.query.id, tenant.name, columns))
            }
            tenantRuns.append(TenantRun(name: tenant.name, result: run, reviews: reviews, notes: notes))
        }
        let model = ReportModel(tenants: tenantRuns, options: reportOptions, expiredSuppressions: suppressions.expired, notes: notes)
        let newFindings = tenantRuns.flatMap(\.reviews).reduce(0) { $0 + $1.newFindings }

        events(.publishing)
        let published: PublishedRun
        do {
            published = try publisher.publish(renderer.render(model), started: model.started)
        } catch {
            return Result(status: .configuration, model: model, published: nil, publishError: error, stateErrors: [])
        }
        events(.published(published))

        var stateErrors: [StateError] = []
        for review in tenantRuns.flatMap(\.reviews) {
            do {
                try state.record(review.state, keep: stateRetention)
            } catch {
                log.error("\(error.description)")
                stateErrors.append(error)
            }
        }
        let status = JobExitStatus.of(
            queries: total, failed: failed, brokenFiles: brokenFiles, newFindings: newFindings, failOnFindings: failOnFindings,
            interrupted: false)
        return Result(status: status, model: model, published: published, publishError: nil, stateErrors: stateErrors)
    }
}
