import Dispatch
import Foundation
import Hunting
import HuntingEmulator
import Synchronization
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Ends the test process when `body` has not finished within `seconds`.
///
/// A deadlock in URLSession's cancellation blocks the threads of the cooperative pool (two on a
/// 2-core machine), so no timeout the test could await would ever fire; a plain thread can
/// still see it and stop the run loudly instead of letting CI hang.
private func failingLoudly(after seconds: Int, _ what: String, _ body: () async -> Void) async {
    let done = DispatchSemaphore(value: 0)
    Thread {
        if done.wait(timeout: .now() + .seconds(seconds)) == .timedOut {
            FileHandle.standardError.write(Data("\(what) did not finish within \(seconds) s: URLSession cancellation deadlocked\n".utf8))
            abort()
        }
    }.start()
    await body()
    done.signal()
}

/// A loopback port nothing listens on: bound, read back, closed.
private func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    try #require(bound)
    return Int(UInt16(bigEndian: address.sin_port))
}

/// swift-corelibs-foundation #5412: cancelling a task awaiting `URLSession.data(for:)` while the
/// session is finishing that request (a refused connection, its own timeout) deadlocks the
/// cancelling thread and the session's work queue. The runner cancels the request of every query
/// that reaches its deadline, and the transport's timeout is that same deadline, so both happen at
/// once: the fault gauntlet's "slow beyond deadline" run hung `hunt report` for good.
@Suite("URLSessionTransport under cancellation", .serialized)
struct TransportCancellationTests {
    @Test func cancellingRequestsWhileTheyFailNeverHangs() async throws {
        let url = try #require(URL(string: "http://127.0.0.1:\(try closedPort())/"))
        let transport = URLSessionTransport(maximumConnections: 64)
        let outcomes = Counter()
        await failingLoudly(after: 60, "cancelling refused requests") {
            for round in 0..<30 {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<40 {
                        group.addTask {
                            do throws(TransportError) {
                                _ = try await transport.send(HTTPRequestData(method: "GET", url: url, timeout: 5))
                            } catch {
                                outcomes.add(error.kind)
                            }
                        }
                    }
                    try? await Task.sleep(for: .microseconds(50 * (round % 8 + 1)))
                    group.cancelAll()
                }
            }
        }
        // Every request ended, refused or cancelled, never as anything else.
        #expect(outcomes.total == 30 * 40)
        #expect(Set(outcomes.kinds).isSubset(of: [.connection, .cancelled]))
    }

    /// The gauntlet's case: queries whose answer comes after their deadline end as timeouts, on time.
    @Test func queriesSlowerThanTheirDeadlineEndAsTimeouts() async throws {
        let harness = try EmulatorHarness(configuration: EmulatorConfiguration(faults: [FaultRule(.always, .slow(seconds: 3))]))
        defer { harness.stop() }
        let runner = try harness.runner(options: RunOptions(width: 16, queryDeadline: 1, backoffBase: 0.05))
        let started = Date()
        var result: RunResult?
        await failingLoudly(after: 60, "queries past their deadline") {
            result = await runner.run(makeQueries(32))
        }
        let outcomes = try #require(result).outcomes
        #expect(outcomes.count == 32)
        #expect(outcomes.allSatisfy { $0.error?.kind == .timeout })
        #expect(Date().timeIntervalSince(started) < 20)
    }
}

/// Counts error kinds from concurrent tasks.
private final class Counter: Sendable {
    private let value = Mutex<[TransportError.Kind]>([])
    func add(_ kind: TransportError.Kind) { value.withLock { $0.append(kind) } }
    var total: Int { value.withLock { $0.count } }
    var kinds: [TransportError.Kind] { value.withLock { $0 } }
}
