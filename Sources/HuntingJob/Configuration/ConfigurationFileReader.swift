import Foundation
import Hunting
import HuntingReports
import KQL

/// Reads `hunt.json`'s top level into a ``HuntConfiguration``, reporting every problem to the
/// document reader and going on: a bad value leaves its default in place.
struct ConfigurationFileReader {
    let reader: JSONDocumentReader
    /// The file's folder, for relative paths.
    let folder: String
    /// `HUNT_BACKEND`, which decides what the tenants without their own backend need.
    let backendOverride: ConfiguredBackend?

    init(reader: JSONDocumentReader, path: String, backendOverride: ConfiguredBackend?) {
        self.reader = reader
        self.folder = ConfigurationPaths.folder(of: path)
        self.backendOverride = backendOverride
    }

    static let keys = [
        "queries", "templates", "state", "suppressions", "backend", "parameters", "queryOverrides", "concurrency", "output",
        "publish", "tenants", "retention",
    ]
    static let concurrencyKeys = ["width", "callsPerMinute", "callsPerHour", "queryTimeout", "runDeadline"]
    static let outputKeys = ["formats", "rows", "csvBom", "title"]
    static let publishKeys = ["directory", "latest", "retention"]
    static let overrideKeys = ["parameters", "enabled", "timespan"]
    static let retentionKeys = ["stateRuns"]
    /// A week: longer timeouts are mistakes (seconds taken for minutes).
    static let longestWait: ClosedRange<Double> = 1...604_800

    func read() -> HuntConfiguration {
        var configuration = HuntConfiguration()
        configuration.path = reader.path
        configuration.queries = configuration.queries.map(resolve)
        configuration.state = resolve(configuration.state)
        guard let root = reader.root.object(keys: Self.keys) else { return configuration }
        if let queries = root.strings("queries", nonEmpty: true) { configuration.queries = queries.map(resolve) }
        if let templates = root.string("templates", nonEmpty: true) { configuration.templates = resolve(templates) }
        if let state = root.string("state", nonEmpty: true) { configuration.state = resolve(state) }
        if let suppressions = root.string("suppressions", nonEmpty: true) { configuration.suppressions = resolve(suppressions) }
        if let value = root["backend"], let backend = Self.backend(value) { configuration.backend = backend }
        if let parameters = root["parameters"] { configuration.parameters = Self.parameters(parameters) }
        if let overrides = root.object("queryOverrides") {
            for (id, _, value) in overrides.members {
                if let override = queryOverride(value) { configuration.queryOverrides[id] = override }
            }
        }
        if let concurrency = root.object("concurrency", keys: Self.concurrencyKeys) {
            readConcurrency(concurrency, into: &configuration.concurrency)
        }
        if let output = root.object("output", keys: Self.outputKeys) { readOutput(output, into: &configuration.output) }
        if let publish = root.object("publish", keys: Self.publishKeys) { readPublish(publish, into: &configuration.publish) }
        if let retention = root.object("retention", keys: Self.retentionKeys), let runs = retention.int("stateRuns", in: 1...Int.max) {
            configuration.retention.stateRuns = runs
        }
        let defaultBackend = backendOverride ?? configuration.backend
        var tenants = TenantFileReader(folder: folder, defaultBackend: defaultBackend)
        for element in root.array("tenants") ?? [] {
            if let tenant = tenants.read(element) { configuration.tenants.append(tenant) }
        }
        return configuration
    }

    func resolve(_ path: String) -> String { ConfigurationPaths.resolve(path, against: folder) }

    // MARK: sections

    static func backend(_ value: JSONValueReader) -> ConfiguredBackend? {
        guard let text = value.string() else { return nil }
        do {
            return try ConfiguredBackend(parsing: text)
        } catch {
            value.report(error.firstMessage, code: error.diagnostics.first?.code ?? "unknown-value")
            return nil
        }
    }

    static func parameters(_ value: JSONValueReader) -> [String: ParameterSetting] {
        guard let object = value.object() else { return [:] }
        var settings: [String: ParameterSetting] = [:]
        for (name, _, member) in object.members {
            guard Self.isParameterName(name) else {
                object.reportKey(name, "'\(name)' is not a parameter name; parameters are KQL names such as lookback or maxRows")
                continue
            }
            switch member.value.content {
            case .string(let text): settings[name] = .string(text)
            case .number(let number): settings[name] = .number(number)
            case .bool(let flag): settings[name] = .bool(flag)
            default: member.reportType(expected: "a string, number or boolean")
            }
        }
        return settings
    }

    static func isParameterName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_")
        }
    }

    private func queryOverride(_ value: JSONValueReader) -> QueryOverride? {
        guard let object = value.object(keys: Self.overrideKeys) else { return nil }
        var override = QueryOverride()
        if let parameters = object["parameters"] { override.parameters = Self.parameters(parameters) }
        override.enabled = object.bool("enabled")
        if let member = object["timespan"], let text = member.string() {
            if let span = LiteralSyntax.parseTimespan(text), span.ticks > 0 {
                override.timespan = span
            } else {
                member.report("expected a positive duration such as P7D, PT12H or 7d, found '\(text)'")
            }
        }
        return override
    }

    private func readConcurrency(_ object: JSONObjectReader, into settings: inout ConcurrencySettings) {
        if let width = object.int("width", in: 1...ConcurrencySettings.maxWidth) { settings.width = width }
        if let perMinute = object.int("callsPerMinute", in: 1...Int.max) { settings.callsPerMinute = perMinute }
        if let perHour = object.int("callsPerHour", in: 1...Int.max) { settings.callsPerHour = perHour }
        if let timeout = object.double("queryTimeout", in: Self.longestWait) { settings.queryTimeout = timeout }
        if let deadline = object.double("runDeadline", in: Self.longestWait) { settings.runDeadline = deadline }
    }

    private func readOutput(_ object: JSONObjectReader, into settings: inout OutputSettings) {
        if let formats = object["formats"], let names = formats.strings(nonEmpty: true) {
            let elements = formats.value.arrayValue == nil ? [formats] : (formats.array() ?? [])
            var chosen = Set<ReportFormat>()
            var valid = true
            for (name, element) in zip(names, elements) {
                if let format = OutputSettings.format(named: name) {
                    chosen.insert(format)
                } else {
                    element.reportChoice(name, choices: OutputSettings.formatNames)
                    valid = false
                }
            }
            if valid { settings.formats = chosen }
        }
        if let rows = object.int("rows", in: 0...Int.max) { settings.rows = rows }
        if let bom = object.bool("csvBom") { settings.csvBom = bom }
        if let title = object.string("title", nonEmpty: true) { settings.title = title }
    }

    private func readPublish(_ object: JSONObjectReader, into settings: inout PublishConfiguration) {
        if let directory = object.string("directory", nonEmpty: true) { settings.directory = resolve(directory) }
        if let latest = object.choice("latest", LatestLinkKind.allCases.map(\.rawValue)) { settings.latest = LatestLinkKind(rawValue: latest) ?? .copy }
        if let retention = object.int("retention", in: 1...Int.max) { settings.retention = retention }
    }
}
