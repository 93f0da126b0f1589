import KQL

/// What a name stands for inside a query: the `let` bindings and function parameters in reach.
struct Scope {
    enum Binding {
        /// `let x = 5`, a scalar value.
        case scalar(KQLValue)
        /// A function parameter bound to the caller's argument, evaluated per row.
        case expression(CompiledExpression)
        /// A table: a tabular `let`, `materialize(…)`, a tabular parameter.
        case table(LazyTable)
        /// A user-defined function and the scope it was defined in.
        case function(FunctionDefinition, Box)
    }

    /// A scope shared by reference, so functions can see the scope they were defined in.
    final class Box {
        let scope: Scope
        init(_ scope: Scope) { self.scope = scope }
    }

    private(set) var bindings: [String: Binding] = [:]

    subscript(name: String) -> Binding? { bindings[name] }

    mutating func bind(_ name: String, _ binding: Binding) { bindings[name] = binding }
}

/// A table computed on first use and then kept: a tabular `let` that no query reads is never run.
final class LazyTable {
    private var compute: (() throws(KQLEngineError) -> KQLTable)?
    private var value: KQLTable?

    init(_ compute: @escaping () throws(KQLEngineError) -> KQLTable) { self.compute = compute }
    init(_ table: KQLTable) { value = table }

    func get() throws(KQLEngineError) -> KQLTable {
        if let value { return value }
        let table = try compute!()
        value = table
        compute = nil
        return table
    }
}
