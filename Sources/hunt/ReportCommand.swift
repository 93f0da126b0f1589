import Foundation
import Hunting
import HuntingJob
import HuntingReports
import KQL
import LocalHunting
import SampleTenant

/// `hunt report`: the nightly job. Loads the queries, binds their parameters, runs them for every
/// tenant, compares the findings with the last run, applies the suppressions, renders the report
/// and publishes it to a share.
enum ReportCommand {
    static let spec = CommandSpec(
        name: "report",
        abstract: "Run every query, compare with the last run and publish the report (the nightly job).",
        discussion: """
            Settings come from hunt.json (or --config FILE), then HUNT_* environment variables, then
            these options. Secrets come only from the environment or files. Exit codes: 0 done (with
            or without findings), 1 some queries failed, 2 configuration, credential or publishing
            error, 3 every query failed, 4 new findings with --fail-on-findings, 64 usage error,
            130 interrupted.
            """,
        positionalName: "path",
        positionalHelp: "Query files or folders. (default: the configuration's, else Queries)",
        options: [
            OptionSpec(name: "config", valueName: "file", help: "The configuration file. (default: hunt.json when present)"),
            OptionSpec(name: "output", valueName: "dir", help: "Publish into this folder, a mounted share. (default: reports)"),
            OptionSpec(name: "latest", valueName: "kind", allowed: ["copy", "symlink"], help: "How DIR/latest points at the newest run. (default: copy)"),
            OptionSpec(name: "retention", valueName: "n", help: "Runs kept in the output folder. (default: 30)"),
            OptionSpec(name: "state", valueName: "dir", help: "Where findings are remembered between runs. (default: .hunt/state)"),
            OptionSpec(name: "suppressions", valueName: "file", help: "Known findings to leave out of the main tables."),
            OptionSpec(name: "templates", valueName: "dir", help: "Templates that override the built-in ones."),
            OptionSpec(name: "formats", valueName: "list", help: "Report files: html,markdown,csv,json. (default: all)"),
            OptionSpec(name: "rows", valueName: "n", help: "Rows per query shown in HTML and Markdown. (default: 500)"),
            OptionSpec(name: "csv-bom", valueName: nil, help: "Start CSV files with a UTF-8 byte-order mark (for Excel)."),
            OptionSpec(name: "title", valueName: "text", help: "The report's title."),
            OptionSpec(name: "param", valueName: "name=value", repeats: true, help: "Bind a parameter in every query that declares it."),
            OptionSpec(name: "backend", valueName: "backend", help: "graph, defender (legacy, retiring), local (sample data) or an emulator URL. (default: graph)"),
            OptionSpec(name: "tables", valueName: "dir", help: "With --backend local: run over these tables instead of the sample tenant."),
            OptionSpec(name: "now", valueName: "datetime", help: "With --backend local: the instant now() and ago() count from."),
            OptionSpec(name: "tenant", valueName: "name", repeats: true, help: "Run only this configured tenant (repeatable); without tenants in the configuration, the tenant id."),
            OptionSpec(name: "cloud", valueName: "cloud", allowed: ["global", "gcc", "gcc-high", "dod", "china"], help: "The Microsoft cloud, for a tenant from the environment."),
            OptionSpec(name: "credential", valueName: "kind", allowed: CredentialKind.allCases.map(\.rawValue), help: "How to sign in, for a tenant from the environment."),
            OptionSpec(name: "client-id", valueName: "id", help: "The application id, for a tenant from the environment."),
            OptionSpec(name: "width", valueName: "n", help: "Queries in flight at once per tenant. (default: 4)"),
            OptionSpec(name: "calls-per-minute", valueName: "n", help: "The call quota each tenant's run stays under. (default: 45)"),
            OptionSpec(name: "timeout", valueName: "seconds", help: "Deadline per query, retries included. (default: 600)"),
            OptionSpec(name: "deadline", valueName: "seconds", help: "Deadline for the whole run."),
            OptionSpec(name: "fail-on-findings", valueName: nil, help: "Exit 4 when there are new findings."),
            OptionSpec(name: "include-disabled", valueName: nil, help: "Also run queries marked @enabled: false or disabled in the configuration."),
            OptionSpec(name: "quiet", valueName: nil, help: "No progress and no summary; warnings and errors only."),
            OptionSpec(name: "log-format", valueName: "format", allowed: ["text", "json"], help: "Progress and log lines on stderr as text or JSON lines. (default: text)"),
        ])

