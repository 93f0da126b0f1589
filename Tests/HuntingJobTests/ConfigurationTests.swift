import Foundation
import Glibc
import Hunting
import HuntingReports
import KQL
import Testing
import TestSupport

@testable import HuntingJob

private func configuration(_ text: String, path: String = "hunt.json", environment: [String: String] = [:]) throws(ConfigurationError) -> HuntConfiguration {
    try HuntConfiguration.parse(text: text, path: path, environment: environment)
}

/// The problems a configuration has, one `path:line:col: error: message` per line.
private func problems(_ text: String, environment: [String: String] = [:]) -> [String] {
    do {
        _ = try configuration(text, environment: environment)
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

@Suite("hunt.json configuration")
struct ConfigurationTests {
    static let complete = """
        {
          "queries": ["Queries"],
          "templates": "Templates",
          "state": ".hunt/state",
          "suppressions": "suppressions.json",
          "backend": "graph",
          "parameters": { "lookback": "3d", "maxRows": 100 },
          "queryOverrides": {
            "execution/encoded-powershell": { "parameters": { "lookback": "1d" }, "enabled": false, "timespan": "P7D" }
          },
          "concurrency": { "width": 4, "callsPerMinute": 45, "callsPerHour": 1500, "queryTimeout": 600, "runDeadline": 3600 },
          "output": { "formats": ["html", "markdown", "csv", "json"], "rows": 500, "csvBom": false, "title": "Nightly hunting report" },
          "publish": { "directory": "/mnt/hunting-reports", "latest": "copy", "retention": 30 },
          "tenants": [
            {
              "name": "contoso",
              "id": "contoso.onmicrosoft.com",
              "cloud": "global",
              "clientId": "11111111-1111-4111-8111-111111111111",
              "credential": "secret",
              "secret": { "env": "CONTOSO_HUNT_SECRET" },
              "certificate": "/etc/hunt/contoso.pem",
              "username": "hunter@contoso.com", "password": { "env": "CONTOSO_PASSWORD" },
              "tokenCache": "/var/lib/hunt/contoso.token",
              "backend": "graph",
              "region": "eu", "beta": false,
              "tables": "SampleTables", "now": "2026-11-24T00:00:00Z",
              "width": 4, "callsPerMinute": 45
            }
          ],
          "retention": { "stateRuns": 30 }
        }
        """

    // MARK: reading

    @Test func readsTheCompleteExample() throws {
        let c = try configuration(Self.complete, path: "/etc/hunt/hunt.json")
        #expect(c.path == "/etc/hunt/hunt.json")
        #expect(c.queries == ["/etc/hunt/Queries"])
        #expect(c.templates == "/etc/hunt/Templates")
        #expect(c.state == "/etc/hunt/.hunt/state")
        #expect(c.suppressions == "/etc/hunt/suppressions.json")
        #expect(c.backend == .graph)
        #expect(c.parameters == ["lookback": .string("3d"), "maxRows": .number(JSONNumber(text: "100"))])
        let override = try #require(c.queryOverrides["execution/encoded-powershell"])
        #expect(override.parameters == ["lookback": .string("1d")])
        #expect(override.enabled == false)
        #expect(override.timespan == .days(7))
        #expect(c.concurrency == ConcurrencySettings(width: 4, callsPerMinute: 45, callsPerHour: 1500, queryTimeout: 600, runDeadline: 3600))
        #expect(c.output == OutputSettings(formats: [.html, .markdown, .csv, .json], rows: 500, csvBom: false, title: "Nightly hunting report"))
        #expect(c.publish == PublishConfiguration(directory: "/mnt/hunting-reports", latest: .copy, retention: 30))
        #expect(c.retention.stateRuns == 30)
        #expect(c.tenants.count == 1)
        let t = try #require(c.tenants.first)
        #expect(t.name == "contoso")
        #expect(t.id == "contoso.onmicrosoft.com")
        #expect(t.cloud == .global)
        #expect(t.clientId == "11111111-1111-4111-8111-111111111111")
        #expect(t.credential == .clientSecret)
        #expect(t.secret == .environment("CONTOSO_HUNT_SECRET"))
        #expect(t.certificate == "/etc/hunt/contoso.pem")
        #expect(t.username == "hunter@contoso.com")
        #expect(t.password == .environment("CONTOSO_PASSWORD"))
        #expect(t.tokenCache == "/var/lib/hunt/contoso.token")
        #expect(t.backend == .graph)
        #expect(t.region == "eu")
        #expect(t.beta == false)
        #expect(t.tables == "/etc/hunt/SampleTables")
        #expect(t.now == KQLDateTime(year: 2026, month: 11, day: 24))
        #expect(t.width == 4)
        #expect(t.callsPerMinute == 45)
        #expect(t.location?.description == "15:5")
        // Valid, but settings this tenant's sign-in and backend do not use are pointed out.
        #expect(c.warnings.map(\.description) == [
            "/etc/hunt/hunt.json:22:7: warning: tenants[0].certificate: not used by the secret sign-in",
            "/etc/hunt/hunt.json:23:7: warning: tenants[0].username: not used by the secret sign-in",
            "/etc/hunt/hunt.json:23:41: warning: tenants[0].password: not used by the secret sign-in",
            "/etc/hunt/hunt.json:24:7: warning: tenants[0].tokenCache: not used by the secret sign-in",
            "/etc/hunt/hunt.json:26:7: warning: tenants[0].region: only the defender backend uses a region; this tenant uses graph",
            "/etc/hunt/hunt.json:27:7: warning: tenants[0].tables: only the local backend reads it; this tenant uses graph",
            "/etc/hunt/hunt.json:27:33: warning: tenants[0].now: only the local backend reads it; this tenant uses graph",
        ])
        #expect(c.parameterValues(forQuery: "execution/encoded-powershell", declared: ["lookback", "maxRows"]) == ["lookback": "1d", "maxRows": "100"])
        #expect(c.parameterValues(forQuery: "other", declared: ["lookback"]) == ["lookback": "3d"])
    }

    @Test func defaultsWithoutAFile() throws {
        let c = try HuntConfiguration.defaults(environment: [:])
        #expect(c.path == nil)
        #expect(c.queries == ["Queries"])
        #expect(c.state == ".hunt/state")
        #expect(c.templates == nil && c.suppressions == nil)
        #expect(c.backend == .graph)
        #expect(c.concurrency == ConcurrencySettings())
        #expect(c.output.formats == Set(ReportFormat.allCases))
        #expect(c.publish == PublishConfiguration())
        #expect(c.tenants.isEmpty)
        let empty = try configuration("{}", path: "conf/hunt.json")
        #expect(empty.queries == ["conf/Queries"])
        #expect(empty.state == "conf/.hunt/state")
    }

    @Test func relativePathsFollowTheFile() throws {
        let text = #"{"queries": ["Queries", "/abs/More"], "publish": {"directory": "out"}}"#
        #expect(try configuration(text, path: "hunt.json").queries == ["Queries", "/abs/More"])
        #expect(try configuration(text, path: "./hunt.json").publish.directory == "./out")
        #expect(try configuration(text, path: "/srv/hunt/hunt.json").queries == ["/srv/hunt/Queries", "/abs/More"])
        #expect(try configuration(#"{"queries": "One"}"#, path: "/a/hunt.json").queries == ["/a/One"])
    }

    @Test func readsEachTenantShape() throws {
        let text = """
            {
              "backend": "local",
              "tenants": [
                {"name": "lab"},
                {"name": "gov", "backend": "defender", "region": "US", "cloud": "gcc-high", "id": "t", "credential": "managed-identity"},
                {"name": "cli", "credential": "azure-cli", "backend": "https://hunt.example.net/"},
                {"name": "dev", "credential": "device-code", "id": "t", "clientId": "11111111-1111-4111-8111-111111111111", "backend": "graph", "tokenCache": "t.token"},
                {"name": "pem", "id": "t", "clientId": "11111111-1111-4111-8111-111111111111", "certificate": "c.pem", "backend": "http://127.0.0.1:8080"}
              ]
            }
            """
        let c = try configuration(text, path: "/h/hunt.json")
        #expect(c.tenants.map(\.name) == ["lab", "gov", "cli", "dev", "pem"])
        #expect(c.backend(for: c.tenants[0]) == .local)
        #expect(c.tenants[1].region == "us")
        #expect(c.tenants[1].cloud == .gccHigh)
        #expect(c.tenants[2].backend == .url(URL(string: "https://hunt.example.net/")!))
        #expect(c.tenants[3].tokenCache == "/h/t.token")
        #expect(c.tenants[4].effectiveCredential == .certificate)
        #expect(c.tenants[4].backend == .url(URL(string: "http://127.0.0.1:8080")!))
        #expect(c.warnings.isEmpty)
        var wide = c.tenants[0]
        wide.width = 9
        #expect(c.concurrency(for: wide).width == 9)
    }

    // MARK: errors

    typealias Case = JSONErrorCase

    static let cases: [Case] = [
        Case(
            name: "unknown top-level key", json: #"{"tenant": []}"#,
            expected: ["hunt.json:1:2: error: unknown key 'tenant' at the top level; did you mean 'tenants'?"]),
        Case(
            name: "unknown nested key", json: "{\n  \"concurrency\": {\"widht\": 2}\n}",
            expected: ["hunt.json:2:19: error: unknown key 'widht' in concurrency; did you mean 'width'?"]),
        Case(
            name: "unknown key without a close one", json: #"{"output": {"colour": "red"}}"#,
            expected: ["hunt.json:1:13: error: unknown key 'colour' in output (known: formats, rows, csvBom, title)"]),
        Case(
            name: "unknown tenant key", json: #"{"tenants": [{"name": "a", "backend": "local", "clientID": "x"}]}"#,
            expected: ["hunt.json:1:48: error: unknown key 'clientID' in tenants[0]; did you mean 'clientId'?"]),
        Case(name: "wrong type", json: #"{"state": 3}"#, expected: ["hunt.json:1:11: error: state: expected a string, found a number"]),
        Case(
            name: "wrong type in an array", json: #"{"queries": ["Queries", false]}"#,
            expected: ["hunt.json:1:25: error: queries[1]: expected a string, found a boolean"]),
        Case(
            name: "not an object", json: "[]", expected: ["hunt.json:1:1: error: expected an object, found an array"]),
        Case(
            name: "wrong parameter type", json: #"{"parameters": {"names": ["a"]}}"#,
            expected: ["hunt.json:1:26: error: parameters.names: expected a string, number or boolean, found an array"]),
        Case(
            name: "bad parameter name", json: #"{"parameters": {"look back": 1}}"#,
            expected: [#"hunt.json:1:17: error: parameters["look back"]: 'look back' is not a parameter name; parameters are KQL names such as lookback or maxRows"#]),
        Case(
            name: "bad timespan", json: #"{"queryOverrides": {"q": {"timespan": "a week"}}}"#,
            expected: ["hunt.json:1:39: error: queryOverrides.q.timespan: expected a positive duration such as P7D, PT12H or 7d, found 'a week'"]),
        Case(
            name: "bad cloud", json: #"{"tenants": [{"name": "a", "backend": "local", "cloud": "globl"}]}"#,
            expected: ["hunt.json:1:57: error: tenants[0].cloud: expected global, gcc, gcc-high, dod or china, found 'globl'; did you mean 'global'?"]),
        Case(
            name: "bad credential", json: #"{"tenants": [{"name": "a", "credential": "secrets"}]}"#,
            expected: [
                "hunt.json:1:14: error: tenants[0]: missing 'id', the tenant id or domain to sign in to (such as contoso.onmicrosoft.com)",
                "hunt.json:1:42: error: tenants[0].credential: expected secret, certificate, device-code, password, managed-identity, azure-cli or token, found 'secrets'; did you mean 'secret'?",
            ]),
        Case(
            name: "bad latest", json: #"{"publish": {"latest": "symlnk"}}"#,
            expected: ["hunt.json:1:24: error: publish.latest: expected copy or symlink, found 'symlnk'; did you mean 'symlink'?"]),
        Case(
            name: "bad format", json: #"{"output": {"formats": ["md", "htm"]}}"#,
            expected: ["hunt.json:1:31: error: output.formats[1]: expected html, markdown, csv, json or md, found 'htm'; did you mean 'html'?"]),
        Case(
            name: "bad backend", json: #"{"backend": "grahp"}"#,
            expected: ["hunt.json:1:13: error: backend: expected graph, defender, local or an https URL, found 'grahp'; did you mean 'graph'?"]),
        Case(
            name: "plain http to another machine", json: #"{"backend": "http://hunt.example.net"}"#,
            expected: ["hunt.json:1:13: error: backend: refusing plain http:// to hunt.example.net: TLS is required except for this machine (127.0.0.1, localhost, ::1); use https://"]),
        Case(
            name: "out of range", json: #"{"concurrency": {"width": 0, "queryTimeout": 0.5}, "retention": {"stateRuns": 0}}"#,
            expected: [
                "hunt.json:1:27: error: concurrency.width: must be between 1 and 64, found 0",
                "hunt.json:1:46: error: concurrency.queryTimeout: must be between 1 and 604800, found 0.5",
                "hunt.json:1:79: error: retention.stateRuns: must be at least 1, found 0",
            ]),
        Case(
            name: "literal secret", json: #"{"tenants": [{"name": "contoso", "id": "t", "clientId": "11111111-1111-4111-8111-111111111111", "secret": "hunter2-do-not-print"}]}"#,
            expected: [
                #"hunt.json:1:107: error: tenants[0].secret: secrets never go in hunt.json; say where to read it instead: {"env": "CONTOSO_HUNT_SECRET"} for an environment variable, or {"file": "/etc/hunt/contoso_hunt_secret.secret"} for a file only its owner can read (chmod 600)"#
            ]),
        Case(
            name: "both secret sources", json: #"{"tenants": [{"name": "a", "credential": "token", "secret": {"env": "A", "file": "b"}}]}"#,
            expected: ["hunt.json:1:61: error: tenants[0].secret: give either 'env' or 'file', not both"]),
        Case(
            name: "bad variable name", json: #"{"tenants": [{"name": "a", "credential": "token", "secret": {"env": "MY-SECRET"}}]}"#,
            expected: ["hunt.json:1:69: error: tenants[0].secret.env: 'MY-SECRET' is not an environment variable name; use letters, digits and '_', such as A_HUNT_SECRET"]),
        Case(
            name: "duplicate tenant name", json: "{\"tenants\": [\n  {\"name\": \"contoso\", \"backend\": \"local\"},\n  {\"name\": \"Contoso\", \"backend\": \"local\"}\n]}",
            expected: ["hunt.json:3:12: error: tenants[1].name: 'Contoso' is already the name of tenants[0] (line 2); tenant names must be unique, ignoring case"]),
        Case(
            name: "bad tenant name", json: #"{"tenants": [{"name": "con toso", "backend": "local"}]}"#,
            expected: ["hunt.json:1:23: error: tenants[0].name: use only letters, digits, '.', '_' and '-' in a tenant name (it labels the report and names folders), found 'con toso'"]),
        Case(
            name: "missing name", json: #"{"tenants": [{"backend": "local"}]}"#,
            expected: ["hunt.json:1:14: error: tenants[0]: missing 'name', which is required"]),
        Case(
            name: "what a sign-in needs", json: #"{"tenants": [{"name": "a", "id": "t", "credential": "password", "username": "u"}]}"#,
            expected: ["hunt.json:1:14: error: tenants[0]: the password sign-in needs 'clientId' and 'password'"]),
        Case(
            name: "bad client id", json: #"{"tenants": [{"name": "a", "credential": "azure-cli", "clientId": "my-app"}]}"#,
            expected: ["hunt.json:1:67: error: tenants[0].clientId: expected an application (client) id, a GUID such as 11111111-1111-4111-8111-111111111111, found 'my-app'"]),
        Case(
            name: "bad datetime", json: #"{"tenants": [{"name": "a", "backend": "local", "now": "yesterday"}]}"#,
            expected: ["hunt.json:1:55: error: tenants[0].now: expected a datetime such as 2026-11-24T00:00:00Z, found 'yesterday'"]),
        Case(
            name: "JSON syntax", json: "{\n  \"state\": \"x\",\n}",
            expected: ["hunt.json:2:15: error: trailing comma before '}'; remove it (JSON allows none)"]),
        Case(
            name: "several problems together",
            json: """
                {
                  "queries": [],
                  "concurrency": {"width": "4", "callsPerMinut": 10},
                  "output": {"formats": ["pdf"], "rows": -5},
                  "tenants": [
                    {"name": "a", "backend": "local"},
                    {"name": "a", "backend": "local", "beta": "yes"}
                  ]
                }
                """,
            expected: [
                "hunt.json:2:14: error: queries: must list at least one value",
                "hunt.json:3:28: error: concurrency.width: expected a whole number, found a string",
                "hunt.json:3:33: error: unknown key 'callsPerMinut' in concurrency; did you mean 'callsPerMinute'?",
                "hunt.json:4:26: error: output.formats[0]: expected html, markdown, csv, json or md, found 'pdf'",
                "hunt.json:4:42: error: output.rows: must be at least 0, found -5",
                "hunt.json:7:14: error: tenants[1].name: 'a' is already the name of tenants[0] (line 6); tenant names must be unique, ignoring case",
                "hunt.json:7:47: error: tenants[1].beta: expected true or false, found a string",
            ]),
    ]

    @Test(arguments: cases)
    func reportsEachProblemWhereItIs(_ test: Case) {
        #expect(problems(test.json) == test.expected)
    }

    @Test func literalSecretsAreNeverRepeated() {
        let text = #"{"tenants": [{"name": "c", "credential": "password", "id": "t", "clientId": "11111111-1111-4111-8111-111111111111", "username": "u", "password": "Pa55-w0rd!"}]}"#
        let lines = problems(text)
        #expect(lines.count == 1)
        #expect(lines.allSatisfy { !$0.contains("Pa55-w0rd!") })
        #expect(lines.first?.contains(#"{"env": "C_PASSWORD"}"#) == true)
    }

    // MARK: environment

    @Test func environmentOverridesTheFile() throws {
        let environment = [
            "HUNT_QUERIES": "Mine:/abs/Theirs:", "HUNT_TEMPLATES": "T", "HUNT_STATE_DIR": "/var/lib/hunt/state",
            "HUNT_SUPPRESSIONS": "s.json", "HUNT_BACKEND": "local", "HUNT_PUBLISH_DIR": "/mnt/share", "HUNT_LATEST": "symlink",
            "HUNT_RETENTION": "7", "HUNT_FORMATS": "md, csv", "HUNT_WIDTH": "2", "HUNT_CALLS_PER_MINUTE": "30", "HUNT_UNRELATED": "x",
        ]
        let c = try configuration(Self.complete, path: "/etc/hunt/hunt.json", environment: environment)
        #expect(c.queries == ["Mine", "/abs/Theirs"])
        #expect(c.templates == "T")
        #expect(c.state == "/var/lib/hunt/state")
        #expect(c.suppressions == "s.json")
        #expect(c.backend == .local)
        #expect(c.publish == PublishConfiguration(directory: "/mnt/share", latest: .symlink, retention: 7))
        #expect(c.output.formats == [.markdown, .csv])
        #expect(c.concurrency.width == 2)
        #expect(c.concurrency.callsPerMinute == 30)
        #expect(c.concurrency.callsPerHour == 1500)  // no variable: the file's value stays
        // Empty values count as unset.
        #expect(try configuration(#"{"state": "s"}"#, path: "/h/hunt.json", environment: ["HUNT_STATE_DIR": ""]).state == "/h/s")
        let defaults = try HuntConfiguration.defaults(environment: ["HUNT_BACKEND": "https://proxy.example.net", "HUNT_WIDTH": "8"])
        #expect(defaults.backend == .url(URL(string: "https://proxy.example.net")!))
        #expect(defaults.concurrency.width == 8)
    }

    @Test func environmentBackendDecidesWhatTenantsNeed() throws {
        let text = #"{"tenants": [{"name": "lab"}]}"#
        #expect(problems(text) == [
            "hunt.json:1:14: error: tenants[0]: missing 'id', the tenant id or domain to sign in to (such as contoso.onmicrosoft.com)"
        ])
        #expect(problems(text, environment: ["HUNT_BACKEND": "local"]).isEmpty)
    }

    @Test func badEnvironmentValuesNameTheirVariable() {
        let environment = [
            "HUNT_WIDTH": "wide", "HUNT_CALLS_PER_MINUTE": "0", "HUNT_LATEST": "hardlink", "HUNT_FORMATS": "html,pfd",
            "HUNT_BACKEND": "grap", "HUNT_RETENTION": "-1", "HUNT_QUERIES": "::",
        ]
        let lines = problems(#"{"state": 1}"#, environment: environment)
        #expect(lines == [
            "hunt.json:1:11: error: state: expected a string, found a number",
            "error: HUNT_QUERIES: names no path; list query files or folders separated by ':'",
            "error: HUNT_BACKEND: expected graph, defender, local or an https URL, found 'grap'; did you mean 'graph'?",
            "error: HUNT_LATEST: expected copy or symlink, found 'hardlink'",
            "error: HUNT_RETENTION: must be a whole number of at least 1, found '-1'",
            "error: HUNT_WIDTH: must be a whole number between 1 and 64, found 'wide'",
            "error: HUNT_CALLS_PER_MINUTE: must be a whole number of at least 1, found '0'",
            "error: HUNT_FORMATS: 'pfd' is not a format (html, markdown, md, csv, json)",
        ])
        #expect(throws: ConfigurationError.self) { _ = try HuntConfiguration.defaults(environment: ["HUNT_WIDTH": "65"]) }
    }

    // MARK: files

    @Test func loadsAFileAndResolvesAgainstItsFolder() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("conf/hunt.json", #"{"queries": "Q", "suppressions": "../s.json"}"#)
        let c = try HuntConfiguration.load(path: path, environment: [:])
        #expect(c.queries == [folder.path + "/conf/Q"])
        #expect(c.suppressions == folder.path + "/conf/../s.json")
        #expect(c.state == folder.path + "/conf/.hunt/state")
    }

    @Test func aMissingFileIsAnErrorOnlyWhenNamed() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/hunt.json"
        do {
            _ = try HuntConfiguration.load(path: path, environment: [:])
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.isFileMissing)
            #expect(error.description == "\(path): error: the configuration file does not exist; check the path, or create it")
        }
        let c = try HuntConfiguration.loadIfPresent(path: path, environment: ["HUNT_WIDTH": "3"])
        #expect(c.path == nil)
        #expect(c.concurrency.width == 3)
        try folder.write("hunt.json", "{\"state\": 1}")
        #expect(throws: ConfigurationError.self) { _ = try HuntConfiguration.loadIfPresent(path: path, environment: [:]) }
    }

    // MARK: secrets

    @Test func readsASecretFromTheEnvironment() throws {
        let secret = try SecretSource.environment("CONTOSO_HUNT_SECRET").resolve(environment: ["CONTOSO_HUNT_SECRET": "s3cr3t value"])
        #expect(secret.reveal() == "s3cr3t value")
        do {
            _ = try SecretSource.environment("CONTOSO_HUNT_SECRET").resolve(environment: ["CONTOSO_HUNT_SECRET": ""], for: "the client secret of tenant 'contoso'")
            Issue.record("read an empty variable")
        } catch {
            #expect(error.description == "error: the environment variable CONTOSO_HUNT_SECRET is not set (or is empty); set it to the client secret of tenant 'contoso'")
        }
    }

    @Test func readsAPrivateSecretFile() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("contoso.secret", "line one\nline two\r\n")
        chmod(path, 0o600)
        #expect(try SecretSource.file(path).resolve(environment: [:]).reveal() == "line one\nline two")
        let single = try folder.write("one.secret", "abc\n\n")
        chmod(single, 0o400)
        #expect(try SecretSource.file(single).resolve(environment: [:]).reveal() == "abc\n")
    }

    @Test func refusesASecretFileOthersCanRead() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("contoso.secret", "very-secret-value\n")
        chmod(path, 0o644)
        do {
            _ = try SecretSource.file(path).resolve(environment: [:], for: "the client secret of tenant 'contoso'")
            Issue.record("read a world-readable secret")
        } catch {
            #expect(error.description == "error: \(path) holds the client secret of tenant 'contoso' but other users may read it (mode 644); refusing to use it. Restrict it with `chmod 600 \(path)`")
            #expect(!error.description.contains("very-secret-value"))
        }
        chmod(path, 0o640)
        #expect(throws: ConfigurationError.self) { _ = try SecretSource.file(path).resolve(environment: [:]) }
    }

    @Test func reportsMissingAndEmptySecretFiles() throws {
        let folder = try TemporaryFolder()
        #expect {
            _ = try SecretSource.file(folder.path + "/none").resolve(environment: [:], for: "the password of tenant 'x'")
        } throws: { error in
            (error as? ConfigurationError)?.description == "error: cannot read the password of tenant 'x' from \(folder.path)/none: No such file or directory"
        }
        let empty = try folder.write("empty.secret", "\n")
        chmod(empty, 0o600)
        #expect {
            _ = try SecretSource.file(empty).resolve(environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.description == "error: \(empty) is empty; write the secret into it"
        }
    }

    @Test func buildsCredentialSettingsWithoutLeakingSecrets() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("pw", "password-value\n")
        chmod(file, 0o600)
        let text = """
            {"tenants": [
              {"name": "contoso", "id": "contoso.onmicrosoft.com", "cloud": "gcc-high", "clientId": "11111111-1111-4111-8111-111111111111",
               "secret": {"env": "CONTOSO_HUNT_SECRET"}},
              {"name": "fabrikam", "id": "f", "clientId": "11111111-1111-4111-8111-111111111111", "username": "u", "password": {"file": "\(file)"}},
              {"name": "tok", "credential": "token"}
            ]}
            """
        let c = try configuration(text)
        let environment = ["CONTOSO_HUNT_SECRET": "secret-value", "HUNT_ACCESS_TOKEN": "token-value", "PATH": "/usr/bin"]
        let contoso = try c.tenants[0].credentialSettings(environment: environment)
        #expect(contoso.kind == .clientSecret)
        #expect(contoso.tenant == "contoso.onmicrosoft.com")
        #expect(contoso.cloud == .gccHigh)
        #expect(contoso.secret?.reveal() == "secret-value")
        #expect(contoso.searchPath == "/usr/bin")
        let fabrikam = try c.tenants[1].credentialSettings(environment: environment)
        #expect(fabrikam.kind == .password)
        #expect(fabrikam.password?.reveal() == "password-value")
        #expect(try c.tenants[2].credentialSettings(environment: environment).staticToken?.reveal() == "token-value")
        do {
            _ = try c.tenants[0].credentialSettings(environment: [:])
            Issue.record("read a missing secret")
        } catch {
            #expect(error.description == "error: the environment variable CONTOSO_HUNT_SECRET is not set (or is empty); set it to the client secret of tenant 'contoso'")
        }
        // Nothing that describes a tenant or its sources holds a secret's value.
        let described = "\(c.tenants) \(contoso) \(fabrikam) \(String(reflecting: contoso))"
        for value in ["secret-value", "password-value", "token-value"] { #expect(!described.contains(value)) }
        chmod(file, 0o644)
        do {
            _ = try c.tenants[1].credentialSettings(environment: environment)
            Issue.record("read a world-readable password")
        } catch {
            #expect(!error.description.contains("password-value"))
            #expect(error.description.contains("chmod 600 \(file)"))
        }
    }
}
