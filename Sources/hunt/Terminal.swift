import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Facts about where output goes, and text made safe to show there.
enum Terminal {
    /// Whether standard error is a terminal (progress lines vs plain log lines).
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }
    /// Whether standard output is a terminal.
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }
    /// Whether colour is allowed (`NO_COLOR` unset and a terminal).
    static var colour: Bool { ProcessInfo.processInfo.environment["NO_COLOR"] == nil && stderrIsTTY }

    /// Result values are hostile text: control characters (ANSI escapes, carriage returns,
    /// bidirectional overrides) are shown as escapes so a cell can never drive the terminal.
    static func sanitize(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x00..<0x20, 0x7F..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The display width of text, counting each scalar as one column (good enough for aligning
    /// mostly-ASCII results).
    static func width(_ text: String) -> Int { text.unicodeScalars.count }
}

/// Runs an async command from the synchronous `main`, and turns Ctrl-C into task cancellation.
enum AsyncMain {
    /// Runs a command whose setup decided everything first: a setup that failed (usage or
    /// configuration) is the exit code, before anything runs; otherwise `execute` runs as below.
    static func run<Setup: Sendable>(_ setup: Result<Setup, ExitCode>, _ execute: @escaping @Sendable (Setup) async -> ExitCode) -> ExitCode {
        switch setup {
        case .success(let setup): run { await execute(setup) }
        case .failure(let exit): exit
        }
    }

    /// Runs `body`; the first SIGINT (Ctrl-C) or SIGTERM (a service manager stopping it) cancels
    /// it (it should end quickly and report what finished).
    static func run(_ body: @escaping @Sendable () async -> ExitCode) -> ExitCode {
        let result = ResultBox()
        let task = Task {
            result.set(await body())
        }
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Output.err("\ninterrupted: stopping; finished queries are kept\n")
                task.cancel()
            }
            source.resume()
            return source
        }
        let done = DispatchSemaphore(value: 0)
        Task {
            _ = await task.value
            done.signal()
        }
        done.wait()
        for source in sources { source.cancel() }
        return result.get()
    }

    final class ResultBox: @unchecked Sendable {
        // Written once by the task before the semaphore is signalled, read after: the semaphore orders them.
        private var value: ExitCode = .failure
        func set(_ code: ExitCode) { value = code }
        func get() -> ExitCode { value }
    }
}
