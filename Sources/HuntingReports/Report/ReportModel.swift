public import Foundation
public import Hunting
public import KQL

/// One tenant's part of a report: its run, and what the nightly job learned about each outcome.
public struct TenantRun: Sendable {
    /// The tenant's name in the configuration; `nil` for the one tenant of a run without names.
    public var name: String?
    /// The run.
    public var result: RunResult
    /// Each outcome's review against history and suppressions, in the order of `result.outcomes`;
    /// empty when the run kept no history (`hunt run --report`).
    public var reviews: [FindingReview]
    /// Things the operator should know about this tenant's run (a damaged state file, say).
    public var notes: [String]

    /// Creates a tenant's run.
    public init(name: String? = nil, result: RunResult, reviews: [FindingReview] = [], notes: [String] = []) {
        precondition(reviews.isEmpty || reviews.count == result.outcomes.count, "one review per outcome")
        self.name = name
        self.result = result
        self.reviews = reviews
        self.notes = notes
    }
}

/// What a report is made from: the runs of one or more tenants, with their reviews, plus the
/// names of the files beside the report.
///
/// ``context(for:)`` turns it into the data templates render; README "Template context" lists
/// every name in it.
public struct ReportModel: Sendable {
    /// One query's place in the report.
    public struct Entry: Sendable {
        /// The outcome.
        public var outcome: QueryOutcome
        /// The file and anchor name (`execution.encoded-powershell`; with several tenants,
        /// `contoso.execution.encoded-powershell`).
        public var slug: String
        /// Where the outcome falls: findings first, then failures, then empty results.
        public var status: Status
        /// The index of its tenant in ``ReportModel/tenants``.
        public var tenantIndex: Int
        /// The tenant's name, when the run has names.
        public var tenant: String?
        /// The review against history and suppressions, when the run keeps history.
        public var review: FindingReview?
        /// The rows the report shows: the result without suppressed rows (`nil` on failure).
        public var table: KQLTable?
        /// For each shown row, its row in the result.
        public var resultRows: [Int]
    }

    /// How a query ended, as the report groups it.
    public enum Status: String, Sendable, Comparable {
        case findings, failed, empty

        private var rank: Int { self == .findings ? 0 : self == .failed ? 1 : 2 }
        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
    }

    /// The tenants, in configuration order.
    public var tenants: [TenantRun]
    /// The options.
    public var options: ReportOptions
    /// The queries in report order: by tenant, then findings by severity (highest first), then
    /// failures, then empty results; the run's order breaks ties.
    public var entries: [Entry]
    /// Suppressions whose expiry date has passed: they hide nothing any more and need a decision.
    public var expiredSuppressions: [SuppressionNote]
    /// Things every reader should know about the whole run (query files that could not be
    /// loaded, say), shown in the summary.
    public var notes: [String]
    /// When the first tenant's run started.
    public var started: Date
    /// When the last tenant's run ended.
    public var finished: Date

    /// Creates the model of one run without history (`hunt run --report`).
    public init(run: RunResult, options: ReportOptions = ReportOptions()) {
        self.init(tenants: [TenantRun(result: run)], options: options)
    }

