import Foundation
import Hunting
import KQL
import Testing
import TestSupport

@testable import HuntingReports

/// Finding keys, the state directory and the review of a result against the last run.
@Suite struct FindingHistoryTests {
    static let schema: [(name: String, type: KQLScalarType)] = [
        ("Timestamp", .datetime), ("DeviceName", .string), ("AccountName", .string), ("Count", .long),
    ]

    static func table(_ rows: [(String, String, Int64)], day: Int = 23) -> KQLTable {
        KQLTable(schema: schema, rows: rows.enumerated().map { index, row in
            [.datetime(KQLDateTime(year: 2026, month: 11, day: day, hour: index % 24)!), .string(row.0), .string(row.1), .long(row.2)]
        })
    }

    static let query = ReportFixture.query("execution/x.kql", "// @title: X\nDeviceProcessEvents | take 1\n")
    static let keyed = ReportFixture.query("execution/keyed.kql", "// @title: Keyed\n// @keys: DeviceName, AccountName\nDeviceProcessEvents | take 1\n")
    static let night1 = Date(timeIntervalSince1970: 1_796_000_000)
    static let night2 = night1.addingTimeInterval(86_400)

    static func outcome(_ query: HuntingQuery, _ table: KQLTable, truncated: Bool = false) -> QueryOutcome {
        ReportFixture.outcome(query, .success(HuntingResult(table: table, truncated: truncated)), offset: 0)
    }

    @Test func defaultKeysSkipTimestampsAndDeclaredKeysWin() {
        let table = Self.table([("pc-1", "alice", 3)])
        let plain = FindingKeyColumns(table: table, declared: [])
        #expect(plain.names == ["DeviceName", "AccountName", "Count"])
        #expect(plain.note == nil)
        let declared = FindingKeyColumns(table: table, declared: ["devicename", "AccountName"])
        #expect(declared.names == ["DeviceName", "AccountName"])
        let missing = FindingKeyColumns(table: table, declared: ["DeviceName", "RemoteIP"])
        #expect(missing.names == ["DeviceName", "AccountName", "Count"])
        #expect(missing.note?.contains("'RemoteIP'") == true)
    }

    @Test func keysAreStableAndIgnoreTimestamps() {
        let a = Self.table([("pc-1", "alice", 3)], day: 22)
        let b = Self.table([("pc-1", "alice", 3)], day: 23)
        let c = Self.table([("pc-1", "alice", 4)], day: 23)
        let columns = FindingKeyColumns(table: a, declared: [])
        #expect(columns.key(a, row: 0) == columns.key(b, row: 0))
        #expect(columns.key(a, row: 0) != columns.key(c, row: 0))
        #expect(columns.key(a, row: 0).count == 16)
        // The separators keep ("ab", "c") and ("a", "bc") apart.
        let x = KQLTable(schema: [("A", .string), ("B", .string)], rows: [[.string("ab"), .string("c")], [.string("a"), .string("bc")]])
        let xColumns = FindingKeyColumns(table: x, declared: [])
        #expect(xColumns.key(x, row: 0) != xColumns.key(x, row: 1))
    }

    @Test func stateRoundTripsThroughItsFile() throws {
        let state = QueryState(
            tenant: "contoso", query: "execution/x", run: Self.night1, status: .succeeded, keyColumns: ["DeviceName", "Account\"Name"],
            findings: [
                RecordedFinding(key: "00112233445566aa", firstSeen: Self.night1, values: ["pc-1", "line\nbreak \u{1} <tag>\ttab \\ \r"]),
                RecordedFinding(key: "ffeeddccbbaa9988", firstSeen: Self.night1.addingTimeInterval(-3600), values: ["", "é"]),
            ])
        let decoded = try QueryState.decode(Data(state.encoded()), path: "x.state")
        #expect(decoded == state)
        let failed = QueryState(tenant: "t", query: "q", run: Self.night2, status: .failed, errorKind: "timeout")
        #expect(try QueryState.decode(Data(failed.encoded()), path: "y.state") == failed)
        #expect(throws: StateError.self) { try QueryState.decode(Data("{\"formatVersion\":99}".utf8), path: "z.state") }
        #expect(throws: StateError.self) { try QueryState.decode(Data("hunt-state\t2\ntenant\tt\n".utf8), path: "z.state") }
        #expect(throws: StateError.self) { try QueryState.decode(Data(), path: "z.state") }
        // Tabs, line breaks and backslashes in values are escaped: one line per record.
        let text = String(decoding: state.encoded(), as: UTF8.self)
        #expect(text.split(separator: "\n").count == 8)
        #expect(text.contains("line\\nbreak"))
    }

    @Test func storeFindsTheLastSuccessAndPrunes() throws {
        let folder = try TemporaryFolder()
        let store = FindingStateStore(directory: URL(fileURLWithPath: folder.path + "/state"))
        let success = QueryState(tenant: "contoso", query: "execution/x", run: Self.night1, status: .succeeded, keyColumns: ["A"],
            findings: [RecordedFinding(key: "k1", firstSeen: Self.night1, values: ["v"])])
        try store.record(success)
        try store.record(QueryState(tenant: "contoso", query: "execution/x", run: Self.night2, status: .failed, errorKind: "timeout"))
        // A failed night is skipped: the comparison is with the last success.
        #expect(store.lastSuccess(tenant: "contoso", query: "execution/x") == success)
        #expect(store.lastSuccess(tenant: "other", query: "execution/x") == nil)
        // Runs at or after `before` are not "previous".
        #expect(store.lastSuccess(tenant: "contoso", query: "execution/x", before: Self.night1) == nil)
        // One file per query and run, under tenant and query folders.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/state/contoso/execution+x").sorted()
        #expect(files.count == 2)
        #expect(files.allSatisfy { $0.hasSuffix("Z.state") })

        // Pruning keeps `keep` files and always the newest success.
        for day in 2...6 {
            try store.record(
                QueryState(tenant: "contoso", query: "execution/x", run: Self.night1.addingTimeInterval(Double(day) * 86_400), status: .failed),
                keep: 3)
        }
        let kept = store.files(tenant: "contoso", query: "execution/x")
        #expect(kept.count == 4)
        #expect(store.lastSuccess(tenant: "contoso", query: "execution/x") == success)
    }

