import Foundation
import HuntingReports
import KQL

/// The `HUNT_*` variables that override the general settings of `hunt.json`, read and checked
/// before they are applied so every bad value is reported together with the file's problems.
///
/// | variable | setting |
/// |---|---|
/// | `HUNT_QUERIES` | ``HuntConfiguration/queries``, paths separated by `:` |
/// | `HUNT_TEMPLATES` | ``HuntConfiguration/templates`` |
/// | `HUNT_STATE_DIR` | ``HuntConfiguration/state`` |
/// | `HUNT_SUPPRESSIONS` | ``HuntConfiguration/suppressions`` |
/// | `HUNT_BACKEND` | ``HuntConfiguration/backend`` |
/// | `HUNT_PUBLISH_DIR` | ``PublishConfiguration/directory`` |
/// | `HUNT_LATEST` | ``PublishConfiguration/latest`` (`copy` or `symlink`) |
/// | `HUNT_RETENTION` | ``PublishConfiguration/retention`` (reports kept) |
/// | `HUNT_FORMATS` | ``OutputSettings/formats``, separated by `,` |
/// | `HUNT_WIDTH` | ``ConcurrencySettings/width`` |
/// | `HUNT_CALLS_PER_MINUTE` | ``ConcurrencySettings/callsPerMinute`` |
///
/// Empty values count as unset. Relative paths stay relative: they mean the current directory.
struct EnvironmentOverrides {
    var queries: [String]?
    var templates: String?
    var state: String?
    var suppressions: String?
    var backend: ConfiguredBackend?
    var publishDirectory: String?
    var latest: LatestLinkKind?
    var retention: Int?
    var formats: Set<ReportFormat>?
    var width: Int?
    var callsPerMinute: Int?
    /// One error per variable whose value is invalid, naming the variable.
    private(set) var problems: [Diagnostic] = []

    init(_ environment: [String: String]) {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        if let text = value("HUNT_QUERIES") {
            let paths = text.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if paths.isEmpty { fail("HUNT_QUERIES", "names no path; list query files or folders separated by ':'") } else { queries = paths }
        }
        templates = value("HUNT_TEMPLATES")
        state = value("HUNT_STATE_DIR")
        suppressions = value("HUNT_SUPPRESSIONS")
        publishDirectory = value("HUNT_PUBLISH_DIR")
        if let text = value("HUNT_BACKEND") {
            do {
                backend = try ConfiguredBackend(parsing: text)
            } catch {
                fail("HUNT_BACKEND", error.firstMessage)
            }
        }
        if let text = value("HUNT_LATEST") {
            latest = LatestLinkKind(rawValue: text.lowercased())
            if latest == nil { fail("HUNT_LATEST", "expected copy or symlink, found '\(text)'") }
        }
        retention = integer(value("HUNT_RETENTION"), "HUNT_RETENTION", 1...Int.max)
        width = integer(value("HUNT_WIDTH"), "HUNT_WIDTH", 1...ConcurrencySettings.maxWidth)
        callsPerMinute = integer(value("HUNT_CALLS_PER_MINUTE"), "HUNT_CALLS_PER_MINUTE", 1...Int.max)
        if let text = value("HUNT_FORMATS") {
            var formats = Set<ReportFormat>()
            for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                if let format = OutputSettings.format(named: name) {
                    formats.insert(format)
                } else {
                    let suggestion = HuntingSchema.closestMatch(to: name, in: OutputSettings.formatNames).map { "; did you mean '\($0)'?" } ?? ""
                    fail("HUNT_FORMATS", "'\(name)' is not a format (html, markdown, md, csv, json)\(suggestion)")
                }
            }
            if formats.isEmpty, !problems.contains(where: { $0.message.hasPrefix("HUNT_FORMATS") }) {
                fail("HUNT_FORMATS", "names no format; list html, markdown, csv or json separated by ','")
            }
            self.formats = formats.isEmpty ? nil : formats
        }
    }

    private mutating func integer(_ text: String?, _ name: String, _ range: ClosedRange<Int>) -> Int? {
        guard let text else { return nil }
        guard let number = Int(text), range.contains(number) else {
            let bounds = range.upperBound == Int.max ? "of at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            fail(name, "must be a whole number \(bounds), found '\(text)'")
            return nil
        }
        return number
    }

    private mutating func fail(_ name: String, _ message: String) {
        problems.append(.error("bad-environment", "\(name): \(message)"))
    }

    func apply(to configuration: inout HuntConfiguration) {
        if let queries { configuration.queries = queries }
        if let templates { configuration.templates = templates }
        if let state { configuration.state = state }
        if let suppressions { configuration.suppressions = suppressions }
        if let backend { configuration.backend = backend }
        if let publishDirectory { configuration.publish.directory = publishDirectory }
        if let latest { configuration.publish.latest = latest }
        if let retention { configuration.publish.retention = retention }
        if let formats { configuration.output.formats = formats }
        if let width { configuration.concurrency.width = width }
        if let callsPerMinute { configuration.concurrency.callsPerMinute = callsPerMinute }
    }
}
