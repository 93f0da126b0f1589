public import Foundation
import Dispatch
import Synchronization
// Linux only: the socket code below relies on Glibc's behaviour (shutdown() waking accept(),
// MSG_NOSIGNAL, POLLRDHUP), as this project's toolchain notes describe.
import Glibc

/// Why the server could not start.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable {
        /// The host is not a loopback address; the emulator never listens beyond this machine.
        case notLoopback
        /// `start()` was called twice, or after `stop()`.
        case alreadyStarted
        /// A socket call failed (the port may be taken).
        case socket
    }

    /// The kind of problem.
    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The `errno` of the failed socket call, when there was one.
    public var errno: Int32?

    /// Creates an error.
    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String {
        guard let errno else { return message }
        return "\(message): \(String(cString: strerror(errno)))"
    }
}

/// One request the server answered, as kept in ``HTTPServer/requestLog``: no body and no credentials.
public struct LoggedRequest: Sendable {
    /// When the response started to go out.
    public var time: Date
    /// The request method; empty when the request line was unreadable.
    public var method: String
    /// The decoded path without the query (queries may carry codes); empty when unreadable.
    public var path: String
    /// The status answered (also for faults, which send it partly or not at all).
    public var status: Int
    /// The request headers, with `Authorization`, `Proxy-Authorization` and `Cookie` values redacted.
    public var headers: HTTPHeaders
    /// The size of the request body in bytes.
    public var bodySize: Int
}

/// A small HTTP/1.1 server for tests and the emulator, listening on 127.0.0.1 only.
///
/// One request per connection (`Connection: close`). Accepting runs on a dedicated thread and each
/// connection on its own thread, because sockets block; handlers run as Swift tasks, so the
/// cooperative pool never waits on a syscall.
public final class HTTPServer: Sendable {
    /// Limits that keep a misbehaving client from exhausting the process.
    public struct Limits: Sendable {
        /// Largest request head (request line and headers) in bytes; more gets 431.
        public var maxHeaderBytes: Int
        /// Largest request body in bytes; more gets 413.
        public var maxBodyBytes: Int
        /// Seconds each read may wait for the client (`SO_RCVTIMEO`, so per read, not per request);
        /// an incomplete request then gets 408.
        public var readTimeout: TimeInterval
        /// Seconds a write may wait for the client to take bytes before the connection is dropped.
        public var writeTimeout: TimeInterval
        /// Connections served at once; further clients wait in the listen backlog.
        public var maxConnections: Int
        /// Entries kept in the request log; the oldest go first.
        public var maxLoggedRequests: Int

