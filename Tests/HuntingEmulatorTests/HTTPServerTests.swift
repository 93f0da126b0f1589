import Foundation
import Glibc
import Synchronization
import Testing

@testable import HuntingEmulator

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

// MARK: - Helpers

/// Starts a server on 127.0.0.1 and an ephemeral port; callers stop it with `defer`.
private func startServer(
    limits: HTTPServer.Limits = HTTPServer.Limits(), _ handler: @escaping HTTPServer.Handler
) throws -> HTTPServer {
    let server = HTTPServer(limits: limits, handler: handler)
    try server.start()
    return server
}

/// A fresh session per test, wide enough for the concurrency test, with no caches or cookies.
private func makeSession() -> URLSession {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpMaximumConnectionsPerHost = 64
    configuration.urlCache = nil
    configuration.httpCookieStorage = nil
    return URLSession(configuration: configuration)
}

private func request(
    _ server: HTTPServer, _ target: String, method: String = "GET", headers: [String: String] = [:],
    body: Data? = nil, timeout: TimeInterval = 30
) throws -> URLRequest {
    let url = try #require(URL(string: server.baseURL.absoluteString + target))
    var request = URLRequest(url: url)
    request.timeoutInterval = timeout
    request.httpMethod = method
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    request.httpBody = body
    return request
}

