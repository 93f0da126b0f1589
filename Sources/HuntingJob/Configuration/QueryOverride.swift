public import Hunting
public import KQL

/// A parameter value from `hunt.json`: a string, number or boolean as written.
public enum ParameterSetting: Sendable, Hashable, CustomStringConvertible {
    /// A string (`"3d"`, `"powershell.exe,pwsh.exe"`).
    case string(String)
    /// A number, as written.
    case number(JSONNumber)
    /// `true` or `false`.
    case bool(Bool)

    /// The value as text, as `HuntingQuery.bind(_:)` and `--param` take it.
    public var text: String {
        switch self {
        case .string(let text): text
        case .number(let number): number.text
        case .bool(let flag): flag ? "true" : "false"
        }
    }

    public var description: String { text }
}

/// Settings for one query, by id, that replace the query file's own.
public struct QueryOverride: Sendable, Hashable {
    /// Parameter values for this query; they win over the top-level `parameters`.
    public var parameters: [String: ParameterSetting]
    /// Whether the query runs; `nil` keeps the file's `@enabled`.
    public var enabled: Bool?
    /// The time range the query covers; `nil` keeps the file's `@timespan`.
    public var timespan: KQLTimespan?

    /// Creates an override.
    public init(parameters: [String: ParameterSetting] = [:], enabled: Bool? = nil, timespan: KQLTimespan? = nil) {
        self.parameters = parameters
        self.enabled = enabled
        self.timespan = timespan
    }
}
