import Foundation
import Glibc
import Synchronization

/// Runs a program as a child process without blocking the cooperative thread pool: its pipes are
/// served on dedicated threads and the caller awaits a continuation resumed once the process has
/// exited (or was stopped for a timeout or cancellation). Used for `openssl` and the Azure CLI.
enum ChildProcess {
    /// What the process did.
    struct Output: Sendable {
        var status: Int32 = -1
        var exitedNormally = false
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var timedOut = false
        var cancelled = false
        /// Why the process could not be started, when it was not.
        var launchFailure: String?

        var succeeded: Bool { launchFailure == nil && exitedNormally && status == 0 && !timedOut && !cancelled }
    }

    /// Runs `executable` with `arguments`.
    /// - Parameters:
    ///   - input: bytes for its stdin (`nil`: an empty stdin).
    ///   - environment: the child's environment (`nil`: this process's).
    ///   - timeout: seconds before the process is killed.
    static func run(
        _ executable: String, _ arguments: [String], input: [UInt8]? = nil, environment: [String: String]? = nil,
        timeout: TimeInterval
    ) async -> Output {
        let command = RunningCommand(executable: executable, arguments: arguments, input: input, environment: environment)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                command.start(timeout: timeout) { continuation.resume(returning: $0) }
            }
        } onCancel: {
            command.stop(cancelled: true)
        }
    }
}

/// One child process, its pipes, and what is known about it. Every mutable field lives in the
/// `Mutex`; the process is configured in `init`, then only run and terminated under the lock.
final class RunningCommand: Sendable {
    private struct State {
        var launched = false
        var exited = false
        var completed = false
        var output = ChildProcess.Output()
        var completion: (@Sendable (ChildProcess.Output) -> Void)?
    }

    /// Seconds to wait for the pipes after a timeout, in case a grandchild holds them open.
    private static let drainGrace: TimeInterval = 2

    private let process = Process()
    private let stdin: Pipe?
    private let input: [UInt8]
    private let stdout = Pipe()
    private let stderr = Pipe()
    private let state = Mutex(State())

    init(executable: String, arguments: [String], input: [UInt8]?, environment: [String: String]?) {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        stdin = input == nil ? nil : Pipe()
        self.input = input ?? []
        process.standardInput = stdin ?? FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
    }

    /// Launches the process; `completion` runs once, with everything the process wrote.
    func start(timeout: TimeInterval, completion: @escaping @Sendable (ChildProcess.Output) -> Void) {
        let group = DispatchGroup()
        group.enter()
        process.terminationHandler = { [self] process in
            state.withLock { state in
                state.exited = true
                state.output.status = process.terminationStatus
                state.output.exitedNormally = process.terminationReason == .exit
            }
            group.leave()
        }
        guard launch(completion: completion) else {
            group.leave()
            finish()
            return
        }
        drain(group: group)
        let timer = DispatchWorkItem { [self] in stop(cancelled: false) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        group.notify(queue: .global()) { [self] in
            timer.cancel()
            finish()
        }
    }

    /// Terminates the process if it still runs, for a timeout or a cancellation.
    func stop(cancelled: Bool) {
        let stopped = state.withLock { state -> Bool in
            guard !state.exited, !state.completed else { return false }
            if cancelled { state.output.cancelled = true } else { state.output.timedOut = true }
            // SIGKILL, not SIGTERM: a child spawned from a Dispatch worker thread inherits its
            // blocked signal mask, so SIGTERM would stay pending and never stop it.
            if state.launched { kill(process.processIdentifier, SIGKILL) }
            return true
        }
        // A grandchild may keep the pipes open after the child is gone: give up on them after a grace.
        if stopped { DispatchQueue.global().asyncAfter(deadline: .now() + Self.drainGrace) { [self] in finish() } }
    }

    private func launch(completion: @escaping @Sendable (ChildProcess.Output) -> Void) -> Bool {
        state.withLock { state in
            state.completion = completion
            guard !state.output.cancelled else {
                state.output.launchFailure = "cancelled before it started"
                return false
            }
            do {
                try process.run()
                state.launched = true
                return true
            } catch {
                state.output.launchFailure = error.localizedDescription
                return false
            }
        }
    }

    /// Writes stdin and reads both output pipes to their end on dedicated threads: blocking calls on
    /// Dispatch's global queue would hold its few worker threads (one per core) and delay the timer.
    private func drain(group: DispatchGroup) {
        if let stdin {
            group.enter()
            Thread.detachNewThread { [self] in
                let handle = stdin.fileHandleForWriting
                ChildProcess.writeAll(input, to: handle.fileDescriptor)
                try? handle.close()
                group.leave()
            }
        }
        for isStdout in [true, false] {
            group.enter()
            Thread.detachNewThread { [self] in
                let handle = (isStdout ? stdout : stderr).fileHandleForReading
                let bytes = [UInt8](handle.readDataToEndOfFile())
                state.withLock { state in
                    if isStdout { state.output.stdout = bytes } else { state.output.stderr = bytes }
                }
                group.leave()
            }
        }
    }

    /// Hands the output over, once.
    private func finish() {
        let ready = state.withLock { state -> (ChildProcess.Output, @Sendable (ChildProcess.Output) -> Void)? in
            guard !state.completed, let completion = state.completion else { return nil }
            state.completed = true
            state.completion = nil
            return (state.output, completion)
        }
        if let (output, completion) = ready { completion(output) }
    }
}

extension ChildProcess {
    /// Writes all of `bytes` to `fd`, with SIGPIPE blocked on this thread so that a reader that has
    /// already gone gives EPIPE instead of killing the process.
    /// - Returns: whether everything was written.
    @discardableResult
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer {
            var pending = sigset_t()
            if sigpending(&pending) == 0, sigismember(&pending, SIGPIPE) == 1, sigismember(&previous, SIGPIPE) == 0 {
                var noWait = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeSignal, nil, &noWait)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        return bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if count > 0 {
                    offset += count
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}
