import Foundation
import KQL
import Testing
import TestSupport

@testable import HuntingReports

private func list(_ text: String) throws(SuppressionFileError) -> SuppressionList {
    try SuppressionList.parse(Array(text.utf8), path: "suppressions.json")
}

private func problems(_ text: String) -> [String] {
    do {
        _ = try list(text)
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

/// `2027-01-31T23:59:59Z` as a `Date`.
private func instant(_ text: String) -> Date {
    Date(timeIntervalSince1970: LiteralSyntax.parseDateTime(text)!.unixSeconds)
}

/// An entry with the required keys, plus `extra` (`"key": "k"` or `"match": {…}`).
private func entry(_ extra: String, query: String = "q/*", expires: String = "2099-01-01") -> String {
    #"{"query": "\#(query)", \#(extra), "reason": "known", "owner": "sec", "expires": "\#(expires)"}"#
}

@Suite("Suppressions")
struct SuppressionTests {
    static let sample = """
        { "suppressions": [
          { "query": "execution/encoded-powershell", "key": "3f2a9c1e0b7d4c55", "reason": "SCCM client runs this nightly", "owner": "alice@contoso.com", "expires": "2027-01-31" },
          { "query": "persistence/*", "tenant": "contoso", "match": { "DeviceName": "build-07*", "AccountName": "svc_deploy" }, "reason": "Build agents", "owner": "bob@contoso.com", "expires": "2027-03-01T00:00:00Z" }
        ]}
        """
    static let now = instant("2027-01-15T00:00:00Z")

    // MARK: parsing

    @Test func readsTheObjectShape() throws {
        let suppressions = try list(Self.sample).suppressions
        #expect(suppressions.count == 2)
        let first = suppressions[0]
        #expect(first.query == "execution/encoded-powershell")
        #expect(first.key == "3f2a9c1e0b7d4c55")
        #expect(first.match.isEmpty)
        #expect(first.tenant == nil)
        #expect(first.reason == "SCCM client runs this nightly")
        #expect(first.owner == "alice@contoso.com")
        #expect(first.expiresText == "2027-01-31")
        #expect(first.expires == instant("2027-02-01T00:00:00Z"))
        #expect(first.locationText == "suppressions.json:2:3")
        #expect(first.what == "key 3f2a9c1e0b7d4c55")
        let second = suppressions[1]
        #expect(second.tenant == "contoso")
        #expect(second.key == nil)
        #expect(second.match == [.init(column: "DeviceName", pattern: "build-07*"), .init(column: "AccountName", pattern: "svc_deploy")])
        #expect(second.expires == instant("2027-03-01T00:00:00Z"))
        #expect(second.location.description == "3:3")
        #expect(second.what == "DeviceName = build-07*, AccountName = svc_deploy")
    }

    @Test func readsTheBareArrayShape() throws {
        let suppressions = try list("[\(entry(#""key": "ab""#)), \(entry(#""match": {"A": "*"}"#))]").suppressions
        #expect(suppressions.map(\.query) == ["q/*", "q/*"])
        #expect(try list("[]").suppressions.isEmpty)
        #expect(try list(#"{"suppressions": []}"#).suppressions.isEmpty)
    }

    @Test func readsDatetimesWithTheirZone() throws {
        let suppressions = try list("[\(entry(#""key": "a""#, expires: "2027-01-31T18:00:00+02:00")), \(entry(#""key": "b""#, expires: "2027-01-31T18:00:00.5Z"))]").suppressions
        #expect(suppressions[0].expires == instant("2027-01-31T16:00:00Z"))
        #expect(suppressions[1].expires == instant("2027-01-31T18:00:00.5Z"))
    }

    typealias Case = JSONErrorCase

    static let cases: [Case] = [
        Case(
            name: "unknown key", json: #"[{"query": "q", "key": "k", "reasons": "r", "owner": "o", "expires": "2027-01-01"}]"#,
            expected: [
                "suppressions.json:1:2: error: [0]: missing 'reason', which is required",
                "suppressions.json:1:29: error: unknown key 'reasons' in [0]; did you mean 'reason'?",
            ]),
        Case(
            name: "unknown top-level key", json: #"{"suppression": []}"#,
            expected: [
                "suppressions.json:1:1: error: missing 'suppressions', which is required",
                "suppressions.json:1:2: error: unknown key 'suppression' at the top level; did you mean 'suppressions'?",
            ]),
        Case(
            name: "wrong top-level type", json: #""none""#,
            expected: [#"suppressions.json:1:1: error: expected an object {"suppressions": [...]} or an array of suppressions, found a string"#]),
        Case(
            name: "wrong type", json: #"{"suppressions": [{"query": 7, "key": "k", "reason": "r", "owner": "o", "expires": "2027-01-01"}]}"#,
            expected: ["suppressions.json:1:29: error: suppressions[0].query: expected a string, found a number"]),
        Case(
            name: "missing keys", json: "[\n  {\"query\": \"q\", \"key\": \"k\"}\n]",
            expected: [
                "suppressions.json:2:3: error: [0]: missing 'reason', which is required",
                "suppressions.json:2:3: error: [0]: missing 'owner', which is required",
                "suppressions.json:2:3: error: [0]: missing 'expires', which is required",
            ]),
        Case(
            name: "empty reason", json: #"[{"query": "q", "key": "k", "reason": "", "owner": "o", "expires": "2027-01-01"}]"#,
            expected: ["suppressions.json:1:39: error: [0].reason: must not be empty"]),
        Case(
            name: "key and match", json: #"[{"query": "q", "key": "k", "match": {"A": "b"}, "reason": "r", "owner": "o", "expires": "2027-01-01"}]"#,
            expected: ["suppressions.json:1:29: error: [0].match: give either 'key' (one finding) or 'match' (rows by column), not both"]),
        Case(
            name: "neither key nor match", json: #"[{"query": "q", "reason": "r", "owner": "o", "expires": "2027-01-01"}]"#,
            expected: ["suppressions.json:1:2: error: [0]: say which rows it hides: 'key' (a finding key from the report) or 'match' (column patterns)"]),
        Case(
            name: "empty match", json: #"[{"query": "q", "match": {}, "reason": "r", "owner": "o", "expires": "2027-01-01"}]"#,
            expected: [#"suppressions.json:1:26: error: [0].match: list at least one column, such as {"DeviceName": "build-*"}"#]),
        Case(
            name: "pattern not a string", json: #"[{"query": "q", "match": {"Port": 3389}, "reason": "r", "owner": "o", "expires": "2027-01-01"}]"#,
            expected: ["suppressions.json:1:35: error: [0].match.Port: expected a string, found a number"]),
        Case(
            name: "impossible date", json: "[\(entry(#""key": "k""#, expires: "2027-02-30"))]",
            expected: ["suppressions.json:1:77: error: [0].expires: expected a date such as 2027-01-31 (through the end of that day, UTC) or a datetime with a zone such as 2027-01-31T18:00:00Z, found '2027-02-30'"]),
        Case(
            name: "datetime without a zone", json: "[\(entry(#""key": "k""#, expires: "2027-01-31T18:00:00"))]",
            expected: ["suppressions.json:1:77: error: [0].expires: expected a date such as 2027-01-31 (through the end of that day, UTC) or a datetime with a zone such as 2027-01-31T18:00:00Z, found '2027-01-31T18:00:00'"]),
        Case(
            name: "words for a date", json: "[\(entry(#""key": "k""#, expires: "next month"))]",
            expected: ["suppressions.json:1:77: error: [0].expires: expected a date such as 2027-01-31 (through the end of that day, UTC) or a datetime with a zone such as 2027-01-31T18:00:00Z, found 'next month'"]),
        Case(
            name: "JSON syntax", json: "[\n  {\"query\": \"q\",}\n]",
            expected: ["suppressions.json:2:16: error: trailing comma before '}'; remove it (JSON allows none)"]),
        Case(
            name: "several problems together",
            json: """
                {"suppressions": [
                  {"query": "a", "key": "k", "reason": "r", "owner": "o", "expires": "soon"},
                  {"query": "b", "key": 5, "reason": "r", "owner": "o", "expires": "2027-01-01", "tenat": "x"},
                  {"query": "c", "match": {"A": "x"}, "reason": "r", "owner": "o", "expires": "2027-01-01"}
                ]}
                """,
            expected: [
                "suppressions.json:2:70: error: suppressions[0].expires: expected a date such as 2027-01-31 (through the end of that day, UTC) or a datetime with a zone such as 2027-01-31T18:00:00Z, found 'soon'",
                "suppressions.json:3:25: error: suppressions[1].key: expected a string, found a number",
                "suppressions.json:3:82: error: unknown key 'tenat' in suppressions[1]; did you mean 'tenant'?",
            ]),
    ]

    @Test(arguments: cases)
    func reportsEachProblemWhereItIs(_ test: Case) {
        #expect(problems(test.json) == test.expected)
    }

    @Test func aMissingFileSaysSo() {
        let url = URL(fileURLWithPath: "/nonexistent/suppressions.json")
        #expect {
            _ = try SuppressionList.load(from: url)
        } throws: { error in
            (error as? SuppressionFileError)?.description
                == "/nonexistent/suppressions.json: error: the suppressions file does not exist; check the path, or remove the setting to run without suppressions"
        }
    }

    @Test func loadsAFile() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("s.json", Self.sample)
        let loaded = try SuppressionList.load(from: URL(fileURLWithPath: path))
        #expect(loaded.suppressions.count == 2)
        #expect(loaded.suppressions[0].path == path)
    }

    // MARK: matching

    @Test(arguments: [
        ("*", "anything/at-all", true),
        ("persistence/*", "persistence/run-keys", true),
        ("persistence/*", "persistence/", true),
        ("persistence/*", "execution/persistence/x", false),
        ("*powershell*", "execution/encoded-powershell", true),
        ("*powershell*", "powershell", true),
        ("*powershell*", "execution/pwsh", false),
        ("execution/encoded-powershell", "Execution/Encoded-PowerShell", true),
        ("execution/encoded-powershell", "execution/encoded-powershell-2", false),
        ("a*b*c", "abc", true),
        ("a*b*c", "a-c-b-c", true),
        ("a*b*c", "acb", false),
        ("ab*ba", "aba", false),
    ])
    func queryPatterns(pattern: String, id: String, matches: Bool) {
        let suppression = Suppression(query: pattern, key: "k", reason: "r", owner: "o", expires: .distantFuture, expiresText: "")
        #expect(suppression.applies(toQuery: id, tenant: nil) == matches)
    }

    @Test func keysCompareIgnoringCase() throws {
        let rules = try list("[\(entry(#""key": "3F2A9C1E0B7D4C55""#))]").rules(forQuery: "q/x", tenant: nil, columns: [], at: Self.now)
        #expect(rules.count == 1)
        #expect(rules.match(key: "3f2a9c1e0b7d4c55") { _ in "" }?.key == "3F2A9C1E0B7D4C55")
        #expect(rules.match(key: "3F2A9C1E0B7D4C55") { _ in "" } != nil)
        #expect(rules.match(key: "3f2a9c1e0b7d4c56") { _ in "" } == nil)
        #expect(rules.match(key: "3f2a9c1e0b7d4c5") { _ in "" } == nil)  // exact, not a prefix
    }

    @Test func columnPatternsCompareDisplayTextIgnoringCase() throws {
        let text = "[\(entry(#""match": {"DeviceName": "BUILD-07*", "AccountName": "svc_deploy", "Folder": "*\\temp\\*", "City": "zürich"}"#))]"
        let rules = try list(text).rules(forQuery: "q/x", tenant: nil, columns: ["Timestamp", "DeviceName", "AccountName", "Folder", "City"], at: Self.now)
        func row(_ device: String, _ account: String, _ folder: String = "C:\\Temp\\x", _ city: String = "Zürich") -> Suppression? {
            let cells = ["2027-01-01", device, account, folder, city]
            return rules.match(key: "nokey") { cells[$0] }
        }
        #expect(row("build-07.contoso.com", "SVC_DEPLOY") != nil)
        #expect(row("Build-07", "svc_deploy") != nil)
        #expect(row("build-08", "svc_deploy") == nil)
        #expect(row("build-07", "svc_deploy2") == nil)  // every column must match, whole text
        #expect(row("build-07", "svc_deploy", "C:\\Windows\\x") == nil)
        #expect(row("build-07", "svc_deploy", "C:\\TEMP\\x", "ZÜRICH") != nil)
        #expect(row("build-07", "svc_deploy", "C:\\Temp\\x", "Zurich") == nil)
    }

    @Test func aKeySuppressionWinsOverAMatchOne() throws {
        let text = "[\(entry(#""match": {"A": "*"}"#)), \(entry(#""key": "k1""#))]"
        let rules = try list(text).rules(forQuery: "q/x", tenant: nil, columns: ["A"], at: Self.now)
        #expect(rules.match(key: "k1") { _ in "v" }?.key == "k1")
        #expect(rules.match(key: "k2") { _ in "v" }?.match.first?.column == "A")
    }

    @Test func theTenantFilterLimitsASuppression() throws {
        let suppressions = try list(Self.sample)
        let columns = ["DeviceName", "AccountName"]
        let cells = ["build-07", "svc_deploy"]
        for (tenant, expected) in [("contoso", 1), ("CONTOSO", 1), ("fabrikam", 0)] {
            let rules = suppressions.rules(forQuery: "persistence/run-keys", tenant: tenant, columns: columns, at: Self.now)
            #expect(rules.count == expected, "\(tenant)")
            #expect((rules.match(key: "x") { cells[$0] } != nil) == (expected == 1))
        }
        // A run without named tenants cannot satisfy a tenant filter.
        #expect(suppressions.rules(forQuery: "persistence/run-keys", tenant: nil, columns: columns, at: Self.now).isEmpty)
        // A suppression without a tenant applies in every tenant.
        #expect(suppressions.rules(forQuery: "execution/encoded-powershell", tenant: "fabrikam", columns: [], at: Self.now).count == 1)
    }

    @Test func aColumnTheResultLacksNeverMatches() throws {
        let suppressions = try list(Self.sample)
        let rules = suppressions.rules(forQuery: "persistence/run-keys", tenant: "contoso", columns: ["DeviceName", "Timestamp"], at: Self.now)
        #expect(rules.isEmpty)
        // A column spelled in another case is found when the result has no exact one.
        let other = suppressions.rules(forQuery: "persistence/run-keys", tenant: "contoso", columns: ["devicename", "accountname"], at: Self.now)
        #expect(other.match(key: "x") { ["BUILD-07", "svc_deploy"][$0] } != nil)
    }

    @Test func aDateLastsThroughTheEndOfThatDay() throws {
        let suppressions = try list(Self.sample)
        let first = suppressions.suppressions[0]
        #expect(!first.isExpired(at: instant("2027-01-31T23:59:59Z")))
        #expect(first.isExpired(at: instant("2027-02-01T00:00:00Z")))
        let lastSecond = suppressions.rules(forQuery: "execution/encoded-powershell", tenant: nil, columns: [], at: instant("2027-01-31T23:59:59Z"))
        #expect(lastSecond.match(key: "3f2a9c1e0b7d4c55") { _ in "" } != nil)
        let nextDay = suppressions.rules(forQuery: "execution/encoded-powershell", tenant: nil, columns: [], at: instant("2027-02-01T00:00:00Z"))
        #expect(nextDay.isEmpty)
        #expect(suppressions.expired(at: instant("2027-01-31T23:59:59Z")).isEmpty)
        #expect(suppressions.expired(at: instant("2027-02-01T00:00:00Z")).map(\.query) == ["execution/encoded-powershell"])
        // A datetime ends at that instant.
        let second = suppressions.suppressions[1]
        #expect(!second.isExpired(at: instant("2027-02-28T23:59:59Z")))
        #expect(second.isExpired(at: instant("2027-03-01T00:00:00Z")))
        #expect(suppressions.expired(at: instant("2027-03-01T00:00:00Z")).count == 2)
    }

    @Test func asksForEachCellAtMostOncePerRow() throws {
        let text = "[\(entry(#""match": {"A": "x", "B": "nope"}"#)), \(entry(#""match": {"A": "x", "B": "y"}"#))]"
        let rules = try list(text).rules(forQuery: "q/1", tenant: nil, columns: ["A", "B"], at: Self.now)
        var asked: [Int] = []
        let found = rules.match(key: "k") { index in
            asked.append(index)
            return ["x", "y"][index]
        }
        #expect(found?.match.last?.pattern == "y")
        #expect(asked.sorted() == [0, 1])
    }

    @Test func filtersManyRowsWithColumnsResolvedOnce() throws {
        let text = "[\(entry(#""match": {"DeviceName": "build-*", "AccountName": "svc_*"}"#)), \(entry(#""match": {"FileName": "*.tmp"}"#)), \(entry(#""key": "row-7""#))]"
        let rules = try list(text).rules(forQuery: "q/1", tenant: nil, columns: ["DeviceName", "AccountName", "FileName"], at: Self.now)
        var hidden = 0
        for row in 0..<100_000 {
            let cells = ["\(row % 3 == 0 ? "build" : "desk")-\(row)", row % 2 == 0 ? "svc_x" : "alice", row % 10 == 0 ? "a.TMP" : "a.exe"]
            if rules.match(key: "row-\(row)", cell: { cells[$0] }) != nil { hidden += 1 }
        }
        // Multiples of 6 (build and svc), plus multiples of 10 not of 6, plus row 7.
        let expected = (0..<100_000).filter { $0 % 6 == 0 || $0 % 10 == 0 || $0 == 7 }.count
        #expect(hidden == expected)
    }

    @Test func becomesTheReportsRowFilter() throws {
        let suppressions = try list(Self.sample)
        let note = suppressions.suppressions[1].note
        #expect(note.location == "suppressions.json:3:3")
        #expect(note.what == "DeviceName = build-07*, AccountName = svc_deploy")
        #expect(note.expiresText == "2027-03-01T00:00:00Z")
        let rules = suppressions.rules(forQuery: "execution/encoded-powershell", tenant: nil, columns: [], at: Self.now)
        let suppressor = try #require(rules.rowSuppressor)
        #expect(suppressor("3f2a9c1e0b7d4c55") { _ in "" }?.reason == "SCCM client runs this nightly")
        #expect(suppressions.rules(forQuery: "other", tenant: nil, columns: [], at: Self.now).rowSuppressor == nil)
    }
}
