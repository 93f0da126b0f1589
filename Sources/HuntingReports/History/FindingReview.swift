public import Foundation
public import Hunting
import KQL

/// A query's result read against its history and the suppressions: which rows are new since the
/// last successful run, which findings went away, which rows a suppression hides.
public struct FindingReview: Sendable {
    /// A row a suppression hides from the main table.
    public struct SuppressedRow: Sendable {
        /// The row of the result.
        public var row: Int
        /// The suppression that hides it.
        public var suppression: SuppressionNote
    }

    /// The columns findings are compared on (`nil` when the query failed).
    public var keyColumns: FindingKeyColumns?
    /// Each row's finding key.
    public var rowKeys: [String]
    /// Whether each row's key was absent from the last successful run (every row, on a first run).
    public var isNew: [Bool]
    /// When each row's finding was first seen.
    public var firstSeen: [Date]
    /// Rows hidden by a suppression, in row order.
    public var suppressed: [SuppressedRow]
    /// Findings of the last successful run that are gone now (empty when the result was cut at
    /// the row cap: rows past it may still exist).
    public var resolved: [RecordedFinding]
    /// The start of the run compared with; `nil` when there was none (the query's first run).
    public var comparedWith: Date?
    /// For a failed query: its last successful run, kept as it was (not compared, not resolved).
    public var lastSuccess: QueryState?
    /// Distinct new findings among the rows not suppressed.
    public var newFindings: Int
    /// Whether resolved findings were left out because the result was truncated.
    public var resolvedUnknown: Bool
    /// What this run records for the query.
    public var state: QueryState

    /// Rows not hidden by a suppression, in order.
    public var shownRows: [Int] {
        guard !suppressed.isEmpty else { return Array(rowKeys.indices) }
        let hidden = Set(suppressed.map(\.row))
        return rowKeys.indices.filter { !hidden.contains($0) }
    }

    /// Reviews one query's outcome.
    /// - Parameters:
    ///   - outcome: tonight's outcome.
    ///   - tenant: the tenant's name (the state is kept per tenant).
    ///   - run: when tonight's run started (the first-seen time of new findings).
    ///   - previous: the query's last successful state, `nil` on its first run.
    ///   - suppressor: decides which rows a suppression hides (made for this query's result
    ///     columns by the caller), `nil` when nothing is suppressed.
    /// - Returns: the review, with the state to record.
    public static func review(
        _ outcome: QueryOutcome, tenant: String, run: Date, previous: QueryState?, suppressor: RowSuppressor? = nil
    ) -> FindingReview {
        let query = outcome.query.query
        guard case .success(let result) = outcome.result else {
            let state = QueryState(tenant: tenant, query: query.id, run: run, status: .failed, errorKind: outcome.error?.kind.rawValue)
            return FindingReview(
                keyColumns: nil, rowKeys: [], isNew: [], firstSeen: [], suppressed: [], resolved: [], comparedWith: nil,
                lastSuccess: previous, newFindings: 0, resolvedUnknown: false, state: state)
        }
        let table = result.table
        let columns = FindingKeyColumns(table: table, declared: query.metadata.keys)
        let known = Dictionary((previous?.findings ?? []).map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var rowKeys: [String] = []
        var isNew: [Bool] = []
        var firstSeen: [Date] = []
        var suppressed: [SuppressedRow] = []
        var recorded: [RecordedFinding] = []
        var seen: Set<String> = []
        var newKeys: Set<String> = []
        rowKeys.reserveCapacity(table.rowCount)
        isNew.reserveCapacity(table.rowCount)
        firstSeen.reserveCapacity(table.rowCount)
        for row in 0..<table.rowCount {
            let key = columns.key(table, row: row)
            let before = known[key]
            rowKeys.append(key)
            isNew.append(before == nil)
            firstSeen.append(before?.firstSeen ?? run)
            var hidden = false
            if let suppressor, let match = suppressor(key, { CellText.plain(table.columns[$0][row]) }) {
                suppressed.append(SuppressedRow(row: row, suppression: match))
                hidden = true
            }
            if !hidden, before == nil { newKeys.insert(key) }
            if seen.insert(key).inserted {
                recorded.append(RecordedFinding(key: key, firstSeen: before?.firstSeen ?? run, values: columns.values(table, row: row)))
            }
        }
        var resolved: [RecordedFinding] = []
        if result.truncated {
            // Rows past the cap are unknown: keep last night's findings rather than call them gone.
            recorded += (previous?.findings ?? []).filter { !seen.contains($0.key) }
        } else {
            resolved = (previous?.findings ?? []).filter { !seen.contains($0.key) }
        }
        let state = QueryState(
            tenant: tenant, query: query.id, run: run, status: .succeeded, keyColumns: columns.names, findings: recorded)
        return FindingReview(
            keyColumns: columns, rowKeys: rowKeys, isNew: isNew, firstSeen: firstSeen, suppressed: suppressed, resolved: resolved,
            comparedWith: previous?.run, lastSuccess: nil, newFindings: newKeys.count, resolvedUnknown: result.truncated && previous != nil,
            state: state)
    }
}