        /// Creates limits; the defaults suit the emulator.
        public init(
            maxHeaderBytes: Int = 64 * 1024, maxBodyBytes: Int = 32 * 1024 * 1024, readTimeout: TimeInterval = 10,
            writeTimeout: TimeInterval = 10, maxConnections: Int = 256, maxLoggedRequests: Int = 10_000
        ) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxBodyBytes = maxBodyBytes
            self.readTimeout = readTimeout
            self.writeTimeout = writeTimeout
            self.maxConnections = maxConnections
            self.maxLoggedRequests = maxLoggedRequests
        }
    }

    /// Answers one request.
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    private enum Phase {
        case idle, starting
        case running(listener: Int32)
        case stopped
    }

    private struct Connection {
        var fd: Int32
        var task: Task<Void, Never>?
    }

    private struct State {
        var phase = Phase.idle
        var address = "127.0.0.1"
        var port: UInt16 = 0
        var connections: [Int: Connection] = [:]
        var nextConnectionID = 0
        /// Set when `stop()` gave up waiting and cut the remaining connections.
        var forced = false
        var log: [LoggedRequest] = []
    }

    private let host: String
    private let requestedPort: UInt16
    private let limits: Limits
    private let handler: Handler
    private let state = Mutex(State())
    /// Entered per served connection, so `stop()` can wait for them.
    private let inFlight = DispatchGroup()
    /// Signalled once when the accept thread has returned.
    private let acceptExited = DispatchSemaphore(value: 0)

    /// Creates a stopped server.
    /// - Parameters:
    ///   - host: the address to listen on; must be loopback (`127.0.0.1`, any `127.x.y.z`, or `localhost`).
    ///   - port: the port, or 0 for an ephemeral one chosen by the system.
    ///   - limits: request size and time limits.
    ///   - handler: answers each request; runs as a task, concurrently for concurrent requests.
    public init(
        host: String = "127.0.0.1", port: UInt16 = 0, limits: Limits = Limits(),
        handler: @escaping Handler
    ) {
        self.host = host
        self.requestedPort = port
        self.limits = limits
        self.handler = handler
    }

    /// The port listened on; 0 before `start()`.
    public var port: UInt16 { state.withLock { $0.port } }

    /// `http://127.0.0.1:PORT`, the base for request URLs.
    public var baseURL: URL {
        let (address, port) = state.withLock { ($0.address, $0.port) }
        // A dotted IPv4 address and a number always make a valid URL.
        return URL(string: "http://\(address):\(port)")!
    }

    /// The requests answered so far, oldest first.
    public var requestLog: [LoggedRequest] { state.withLock { $0.log } }

    /// Empties the request log.
    public func clearLog() { state.withLock { $0.log.removeAll() } }

    /// The requests answered since the last call, oldest first, removed from the log in the same step.
    public func takeLog() -> [LoggedRequest] {
        state.withLock { state in
            defer { state.log.removeAll() }
            return state.log
        }
    }

    // MARK: Starting and stopping

    /// Binds, listens and starts accepting connections.
    /// - Returns: the port listened on (the ephemeral one when `port` was 0).
    /// - Throws: ``HTTPServerError`` when the host is not loopback, the server was already started,
    ///   or a socket call fails (such as a port in use).
    @discardableResult
    public func start() throws(HTTPServerError) -> UInt16 {
        let address = try Self.loopbackAddress(host)
        try state.withLock { (state) throws(HTTPServerError) in
            guard case .idle = state.phase else {
                throw HTTPServerError(.alreadyStarted, "the server was already started or stopped; create a new one")
            }
            state.phase = .starting
        }
        let listener: Int32
        let port: UInt16
        do {
            (listener, port) = try Socket.listen(on: address, port: requestedPort)
        } catch {
            state.withLock { if case .starting = $0.phase { $0.phase = .idle } }
            throw error
        }
        let started = state.withLock { state in
            guard case .starting = state.phase else { return false }  // stop() came first
            state.phase = .running(listener: listener)
            state.address = Socket.text(of: address)
            state.port = port
            return true
        }
        guard started else {
            close(listener)
            throw HTTPServerError(.alreadyStarted, "the server was stopped while starting")
        }
        let thread = Thread { [self] in acceptLoop(listener) }
        thread.name = "HTTPServer.accept:\(port)"
        thread.start()
        return port
    }

    /// Stops accepting, lets in-flight requests finish, then cuts off whatever is left.
    ///
    /// Returns within about `gracePeriod` plus two seconds even if a handler never returns; such a
    /// handler's task is cancelled and its thread lingers until it does. Calling it again does nothing.
    /// - Parameter gracePeriod: seconds in-flight connections may take to finish.
    public func stop(gracePeriod: TimeInterval = 2) {
        let listener: Int32? = state.withLock { state in
            defer { state.phase = .stopped }
            if case .running(let listener) = state.phase { return listener }
            return nil
        }
        guard let listener else { return }
        // On Linux, shutdown() of a listening socket makes a blocked accept() return EINVAL;
        // close() alone would leave it blocked.
        shutdown(listener, Int32(SHUT_RDWR))
        _ = acceptExited.wait(timeout: .now() + 1)
        close(listener)
        if inFlight.wait(timeout: .now() + max(0, gracePeriod)) == .timedOut {
            cutRemainingConnections()
            _ = inFlight.wait(timeout: .now() + 1)
        }
    }

    private var isStopped: Bool {
        state.withLock { if case .stopped = $0.phase { true } else { false } }
    }

    /// Wakes every blocked read, write and delay with `shutdown()` and cancels running handlers.
    /// The fds stay open: their threads close them, so a recycled fd number is never touched.
    private func cutRemainingConnections() {
        state.withLock { state in
            state.forced = true
            for connection in state.connections.values {
                shutdown(connection.fd, Int32(SHUT_RDWR))
                connection.task?.cancel()
            }
        }
    }

    // MARK: Accepting

    private func acceptLoop(_ listener: Int32) {
        defer { acceptExited.signal() }
        while waitForFreeSlot() {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                let error = Glibc.errno
                if isStopped { return }
                switch error {
                case EINTR, ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    usleep(10_000)  // out of descriptors or memory: back off instead of spinning
                    continue
                default: return
                }
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)  // keep it out of processes the tests launch
            guard let id = register(fd) else {
                close(fd)
                return
            }
            let thread = Thread { [self] in
                serve(fd, id: id)
                inFlight.leave()
            }
            thread.name = "HTTPServer.connection:\(id)"
            // Handlers run on the task pool; this thread only parses and copies bytes.
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    /// Waits while `maxConnections` are being served; false once the server stops.
    private func waitForFreeSlot() -> Bool {
        while true {
            let (stopped, busy) = state.withLock { state in
                let stopped = if case .stopped = state.phase { true } else { false }
                return (stopped, state.connections.count >= max(1, limits.maxConnections))
            }
            if stopped { return false }
            if !busy { return true }
            usleep(5_000)  // only reached under overload; the backlog holds the waiting clients
        }
    }

    /// Records a connection; nil when the server is stopping.
    private func register(_ fd: Int32) -> Int? {
        state.withLock { state in
            if case .stopped = state.phase { return nil }
            let id = state.nextConnectionID
            state.nextConnectionID += 1
            state.connections[id] = Connection(fd: fd)
            // Entered under the lock, so a stop() that sees the server running also waits for it.
            inFlight.enter()
            return id
        }
    }

    // MARK: Serving one connection

    /// How a connection ends once its response is decided.
    private enum Ending {
        /// The request was read whole: close normally.
        case close
        /// The request was refused part-way: close our side, then read what the client still
        /// sends, so unread bytes do not turn the close into a reset that destroys our answer.
        case drain
        /// Fault: reset with `SO_LINGER` 0.
        case reset
        /// Fault: reset after a partial response. A reset, not a clean close: when a clean close
        /// lands inside the header block, URLSession on Linux ends the whole process with
        /// "Transfer completed, but there's no response" (FoundationNetworking fatalError).
        case truncate
    }

    private func serve(_ fd: Int32, id: Int) {
        Socket.configure(fd, limits: limits)
        var reader = RequestReader(fd: fd, limits: limits)
        let ending: Ending
        switch reader.read() {
        case .request(let request): ending = respond(to: request, on: fd, id: id)
        case .refused(let error, let head): ending = refuse(error, head: head, on: fd)
        case .gone: ending = .close
        }
        finish(fd, id: id, ending)
    }

    private func respond(to request: HTTPRequest, on fd: Int32, id: Int) -> Ending {
        let response = runHandler(request, connection: id)
        if response.abortWithoutResponse {
            record(request, status: response.status)
            return .reset
        }
        if response.delay > 0 { Socket.wait(response.delay, unlessPeerCloses: fd) }
        let bytes = response.serialized(forMethod: request.method, date: Date())
        // Logged before the first byte goes out, so a client holding its answer finds it logged.
        record(request, status: response.status)
        if let limit = response.closeAfterBytes {
            _ = Socket.sendAll(fd, bytes.prefix(max(0, limit)))
            return .truncate
        }
        _ = Socket.sendAll(fd, bytes[...])
        return .close
    }

    private func refuse(_ error: HTTPRequestError, head: HTTPRequestHead?, on fd: Int32) -> Ending {
        // What was readable of the request, for the log; an unreadable one logs with an empty method and path.
        let request = HTTPRequest(method: head?.method ?? "", target: head?.target ?? "", headers: head?.headers ?? [:])
        record(request, status: error.status)
        let response = HTTPResponse.text(error.status, error.message + "\n")
        _ = Socket.sendAll(fd, response.serialized(forMethod: request.method, date: Date())[...])
        return .drain
    }

    /// Runs the async handler as a task whose jobs run on this connection's own thread, and
    /// returns its answer.
    ///
    /// The handler never waits for a thread of the shared task pool: a process whose pool is busy
    /// (tests running beside an in-process emulator, a host app doing heavy work) still gets its
    /// answers. Jobs the handler hands to actors run there and come back here.
    private func runHandler(_ request: HTTPRequest, connection id: Int) -> HTTPResponse {
        let answer = HandlerAnswer()
        let executor = ConnectionExecutor()
        let handler = self.handler
        let task = Task(executorPreference: executor) {
            answer.deliver(await handler(request))
            executor.wake()
        }
        let cancelled = state.withLock { state in
            state.connections[id]?.task = task
            return state.forced
        }
        if cancelled { task.cancel() }
        executor.run { answer.isReady }
        return answer.wait()
    }

    private func finish(_ fd: Int32, id: Int, _ ending: Ending) {
        switch ending {
        case .close: break
        case .drain: Socket.drain(fd)
        case .reset, .truncate: Socket.setLingerZero(fd)
        }
        // Unregister before close, so cutRemainingConnections() never shuts down a reused fd number.
        state.withLock { _ = $0.connections.removeValue(forKey: id) }
        close(fd)
    }

    // MARK: Log

    private func record(_ request: HTTPRequest, status: Int) {
        let entry = LoggedRequest(
            time: Date(), method: request.method, path: request.path, status: status,
            headers: Self.redacted(request.headers), bodySize: request.body.count)
        let cap = max(0, limits.maxLoggedRequests)
        state.withLock { state in
            state.log.append(entry)
            if state.log.count > cap { state.log.removeFirst(state.log.count - cap) }
        }
    }

    /// Headers with credential values replaced, keeping the `Bearer` scheme so tests can tell a
    /// token was sent.
    static func redacted(_ headers: HTTPHeaders) -> HTTPHeaders {
        let secret: Set<String> = ["authorization", "proxy-authorization", "cookie"]
        return HTTPHeaders(
            headers.map { field in
                guard secret.contains(field.name.lowercased()) else { return (field.name, field.value) }
                let bearer = field.value.lowercased().hasPrefix("bearer ")
                return (field.name, bearer ? "Bearer <redacted>" : "<redacted>")
            })
    }

    // MARK: Host

    /// Parses the host as a loopback IPv4 address.
    private static func loopbackAddress(_ host: String) throws(HTTPServerError) -> in_addr {
        let numeric = host.lowercased() == "localhost" ? "127.0.0.1" : host
        var address = in_addr()
        guard inet_pton(AF_INET, numeric, &address) == 1, UInt32(bigEndian: address.s_addr) >> 24 == 127 else {
            throw HTTPServerError(
                .notLoopback, "refusing to listen on '\(host)': the emulator serves this machine only; use 127.0.0.1")
        }
        return address
    }
}

