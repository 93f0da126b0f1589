import Foundation
import Hunting
public import KQL

/// Everything a nightly run needs besides the command line: `hunt.json`, then the `HUNT_*`
/// environment variables over it. Command-line options go over both; the caller applies them,
/// which is why every property is a `var`.
///
/// Relative paths written in the file are resolved against the file's folder, and so are the
/// default `Queries` and `.hunt/state` when there is a file: the folder holding `hunt.json` is
/// the project. Relative paths from environment variables, and the defaults when there is no
/// file, are kept relative: they mean the current directory.
public struct HuntConfiguration: Sendable {
    /// The file the configuration was read from, if any.
    public var path: String?
    /// Query files and folders to load.
    public var queries: [String]
    /// A folder of template overrides.
    public var templates: String?
    /// Where each run's findings are kept, for new-since-last-run.
    public var state: String
    /// The suppressions file.
    public var suppressions: String?
    /// Where queries run, for tenants that do not say.
    public var backend: ConfiguredBackend
    /// Parameter values for every query that declares the name.
    public var parameters: [String: ParameterSetting]
    /// Settings per query id.
    public var queryOverrides: [String: QueryOverride]
    /// How hard the run pushes the service.
    public var concurrency: ConcurrencySettings
    /// What the report holds.
    public var output: OutputSettings
    /// Where reports are published.
    public var publish: PublishConfiguration
    /// The tenants to hunt in; empty means one tenant configured by the environment and options.
    public var tenants: [TenantConfiguration]
    /// How much history is kept.
    public var retention: RetentionSettings
    /// Settings that are valid but probably not what was meant (a `region` without the Defender backend).
    public var warnings: [Diagnostic]

    /// The file read when none is named.
    public static let defaultPath = "hunt.json"

    /// Creates the built-in defaults, without looking at the environment.
    public init() {
        path = nil
        queries = ["Queries"]
        templates = nil
        state = ".hunt/state"
        suppressions = nil
        backend = .graph
        parameters = [:]
        queryOverrides = [:]
        concurrency = ConcurrencySettings()
        output = OutputSettings()
        publish = PublishConfiguration()
        tenants = []
        retention = RetentionSettings()
        warnings = []
    }

    /// The defaults with the `HUNT_*` environment variables applied, for a run without a file.
    /// - Parameter environment: the environment (`ProcessInfo.processInfo.environment`).
    /// - Returns: the configuration.
    /// - Throws: ``ConfigurationError`` naming each variable whose value is invalid.
    public static func defaults(environment: [String: String]) throws(ConfigurationError) -> HuntConfiguration {
        let overrides = EnvironmentOverrides(environment)
        guard overrides.problems.isEmpty else { throw ConfigurationError(overrides.problems) }
        var configuration = HuntConfiguration()
        overrides.apply(to: &configuration)
        return configuration
    }

    /// Reads a configuration file the user named: its absence is an error.
    /// - Parameters:
    ///   - path: the file.
    ///   - environment: the environment, whose `HUNT_*` variables override the file.
    /// - Returns: the configuration.
    /// - Throws: ``ConfigurationError`` with every problem in the file and the environment;
    ///   ``ConfigurationError/isFileMissing`` when the file does not exist.
    public static func load(path: String, environment: [String: String]) throws(ConfigurationError) -> HuntConfiguration {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationError(
                [.error("missing-file", "the configuration file does not exist; check the path, or create it", path: path)],
                isFileMissing: true)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError("cannot read the configuration file: \(error.localizedDescription)", code: "unreadable-file", path: path)
        }
        return try parse(Array(data), path: path, environment: environment)
    }

    /// Reads a configuration file when it exists, else the defaults: for the default `hunt.json`,
    /// which a run does not need.
    /// - Parameters:
    ///   - path: the file.
    ///   - environment: the environment, whose `HUNT_*` variables override the file.
    /// - Returns: the configuration.
    /// - Throws: ``ConfigurationError`` with every problem in the file and the environment.
    public static func loadIfPresent(path: String = defaultPath, environment: [String: String]) throws(ConfigurationError) -> HuntConfiguration {
        do {
            return try load(path: path, environment: environment)
        } catch where error.isFileMissing {
            return try defaults(environment: environment)
        }
    }

    /// Reads a configuration from its text.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - path: the file's path: for errors, and the folder relative paths are resolved against.
    ///   - environment: the environment, whose `HUNT_*` variables override the file.
    /// - Returns: the configuration.
    /// - Throws: ``ConfigurationError`` with every problem in the file and the environment.
    public static func parse(text: String, path: String, environment: [String: String]) throws(ConfigurationError) -> HuntConfiguration {
        try parse(Array(text.utf8), path: path, environment: environment)
    }

    /// Reads a configuration from its bytes.
    /// - Parameters:
    ///   - bytes: the file's contents, UTF-8, strict JSON.
    ///   - path: the file's path: for errors, and the folder relative paths are resolved against.
    ///   - environment: the environment, whose `HUNT_*` variables override the file.
    /// - Returns: the configuration.
    /// - Throws: ``ConfigurationError`` with every problem in the file (a JSON syntax error is
    ///   the only one reported from the file) and in the environment.
    public static func parse(_ bytes: [UInt8], path: String, environment: [String: String]) throws(ConfigurationError) -> HuntConfiguration {
        let overrides = EnvironmentOverrides(environment)
        var configuration = HuntConfiguration()
        var fileProblems: [Diagnostic] = []
        do {
            let reader = JSONDocumentReader(try JSONDocument.parse(bytes, path: path))
            configuration = ConfigurationFileReader(reader: reader, path: path, backendOverride: overrides.backend).read()
            fileProblems = reader.diagnostics.filter { $0.severity == .error }.inSourceOrder()
            configuration.warnings = reader.diagnostics.filter { $0.severity != .error }.inSourceOrder()
        } catch {
            fileProblems = [error.diagnostic]
        }
        guard fileProblems.isEmpty, overrides.problems.isEmpty else {
            throw ConfigurationError(fileProblems + overrides.problems)
        }
        overrides.apply(to: &configuration)
        return configuration
    }

    /// The backend a tenant's queries run on: its own, else the configuration's.
    /// - Parameter tenant: one of ``tenants``.
    /// - Returns: the backend.
    public func backend(for tenant: TenantConfiguration) -> ConfiguredBackend { tenant.backend ?? backend }

    /// The concurrency for one tenant: the configuration's with the tenant's own width and calls per minute.
    /// - Parameter tenant: one of ``tenants``.
    /// - Returns: the settings.
    public func concurrency(for tenant: TenantConfiguration) -> ConcurrencySettings {
        var settings = concurrency
        if let width = tenant.width { settings.width = width }
        if let perMinute = tenant.callsPerMinute { settings.callsPerMinute = perMinute }
        return settings
    }

    /// The parameter values for one query: the top-level ones it declares, then its override's.
    /// - Parameters:
    ///   - id: the query's id.
    ///   - declared: the names of the parameters the query declares.
    /// - Returns: the values as text, for ``Hunting/HuntingQuery/bind(_:)``.
    public func parameterValues(forQuery id: String, declared: Set<String>) -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in parameters where declared.contains(name) { values[name] = value.text }
        for (name, value) in queryOverrides[id]?.parameters ?? [:] { values[name] = value.text }
        return values
    }
}
