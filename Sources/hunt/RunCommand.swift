import Foundation
import Hunting
import HuntingJob
import HuntingReports
import KQL

/// `hunt run FILE|DIR…`: runs queries now and prints their tables and classified errors.
enum RunCommand {
    static let spec = CommandSpec(
        name: "run",
        abstract: "Run queries now and print their results.",
        discussion: """
            Credentials come from the Azure SDK environment variables (AZURE_TENANT_ID,
            AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, …) or the
            options below; secrets are never taken from the command line. Exit codes: 0 all
            queries ran, 1 some failed, 2 credential or configuration error, 64 usage error,
            130 interrupted.
            """,
        positionalName: "path",
        positionalHelp: "Query files or folders. (default: Queries)",
        options: [
            OptionSpec(name: "param", valueName: "name=value", repeats: true, help: "Bind a parameter in every query that declares it."),
            OptionSpec(name: "backend", valueName: "backend", defaultValue: "graph", help: "graph, defender (legacy, retiring), local (the in-process engine over the sample tenant or --tables; sample data), or the URL of an emulator or proxy serving Graph and the token endpoint."),
            OptionSpec(name: "tables", valueName: "dir", help: "With --backend local: run over these tables (CSV, JSON lines or saved responses, one file per table) instead of the sample tenant."),
            OptionSpec(name: "now", valueName: "datetime", help: "With --backend local: the instant now() and ago() count from (default: the sample tenant's end, or the clock with --tables)."),
            OptionSpec(name: "cloud", valueName: "cloud", allowed: ["global", "gcc", "gcc-high", "dod", "china"], defaultValue: "global", help: "The Microsoft cloud."),
            OptionSpec(name: "credential", valueName: "kind", allowed: CredentialKind.allCases.map(\.rawValue), help: "How to sign in (default: chosen from the environment)."),
            OptionSpec(name: "tenant", valueName: "id", help: "The tenant id or domain (else AZURE_TENANT_ID)."),
            OptionSpec(name: "client-id", valueName: "id", help: "The application id (else AZURE_CLIENT_ID)."),
            OptionSpec(name: "certificate", valueName: "path", help: "PEM file with certificate and key (else AZURE_CLIENT_CERTIFICATE_PATH)."),
            OptionSpec(name: "token-cache", valueName: "path", help: "Keep the device-code refresh token in this file (mode 0600)."),
            OptionSpec(name: "region", valueName: "region", help: "Legacy API regional host: us, eu, uk, au, swa, ina, aea."),
            OptionSpec(name: "beta", valueName: nil, help: "Use Graph beta instead of v1.0."),
            OptionSpec(name: "width", valueName: "n", defaultValue: "4", help: "Queries in flight at once."),
            OptionSpec(name: "calls-per-minute", valueName: "n", defaultValue: "45", help: "The tenant's call quota the run stays under."),
            OptionSpec(name: "timeout", valueName: "seconds", defaultValue: "600", help: "Deadline per query, retries included."),
            OptionSpec(name: "deadline", valueName: "seconds", help: "Deadline for the whole run."),
            OptionSpec(name: "max-rows", valueName: "n", defaultValue: "50", help: "Rows shown per query in text output."),
            OptionSpec(name: "format", valueName: "format", allowed: ["text", "csv", "json"], defaultValue: "text", help: "Output format."),
            OptionSpec(name: "report", valueName: "dir", help: "Also write a report (HTML, Markdown, CSV and JSON per query, manifest.json) into this folder; tables are then printed only with --format."),
            OptionSpec(name: "templates", valueName: "dir", help: "Templates that override the built-in ones (see README, Templates)."),
            OptionSpec(name: "report-rows", valueName: "n", defaultValue: "500", help: "Rows per query shown in the HTML and Markdown reports (CSV and JSON hold all)."),
            OptionSpec(name: "report-formats", valueName: "list", defaultValue: "html,markdown,csv,json", help: "Which report files to write, comma-separated."),
            OptionSpec(name: "csv-bom", valueName: nil, help: "Start report CSV files with a UTF-8 byte-order mark (for Excel)."),
            OptionSpec(name: "include-disabled", valueName: nil, help: "Also run queries marked @enabled: false."),
            OptionSpec(name: "quiet", valueName: nil, help: "No progress lines."),
        ])

    static func run(_ arguments: ParsedArguments) -> ExitCode {
        AsyncMain.run(Setup.make(arguments), execute)
    }

    /// Everything decided before the first call.
    struct Setup: Sendable {
        var queries: [BoundQuery]
        var brokenFiles: [QueryFile]
        /// Paths given, or folders under them, that could not be read (their errors are printed).
        var unreadablePaths: Int
        var runner: HuntingRunner
        var format: String?
        var maxRows: Int
        var quiet: Bool
        var report: ReportSettings?

