/// Checks a parsed query against what advanced hunting has: tables, columns, functions, names,
/// time filters. Each finding is a `Diagnostic` with a stable code (`LintRule`), so a team can
/// silence one kind per file.
///
/// The linter walks the syntax tree once. It follows the columns of every pipeline from its
/// source (a table with a known schema, a `let`, a `datatable`, …) through each operator, so a
/// misspelt column is reported where it is used; an operator whose output it cannot predict (a
/// plugin, a user function, `invoke`) makes the column set *open*, and nothing is reported about
/// columns after it. It never looks at a clock: "the last 30 days" is judged from the query text.
///
///     let linter = KQLLinter()
///     let diagnostics = linter.lint(KQLParser.parse(text), path: "query.kql")
public struct KQLLinter: Sendable {
    /// The API a query will be sent to; the legacy one serves fewer tables.
    public enum Endpoint: String, Sendable, Hashable, CaseIterable {
        /// Microsoft Graph `runHuntingQuery` (the default): every advanced-hunting table.
        case graph
        /// The legacy Defender for Endpoint API: only the `Device*` tables.
        case legacyDefender
    }

    /// What the linter checks against.
    public struct Options: Sendable {
        /// The tables and columns of the service.
        public var schema: HuntingSchema
        /// The API the query will run on.
        public var endpoint: Endpoint
        /// How far back the service keeps data; a filter reaching further back is reported.
        public var maxLookbackDays: Int

        /// Creates options.
        /// - Parameters:
        ///   - schema: the tables and columns; the shipped Defender schema by default.
        ///   - endpoint: the API the query will run on.
        ///   - maxLookbackDays: how far back the service keeps data (30 days for advanced hunting).
        public init(schema: HuntingSchema = .defender, endpoint: Endpoint = .graph, maxLookbackDays: Int = 30) {
            self.schema = schema
            self.endpoint = endpoint
            self.maxLookbackDays = maxLookbackDays
        }
    }

    /// The options this linter was made with.
    public let options: Options
    let tables: LintTables

    /// Creates a linter. Making one prepares the schema's column lists, so make it once and reuse it.
    /// - Parameter options: what to check against.
    public init(options: Options = Options()) {
        self.options = options
        tables = LintTables(schema: options.schema)
    }

    /// Lints a parsed query.
    ///
    /// Syntax errors are not repeated (they are in `parsed.diagnostics`). When the text has syntax
    /// errors the rules that report something missing (`unused-parameter`, `no-time-filter`) stay
    /// quiet, because the missing piece may be in the part that could not be read, and so do
    /// `unknown-column` and `undeclared-name` after the first error.
    /// - Parameters:
    ///   - parsed: the parser's result.
    ///   - path: the file, attached to every diagnostic.
    ///   - parameters: the query's parameters (the names a runner binds); `nil` takes every
    ///     top-level `let` of a literal before the first query, as the query-file loader does.
    /// - Returns: the diagnostics in source order.
    public func lint(_ parsed: ParsedQuery, path: String? = nil, parameters: [String]? = nil) -> [Diagnostic] {
        let diagnostics = lint(parsed.script, path: path, parameters: parameters, reportAbsences: !parsed.hasErrors)
        guard let firstError = parsed.errors.compactMap(\.location?.offset).min() else { return diagnostics }
        // After a syntax error the tree holds only what recovery could read, so the column
        // tracking there is guesswork: keep the name rules quiet past that point.
        return diagnostics.filter {
            guard let offset = $0.location?.offset, offset > firstError else { return true }
            return $0.code != LintRule.unknownColumn.code && $0.code != LintRule.undeclaredName.code
        }
    }