/// The handler's answer, handed from its task to the connection thread.
private final class HandlerAnswer: Sendable {
    private let response = Mutex<HTTPResponse?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func deliver(_ value: HTTPResponse) {
        response.withLock { $0 = value }
        ready.signal()
    }

    var isReady: Bool { response.withLock { $0 != nil } }

    func wait() -> HTTPResponse {
        ready.wait()
        return response.withLock { $0 } ?? HTTPResponse.text(500, "handler gave no answer\n")
    }
}

/// The executor of one connection's handler task: its jobs queue up here and run on the
/// connection's thread, which waits for them (``run(until:)``) instead of for a pool thread.
private final class ConnectionExecutor: TaskExecutor {
    private let jobs = Mutex<[UnownedJob]>([])
    private let signal = DispatchSemaphore(value: 0)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        signal.signal()
    }

    /// Wakes ``run(until:)`` to check its condition again.
    func wake() { signal.signal() }

    /// Runs the queued jobs on the calling thread, waiting for more, until `done` holds.
    func run(until done: () -> Bool) {
        while !done() {
            signal.wait()
            while let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
    }
}

// MARK: - Reading a request

/// Reads one request from a blocking socket, enforcing the limits.
private struct RequestReader {
    enum Outcome {
        case request(HTTPRequest)
        /// Answer with this error; `head` when the request line and headers were readable.
        case refused(HTTPRequestError, head: HTTPRequestHead?)
        /// The client left (or never spoke): nothing to answer.
        case gone
    }