        static func make(_ arguments: ParsedArguments) -> Result<Setup, ExitCode> {
            func usage(_ message: String) -> Result<Setup, ExitCode> {
                .failure(Hunt.usageError(UsageError(message: message, command: spec)))
            }
            guard let width = Int(arguments.value("width") ?? "4"), width > 0,
                let perMinute = Int(arguments.value("calls-per-minute") ?? "45"), perMinute > 0,
                let timeout = Double(arguments.value("timeout") ?? "600"), timeout > 0,
                let maxRows = Int(arguments.value("max-rows") ?? "50"), maxRows >= 0
            else { return usage("--width, --calls-per-minute, --timeout and --max-rows take positive numbers") }
            let isLocal = arguments.value("backend") == "local"
            if !isLocal, arguments.value("tables") != nil || arguments.value("now") != nil {
                return usage("--tables and --now need --backend local")
            }
            if let choice = arguments.value("backend"), choice != "graph", choice != "defender", !isLocal {
                guard let url = URL(string: choice), url.scheme == "https" || url.scheme == "http", url.host != nil else {
                    return usage("--backend must be graph, defender or a URL; got '\(choice)'")
                }
            }
            let report: ReportSettings?
            switch ReportSettings.make(arguments) {
            case .success(let settings): report = settings
            case .failure(.usage(let message)): return usage(message)
            case .failure(.templates(let error)):
                Output.err("\(error.description)\n")
                return .failure(.configuration)
            }
            let deadline = arguments.value("deadline").flatMap(Double.init)
            if arguments.value("deadline") != nil, deadline == nil { return usage("--deadline takes a number of seconds") }

            // Queries and parameters.
            let catalog = QueryLoader().load(paths: arguments.positionals.isEmpty ? ["Queries"] : arguments.positionals)
            for diagnostic in catalog.allDiagnostics where diagnostic.severity == .error { Output.err(diagnostic.description + "\n") }
            let values: [String: String]
            do {
                values = try arguments.parameterBindings(for: spec)
            } catch {
                return .failure(Hunt.usageError(error))
            }
            let includeDisabled = arguments.flags.contains("include-disabled")
            let selected = catalog.queries.filter { includeDisabled || $0.metadata.enabled }
            let declared = Set(selected.flatMap { $0.parameters.map(\.name) })
            let unknown = values.keys.filter { !declared.contains($0) }.sorted()
            if !unknown.isEmpty {
                return usage("no query declares \(unknown.map { "'\($0)'" }.joined(separator: ", ")) (declared: \(declared.sorted().joined(separator: ", ")))")
            }
            var bound: [BoundQuery] = []
            var problems: [String] = []
            for query in selected {
                do {
                    bound.append(try query.bind(values.filter { name, _ in query.parameter(named: name) != nil }))
                } catch {
                    problems += error.problems.map { "\(query.id): \($0.message)" }
                }
            }
            if !problems.isEmpty { return usage(problems.joined(separator: "\n       ")) }

            // Where and as whom.
            let backend: any HuntingBackend
            if isLocal {
                switch LocalBackendOptions.make(arguments) {
                case .success(let local): backend = local
                case .failure(.usage(let message)): return usage(message)
                case .failure(.tables(let message)):
                    Output.err("error: \(message)\n")
                    return .failure(.configuration)
                }
            } else {
                do {
                    backend = try makeBackend(arguments, width: width)
                } catch {
                    Output.err("error: \(error.message)\n")
                    return .failure(.configuration)
                }
            }
            let legacy = backend.endpoint.kind == .defender
            var policy = legacy ? QuotaPolicy.legacyDefender : QuotaPolicy.graph
            // The local engine has no service quota to respect.
            policy.callsPerWindow = isLocal ? Int.max / 2 : perMinute
            let quiet = arguments.flags.contains("quiet")
            let options = RunOptions(width: width, queryDeadline: timeout, runDeadline: deadline)
            let runner = HuntingRunner(
                backend: backend, budget: QuotaBudget(policy: policy), options: options, log: Progress.log(quiet: quiet),
                progress: quiet ? nil : Progress.handler(total: bound.count))
            if !quiet {
                Output.err("running \(bound.count) quer\(bound.count == 1 ? "y" : "ies") on \(backend.endpoint)\(backend.endpoint.isSampleData ? " — sample data, not a real tenant" : "")\n")
            }
            return .success(Setup(
                queries: bound, brokenFiles: catalog.files.filter { $0.query == nil },
                unreadablePaths: catalog.pathErrors.count, runner: runner,
                format: arguments.value("format") ?? (report == nil ? "text" : nil), maxRows: maxRows, quiet: quiet,
                report: report))
        }
    }

