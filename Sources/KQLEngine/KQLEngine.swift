public import KQL

/// Runs KQL queries in process over in-memory, column-oriented tables, with Kusto's semantics.
///
/// ```swift
/// let engine = KQLEngine(tables: ["DeviceProcessEvents": table], now: pinnedNow)
/// let result = try engine.run("DeviceProcessEvents | where FileName =~ 'powershell.exe' | count")
/// ```
///
/// What the engine does not implement fails with ``KQLEngineError/Kind-swift.enum/unsupported``
/// and the place in the query: never a wrong answer.
public struct KQLEngine: Sendable {
    /// Looks a table up by its exact name; `nil` when there is no such table.
    public typealias TableResolver = @Sendable (String) -> KQLTable?

    /// The names of the tables the engine can read, for `union *` and error messages.
    public let tableNames: [String]
    /// The instant `now()` and `ago()` count from.
    public let now: KQLDateTime
    let resolve: TableResolver
    /// Whether source tables are cut to the columns a pipeline reads (see `ColumnPruning`);
    /// tests turn it off to check that it never changes a result.
    var pruneColumns = true

    /// An engine over tables produced on demand (generated or loaded lazily).
    public init(tableNames: [String], now: KQLDateTime, table: @escaping TableResolver) {
        self.tableNames = tableNames
        self.now = now
        self.resolve = table
    }

    /// An engine over tables in memory.
    public init(tables: [String: KQLTable], now: KQLDateTime) {
        self.init(tableNames: tables.keys.sorted(), now: now) { tables[$0] }
    }

    /// Parses and runs a query text; the result is the last query statement's table.
    /// - Throws: ``KQLEngineError``: `.syntax` with the first syntax error, `.unsupported` for
    ///   what the engine lacks, `.semantic` for what the data cannot answer.
    public func run(_ text: String) throws(KQLEngineError) -> KQLTable {
        let parsed = KQLParser.parse(text)
        if let error = parsed.errors.first {
            throw KQLEngineError(.syntax, error.message, at: error.location)
        }
        return try run(parsed.script)
    }

    /// Runs a parsed script; the result is the last query statement's table.
    public func run(_ script: QueryScript) throws(KQLEngineError) -> KQLTable {
        let evaluator = Evaluator(engine: self)
        return try evaluator.run(script)
    }
}