    private enum Failure: Error {
        case refused(HTTPRequestError, head: HTTPRequestHead?)
        case gone
    }

    let fd: Int32
    let limits: HTTPServer.Limits
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(fd: Int32, limits: HTTPServer.Limits) {
        self.fd = fd
        self.limits = limits
    }

    mutating func read() -> Outcome {
        do throws(Failure) {
            let headEnd = try readHead()
            let head: HTTPRequestHead
            do {
                head = try HTTPRequestHead.parse(buffer[..<headEnd])
            } catch {
                throw Failure.refused(error, head: nil)
            }
            let body = try readBody(of: head, from: headEnd)
            return .request(
                HTTPRequest(method: head.method, target: head.target, version: head.version, headers: head.headers, body: body))
        } catch {
            switch error {
            case .refused(let error, let head): return .refused(error, head: head)
            case .gone: return .gone
            }
        }
    }

    /// Receives until the blank line ending the head; returns the index after it.
    private mutating func readHead() throws(Failure) -> Int {
        var scanned = 0
        while true {
            if let end = HTTPRequestHead.end(in: buffer, from: scanned) {
                guard end <= limits.maxHeaderBytes else { throw Self.headTooLarge(limits) }
                return end
            }
            if buffer.count > limits.maxHeaderBytes { throw Self.headTooLarge(limits) }
            scanned = buffer.count
            try receive(idleIsGone: buffer.isEmpty)
        }
    }