    /// The backend named by `--backend`, with its credential.
    static func makeBackend(_ arguments: ParsedArguments, width: Int) throws(BackendSetupError) -> any HuntingBackend {
        var settings = CredentialSettings.fromEnvironment(ProcessInfo.processInfo.environment)
        if let cloud = arguments.value("cloud") { settings.cloud = AzureCloud(name: cloud) ?? .global }
        if let kind = arguments.value("credential") { settings.kind = CredentialKind(rawValue: kind) }
        if let tenant = arguments.value("tenant") { settings.tenant = tenant }
        if let clientId = arguments.value("client-id") { settings.clientId = clientId }
        if let path = arguments.value("certificate") { settings.certificatePath = path }
        if let path = arguments.value("token-cache") { settings.refreshTokenCachePath = path }
        let choice: ConfiguredBackend
        do {
            choice = try ConfiguredBackend(parsing: arguments.value("backend") ?? "graph")
        } catch {
            throw BackendSetupError(message: error.diagnostics.map(\.message).joined(separator: "; "))
        }
        return try choice.remoteBackend(
            settings: settings, region: arguments.value("region"), beta: arguments.flags.contains("beta"), width: width,
            log: Progress.log(quiet: arguments.flags.contains("quiet"))
        ) { prompt in
            Output.err("\n\(prompt.message)\n\n")
        }
    }

    static func execute(_ setup: Setup) async -> ExitCode {
        let result = await setup.runner.run(setup.queries)
        switch setup.format {
        case "json": Output.out(Output.json(JSONReport(result, broken: setup.brokenFiles)))
        case "csv": Output.out(csv(result))
        case "text": Output.out(text(result, maxRows: setup.maxRows))
        default: break
        }
        if !setup.quiet { Output.err(summary(result, broken: setup.brokenFiles.count, unreadablePaths: setup.unreadablePaths)) }
        if let report = setup.report {
            do {
                let path = try report.write(result)
                if !setup.quiet { Output.err("report: \(path)\n") }
            } catch {
                Output.err("error: cannot write the report: \(error.description)\n")
                return .configuration
            }
        }
        if Task.isCancelled { return .interrupted }
        return result.failures.isEmpty && setup.brokenFiles.isEmpty && setup.unreadablePaths == 0 ? .success : .failure
    }

    /// The line that labels made-up data in every output format.
    static func sampleDataNotice(_ result: RunResult) -> String? {
        result.endpoint.isSampleData ? "SAMPLE DATA from \(result.endpoint) — not a real tenant" : nil
    }

    static func text(_ result: RunResult, maxRows: Int) -> String {
        var out = sampleDataNotice(result).map { "# \($0)\n\n" } ?? ""
        for outcome in result.outcomes {
            let title = Terminal.sanitize(outcome.query.query.metadata.title)
            switch outcome.result {
            case .success(let value):
                out += "== \(outcome.query.query.id): \(title) — \(value.table.rowCount) row\(value.table.rowCount == 1 ? "" : "s")\(value.truncated ? " (truncated at the service's 100,000-row cap)" : "")\n"
                if value.table.rowCount > 0 { out += TableText.aligned(value.table, maxRows: maxRows) }
            case .failure(let error):
                out += "== \(outcome.query.query.id): \(title) — FAILED\n\(Terminal.sanitize(error.description))\n"
            }
            out += "\n"
        }
        return out
    }

    static func csv(_ result: RunResult) -> String {
        var out = sampleDataNotice(result).map { "# \($0)\r\n" } ?? ""
        for outcome in result.outcomes {
            out += "# \(outcome.query.query.id)\r\n"
            if let table = outcome.table { out += TableText.csv(table) } else if let error = outcome.error {
                out += "error," + TableText.csvCell(error.description) + "\r\n"
            }
            out += "\r\n"
        }
        return out
    }

    static func summary(_ result: RunResult, broken: Int, unreadablePaths: Int = 0) -> String {
        let failed = result.failures.count
        let seconds = result.finished.timeIntervalSince(result.started)
        var text = "\(result.outcomes.count - failed) of \(result.outcomes.count) queries ran in \(String(format: "%.1f", seconds)) s"
        if failed > 0 { text += "; \(failed) failed" }
        if broken > 0 { text += "; \(broken) file\(broken == 1 ? "" : "s") could not be loaded" }
        if unreadablePaths > 0 { text += "; \(unreadablePaths) path\(unreadablePaths == 1 ? "" : "s") could not be read" }
        if result.endpoint.isSampleData { text += " (sample data)" }
        return text + "\n"
    }

    /// The `--format json` document: each query's columns and rows, or its error, plus provenance.
    struct JSONReport: Encodable {
        struct Query: Encodable {
            var id: String
            var title: String
            var columns: [[String: String]]?
            var rows: [[String]]?
            var truncated: Bool?
            var error: [String: String]?
            var provenance: Provenance
        }

        var endpoint: String
        var sampleData: Bool
        var queries: [Query]
        var unloadedFiles: [String]

        init(_ result: RunResult, broken: [QueryFile]) {
            endpoint = result.endpoint.description
            sampleData = result.endpoint.isSampleData
            unloadedFiles = broken.map(\.path)
            queries = result.outcomes.map { outcome in
                let table = outcome.table
                return Query(
                    id: outcome.query.query.id, title: outcome.query.query.metadata.title,
                    columns: table?.columns.map { ["name": $0.name, "type": $0.type.rawValue] },
                    rows: table.map { t in (0..<t.rowCount).map { r in t.columns.map { TableText.display($0[r]) } } },
                    truncated: (try? outcome.result.get())?.truncated,
                    error: outcome.error.map { ["kind": $0.kind.rawValue, "message": $0.message] },
                    provenance: outcome.provenance)
            }
        }
    }
}

/// `--report` and the options that shape it.
struct ReportSettings: Sendable {
    enum Problem: Error {
        case usage(String)
        case templates(ReportTemplateError)
    }