private func send(_ session: URLSession, _ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
    let (data, response) = try await session.data(for: request)
    return (data, try #require(response as? HTTPURLResponse))
}

/// Runs blocking socket code on its own thread, so tests never block the cooperative pool.
private func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

/// A blocking client socket speaking raw bytes, for requests URLSession would never send.
private final class RawClient {
    let fd: Int32

    init?(port: UInt16, timeout: TimeInterval = 15) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// Reads until the text ends with `suffix`, EOF or the timeout.
    func receive(until suffix: String? = nil) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            bytes += chunk[..<count]
            if let suffix, String(decoding: bytes, as: UTF8.self).hasSuffix(suffix) { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Sends raw bytes and returns everything the server answers before closing.
private func exchange(_ server: HTTPServer, _ text: String) async -> String {
    let port = server.port
    return await onThread {
        guard let client = RawClient(port: port) else { return "<connect failed>" }
        client.send(text)
        return client.receive()
    }
}

private func statusLine(_ response: String) -> String {
    // Not `prefix { $0 != "\r" }`: Swift reads "\r\n" as one Character.
    response.components(separatedBy: "\r\n").first ?? ""
}

/// Echoes what the server parsed, so tests can check the request model end to end.
private let echo: HTTPServer.Handler = { request in
    var headers: HTTPHeaders = ["X-Method": request.method, "X-Path": request.path, "X-Version": request.version]
    for item in request.queryItems { headers.add("X-Query", "\(item.name)=\(item.value)") }
    return HTTPResponse(status: 200, headers: headers, body: request.body)
}

// MARK: - Round trips

@Suite("HTTP server")
struct HTTPServerTests {
    @Test func getRoundTrip() async throws {
        let server = try startServer(echo)
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await send(session, try request(server, "/v1.0/security/runHuntingQuery"))
        #expect(response.statusCode == 200)
        #expect(data.isEmpty)
        #expect(response.value(forHTTPHeaderField: "X-Method") == "GET")
        #expect(response.value(forHTTPHeaderField: "X-Path") == "/v1.0/security/runHuntingQuery")
        #expect(response.value(forHTTPHeaderField: "Connection") == "close")
        #expect(response.value(forHTTPHeaderField: "Date")?.hasSuffix(" GMT") == true)
        #expect(server.port != 0)
        #expect(server.baseURL.absoluteString == "http://127.0.0.1:\(server.port)")
    }

    @Test func postBodyRoundTrip() async throws {
        let server = try startServer { request in
            var response = HTTPResponse.json(201, #"{"received":\#(request.body.count)}"#)
            response.headers.add("X-Echo", request.bodyText)
            return response
        }
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        let body = #"{"Query":"DeviceInfo | take 1 // Jörg"}"#
        let (data, response) = try await send(
            session, try request(server, "/api/advancedhunting/run", method: "POST", body: Data(body.utf8)))
        #expect(response.statusCode == 201)
        #expect(String(decoding: data, as: UTF8.self) == #"{"received":\#(body.utf8.count)}"#)
        #expect(response.value(forHTTPHeaderField: "Content-Type") == "application/json; charset=utf-8")
        #expect(response.value(forHTTPHeaderField: "Content-Length") == "\(data.count)")
    }

    @Test func binaryBodiesSurviveUnchanged() async throws {
        let server = try startServer(echo)
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        var generator = SystemRandomNumberGenerator()
        let body = Data((0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let (data, _) = try await send(session, try request(server, "/upload", method: "PUT", body: body))
        #expect(data == body)
    }

    @Test func headersAreCaseInsensitive() async throws {
        let server = try startServer { request in
            let same = request.header("x-client-request-id") == request.header("X-CLIENT-REQUEST-ID")
            return .text(200, "\(same) \(request.header("X-Client-Request-Id") ?? "missing")")
        }
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        let (data, _) = try await send(session, try request(server, "/", headers: ["x-CLIENT-request-ID": "abc-123"]))
        #expect(String(decoding: data, as: UTF8.self) == "true abc-123")
    }

    @Test func queryItemsAreDecoded() async throws {
        let server = try startServer(echo)
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        let target = "/v1.0/security/alerts_v2?%24top=5&%24filter=status%20eq%20%27new%27&q=a+b&plus=%2B&flag&j=J%C3%B6rg"
        let (_, response) = try await send(session, try request(server, target))
        let items = (response.value(forHTTPHeaderField: "X-Query") ?? "").components(separatedBy: ", ")
        #expect(items == ["$top=5", "$filter=status eq 'new'", "q=a b", "plus=+", "flag=", "j=Jörg"])
        #expect(response.value(forHTTPHeaderField: "X-Path") == "/v1.0/security/alerts_v2")
    }

    @Test func formFieldsAreDecoded() async throws {
        let server = try startServer { request in
            let fields = request.formFields()
            let text = fields.keys.sorted().map { "\($0)=\(fields[$0] ?? "")" }.joined(separator: "\n")
            return .text(200, text)
        }
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        let form = "grant_type=client_credentials&client_id=11111111-2222&scope=https%3A%2F%2Fapi.security"
            + "center.microsoft.com%2F.default&note=a+b%26c&grant_type=ignored"
        let (data, _) = try await send(
            session,
            try request(
                server, "/tenant/oauth2/v2.0/token", method: "POST",
                headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(form.utf8)))
        #expect(String(decoding: data, as: UTF8.self) == """
            client_id=11111111-2222
            grant_type=client_credentials
            note=a b&c
            scope=https://api.securitycenter.microsoft.com/.default
            """)
    }

    @Test func handlerStatusesPassThrough() async throws {
        let server = try startServer { request in
            request.path == "/missing" ? .json(404, #"{"error":{"code":"NotFound"}}"#) : .text(200, "ok")
        }
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await send(session, try request(server, "/missing"))
        #expect(response.statusCode == 404)
        #expect(String(decoding: data, as: UTF8.self).contains("NotFound"))
        let raw = await exchange(server, "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(statusLine(raw) == "HTTP/1.1 404 Not Found")
        #expect(raw.contains("\r\nConnection: close\r\n"))
        #expect(raw.contains("\r\nContent-Length: 29\r\n"))
    }

    @Test func manyConcurrentRequestsAreAllAnswered() async throws {
        let server = try startServer { request in
            try? await Task.sleep(for: .milliseconds(20))  // keep requests overlapping
            return .text(200, request.query("n") ?? "")
        }
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for n in 0..<50 {
                let request = try request(server, "/count?n=\(n)")
                group.addTask {
                    let (data, _) = try await send(session, request)
                    return (n, String(decoding: data, as: UTF8.self))
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 50)
        #expect(answers.allSatisfy { "\($0.key)" == $0.value })
        #expect(server.requestLog.count == 50)
    }

    // MARK: Protocol corners

    @Test func http10ClientsGetAnAnswer() async throws {
        let server = try startServer(echo)
        defer { server.stop() }
        let raw = await exchange(server, "GET /old HTTP/1.0\r\n\r\n")
        #expect(statusLine(raw) == "HTTP/1.1 200 OK")
        #expect(raw.contains("\r\nX-Version: HTTP/1.0\r\n"))
    }

    @Test func headRequestsGetHeadersOnly() async throws {
        let server = try startServer { _ in .text(200, "twelve bytes") }
        defer { server.stop() }
        let raw = await exchange(server, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(raw.contains("\r\nContent-Length: 12\r\n"))
        #expect(raw.hasSuffix("\r\n\r\n"))
    }

    @Test func expectContinueGetsAGoAheadBeforeTheBody() async throws {
        let server = try startServer(echo)
        defer { server.stop() }
        let port = server.port
        let (interim, final) = await onThread {
            guard let client = RawClient(port: port) else { return ("<connect failed>", "") }
            client.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = client.receive(until: "\r\n\r\n")
            client.send("hello")
            return (interim, client.receive())
        }
        #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(statusLine(final) == "HTTP/1.1 200 OK")
        #expect(final.hasSuffix("\r\n\r\nhello"))
    }

    @Test func urlSessionExpectContinueWorks() async throws {
        let server = try startServer(echo)
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        let body = Data(repeating: 0x41, count: 100_000)
        let (data, _) = try await send(
            session, try request(server, "/big", method: "POST", headers: ["Expect": "100-continue"], body: body))
        #expect(data == body)
    }

    static let refusals: [(request: String, status: Int)] = [
        ("GARBAGE\r\n\r\n", 400),
        ("GET /\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\n\r\n", 400),
        ("GET nopath HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nNo colon here\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nA: 1\r\n folded\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
        ("GET / HTTP/2.0\r\n\r\n", 505),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 411),
        ("POST / HTTP/1.1\r\nContent-Length: 1\r\nExpect: magic\r\n\r\nx", 417),
    ]

    @Test(arguments: refusals)
    func malformedRequestsAreRefused(request: String, status: Int) async throws {
        let server = try startServer { _ in .text(200, "handler must not run") }
        defer { server.stop() }
        let raw = await exchange(server, request)
        #expect(statusLine(raw).hasPrefix("HTTP/1.1 \(status) "))
        #expect(!raw.contains("handler must not run"))
    }

    @Test func oversizedHeadersAreRefused() async throws {
        let server = try startServer { _ in .text(200, "ok") }
        defer { server.stop() }
        let huge = String(repeating: "a", count: 70 * 1024)
        let raw = await exchange(server, "GET / HTTP/1.1\r\nHost: x\r\nX-Huge: \(huge)\r\n\r\n")
        #expect(statusLine(raw) == "HTTP/1.1 431 Request Header Fields Too Large")
    }

    @Test func oversizedBodiesAreRefusedWithoutAGoAhead() async throws {
        let server = try startServer(limits: HTTPServer.Limits(maxBodyBytes: 1000)) { _ in .text(200, "ok") }
        defer { server.stop() }
        let raw = await exchange(
            server, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
        #expect(statusLine(raw) == "HTTP/1.1 413 Content Too Large")
        #expect(!raw.contains("100 Continue"))
    }

    @Test func incompleteRequestsTimeOut() async throws {
        let server = try startServer(limits: HTTPServer.Limits(readTimeout: 0.3)) { _ in .text(200, "ok") }
        defer { server.stop() }
        let raw = await exchange(server, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        #expect(statusLine(raw) == "HTTP/1.1 408 Request Timeout")
    }

    // MARK: Faults

    @Test func delayTripsClientTimeouts() async throws {
        let server = try startServer { _ in HTTPResponse.text(200, "late").delayed(by: 120) }
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        let started = Date()
        await #expect(throws: URLError.self) {
            _ = try await send(session, try request(server, "/slow", timeout: 1))
        }
        // Well below the server's delay, so the client's timeout ended it; loose, since the whole
        // suite may be keeping both cores busy (URLSession's own timers then fire late).
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func shortDelaysStillAnswer() async throws {
        let server = try startServer { _ in HTTPResponse.text(200, "late").delayed(by: 0.2) }
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        let started = Date()
        let (data, _) = try await send(session, try request(server, "/slow"))
        #expect(String(decoding: data, as: UTF8.self) == "late")
        #expect(Date().timeIntervalSince(started) >= 0.2)
    }

    /// Cuts in the status line, in the headers (a clean close there would crash URLSession on
    /// Linux), and in the body.
    @Test(arguments: [0, 10, 40, 200, 5000])
    func truncatedResponsesFailOrComeShort(afterBytes: Int) async throws {
        let body = String(repeating: "x", count: 10_000)
        let server = try startServer { _ in HTTPResponse.text(200, body).truncated(afterBytes: afterBytes) }
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        let started = Date()
        do {
            let (data, _) = try await send(session, try request(server, "/cut", timeout: 120))
            #expect(data.count < body.utf8.count)
        } catch {
            #expect(error is URLError)
            #expect((error as? URLError)?.code != .timedOut, "a cut answer must end the request, not its timeout")
        }
        // It must not hang (a hang runs into the 120 s timeout); the bound is loose because the
        // whole suite may be keeping both cores and the task pool busy.
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func abortedResponsesFail() async throws {
        let server = try startServer { _ in .abort }
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        await #expect(throws: URLError.self) {
            _ = try await send(session, try request(server, "/reset"))
        }
        #expect(server.requestLog.map(\.path) == ["/reset"])
    }

    // MARK: Lifecycle

    @Test func stopRefusesFurtherConnectionsPromptly() async throws {
        let server = try startServer { _ in .text(200, "ok") }
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        _ = try await send(session, try request(server, "/"))
        let started = Date()
        server.stop()
        #expect(Date().timeIntervalSince(started) < 0.5)
        let port = server.port
        let connected = await onThread { RawClient(port: port) != nil }
        #expect(!connected)
        await #expect(throws: URLError.self) {
            _ = try await send(session, try request(server, "/"))
        }
        server.stop()  // a second stop does nothing
    }

    @Test func stopCutsOffHandlersThatDoNotFinish() async throws {
        let entered = Mutex(false)
        let server = try startServer { _ in
            entered.withLock { $0 = true }
            try? await Task.sleep(for: .seconds(30))  // ends early when stop() cancels it
            return .text(200, "too late")
        }
        defer { server.stop() }
        let port = server.port
        let client = Task {
            await onThread {
                guard let client = RawClient(port: port, timeout: 30) else { return "" }
                client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                return client.receive()
            }
        }
        while !entered.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        let started = Date()
        server.stop(gracePeriod: 0.2)
        #expect(Date().timeIntervalSince(started) < 1.5)
        #expect(!(await client.value).contains("too late"))
    }

    @Test(arguments: ["0.0.0.0", "192.168.1.10", "example.com", "::1"])
    func nonLoopbackHostsAreRefused(host: String) {
        let server = HTTPServer(host: host) { _ in .text(200, "ok") }
        defer { server.stop() }
        #expect {
            try server.start()
        } throws: { error in
            (error as? HTTPServerError)?.code == .notLoopback
        }
    }

    @Test func startsOnceOnly() throws {
        let server = HTTPServer(host: "localhost") { _ in .text(200, "ok") }
        defer { server.stop() }
        let port = try server.start()
        #expect(port == server.port)
        #expect {
            try server.start()
        } throws: { error in
            (error as? HTTPServerError)?.code == .alreadyStarted
        }
    }

    // MARK: Request log

    @Test func requestLogKeepsNoSecrets() async throws {
        let server = try startServer { _ in .json(200, "{}") }
        defer { server.stop() }
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        let body = Data("client_secret=hunter2-very-secret&grant_type=client_credentials".utf8)
        _ = try await send(
            session,
            try request(
                server, "/tenant/oauth2/v2.0/token?code=query-secret", method: "POST",
                headers: ["Authorization": "Bearer eyJhbGciOi.token-secret.sig", "Cookie": "session=cookie-secret"],
                body: body))
        _ = try await send(session, try request(server, "/basic", headers: ["authorization": "Basic dXNlcjpwYXNz"]))
        let log = server.requestLog
        try #require(log.count == 2)
        #expect(log[0].method == "POST")
        #expect(log[0].path == "/tenant/oauth2/v2.0/token")
        #expect(log[0].status == 200)
        #expect(log[0].bodySize == body.count)
        #expect(log[0].headers["authorization"] == "Bearer <redacted>")
        #expect(log[0].headers["Cookie"] == "<redacted>")
        #expect(log[1].headers["Authorization"] == "<redacted>")
        let dump = String(describing: log)
        for secret in ["token-secret", "eyJhbGciOi", "hunter2", "query-secret", "cookie-secret", "dXNlcjpwYXNz"] {
            #expect(!dump.contains(secret), "log leaks \(secret)")
        }
        server.clearLog()
        #expect(server.requestLog.isEmpty)
    }

    @Test func refusedRequestsAreLoggedToo() async throws {
        let server = try startServer { _ in .text(200, "ok") }
        defer { server.stop() }
        _ = await exchange(server, "GET / HTTP/1.1\r\nAuthorization: Bearer abc\r\nTransfer-Encoding: chunked\r\n\r\n")
        let entry = try #require(server.requestLog.first)
        #expect(entry.status == 411)
        #expect(entry.path == "/")
        #expect(entry.headers["Authorization"] == "Bearer <redacted>")
    }
}

// MARK: - Messages without a server

@Suite("HTTP messages")
struct HTTPMessageTests {
    @Test func targetsSplitIntoPathAndQuery() {
        let request = HTTPRequest(method: "GET", target: "/a%20b/c+d?x=1&y=%E2%82%AC#frag")
        #expect(request.path == "/a b/c+d")
        #expect(request.queryItems == [.init(name: "x", value: "1"), .init(name: "y", value: "€")])
        #expect(request.query("y") == "€")
        #expect(request.query("z") == nil)
        let absolute = HTTPRequest(method: "GET", target: "http://127.0.0.1:8080/v1.0/x?y=2")
        #expect(absolute.path == "/v1.0/x")
        #expect(absolute.query("y") == "2")
    }

    @Test func malformedEscapesStayLiteral() {
        let request = HTTPRequest(method: "POST", target: "/", body: Array("a=100%&b=%zz&c=%4".utf8))
        #expect(request.formFields() == ["a": "100%", "b": "%zz", "c": "%4"])
    }

    @Test func headersKeepOrderAndRepeats() {
        var headers: HTTPHeaders = ["Accept": "a", "X-A": "1"]
        headers.add("x-a", "2")
        #expect(headers["X-A"] == "1")
        #expect(headers.values("X-a") == ["1", "2"])
        headers.set("X-A", "3")
        #expect(headers.values("x-a") == ["3"])
        headers.remove("ACCEPT")
        #expect(headers.map(\.name) == ["X-A"])
        headers["x-b"] = "4"
        headers["X-A"] = nil
        #expect(headers.fields == [.init(name: "x-b", value: "4")])
    }

    @Test func serializationFramesTheResponse() {
        var response = HTTPResponse.text(503, "busy", headers: ["Retry-After": "2", "Content-Length": "999"])
        response.headers.add("X-Evil", "a\r\nInjected: yes")
        let date = Date(timeIntervalSince1970: 784_111_777)
        let text = String(decoding: response.serialized(forMethod: "GET", date: date), as: UTF8.self)
        #expect(text == """
            HTTP/1.1 503 Service Unavailable\r
            Retry-After: 2\r
            Content-Type: text/plain; charset=utf-8\r
            X-Evil: aInjected: yes\r
            Date: Sun, 06 Nov 1994 08:49:37 GMT\r
            Content-Length: 4\r
            Connection: close\r
            \r
            busy
            """)
        let noContent = HTTPResponse(status: 204, body: Array("dropped".utf8))
        let head = String(decoding: noContent.serialized(forMethod: "GET", date: date), as: UTF8.self)
        #expect(!head.contains("Content-Length"))
        #expect(head.hasSuffix("\r\n\r\n"))
    }

    @Test(arguments: [(200, "OK"), (429, "Too Many Requests"), (299, "Success"), (599, "Server Error")])
    func reasonPhrases(status: Int, reason: String) {
        #expect(HTTPResponse(status: status).reason == reason)
    }
}