    private mutating func readBody(of head: HTTPRequestHead, from start: Int) throws(Failure) -> [UInt8] {
        if head.headers.contains("Transfer-Encoding") {
            throw .refused(HTTPRequestError(411, "chunked request bodies are not supported; send Content-Length"), head: head)
        }
        let length = try contentLength(of: head)
        guard length <= limits.maxBodyBytes else {
            throw .refused(HTTPRequestError(413, "request body over \(limits.maxBodyBytes) bytes"), head: head)
        }
        try answerExpectation(of: head, bodyLength: length, received: buffer.count - start)
        buffer.reserveCapacity(start + length)
        while buffer.count - start < length {
            try receive(idleIsGone: false, head: head)
        }
        return Array(buffer[start..<(start + length)])
    }

    /// The declared body length: 0 when absent; repeated values must agree (RFC 9112 §6.3).
    private func contentLength(of head: HTTPRequestHead) throws(Failure) -> Int {
        let values = head.headers.values("Content-Length")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = values.first else { return 0 }
        guard values.allSatisfy({ $0 == first }), first.count <= 18, first.allSatisfy(\.isASCII),
            let length = Int(first), length >= 0
        else {
            throw .refused(HTTPRequestError(400, "invalid Content-Length"), head: head)
        }
        return length
    }

    /// Sends `100 Continue` when the client waits for it before sending the body.
    private func answerExpectation(of head: HTTPRequestHead, bodyLength: Int, received: Int) throws(Failure) {
        guard let expect = head.headers["Expect"] else { return }
        guard expect.lowercased() == "100-continue" else {
            throw .refused(HTTPRequestError(417, "unsupported expectation '\(expect)'"), head: head)
        }
        // HTTP/1.0 clients do not know 100; a client already sending its body needs no go-ahead.
        guard head.version == "HTTP/1.1", bodyLength > 0, received == 0 else { return }
        let interim = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
        guard Socket.sendAll(fd, interim[...]) else { throw .gone }
    }

    /// Appends what the socket has; a timeout becomes 408 unless the client never sent anything.
    private mutating func receive(idleIsGone: Bool, head: HTTPRequestHead? = nil) throws(Failure) {
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[..<count])
                return
            }
            if count == 0 { throw .gone }
            switch Glibc.errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK:
                if idleIsGone { throw .gone }
                throw .refused(HTTPRequestError(408, "request not complete within the read timeout"), head: head)
            default: throw .gone
            }
        }
    }

    private static func headTooLarge(_ limits: HTTPServer.Limits) -> Failure {
        .refused(HTTPRequestError(431, "request line and headers over \(limits.maxHeaderBytes) bytes"), head: nil)
    }
}

// MARK: - Socket calls

