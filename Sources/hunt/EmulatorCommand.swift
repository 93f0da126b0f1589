import Foundation
import Hunting
import HuntingEmulator
#if canImport(Glibc)
import Glibc
#endif

/// `hunt emulator`: serves the token endpoint and the hunting APIs on 127.0.0.1 until Ctrl-C.
enum EmulatorCommand {
    static let spec = CommandSpec(
        name: "emulator",
        abstract: "Serve the Entra ID and hunting APIs on 127.0.0.1 for offline tests.",
        discussion: """
            Prints its URL and the variables a client needs, then serves until Ctrl-C. Queries are
            answered by the in-process KQL engine over the built-in sample tenant (or the tables
            of --tables DIR), or from saved responses with --fixtures DIR/<query id>.json, matched
            to the queries in --queries. The client secret is HUNT_EMULATOR_SECRET (default: emulator-secret).
            A --fault rule is WHEN=FAULT, WHEN one of always, 0.1 (a probability), first:N,
            per-query:N, contains:TEXT; FAULT one of 429, 429;retry-after=2|0.5|none,
            cpu;seconds=30, 500, 502, 503, 504, reset, slow;seconds=5, malformed, truncated,
            expired-token. A client may also send the header X-Emulator-Fault: FAULT.
            --request-log FILE writes one JSON object per hunting and token call as it is
            answered (time, status, client-request-id, query hash or id, fault, Retry-After),
            never a secret or the query text.
            """,
        options: [
            OptionSpec(name: "port", valueName: "port", defaultValue: "0", help: "The port (0: any free one)."),
            OptionSpec(name: "fixtures", valueName: "dir", help: "Answer from saved responses, <query id>.json, instead of the engine."),
            OptionSpec(name: "tables", valueName: "dir", help: "Answer from these tables (CSV, JSON lines, saved responses) instead of the sample tenant."),
            OptionSpec(name: "now", valueName: "datetime", help: "The instant now() and ago() count from (default: the sample tenant's end, or the clock with --tables)."),
            OptionSpec(name: "queries", valueName: "dir", defaultValue: "Queries", help: "Queries to recognise in requests (with --fixtures; otherwise, when given, to name them in the request log)."),
            OptionSpec(name: "tenant", valueName: "id", help: "The tenant id tokens are issued for."),
            OptionSpec(name: "client-id", valueName: "id", help: "The registered application id."),
            OptionSpec(name: "certificate", valueName: "pem", help: "A certificate whose key may sign client assertions."),
            OptionSpec(name: "token-lifetime", valueName: "seconds", defaultValue: "3600", help: "Lifetime of issued tokens."),
            OptionSpec(name: "latency", valueName: "min-max", defaultValue: "0", help: "Simulated query time in seconds, e.g. 1-3."),
            OptionSpec(name: "quota", valueName: "calls/seconds", help: "Call quota per window, e.g. 45/60 (default: none)."),
            OptionSpec(name: "cpu-seconds", valueName: "n", help: "CPU seconds per 15-minute window (default: unlimited)."),
            OptionSpec(name: "fault", valueName: "when=fault", repeats: true, help: "Inject a fault (repeatable)."),
            OptionSpec(name: "request-log", valueName: "file", help: "Write each hunting and token call as a JSON line to FILE (replaced)."),
            OptionSpec(name: "quiet", valueName: nil, help: "Do not log each request."),
        ])