    /// Creates the model of the runs of several tenants (or one), with their reviews.
    public init(
        tenants: [TenantRun], options: ReportOptions = ReportOptions(), expiredSuppressions: [SuppressionNote] = [], notes: [String] = []
    ) {
        self.tenants = tenants
        self.notes = notes
        self.options = options
        self.expiredSuppressions = expiredSuppressions
        started = tenants.map(\.result.started).min() ?? Date(timeIntervalSince1970: 0)
        finished = tenants.map(\.result.finished).max() ?? started
        let named = tenants.count > 1
        var flat: [(tenantIndex: Int, outcome: QueryOutcome, review: FindingReview?, id: String)] = []
        for (index, tenant) in tenants.enumerated() {
            for (position, outcome) in tenant.result.outcomes.enumerated() {
                let id = named ? "\(tenant.name ?? "tenant-\(index + 1)")/\(outcome.query.query.id)" : outcome.query.query.id
                flat.append((index, outcome, tenant.reviews.isEmpty ? nil : tenant.reviews[position], id))
            }
        }
        let slugs = ReportText.uniqueSlugs(flat.map(\.id))
        let unsorted = zip(flat, slugs).map { item, slug in
            let (table, rows) = Self.shown(item.outcome, review: item.review)
            let status: Status = table.map { $0.rowCount > 0 ? .findings : .empty } ?? .failed
            return Entry(
                outcome: item.outcome, slug: slug, status: status, tenantIndex: item.tenantIndex,
                tenant: tenants[item.tenantIndex].name, review: item.review, table: table, resultRows: rows)
        }
        entries = unsorted.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.tenantIndex != y.tenantIndex { return x.tenantIndex < y.tenantIndex }
            if x.status != y.status { return x.status < y.status }
            let (sx, sy) = (x.outcome.query.query.metadata.severity, y.outcome.query.query.metadata.severity)
            if sx != sy { return sx > sy }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The result's rows without the suppressed ones, and where each came from.
    static func shown(_ outcome: QueryOutcome, review: FindingReview?) -> (KQLTable?, [Int]) {
        guard let table = outcome.table else { return (nil, []) }
        guard let review, !review.suppressed.isEmpty else { return (table, Array(0..<table.rowCount)) }
        let rows = review.shownRows
        return (table.gather(rows), rows)
    }

    /// Whether the run keeps history (new, resolved and suppressed findings are known).
    public var hasHistory: Bool { tenants.contains { !$0.reviews.isEmpty } }

    /// The CSV file of an entry, relative to the report.
    public static func csvPath(_ entry: Entry) -> String { "queries/\(entry.slug).csv" }
    /// The JSON file of an entry, relative to the report.
    public static func jsonPath(_ entry: Entry) -> String { "queries/\(entry.slug).json" }

    /// Whether any tenant's results are made-up data.
    public var isSampleData: Bool { tenants.contains { $0.result.endpoint.isSampleData } }

    /// The text every output carries when the data is not from a real tenant.
    public var sampleDataNotice: String? {
        let sample = tenants.filter { $0.result.endpoint.isSampleData }
        guard !sample.isEmpty else { return nil }
        if sample.count == tenants.count, Set(sample.map(\.result.endpoint)).count == 1 {
            return "Sample data: these results come from \(sample[0].result.endpoint), not from a real Defender tenant."
        }
        let names = sample.enumerated().map { index, tenant in "\(tenant.name ?? "tenant \(index + 1)") (\(tenant.result.endpoint))" }
        return "Sample data: the results of \(names.joined(separator: ", ")) are not from a real Defender tenant."
    }

    /// The table a query's CSV and JSON files hold: the shown rows and, when the run keeps
    /// history, a `FindingStatus` (`new` or `present`) and a `FindingKey` column.
    public static func exportTable(_ entry: Entry) -> KQLTable? {
        guard var table = entry.table else { return nil }
        guard let review = entry.review, review.keyColumns != nil else { return table }
        let status = entry.resultRows.map { KQLValue.string(review.isNew[$0] ? "new" : "present") }
        let keys = entry.resultRows.map { KQLValue.string(review.rowKeys[$0]) }
        table.columns.append(KQLColumn(name: Self.uniqueName("FindingStatus", in: table), type: .string, values: status))
        table.columns.append(KQLColumn(name: Self.uniqueName("FindingKey", in: table), type: .string, values: keys))
        return table
    }

    /// `name`, or `name_1`, `name_2`… when the result already has a column of that name.
    static func uniqueName(_ name: String, in table: KQLTable) -> String {
        var candidate = name
        var n = 1
        while table.columns.contains(where: { $0.name == candidate }) {
            candidate = "\(name)_\(n)"
            n += 1
        }
        return candidate
    }
}
