public import Foundation
import Dispatch
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request the library sends.
public struct HTTPRequestData: Sendable {
    public var method: String
    public var url: URL
    /// Header fields; values of `Authorization` never reach a log.
    public var headers: [String: String]
    public var body: Data
    /// Seconds without progress before the request fails.
    public var timeout: TimeInterval

    /// Creates a request.
    public init(method: String, url: URL, headers: [String: String] = [:], body: Data = Data(), timeout: TimeInterval = 200) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// One HTTP response.
public struct HTTPResponseData: Sendable {
    public var status: Int
    /// Header fields with lowercased names.
    public var headers: [String: String]
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.body = body
    }

    /// A header by case-insensitive name.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Why a request got no HTTP response.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Kind: String, Sendable {
        /// No answer within the request's timeout.
        case timedOut
        /// The connection was refused, reset or lost mid-way; DNS failed.
        case connection
        /// The request was cancelled.
        case cancelled
        /// The URL is not allowed (plain http:// to a non-loopback host).
        case insecure
    }

    public var kind: Kind
    public var message: String
    public var description: String { message }
}

/// Sends HTTP requests; one protocol so tests and the emulator can stand in for the network.
public protocol HTTPTransport: Sendable {
    /// Sends a request and returns the response, whatever its status.
    /// - Throws: ``TransportError`` when no response arrived.
    func send(_ request: HTTPRequestData) async throws(TransportError) -> HTTPResponseData
}

/// Which URLs the library may talk to: `https://` anywhere, plain `http://` only to this
/// machine (the emulator) and to the managed-identity endpoint, which Azure serves over http on a
/// link-local address that never leaves the host.
public enum EndpointPolicy {
    /// The Azure Instance Metadata Service address.
    public static let imdsHost = "169.254.169.254"

    /// Checks a URL.
    /// - Throws: ``TransportError`` of kind `.insecure` with what to do instead.
    public static func check(_ url: URL, allowIMDS: Bool = false) throws(TransportError) {
        let scheme = url.scheme?.lowercased()
        if scheme == "https" { return }
        if scheme == "http", let host = url.host {
            if isLoopback(host) || (allowIMDS && host == imdsHost) { return }
            throw TransportError(kind: .insecure, message: "refusing plain http:// to \(host): TLS is required except for this machine (127.0.0.1, localhost, ::1); use https://")
        }
        throw TransportError(kind: .insecure, message: "unsupported URL scheme in \(url.absoluteString); use https://")
    }

    /// Whether a host name or address is this machine.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" || h.hasSuffix(".localhost") { return true }
        let parts = h.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}

/// The production transport: URLSession with TLS, a connection pool as wide as the runner, and
/// per-request timeouts.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession

    /// Creates a transport allowing `maximumConnections` parallel connections per host.
    public init(maximumConnections: Int = 8) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, maximumConnections)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    public func send(_ request: HTTPRequestData) async throws(TransportError) -> HTTPResponseData {
        try EndpointPolicy.check(request.url, allowIMDS: request.headers["Metadata"] == "true")
        var urlRequest = URLRequest(url: request.url)
        // On Linux only the property setter is honoured (the initializer's value is ignored), and
        // libcurl counts it in whole seconds, so it is rounded up to at least one.
        urlRequest.timeoutInterval = max(1, request.timeout.rounded(.up))
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if !request.body.isEmpty { urlRequest.httpBody = request.body }
        do {
            let (data, response) = try await perform(urlRequest)
            guard let http = response as? HTTPURLResponse else {
                throw TransportError(kind: .connection, message: "the server's answer was not HTTP")
            }
            var headers: [String: String] = [:]
            for (key, value) in http.allHeaderFields {
                if let key = key as? String, let value = value as? String { headers[key] = value }
            }
            return HTTPResponseData(status: http.statusCode, headers: headers, body: data)
        } catch let error as TransportError {
            throw error
        } catch let error as URLError {
            throw Self.classify(error, url: request.url)
        } catch is CancellationError {
            throw TransportError(kind: .cancelled, message: "cancelled")
        } catch {
            throw TransportError(kind: .connection, message: "request to \(request.url.host ?? "?") failed: \(error.localizedDescription)")
        }
    }

    /// `session.data(for:)` without its deadlock on Linux (swift-corelibs-foundation #5412): when
    /// the awaiting task is cancelled while the session is finishing the same request (its own
    /// timeout, a refused or reset connection), the cancelling thread holds the task's status lock
    /// and waits for the session's work queue, whose thread holds the queue and waits for that
    /// lock to resume the task. The runner cancels every request that reaches its query's
    /// deadline, which is also the request's timeout, so the two coincide often; `hunt report`
    /// then hung for good. Here the session calls a completion handler on its delegate queue,
    /// and a cancellation only schedules `cancel()` on another thread.
    private func perform(_ request: URLRequest) async throws -> (Data, URLResponse) {
        let handle = DataTaskHandle()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let response {
                        continuation.resume(returning: (data ?? Data(), response))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }
                handle.start(task)
            }
        } onCancel: {
            handle.cancel()
        }
    }

    static func classify(_ error: URLError, url: URL) -> TransportError {
        let host = url.host ?? "?"
        switch error.code {
        case .timedOut:
            return TransportError(kind: .timedOut, message: "no answer from \(host) within the request timeout")
        case .cancelled:
            return TransportError(kind: .cancelled, message: "cancelled")
        case .cannotFindHost, .dnsLookupFailed:
            return TransportError(kind: .connection, message: "cannot resolve \(host) (DNS); check the network or the cloud setting")
        case .cannotConnectToHost:
            return TransportError(kind: .connection, message: "cannot connect to \(host)")
        case .networkConnectionLost:
            return TransportError(kind: .connection, message: "the connection to \(host) was lost mid-response")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return TransportError(kind: .connection, message: "TLS with \(host) failed (\(error.code.rawValue)); the certificate is not trusted — TLS checks are never turned off")
        default:
            return TransportError(kind: .connection, message: "request to \(host) failed: URLError \(error.code.rawValue)")
        }
    }
}

/// The data task of one request, started once and cancelled at most once, off the thread that
/// cancels the awaiting Swift task (see ``URLSessionTransport``'s `perform`).
private final class DataTaskHandle: Sendable {
    private struct State {
        var task: URLSessionDataTask?
        var cancelled = false
    }

    private let state = Mutex(State())

    func start(_ task: URLSessionDataTask) {
        let cancelled = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        task.resume()
        if cancelled { Self.cancelElsewhere(task) }
    }

    func cancel() {
        let task = state.withLock { state in
            state.cancelled = true
            return state.task
        }
        if let task { Self.cancelElsewhere(task) }
    }

    private static func cancelElsewhere(_ task: URLSessionDataTask) {
        DispatchQueue.global().async { task.cancel() }
    }
}