    static func run(_ arguments: ParsedArguments) -> ExitCode {
        AsyncMain.run(Setup.make(arguments), execute)
    }

    /// Everything decided before the first query is sent.
    struct Setup: Sendable {
        var job: NightlyJob
        var display: JobDisplay
        var multiTenant: Bool
        var quiet: Bool

        static func make(_ arguments: ParsedArguments) -> Result<Setup, ExitCode> {
            func usage(_ message: String) -> Result<Setup, ExitCode> {
                .failure(Hunt.usageError(UsageError(message: message, command: spec)))
            }
            func configuration(_ message: String) -> Result<Setup, ExitCode> {
                Output.err(message.hasSuffix("\n") ? message : message + "\n")
                return .failure(.configuration)
            }
            let environment = ProcessInfo.processInfo.environment
            let quiet = arguments.flags.contains("quiet")
            let display = JobDisplay(quiet: quiet, json: arguments.value("log-format") == "json")

            // The configuration: file, then environment, then options.
            var config: HuntConfiguration
            do {
                if let path = arguments.value("config") {
                    config = try HuntConfiguration.load(path: path, environment: environment)
                } else {
                    config = try HuntConfiguration.loadIfPresent(environment: environment)
                }
            } catch {
                return configuration(error.description)
            }
            for warning in config.warnings { Output.err(warning.description + "\n") }
            switch Overrides.apply(arguments, to: &config) {
            case .success: break
            case .failure(let problem): return usage(problem.message)
            }

            // Templates and suppressions fail before anything is sent.
            var renderer = ReportRenderer()
            var templates = ReportTemplates.builtin
            if let folder = config.templates {
                do {
                    templates = try ReportTemplates.library(overriding: URL(fileURLWithPath: folder))
                    renderer = ReportRenderer(templates: templates)
                } catch {
                    return configuration(error.description)
                }
            }
            let now = Date()
            var suppressions = NightlyJob.Suppressions.none
            if let path = config.suppressions {
                do {
                    let list = try SuppressionList.load(from: URL(fileURLWithPath: path))
                    suppressions = NightlyJob.Suppressions(expired: list.expired(at: now).map(\.note)) { query, tenant, columns in
                        list.rules(forQuery: query, tenant: tenant, columns: columns, at: now).rowSuppressor
                    }
                } catch {
                    return configuration(error.description)
                }
            }

            // Queries and parameters.
            let catalog = QueryLoader().load(paths: config.queries)
            var notes: [String] = []
            for diagnostic in catalog.allDiagnostics where diagnostic.severity == .error {
                Output.err(diagnostic.description + "\n")
                notes.append("Not run, could not be loaded: \(diagnostic.description)")
            }
            let bound: [BoundQuery]
            switch Binding.bind(catalog, config: config, arguments: arguments) {
            case .success(let queries): bound = queries
            case .failure(.usage(let message)): return usage(message)
            case .failure(.configuration(let message)): return configuration(message)
            }
            let rejected = SyntaxCheckedBackend.syntaxErrors(bound)

            // Tenants, each with its own credential and budget.
            let tenants: [NightlyJob.Tenant]
            switch Tenants.make(config: config, arguments: arguments, environment: environment, log: display.log, rejected: rejected) {
            case .success(let made): tenants = made
            case .failure(.usage(let message)): return usage(message)
            case .failure(.configuration(let message)): return configuration(message)
            }

            var options = ReportOptions(generator: "hunt \(Hunt.version)")
            config.output.apply(to: &options)
            guard let directory = config.publish.directory else {
                return configuration("error: no publish folder: set publish.directory in hunt.json, HUNT_PUBLISH_DIR or --output")
            }
            let publisher = Publisher(
                settings: PublishSettings(
                    directory: URL(fileURLWithPath: directory), latest: config.publish.latest == .symlink ? .symlink : .copy,
                    retention: config.publish.retention),
                templates: templates, log: display.log)
            let job = NightlyJob(
                tenants: tenants, queries: bound, notes: notes,
                brokenFiles: catalog.files.filter { $0.query == nil }.count + catalog.pathErrors.count,
                state: FindingStateStore(directory: URL(fileURLWithPath: config.state)), stateRetention: config.retention.stateRuns,
                suppressions: suppressions, renderer: renderer, reportOptions: options, publisher: publisher,
                failOnFindings: arguments.flags.contains("fail-on-findings"), log: display.log)
            display.start(total: bound.count * tenants.count)
            if !quiet, display.mode != .json {
                let sample = tenants.contains { $0.runner.backend.endpoint.isSampleData } ? " — sample data, not a real tenant" : ""
                let names = tenants.map { "\($0.name) (\($0.runner.backend.endpoint))" }.joined(separator: ", ")
                Output.err("running \(bound.count) quer\(bound.count == 1 ? "y" : "ies") on \(names)\(sample)\n")
            }
            return .success(Setup(job: job, display: display, multiTenant: tenants.count > 1, quiet: quiet))
        }
    }