/// Thin wrappers over the Glibc socket calls, with their error handling in one place.
private enum Socket {
    /// Creates a listening socket on the address, returning it and the bound port.
    static func listen(on address: in_addr, port: UInt16) throws(HTTPServerError) -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError(.socket, "cannot create a socket", errno: Glibc.errno) }
        do throws(HTTPServerError) {
            // Lets a restarted emulator rebind a fixed port whose old connections sit in TIME_WAIT.
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, Int32(1), "SO_REUSEADDR")
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = port.bigEndian
            socketAddress.sin_addr = address
            let bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                throw HTTPServerError(.socket, "cannot bind \(text(of: address)):\(port)", errno: Glibc.errno)
            }
            guard Glibc.listen(fd, 128) == 0 else {
                throw HTTPServerError(.socket, "cannot listen", errno: Glibc.errno)
            }
            return (fd, try boundPort(fd))
        } catch {
            close(fd)
            throw error
        }
    }

    private static func boundPort(_ fd: Int32) throws(HTTPServerError) -> UInt16 {
        var socketAddress = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { throw HTTPServerError(.socket, "cannot read the bound port", errno: Glibc.errno) }
        return UInt16(bigEndian: socketAddress.sin_port)
    }

    /// Dotted text of an IPv4 address.
    static func text(of address: in_addr) -> String {
        var address = address
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        guard inet_ntop(AF_INET, &address, &text, socklen_t(text.count)) != nil else { return "127.0.0.1" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Read and write timeouts, so a silent client cannot hold a thread forever.
    static func configure(_ fd: Int32, limits: HTTPServer.Limits) {
        try? setOption(fd, SOL_SOCKET, SO_RCVTIMEO, timeval(limits.readTimeout), "SO_RCVTIMEO")
        try? setOption(fd, SOL_SOCKET, SO_SNDTIMEO, timeval(limits.writeTimeout), "SO_SNDTIMEO")
        // Responses go out in one send; no reason to let Nagle hold back a short tail.
        try? setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, Int32(1), "TCP_NODELAY")
    }

    /// Sends every byte, resuming after partial writes and EINTR; false when the client is gone or
    /// the write timeout passed. `MSG_NOSIGNAL` because SIGPIPE would kill the whole test process.
    static func sendAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent > 0 {
                    offset += sent
                } else if sent < 0 && Glibc.errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }

    /// Sleeps up to `seconds`, returning early when the client closes its side (it gave up) or
    /// `stop()` shuts the socket down; both show up in `poll` as hang-ups.
    static func wait(_ seconds: TimeInterval, unlessPeerCloses fd: Int32) {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return }
            var entry = pollfd(fd: fd, events: pollReadHangUp, revents: 0)
            let ready = poll(&entry, 1, Int32(min(remaining * 1000, 60_000).rounded(.up)))
            if ready > 0 { return }
            if ready < 0 && Glibc.errno != EINTR { return }
        }
    }

    /// Linux's `POLLRDHUP` (peer closed its writing side), hidden from Swift behind `_GNU_SOURCE`.
    private static let pollReadHangUp: Int16 = 0x2000

    /// After a refusal: stops sending, then reads and discards for up to a second, until the client
    /// closes. Closing with unread input would send a reset, which can destroy the refusal in
    /// flight before the client reads it.
    static func drain(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        try? setOption(fd, SOL_SOCKET, SO_RCVTIMEO, timeval(0.2), "SO_RCVTIMEO")
        let deadline = Date().addingTimeInterval(1)
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while Date() < deadline {
            let count = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 || (count < 0 && Glibc.errno != EINTR) { return }
        }
    }

    /// Makes the next `close` send a reset instead of a FIN.
    static func setLingerZero(_ fd: Int32) {
        try? setOption(fd, SOL_SOCKET, SO_LINGER, linger(l_onoff: 1, l_linger: 0), "SO_LINGER")
    }

    private static func timeval(_ seconds: TimeInterval) -> Glibc.timeval {
        let clamped = max(0.001, seconds)
        let whole = clamped.rounded(.down)
        return Glibc.timeval(tv_sec: Int(whole), tv_usec: Int((clamped - whole) * 1_000_000))
    }

    private static func setOption<Value: BitwiseCopyable>(
        _ fd: Int32, _ level: Int32, _ name: Int32, _ value: Value, _ label: String
    ) throws(HTTPServerError) {
        let result = withUnsafeBytes(of: value) { setsockopt(fd, level, name, $0.baseAddress, socklen_t($0.count)) }
        guard result == 0 else {
            throw HTTPServerError(.socket, "cannot set \(label)", errno: Glibc.errno)
        }
    }
}