    static func run(_ arguments: ParsedArguments) -> ExitCode {
        var configuration = EmulatorConfiguration()
        func usage(_ message: String) -> ExitCode { Hunt.usageError(UsageError(message: message, command: spec)) }
        if let tenant = arguments.value("tenant") { configuration.tenant = tenant }
        if let clientId = arguments.value("client-id") { configuration.applications[0].clientId = clientId }
        configuration.applications[0].secret = ProcessInfo.processInfo.environment["HUNT_EMULATOR_SECRET"] ?? "emulator-secret"
        if let path = arguments.value("certificate") {
            guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else { return usage("cannot read the certificate \(path)") }
            configuration.applications[0].certificatePEM = pem
        }
        guard let port = UInt16(arguments.value("port") ?? "0") else { return usage("--port takes a number from 0 to 65535") }
        guard let lifetime = Double(arguments.value("token-lifetime") ?? "3600"), lifetime > 0 else { return usage("--token-lifetime takes seconds") }
        configuration.tokenLifetime = lifetime
        let latency = (arguments.value("latency") ?? "0").split(separator: "-").compactMap { Double($0) }
        guard latency.count == 1 || (latency.count == 2 && latency[0] <= latency[1]) else { return usage("--latency takes SECONDS or MIN-MAX") }
        configuration.latency = latency[0]...(latency.last ?? latency[0])
        if let quota = arguments.value("quota") {
            let parts = quota.split(separator: "/").compactMap { Double($0) }
            guard parts.count == 2, parts[0] >= 1, parts[1] > 0 else { return usage("--quota takes CALLS/SECONDS, e.g. 45/60") }
            configuration.graphQuota = QuotaPolicy(callsPerWindow: Int(parts[0]), window: parts[1], margin: 0)
            configuration.legacyQuota = QuotaPolicy(callsPerWindow: Int(parts[0]), window: parts[1], callsPerHour: 1500, margin: 0)
        }
        if let cpu = arguments.value("cpu-seconds") {
            guard let seconds = Double(cpu), seconds > 0 else { return usage("--cpu-seconds takes a number") }
            configuration.cpuSecondsPerWindow = seconds
        }
        for rule in arguments.all("fault") {
            guard let parsed = parseRule(rule) else { return usage("cannot read --fault '\(rule)'; see hunt emulator --help") }
            configuration.faults.append(parsed)
        }
        let backend: any HuntingBackend
        var knownQueries: [HuntingQuery] = []
        if let fixtures = arguments.value("fixtures") {
            let queries = QueryLoader().load(paths: [arguments.value("queries") ?? "Queries"]).queries
            backend = FixtureBackend(folder: URL(fileURLWithPath: fixtures), queries: queries)
        } else {
            if let folder = arguments.value("queries") {
                let catalog = QueryLoader().load(paths: [folder])
                if let error = catalog.pathErrors.first {
                    Output.err("\(error.description) (--queries)\n")
                    return .configuration
                }
                knownQueries = catalog.queries
            }
            switch LocalBackendOptions.make(arguments) {
            case .success(let local): backend = local
            case .failure(.usage(let message)): return usage(message)
            case .failure(.tables(let message)):
                Output.err("error: \(message)\n")
                return .configuration
            }
        }
        var requestLog: RequestLog?
        if let path = arguments.value("request-log") {
            do {
                requestLog = try RequestLog(path: path)
            } catch {
                Output.err("error: \(error)\n")
                return .configuration
            }
        }
        let quiet = arguments.flags.contains("quiet")
        let log = HuntingLog(minimumLevel: .info) { record in Output.err("\(record.description)\n") }
        let emulator = HuntingEmulator(
            configuration: configuration, backend: backend, log: quiet ? .discard : log, requestLog: requestLog, knownQueries: knownQueries)
        let url: URL
        do {
            url = try emulator.start(port: port)
        } catch {
            Output.err("error: cannot start the emulator: \(error)\n")
            return .failure
        }
        Output.out("""
            Emulator listening on \(url.absoluteString)
            To use it:
              export AZURE_TENANT_ID=\(configuration.tenant)
              export AZURE_CLIENT_ID=\(configuration.applications[0].clientId)
              export AZURE_CLIENT_SECRET=<HUNT_EMULATOR_SECRET, default emulator-secret>
              hunt run --backend \(url.absoluteString) Queries

            """)
        let status = serveUntilInterrupted(emulator, quiet: quiet)
        requestLog?.close()
        return status
    }

    /// Blocks until SIGINT or SIGTERM, printing each request unless quiet.
    static func serveUntilInterrupted(_ emulator: HuntingEmulator, quiet: Bool) -> ExitCode {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stop = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        // Taken, not re-read: the server keeps only its last 10,000 entries, and the requests
        // answered between the last tick and the stop are printed too.
        func printRequests() {
            let entries = emulator.takeRequestLog()
            guard !quiet else { return }
            for entry in entries { Output.err("\(entry.method) \(entry.path) -> \(entry.status)\n") }
        }
        while stop.wait(timeout: .now() + 0.25) == .timedOut { printRequests() }
        sources.forEach { $0.cancel() }
        emulator.stop(gracePeriod: 2)
        printRequests()
        Output.err("emulator stopped\n")
        return .success
    }

    /// `WHEN=FAULT`.
    static func parseRule(_ text: String) -> FaultRule? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let when = String(text[..<equals])
        guard let fault = Fault(header: String(text[text.index(after: equals)...])) else { return nil }
        if when == "always" { return FaultRule(.always, fault) }
        if let p = Double(when), (0...1).contains(p) { return FaultRule(.probability(p), fault) }
        if when.hasPrefix("first:"), let n = Int(when.dropFirst(6)) { return FaultRule(.firstCalls(n), fault) }
        if when.hasPrefix("per-query:"), let n = Int(when.dropFirst(10)) { return FaultRule(.firstCallsPerQuery(n), fault) }
        if when.hasPrefix("contains:") { return FaultRule(.queryContains(String(when.dropFirst(9))), fault) }
        return nil
    }
}