    static func execute(_ setup: Setup) async -> ExitCode {
        let display = setup.display
        let result = await setup.job.run { display.show($0) }
        display.finish()
        if let error = result.publishError {
            Output.err("error: the report could not be published: \(error.description)\n")
            Output.err("The previous report stays in place; nothing was recorded, so tonight's new findings will show as new next time.\n")
        }
        if result.status == .interrupted {
            Output.err("interrupted: nothing was published; the previous report stays in place\n")
        }
        if let model = result.model, !setup.quiet, display.mode != .json {
            Output.out(summary(model, published: result.published, multiTenant: setup.multiTenant))
        }
        return ExitCode(rawValue: result.status.rawValue) ?? .failure
    }

    /// The final summary table: one line per query, then totals and where the report is.
    static func summary(_ model: ReportModel, published: PublishedRun?, multiTenant: Bool) -> String {
        var schema: [(name: String, type: KQLScalarType)] = multiTenant ? [("Tenant", .string)] : []
        schema += [("Query", .string), ("Result", .string), ("New", .string), ("Time", .string)]
        let rows: [[KQLValue]] = model.entries.map { entry in
            let result: String
            switch entry.outcome.result {
            case .success: result = entry.table.map { $0.rowCount == 0 ? "no rows" : ReportTextCount.rows($0.rowCount) } ?? ""
            case .failure(let error): result = "FAILED: \(error.kind.rawValue)"
            }
            let new = entry.status == .failed ? "-" : String(entry.review?.newFindings ?? 0)
            var row: [KQLValue] = multiTenant ? [.string(entry.tenant ?? "")] : []
            row += [.string(entry.outcome.query.query.id), .string(result), .string(new),
                    .string(String(format: "%.1f s", entry.outcome.provenance.duration))]
            return row
        }
        var text = "\n" + TableText.aligned(KQLTable(schema: schema, rows: rows), maxRows: rows.count, maxWidth: 60)
        let reviews = model.entries.compactMap(\.review)
        let failed = model.entries.filter { $0.status == .failed }.count
        text += "\n\(model.entries.count) queries: \(model.entries.filter { $0.status == .findings }.count) with findings, "
            + "\(reviews.reduce(0) { $0 + $1.newFindings }) new, \(reviews.reduce(0) { $0 + $1.resolved.count }) resolved, "
            + "\(reviews.reduce(0) { $0 + $1.suppressed.count }) suppressed rows, \(failed) failed"
        if !model.expiredSuppressions.isEmpty { text += "; \(model.expiredSuppressions.count) suppressions expired" }
        if model.isSampleData { text += " (sample data)" }
        text += "\n"
        if let published {
            let main = published.latestPath.appendingPathComponent(model.options.formats.contains(.html) ? "report.html" : "report.md")
            text += "report: \(main.path)\n"
        }
        return text
    }
}