    var directory: URL
    var renderer: ReportRenderer
    var options: ReportOptions

    /// The settings `arguments` ask for, `nil` without `--report`.
    static func make(_ arguments: ParsedArguments) -> Result<ReportSettings?, Problem> {
        guard let directory = arguments.value("report") else {
            for option in ["templates", "report-rows", "report-formats"] where arguments.value(option) != nil {
                return .failure(.usage("--\(option) needs --report <dir>"))
            }
            if arguments.flags.contains("csv-bom") { return .failure(.usage("--csv-bom needs --report <dir>")) }
            return .success(nil)
        }
        guard let rows = Int(arguments.value("report-rows") ?? "500"), rows >= 0 else {
            return .failure(.usage("--report-rows takes a number of rows (0 or more)"))
        }
        var formats: Set<ReportFormat> = []
        for name in (arguments.value("report-formats") ?? "html,markdown,csv,json").split(separator: ",") {
            let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard let format = ReportFormat(rawValue: trimmed == "md" ? "markdown" : trimmed) else {
                return .failure(.usage("--report-formats: unknown format '\(trimmed)' (known: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
            formats.insert(format)
        }
        var renderer = ReportRenderer()
        if let templates = arguments.value("templates") {
            do {
                renderer = ReportRenderer(templates: try ReportTemplates.library(overriding: URL(fileURLWithPath: templates)))
            } catch {
                return .failure(.templates(error))
            }
        }
        let options = ReportOptions(
            rowLimit: rows, byteOrderMark: arguments.flags.contains("csv-bom"), generator: "hunt \(Hunt.version)", formats: formats)
        return .success(ReportSettings(directory: URL(fileURLWithPath: directory), renderer: renderer, options: options))
    }

    /// Renders and writes the report of `result`; returns the path of its main page.
    func write(_ result: RunResult) throws(ReportWriteError) -> String {
        let files = renderer.render(ReportModel(run: result, options: options))
        try ReportWriter.write(files, to: directory)
        let main = options.formats.contains(.html) ? "report.html" : options.formats.contains(.markdown) ? "report.md" : "manifest.json"
        return directory.appendingPathComponent(main).path
    }
}

/// Progress and log lines on standard error.
enum Progress {
    /// Warnings and errors on standard error; `--quiet` silences progress, not these.
    static func log(quiet: Bool) -> HuntingLog {
        HuntingLog(minimumLevel: .warning) { record in
            Output.err("\(record.level == .error ? "error" : "warning"): \(record.message)\n")
        }
    }

    static func handler(total: Int) -> @Sendable (RunProgress) -> Void {
        { event in
            switch event {
            case .finished(let outcome, let done, _):
                let state: String
                switch outcome.result {
                case .success(let value): state = "\(value.table.rowCount) row\(value.table.rowCount == 1 ? "" : "s")"
                case .failure(let error): state = "failed (\(error.kind.rawValue))"
                }
                Output.err("[\(done)/\(total)] \(outcome.query.query.id): \(state) in \(String(format: "%.1f", outcome.provenance.duration)) s\n")
            case .throttled(let seconds, let reason):
                Output.err("throttled (\(reason)): waiting \(String(format: "%.1f", seconds)) s\n")
            case .retrying(let id, let after, let kind):
                Output.err("\(id): \(kind.rawValue), retrying in \(String(format: "%.1f", after)) s\n")
            case .attempt:
                break
            }
        }
    }
}
