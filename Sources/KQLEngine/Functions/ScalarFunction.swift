public import KQL

/// What a scalar function may read besides its arguments.
public struct EvaluationContext: Sendable {
    /// The instant `now()` and `ago()` count from, pinned by the caller so results are reproducible.
    public var now: KQLDateTime

    /// Creates a context.
    public init(now: KQLDateTime) {
        self.now = now
    }
}

/// Why a function could not compute a value: a bad argument (an invalid regex, an unknown format
/// specifier) or a case the engine does not implement. The engine adds the call's location.
public struct KQLFunctionError: Error, Hashable, Sendable {
    /// The sentence to show, or for `isUnsupported` the feature (`format_datetime "tt"`).
    public var message: String
    /// Whether it is a feature the engine lacks, rather than a mistake in the query.
    public var isUnsupported: Bool

    /// Creates an error.
    public init(_ message: String, unsupported: Bool = false) {
        self.message = message
        self.isUnsupported = unsupported
    }
}

/// A built-in scalar function evaluated one row at a time over typed values. The engine resolves
/// calls by name (after mapping deprecated aliases), checks the argument count, asks for the
/// result type once per call site, then calls `evaluate` for each row.
public struct ScalarFunction: Sendable {
    /// The function's name (`strcat`, `format_datetime`).
    public let name: String
    /// How many arguments it takes.
    public let arity: ClosedRange<Int>
    /// The result type for the arguments' types. Kusto types are static: the type of a column
    /// does not depend on its values, so this must not depend on them either.
    public let resultType: @Sendable ([KQLScalarType]) -> KQLScalarType
    /// The value for one row. Null handling is the function's own (most return a typed null when
    /// an argument is null; `strcat` treats null as empty).
    public let evaluate: @Sendable ([KQLValue], EvaluationContext) throws(KQLFunctionError) -> KQLValue

    /// Creates a function.
    public init(
        _ name: String, arity: ClosedRange<Int>,
        resultType: @escaping @Sendable ([KQLScalarType]) -> KQLScalarType,
        evaluate: @escaping @Sendable ([KQLValue], EvaluationContext) throws(KQLFunctionError) -> KQLValue
    ) {
        self.name = name
        self.arity = arity
        self.resultType = resultType
        self.evaluate = evaluate
    }

    /// Creates a function whose result type is fixed.
    public init(
        _ name: String, arity: ClosedRange<Int>, returns type: KQLScalarType,
        evaluate: @escaping @Sendable ([KQLValue], EvaluationContext) throws(KQLFunctionError) -> KQLValue
    ) {
        self.init(name, arity: arity, resultType: { _ in type }, evaluate: evaluate)
    }
}