    @Test func aDamagedStateFileIsReportedAndSkipped() throws {
        let folder = try TemporaryFolder()
        let store = FindingStateStore(directory: URL(fileURLWithPath: folder.path))
        let good = QueryState(tenant: "t", query: "q", run: Self.night1, status: .succeeded)
        try store.record(good)
        try folder.write("t/q/" + FindingStateStore.fileName(Self.night2), "{ not json")
        var problems: [StateError] = []
        #expect(store.lastSuccess(tenant: "t", query: "q") { problems.append($0) } == good)
        #expect(problems.count == 1)
        #expect(problems.first?.description.contains("not a hunt state file") == true)
    }

    @Test func componentsAreSafeAndDistinct() {
        #expect(FindingStateStore.component("execution/encoded-powershell") == "execution+encoded-powershell")
        #expect(FindingStateStore.component("../etc") == "%2E.+etc")
        #expect(FindingStateStore.component("a+b") != FindingStateStore.component("a/b"))
        #expect(FindingStateStore.component("") == "%")
    }

    @Test func firstRunMarksEveryRowNew() {
        let outcome = Self.outcome(Self.query, Self.table([("pc-1", "alice", 1), ("pc-2", "bob", 1), ("pc-1", "alice", 1)]))
        let review = FindingReview.review(outcome, tenant: "t", run: Self.night1, previous: nil)
        #expect(review.isNew == [true, true, true])
        #expect(review.newFindings == 2)  // two distinct keys
        #expect(review.comparedWith == nil)
        #expect(review.state.findings.count == 2)
        #expect(review.resolved.isEmpty)
    }

    @Test func secondRunMarksOnlyTheNewRowAndListsTheResolvedOne() {
        let first = FindingReview.review(
            Self.outcome(Self.keyed, Self.table([("pc-1", "alice", 1), ("pc-2", "bob", 1)])), tenant: "t", run: Self.night1, previous: nil)
        // Counts change (not a key column); pc-2/bob is gone; pc-3/carol is new.
        let second = FindingReview.review(
            Self.outcome(Self.keyed, Self.table([("pc-1", "alice", 7), ("pc-3", "carol", 1)])), tenant: "t", run: Self.night2,
            previous: first.state)
        #expect(second.isNew == [false, true])
        #expect(second.newFindings == 1)
        #expect(second.resolved.map(\.values) == [["pc-2", "bob"]])
        #expect(second.comparedWith == Self.night1)
        #expect(second.firstSeen == [Self.night1, Self.night2])
        #expect(second.state.findings.first { $0.values == ["pc-1", "alice"] }?.firstSeen == Self.night1)
    }

    @Test func suppressedRowsLeaveTheCountsAndAreListed() {
        let note = SuppressionNote(
            query: "execution/*", tenant: nil, what: "AccountName = bob", reason: "known", owner: "alice", expires: Self.night2,
            expiresText: "2026-12-01", location: "s.json:3:5")
        let suppressor: RowSuppressor = { _, cell in cell(2) == "bob" ? note : nil }
        let review = FindingReview.review(
            Self.outcome(Self.query, Self.table([("pc-1", "alice", 1), ("pc-2", "bob", 1)])), tenant: "t", run: Self.night1, previous: nil,
            suppressor: suppressor)
        #expect(review.suppressed.map(\.row) == [1])
        #expect(review.shownRows == [0])
        #expect(review.newFindings == 1)
        // Suppressed findings are still remembered, so they are not "new" once the suppression expires.
        #expect(review.state.findings.count == 2)
    }

    @Test func aTruncatedResultResolvesNothingAndKeepsUnseenFindings() {
        let first = FindingReview.review(
            Self.outcome(Self.query, Self.table([("pc-1", "alice", 1), ("pc-2", "bob", 1)])), tenant: "t", run: Self.night1, previous: nil)
        let second = FindingReview.review(
            Self.outcome(Self.query, Self.table([("pc-1", "alice", 1)]), truncated: true), tenant: "t", run: Self.night2, previous: first.state)
        #expect(second.resolved.isEmpty)
        #expect(second.resolvedUnknown)
        #expect(second.state.findings.count == 2)
    }

    @Test func aFailedQueryKeepsItsLastSuccess() {
        let first = FindingReview.review(
            Self.outcome(Self.query, Self.table([("pc-1", "alice", 1)])), tenant: "t", run: Self.night1, previous: nil)
        let failed = ReportFixture.outcome(Self.query, .failure(HuntingError(.timeout, "took too long")), offset: 0)
        let review = FindingReview.review(failed, tenant: "t", run: Self.night2, previous: first.state)
        #expect(review.lastSuccess == first.state)
        #expect(review.state.status == .failed)
        #expect(review.state.errorKind == "timeout")
        #expect(review.newFindings == 0)
        #expect(review.resolved.isEmpty)
    }
}
