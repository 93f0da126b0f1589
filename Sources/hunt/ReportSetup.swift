import Foundation
import Hunting
import HuntingJob
import HuntingReports
import KQL
import LocalHunting
import SampleTenant

/// Why `hunt report` cannot start: a mistake in the command (64) or in the configuration (2).
enum SetupProblem: Error {
    case usage(String)
    case configuration(String)

    var message: String {
        switch self {
        case .usage(let message), .configuration(let message): message
        }
    }
}

extension ReportCommand {
    /// The command line over the configuration: options win over `hunt.json` and `HUNT_*`.
    enum Overrides {
        static func apply(_ arguments: ParsedArguments, to config: inout HuntConfiguration) -> Result<Void, SetupProblem> {
            func number(_ name: String, minimum: Int) -> Result<Int?, SetupProblem> {
                guard let text = arguments.value(name) else { return .success(nil) }
                guard let value = Int(text), value >= minimum else { return .failure(.usage("--\(name) takes a whole number of at least \(minimum); got '\(text)'")) }
                return .success(value)
            }
            func seconds(_ name: String) -> Result<Double?, SetupProblem> {
                guard let text = arguments.value(name) else { return .success(nil) }
                guard let value = Double(text), value > 0 else { return .failure(.usage("--\(name) takes a number of seconds; got '\(text)'")) }
                return .success(value)
            }
            if !arguments.positionals.isEmpty { config.queries = arguments.positionals }
            if let value = arguments.value("output") { config.publish.directory = value }
            if let value = arguments.value("latest") { config.publish.latest = value == "symlink" ? .symlink : .copy }
            if let value = arguments.value("state") { config.state = value }
            if let value = arguments.value("suppressions") { config.suppressions = value }
            if let value = arguments.value("templates") { config.templates = value }
            if let value = arguments.value("title") { config.output.title = value }
            if arguments.flags.contains("csv-bom") { config.output.csvBom = true }
            if let list = arguments.value("formats") {
                var formats: Set<ReportFormat> = []
                for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    guard let format = OutputSettings.format(named: name) else {
                        return .failure(.usage("--formats: unknown format '\(name)' (known: html, markdown, csv, json)"))
                    }
                    formats.insert(format)
                }
                config.output.formats = formats
            }
            if let text = arguments.value("backend") {
                do {
                    config.backend = try ConfiguredBackend(parsing: text)
                    for index in config.tenants.indices { config.tenants[index].backend = nil }
                } catch {
                    return .failure(.usage("--backend: \(error.diagnostics.first?.message ?? "must be graph, defender, local or a URL")"))
                }
            }
            do {
                if let value = try number("retention", minimum: 1).get() { config.publish.retention = value }
                if let value = try number("rows", minimum: 0).get() { config.output.rows = value }
                if let value = try number("width", minimum: 1).get() { config.concurrency.width = value }
                if let value = try number("calls-per-minute", minimum: 1).get() { config.concurrency.callsPerMinute = value }
                if let value = try seconds("timeout").get() { config.concurrency.queryTimeout = value }
                if let value = try seconds("deadline").get() { config.concurrency.runDeadline = value }
            } catch {
                return .failure(error)
            }
            if arguments.value("width") != nil || arguments.value("calls-per-minute") != nil {
                for index in config.tenants.indices {
                    config.tenants[index].width = nil
                    config.tenants[index].callsPerMinute = nil
                }
            }
            if config.publish.directory == nil {
                // Beside hunt.json when there is one (the folder holding it is the project), else here.
                let folder = config.path.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
                config.publish.directory = folder.map { $0 + "/reports" } ?? "reports"
            }
            return .success(())
        }
    }

    /// The queries to run, their parameters bound: the configuration's values, then `--param`.
    enum Binding {
        static func bind(_ catalog: QueryCatalog, config: HuntConfiguration, arguments: ParsedArguments) -> Result<[BoundQuery], SetupProblem> {
            let includeDisabled = arguments.flags.contains("include-disabled")
            var selected: [HuntingQuery] = []
            for var query in catalog.queries {
                let override = config.queryOverrides[query.id]
                guard includeDisabled || (override?.enabled ?? query.metadata.enabled) else { continue }
                if let timespan = override?.timespan { query.metadata.timespan = timespan }
                selected.append(query)
            }
            let known = Set(catalog.queries.map(\.id))
            for id in config.queryOverrides.keys.sorted() where !known.contains(id) {
                Output.err("warning: \(config.path ?? "configuration"): queryOverrides names '\(id)', which is not among the loaded queries\n")
            }
            guard !selected.isEmpty else {
                let paths = config.queries.joined(separator: ", ")
                let reason = catalog.queries.isEmpty
                    ? "\(paths) holds no query file that loads"
                    : "all \(catalog.queries.count) queries in \(paths) are disabled (pass --include-disabled to run them)"
                return .failure(.configuration("error: no query to run: \(reason); a nightly report of nothing would look like a quiet night"))
            }
            let declared = Set(selected.flatMap { $0.parameters.map(\.name) })
            for name in config.parameters.keys.sorted() where !declared.contains(name) {
                Output.err("warning: \(config.path ?? "configuration"): parameter '\(name)' is declared by no query that runs\n")
            }
            let flags: [String: String]
            do {
                flags = try arguments.parameterBindings(for: spec)
            } catch {
                return .failure(.usage(error.message))
            }
            let unknown = flags.keys.filter { !declared.contains($0) }.sorted()
            if !unknown.isEmpty {
                return .failure(.usage("no query declares \(unknown.map { "'\($0)'" }.joined(separator: ", ")) (declared: \(declared.sorted().joined(separator: ", ")))"))
            }
            var bound: [BoundQuery] = []
            var configProblems: [String] = []
            var flagProblems: [String] = []
            for query in selected {
                let names = Set(query.parameters.map(\.name))
                let configured = config.parameterValues(forQuery: query.id, declared: names)
                for name in (config.queryOverrides[query.id]?.parameters ?? [:]).keys.sorted() where !names.contains(name) {
                    configProblems.append("\(config.path ?? "configuration"): queryOverrides.\(query.id): the query declares no parameter '\(name)' (declared: \(names.sorted().joined(separator: ", ")))")
                }
                do {
                    _ = try query.bind(configured)
                } catch {
                    configProblems += error.problems.map { "\(config.path ?? "configuration"): \(query.id): \($0.message)" }
                    continue
                }
                let values = configured.merging(flags.filter { names.contains($0.key) }) { $1 }
                do {
                    bound.append(try query.bind(values))
                } catch {
                    flagProblems += error.problems.map { "\(query.id): \($0.message)" }
                }
            }
            if !configProblems.isEmpty { return .failure(.configuration(configProblems.map { "error: \($0)" }.joined(separator: "\n"))) }
            if !flagProblems.isEmpty { return .failure(.usage(flagProblems.joined(separator: "\n       "))) }
            return .success(bound)
        }
    }

    /// The tenants to run, each with its backend, credential and quota budget.
    enum Tenants {
        static func make(
            config: HuntConfiguration, arguments: ParsedArguments, environment: [String: String], log: HuntingLog,
            rejected: [String: HuntingError]
        ) -> Result<[NightlyJob.Tenant], SetupProblem> {
            let chosen = arguments.all("tenant")
            var now: KQLDateTime?
            if let text = arguments.value("now") {
                guard case .datetime(let value)? = try? KQLValue(text: text, as: .datetime) else {
                    return .failure(.usage("--now takes a datetime such as 2026-11-24T00:00:00Z; got '\(text)'"))
                }
                now = value
            }
            let tables = arguments.value("tables")
            var tenants: [NightlyJob.Tenant] = []
            if config.tenants.isEmpty {
                if (tables != nil || now != nil), config.backend != .local { return .failure(.usage("--tables and --now need --backend local")) }
                if chosen.count > 1 { return .failure(.usage("--tenant names one tenant id when hunt.json lists no tenants")) }
                var settings = CredentialSettings.fromEnvironment(environment)
                if let id = chosen.first { settings.tenant = id }
                if let cloud = arguments.value("cloud") { settings.cloud = AzureCloud(name: cloud) ?? .global }
                if let kind = arguments.value("credential") { settings.kind = CredentialKind(rawValue: kind) }
                if let clientId = arguments.value("client-id") { settings.clientId = clientId }
                let backend: any HuntingBackend
                let name: String
                switch makeBackend(config.backend, settings: settings, tables: tables, now: now, region: nil, beta: false, config: config, log: log, tenant: nil) {
                case .success(let made): (backend, name) = (made, made.endpoint.kind == .local ? (tables == nil ? "sample" : "local") : settings.tenant ?? "default")
                case .failure(let problem): return .failure(problem)
                }
                tenants.append(tenant(name: name, backend: backend, concurrency: config.concurrency, rejected: rejected, log: log))
                return .success(tenants)
            }
            let names = config.tenants.map(\.name)
            let unknown = chosen.filter { !names.contains($0) }
            if !unknown.isEmpty {
                return .failure(.usage("--tenant: no tenant named \(unknown.map { "'\($0)'" }.joined(separator: ", ")) in \(config.path ?? "the configuration") (tenants: \(names.joined(separator: ", ")))"))
            }
            let selected = config.tenants.filter { chosen.isEmpty || chosen.contains($0.name) }
            if tables != nil || now != nil, !selected.contains(where: { config.backend(for: $0) == .local }) {
                return .failure(.usage("--tables and --now need --backend local"))
            }
            for configured in selected {
                let settings: CredentialSettings
                do {
                    settings = try configured.credentialSettings(environment: environment)
                } catch {
                    return .failure(.configuration(error.description))
                }
                let backend: any HuntingBackend
                switch makeBackend(
                    config.backend(for: configured), settings: settings, tables: tables ?? configured.tables, now: now ?? configured.now,
                    region: configured.region, beta: configured.beta, config: config, log: log, tenant: configured.name)
                {
                case .success(let made): backend = made
                case .failure(let problem): return .failure(problem)
                }
                tenants.append(tenant(name: configured.name, backend: backend, concurrency: config.concurrency(for: configured), rejected: rejected, log: log))
            }
            return .success(tenants)
        }

        static func tenant(
            name: String, backend: any HuntingBackend, concurrency: ConcurrencySettings, rejected: [String: HuntingError], log: HuntingLog
        ) -> NightlyJob.Tenant {
            var policy = backend.endpoint.kind == .defender ? QuotaPolicy.legacyDefender : QuotaPolicy.graph
            if backend.endpoint.kind == .local {
                policy.callsPerWindow = Int.max / 2  // the local engine has no service quota to respect
                policy.callsPerHour = nil
            } else {
                policy.callsPerWindow = concurrency.callsPerMinute
                if let perHour = concurrency.callsPerHour { policy.callsPerHour = perHour }
            }
            let options = RunOptions(width: concurrency.width, queryDeadline: concurrency.queryTimeout, runDeadline: concurrency.runDeadline)
            let runner = HuntingRunner(
                backend: SyntaxCheckedBackend(backend, rejected: rejected), budget: QuotaBudget(policy: policy), options: options, log: log)
            return NightlyJob.Tenant(name: name, runner: runner)
        }

        static func makeBackend(
            _ choice: ConfiguredBackend, settings: CredentialSettings, tables: String?, now: KQLDateTime?, region: String?, beta: Bool,
            config: HuntConfiguration, log: HuntingLog, tenant: String?
        ) -> Result<any HuntingBackend, SetupProblem> {
            if choice == .local {
                if let tables {
                    do {
                        let clock = now ?? KQLDateTime(unixSeconds: Date().timeIntervalSince1970)
                        return .success(try LocalBackend(tablesFolder: URL(fileURLWithPath: tables), now: clock))
                    } catch {
                        return .failure(.configuration("error: \(error.description)"))
                    }
                }
                var sample = SampleTenantConfiguration()
                if let now { sample.end = now }
                return .success(LocalBackend(sample: sample))
            }
            if settings.effectiveKind == nil {
                return .failure(.configuration(nothingConfigured(tenant: tenant, config: config)))
            }
            do {
                let backend = try choice.remoteBackend(settings: settings, region: region, beta: beta, width: config.concurrency.width, log: log) { prompt in
                    Output.err("\n\(prompt.message)\n\n")
                }
                return .success(backend)
            } catch {
                return .failure(.configuration("error: \(tenant.map { "tenant \($0): " } ?? "")\(error.message)"))
            }
        }

        /// What to do when nothing says how to sign in: configure a credential, or try the sample tenant.
        static func nothingConfigured(tenant: String?, config: HuntConfiguration) -> String {
            let which = tenant.map { "tenant '\($0)' in \(config.path ?? "hunt.json") has" } ?? "there are"
            return """
                error: no credentials: \(which) no way to sign in to Microsoft Defender, and hunt report never falls back to made-up data.
                To hunt in your tenant, either
                  - list it in hunt.json: "tenants": [{"name": "contoso", "id": "<tenant id>", "clientId": "<app id>", "credential": "secret", "secret": {"env": "CONTOSO_HUNT_SECRET"}}]
                  - or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) in the environment
                  (README, "Operations": the app registration needs ThreatHunting.Read.All with admin consent).
                To try the tool on the built-in sample tenant instead: hunt report --backend local
                """
        }
    }
}