    /// Lints a syntax tree.
    /// - Parameters:
    ///   - script: the tree.
    ///   - path: the file, attached to every diagnostic.
    ///   - parameters: the query's parameters; `nil` infers them (see `lint(_:path:parameters:)`).
    ///   - reportAbsences: whether to run the rules that report something missing.
    /// - Returns: the diagnostics in source order.
    public func lint(
        _ script: QueryScript, path: String? = nil, parameters: [String]? = nil, reportAbsences: Bool = true
    ) -> [Diagnostic] {
        var pass = LintPass(linter: self, parameters: parameters, reportAbsences: reportAbsences)
        pass.lintScript(script)
        var diagnostics = pass.diagnostics
        if diagnostics.count > 1 {
            diagnostics = diagnostics.inSourceOrder()
        }
        if let path { diagnostics = diagnostics.map { $0.inFile(path) } }
        return diagnostics
    }
}

/// The linter's rules: each one's stable code (`Diagnostic.code`) and severity.
public enum LintRule: String, Sendable, Hashable, CaseIterable {
    /// A table name the service does not have: an error when it is close to a known table (a
    /// typo), else a warning (the service has tables this list lacks).
    case unknownTable = "unknown-table"
    /// A Microsoft Sentinel table, which advanced hunting has only with an onboarded workspace.
    case sentinelTable = "sentinel-table"
    /// A retired advanced-hunting table.
    case deprecatedTable = "deprecated-table"
    /// A column the rows at that point do not have: an error when the query's own `project`,
    /// `summarize` or similar removed it, a warning when the table's known schema lacks it (the
    /// service may have columns this schema does not list).
    case unknownColumn = "unknown-column"
    /// A function neither KQL, advanced hunting nor the query defines.
    case unknownFunction = "unknown-function"
    /// A call with too few or too many arguments.
    case wrongArgumentCount = "wrong-argument-count"
    /// A name that is no column, `let`, parameter or table.
    case undeclaredName = "undeclared-name"
    /// A query parameter (top-level literal `let`) the query never uses.
    case unusedParameter = "unused-parameter"
    /// A `let` that redefines a name declared before it.
    case shadowedParameter = "shadowed-parameter"
    /// `TimeGenerated` on a Defender table, which has `Timestamp`.
    case timeGeneratedOnDefenderTable = "timegenerated-on-defender-table"
    /// A deprecated function, operator or comparison spelling.
    case deprecatedAlias = "deprecated-alias"
    /// A table the legacy Defender for Endpoint API does not serve.
    case legacyEndpointTable = "legacy-endpoint-table"
    /// A time filter reaching further back than the service keeps data.
    case lookbackOver30Days = "lookback-over-30-days"
    /// A Defender table read without any filter on a datetime column.
    case noTimeFilter = "no-time-filter"

    /// The stable code, as in `Diagnostic.code`.
    public var code: String { rawValue }

    /// How bad a finding of this rule usually is (`unknown-table` is an error only for a likely typo,
    /// `unknown-column` only after the query reshaped its rows).
    public var severity: Diagnostic.Severity {
        switch self {
        case .unknownTable, .unknownColumn, .unknownFunction, .wrongArgumentCount, .undeclaredName,
            .legacyEndpointTable:
            .error
        case .sentinelTable, .deprecatedTable, .unusedParameter, .shadowedParameter, .timeGeneratedOnDefenderTable,
            .deprecatedAlias, .lookbackOver30Days, .noTimeFilter:
            .warning
        }
    }
}

/// The schema's column lists as dictionaries, made once per linter so every table read shares them.
final class LintTables: Sendable {
    let schema: HuntingSchema
    let columnsByTable: [String: [String: KQLScalarType?]]
    /// Every advanced-hunting table name, for "did you mean".
    let knownTableNames: [String]

    init(schema: HuntingSchema) {
        self.schema = schema
        var byTable: [String: [String: KQLScalarType?]] = [:]
        for table in schema.tables {
            var columns: [String: KQLScalarType?] = [:]
            columns.reserveCapacity(table.columns.count)
            for column in table.columns where columns[column.name] == nil { columns[column.name] = column.type }
            byTable[table.name] = columns
        }
        columnsByTable = byTable
        knownTableNames = schema.knownTableNames
    }
}
