public import Foundation
import Synchronization
public import Hunting

/// A loopback server that speaks the Entra ID token endpoints, Microsoft Graph
/// `runHuntingQuery` (v1.0 and beta) and the legacy Defender `advancedqueries/run`, answers
/// queries through any ``HuntingBackend``, enforces quotas with the real error bodies and injects
/// faults on request, so the client is tested end to end without a tenant.
public final class HuntingEmulator: Sendable {
    let state: EmulatorState
    let backend: any HuntingBackend
    let log: HuntingLog
    private let router: Router
    private let server = Mutex<HTTPServer?>(nil)
    private let address = AddressBox()

    /// Creates an emulator answering queries through `backend`.
    /// - Parameters:
    ///   - configuration: the tenant, quotas, faults and latency.
    ///   - backend: answers the queries.
    ///   - log: where the emulator's own messages go.
    ///   - requestLog: where each hunting and token call is written as a JSON line, if anywhere.
    ///   - knownQueries: queries whose ids the request log names when a request carries one of
    ///     them (bound with any parameter values); a ``FixtureBackend`` recognises its own.
    public init(
        configuration: EmulatorConfiguration = EmulatorConfiguration(), backend: any HuntingBackend, log: HuntingLog = .discard,
        requestLog: RequestLog? = nil, knownQueries: [HuntingQuery] = []
    ) {
        let state = EmulatorState(configuration: configuration, requestLog: requestLog)
        self.state = state
        self.backend = backend
        self.log = log
        router = Router(state: state, backend: backend, log: log, address: address, knownQueries: knownQueries)
    }

    /// Starts listening on 127.0.0.1.
    /// - Parameter port: the port, or 0 for any free one.
    /// - Returns: the base URL (`http://127.0.0.1:PORT`) for the token endpoint and both APIs.
    /// - Throws: when the socket cannot be bound.
    @discardableResult
    public func start(port: UInt16 = 0) throws -> URL {
        let router = self.router
        let server = HTTPServer(port: port, handler: { request in await router.handle(request) })
        _ = try server.start()
        self.server.withLock { $0 = server }
        address.set(server.baseURL)
        log.info("emulator listening", ["url": server.baseURL.absoluteString])
        return server.baseURL
    }

    /// Stops listening, waits up to `gracePeriod` seconds for open connections, then cuts the rest.
    /// It blocks the calling thread meanwhile: tests keep the grace short so they never hold a
    /// thread of the small cooperative pool for long.
    public func stop(gracePeriod: TimeInterval = 0.5) { server.withLock { $0 }?.stop(gracePeriod: gracePeriod) }

    /// The base URL while running.
    public var baseURL: URL { address.url }

    /// The tenant id the emulator issues tokens for.
    public var tenant: String { get async { await state.configuration.tenant } }

    /// Every request served, with `Authorization` values redacted.
    public var requestLog: [LoggedRequest] { server.withLock { $0 }?.requestLog ?? [] }

    /// The requests served since the last call, oldest first, taken out of ``requestLog``: a
    /// long-running emulator printing each request neither misses any nor holds them all.
    public func takeRequestLog() -> [LoggedRequest] { server.withLock { $0 }?.takeLog() ?? [] }

    /// Every hunting call, with arrival time, status and fault, for quota and retry audits.
    public func huntingCalls() async -> [HuntingCallRecord] { await state.calls }

    /// Forgets the request log and the call records.
    public func clearLogs() async {
        server.withLock { $0 }?.clearLog()
        await state.clearCalls()
    }

    /// Changes the configuration of a running emulator (faults, quotas, latency, token lifetime).
    public func reconfigure(_ change: @Sendable (inout EmulatorConfiguration) -> Void) async {
        await state.reconfigure(change)
    }
}

extension EmulatorState {
    func reconfigure(_ change: @Sendable (inout EmulatorConfiguration) -> Void) {
        change(&configuration)
    }
}

/// The emulator's own URL, known only once the server has bound its port.
final class AddressBox: Sendable {
    private let value = Mutex<URL?>(nil)
    func set(_ url: URL) { value.withLock { $0 = url } }
    var url: URL { value.withLock { $0 } ?? URL(string: "http://127.0.0.1")! }
}
