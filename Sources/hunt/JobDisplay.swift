import Foundation
import Hunting
import HuntingJob
import HuntingReports
import KQL
import Synchronization

/// What `hunt report` shows while it works, on standard error: a progress bar on a terminal
/// (queries done of the total, the current throttling wait), plain lines otherwise, JSON lines
/// with `--log-format json`, nothing but warnings and errors with `--quiet`.
final class JobDisplay: Sendable {
    enum Mode: Sendable {
        case bar, lines, json, quiet
    }

    let mode: Mode
    private let colour: Bool
    private struct State {
        var total = 0
        var done = 0
        var failed = 0
        var throttledUntil: Date?
        var throttleReason = ""
        var phase = "running"
        var barShown = false
    }
    private let state = Mutex(State())

    /// - Parameters:
    ///   - quiet: `--quiet`.
    ///   - json: `--log-format json`.
    init(quiet: Bool, json: Bool) {
        if json { mode = .json } else if quiet { mode = .quiet } else { mode = Terminal.stderrIsTTY ? .bar : .lines }
        colour = mode == .bar && Terminal.colour
    }

    /// Sets how many queries the run has, over every tenant.
    func start(total: Int) {
        state.withLock { $0.total = total }
    }

    /// The log the libraries write to: warnings and errors always (debug and info too in JSON).
    var log: HuntingLog {
        HuntingLog(minimumLevel: mode == .json ? .info : .warning) { record in
            self.record(record)
        }
    }

    func record(_ record: LogRecord) {
        if mode == .json {
            var fields: [String: String] = ["level": record.level.rawValue, "message": record.message]
            for (key, value) in record.metadata { fields[key] = value }
            emit(fields, time: record.time)
        } else {
            let label = record.level >= .error ? paint("error", 31) : paint("warning", 33)
            line("\(label): \(Terminal.sanitize(record.message))")
        }
    }

    /// Shows one job event.
    func show(_ event: NightlyJob.Event) {
        switch event {
        case .run(let tenant, .finished(let outcome, _, _)):
            let id = outcome.query.query.id
            let seconds = String(format: "%.1f", outcome.provenance.duration)
            state.withLock { state in
                state.done += 1
                if outcome.error != nil { state.failed += 1 }
            }
            switch mode {
            case .json:
                var fields = ["event": "finished", "tenant": tenant, "query": id, "seconds": seconds]
                switch outcome.result {
                case .success(let value): fields["rows"] = String(value.table.rowCount)
                case .failure(let error):
                    fields["error"] = error.kind.rawValue
                    fields["message"] = error.message
                }
                emit(fields)
            case .lines:
                let (done, total) = state.withLock { ($0.done, $0.total) }
                let result: String = switch outcome.result {
                case .success(let value): ReportTextCount.rows(value.table.rowCount)
                case .failure(let error): "failed (\(error.kind.rawValue))"
                }
                line("[\(done)/\(total)] \(tenant) \(Terminal.sanitize(id)): \(result) in \(seconds) s")
            case .bar:
                if let error = outcome.error {
                    line("\(paint("failed", 31)) \(tenant) \(Terminal.sanitize(id)): \(error.kind.rawValue): \(Terminal.sanitize(error.message))")
                }
                redraw()
            case .quiet:
                break
            }
        case .run(let tenant, .throttled(let seconds, let reason)):
            state.withLock { state in
                state.throttledUntil = Date().addingTimeInterval(seconds)
                state.throttleReason = "\(tenant): \(reason)"
            }
            switch mode {
            case .json: emit(["event": "throttled", "tenant": tenant, "seconds": String(format: "%.1f", seconds), "reason": reason])
            case .lines: line("\(tenant): throttled (\(reason)), waiting \(String(format: "%.1f", seconds)) s")
            case .bar: redraw()
            case .quiet: break
            }
        case .run(let tenant, .retrying(let id, let after, let kind)):
            switch mode {
            case .json: emit(["event": "retrying", "tenant": tenant, "query": id, "after": String(format: "%.1f", after), "error": kind.rawValue])
            case .lines: line("\(tenant) \(Terminal.sanitize(id)): \(kind.rawValue), retrying in \(String(format: "%.1f", after)) s")
            case .bar, .quiet: break
            }
        case .run(_, .attempt):
            break
        case .reviewing, .publishing:
            let phase = if case .reviewing = event { "comparing with the last run" } else { "publishing" }
            state.withLock { $0.phase = phase }
            switch mode {
            case .json: emit(["event": phase == "publishing" ? "publishing" : "reviewing"])
            case .lines: line(phase)
            case .bar: redraw()
            case .quiet: break
            }
        case .published(let run):
            switch mode {
            case .json: emit(["event": "published", "path": run.path.path])
            case .bar: clearBar()
            case .lines, .quiet: break
            }
        }
    }

    /// Removes the progress bar before the final output.
    func finish() {
        if mode == .bar { clearBar() }
    }

    // MARK: output

    private func redraw() {
        guard mode == .bar else { return }
        let (total, done, failed, until, reason, phase) = state.withLock {
            ($0.total, $0.done, $0.failed, $0.throttledUntil, $0.throttleReason, $0.phase)
        }
        let width = 24
        let filled = total == 0 ? width : width * done / total
        var text = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(done)/\(total)"
        if failed > 0 { text += " · " + paint("\(failed) failed", 31) }
        if let until, until > Date() {
            text += " · " + paint("throttled \(Int(until.timeIntervalSinceNow.rounded(.up))) s (\(Terminal.sanitize(reason)))", 33)
        }
        if done == total { text += " · \(phase)" }
        state.withLock { $0.barShown = true }
        Output.err("\r\u{1B}[2K" + text)
    }

    private func clearBar() {
        let shown = state.withLock { state in
            defer { state.barShown = false }
            return state.barShown
        }
        if shown { Output.err("\r\u{1B}[2K") }
    }

    /// A line of its own, above the bar when one is shown.
    private func line(_ text: String) {
        if mode == .bar {
            clearBar()
            Output.err(text + "\n")
            redraw()
        } else {
            Output.err(text + "\n")
        }
    }

    private func paint(_ text: String, _ code: Int) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private func emit(_ fields: [String: String], time: Date = Date()) {
        var all = fields
        all["time"] = KQLDateTime(unixSeconds: time.timeIntervalSince1970).iso8601
        if all["level"] == nil { all["level"] = "info" }
        let members = all.keys.sorted().map { "\(JSONTableWriter.quoted($0)):\(JSONTableWriter.quoted(all[$0] ?? ""))" }
        let out = "{" + members.joined(separator: ",") + "}\n"
        Output.err(out)
    }
}

/// Counts as the terminal shows them.
enum ReportTextCount {
    static func rows(_ count: Int) -> String { "\(count) row\(count == 1 ? "" : "s")" }
}
