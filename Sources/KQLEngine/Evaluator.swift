import KQL

/// Runs one script: holds the `let` bindings and evaluates statements in order.
struct Evaluator {
    let engine: KQLEngine

    mutating func run(_ script: QueryScript) throws(KQLEngineError) -> KQLTable {
        throw .unsupported("queries", at: script.range.start)
    }
}
