import Foundation
import KQL

/// Runs one script: holds the `let` bindings and evaluates statements and operators in order.
final class Evaluator {
    let engine: KQLEngine
    let context: EvaluationContext
    /// Nesting of function calls, to stop a function that calls itself.
    private var depth = 0
    /// Whether the rows the current operator reads are serialized (ordered), which
    /// `row_number()`, `prev()` and `next()` need.
    var inputIsSerialized = true

    init(engine: KQLEngine) {
        self.engine = engine
        self.context = EvaluationContext(now: engine.now)
    }

    func run(_ script: QueryScript) throws(KQLEngineError) -> KQLTable {
        var scope = Scope()
        var result: KQLTable?
        for statement in script.statements {
            switch statement.kind {
            case .let(let binding):
                try bind(binding, in: &scope)
            case .set:
                continue
            case .declareQueryParameters(let parameters):
                for parameter in parameters {
                    guard let value = parameter.defaultValue else {
                        throw .semantic("query parameter '\(parameter.name.name)' has no value offline; give it a default", at: parameter.range.start)
                    }
                    let compiled = try compiler(columns: [], scope: scope).compile(value)
                    guard let constant = compiled.constant else { throw .semantic("a parameter default must be a constant", at: value.range.start) }
                    scope.bind(parameter.name.name, .scalar(constant))
                }
            case .query(let query):
                result = try evaluate(query, scope: scope)
            }
        }
        guard let result else { throw .semantic("the query has no tabular expression to run", at: script.range.start) }
        return result
    }

    func compiler(columns: [(name: String, type: KQLScalarType)], scope: Scope) -> ExpressionCompiler {
        ExpressionCompiler(evaluator: self, columns: columns, scope: scope)
    }

    func compiler(for table: KQLTable, scope: Scope) -> ExpressionCompiler {
        compiler(columns: table.schema, scope: scope)
    }

    // MARK: let

    func bind(_ binding: LetStatement, in scope: inout Scope) throws(KQLEngineError) {
        let name = binding.name.name
        let captured = scope
        switch binding.value {
        case .function(let definition):
            scope.bind(name, .function(definition, Scope.Box(captured)))
        case .tabular(let tabular):
            scope.bind(name, .table(LazyTable { () throws(KQLEngineError) in try self.evaluate(tabular, scope: captured) }))
        case .expression(let expression):
            if isTabular(expression, scope: scope) {
                scope.bind(name, .table(LazyTable { () throws(KQLEngineError) in
                    try self.evaluateTabularArgument(expression, scope: captured)
                }))
                return
            }
            let compiled = try compiler(columns: [], scope: scope).compile(expression)
            guard let value = compiled.constant else {
                throw .semantic("'\(name)' must be a constant here", at: expression.range.start)
            }
            scope.bind(name, .scalar(value.converted(to: compiled.type) ?? value))
        }
    }

    /// Whether an expression stands for a table (a table name, a tabular `let`, `materialize`,
    /// a subquery, a function whose body is a query over tables).
    func isTabular(_ expression: Expression, scope: Scope) -> Bool {
        switch expression.kind {
        case .name(let id):
            switch scope[id.name] {
            case .table: return true
            case .function(let definition, _): return definition.parameters.isEmpty && Self.bodyIsTabular(definition)
            case .scalar, .expression: return false
            case nil: return engine.tableNames.contains(id.name)
            }
        case .parenthesized(let inner): return isTabular(inner, scope: scope)
        case .tabular(let tabular):
            return tabular.source.map { source in
                if case .expression(let e) = source, tabular.operators.isEmpty { return isTabular(e, scope: scope) }
                return true
            } ?? false
        case .call(let call):
            if call.name == "materialize" || call.name == "table" || call.name == "view" { return true }
            if case .function(let definition, _) = scope[call.name] { return Self.bodyIsTabular(definition) }
            return false
        default: return false
        }
    }

    /// Whether an operator's output is serialized: `sort`, `top` and `serialize` make it so; row
    /// by row operators keep what they got; the others (summarize, join, union, …) do not.
    static func keepsSerialization(_ op: PipeOperator, input: Bool) -> Bool {
        switch op.kind {
        case .sort, .top, .serialize, .getschema: true
        case .where, .project, .projectAway, .projectKeep, .projectRename, .projectReorder, .extend, .take, .parse,
             .mvExpand, .render, .as, .sample, .count:
            input
        default: false
        }
    }

    static func bodyIsTabular(_ definition: FunctionDefinition) -> Bool {
        guard case .query(let query)? = definition.body.last?.kind else { return false }
        if !query.operators.isEmpty { return true }
        if case .operator? = query.source { return true }
        if case .expression(let e)? = query.source {
            if case .name = e.kind { return true }
            if case .call(let c) = e.kind { return c.name == "materialize" || Aggregates.isAggregate(c.name) == false && ScalarFunctions.byName[c.name] == nil }
        }
        return false
    }

    /// The table an expression stands for, or `nil` when it is a scalar.
    func tableIfTabular(_ expression: Expression, scope: Scope) throws(KQLEngineError) -> KQLTable? {
        guard isTabular(expression, scope: scope) else { return nil }
        return try evaluateTabularArgument(expression, scope: scope)
    }

    /// A table from an expression in a table position: a name, a call, a subquery.
    func evaluateTabularArgument(_ expression: Expression, scope: Scope) throws(KQLEngineError) -> KQLTable {
        let at = expression.range.start
        switch expression.kind {
        case .name(let id):
            switch scope[id.name] {
            case .table(let lazy): return try lazy.get()
            case .function(let definition, let box): return try callTabularFunction(definition, in: box.scope, arguments: [], input: nil, callerScope: scope, at: at)
            case .scalar, .expression: throw .semantic("'\(id.name)' is a scalar, not a table", at: at)
            case nil:
                if let table = engine.resolve(id.name) { return table }
                let hint = HuntingSchema.closestMatch(to: id.name, in: engine.tableNames).map { "; did you mean '\($0)'?" } ?? ""
                throw .semantic("unknown table '\(id.name)'\(hint)", at: at)
            }
        case .parenthesized(let inner):
            return try evaluateTabularArgument(inner, scope: scope)
        case .tabular(let tabular):
            return try evaluate(tabular, scope: scope)
        case .call(let call):
            switch call.name {
            case "materialize":
                guard let argument = call.arguments.first else { throw .semantic("materialize() takes a tabular expression", at: at) }
                return try evaluateTabularArgument(argument.value, scope: scope)
            case "table":
                guard let argument = call.arguments.first, case .literal(let literal) = argument.value.kind, case .string(let name)? = literal.value else {
                    throw .semantic("table() takes a table name", at: at)
                }
                return try evaluateTabularArgument(Expression(.name(Identifier(name)), range: expression.range), scope: scope)
            default:
                if case .function(let definition, let box) = scope[call.name] {
                    return try callTabularFunction(definition, in: box.scope, arguments: call.arguments, input: nil, callerScope: scope, at: at)
                }
                throw .unsupported("\(call.callee.name)() as a table", at: at)
            }
        default:
            throw .semantic("expected a table, found \(expression)", at: at)
        }
    }

    // MARK: Functions

    private func enter(at: SourceLocation) throws(KQLEngineError) {
        depth += 1
        if depth > 64 { throw .semantic("functions nest more than 64 deep (does one call itself?)", at: at) }
    }

    /// Binds a function's parameters: tables to tables, scalars to the caller's values.
    private func bindParameters(
        _ definition: FunctionDefinition, arguments: [Argument], input: KQLTable?, into scope: inout Scope,
        scalar: (Expression) throws(KQLEngineError) -> Scope.Binding, at: SourceLocation
    ) throws(KQLEngineError) {
        var remaining = arguments[...]
        for (index, parameter) in definition.parameters.enumerated() {
            if index == 0, let input, case .tabular = parameter.type {
                scope.bind(parameter.name.name, .table(LazyTable(input)))
                continue
            }
            let named = remaining.firstIndex { $0.name?.name == parameter.name.name }
            let argument: Expression?
            if let named {
                argument = remaining[named].value
                remaining.remove(at: named)
            } else if let first = remaining.first, first.name == nil {
                argument = first.value
                remaining.removeFirst()
            } else {
                argument = nil
            }
            guard let expression = argument ?? parameter.defaultValue else {
                throw .semantic("missing argument '\(parameter.name.name)'", at: at)
            }
            if case .tabular = parameter.type {
                let table = try evaluateTabularArgument(expression, scope: scope)
                scope.bind(parameter.name.name, .table(LazyTable(table)))
            } else {
                scope.bind(parameter.name.name, try scalar(expression))
            }
        }
        if let extra = remaining.first { throw .semantic("too many arguments", at: extra.range.start) }
    }

    func callTabularFunction(
        _ definition: FunctionDefinition, in definitionScope: Scope, arguments: [Argument], input: KQLTable?,
        callerScope: Scope, at: SourceLocation
    ) throws(KQLEngineError) -> KQLTable {
        try enter(at: at)
        defer { depth -= 1 }
        var scope = definitionScope
        let constants = compiler(columns: [], scope: callerScope)
        try bindParameters(definition, arguments: arguments, input: input, into: &scope, scalar: { expression throws(KQLEngineError) in
            if let table = try self.tableIfTabular(expression, scope: callerScope) { return .table(LazyTable(table)) }
            let compiled = try constants.compile(expression)
            guard let value = compiled.constant else { throw .semantic("expected a constant argument", at: expression.range.start) }
            return .scalar(value)
        }, at: at)
        var result: KQLTable?
        for statement in definition.body {
            switch statement.kind {
            case .let(let binding): try bind(binding, in: &scope)
            case .query(let query): result = try evaluate(query, scope: scope)
            default: continue
            }
        }
        guard let result else { throw .semantic("the function's body has no result", at: definition.range.start) }
        return result
    }

    /// A call of a user function inside an expression: its body compiled in place, with each
    /// parameter standing for the caller's argument row by row.
    func callScalarFunction(
        _ definition: FunctionDefinition, in definitionScope: Scope, arguments: [Argument], compiler caller: ExpressionCompiler,
        at: SourceLocation
    ) throws(KQLEngineError) -> CompiledExpression {
        try enter(at: at)
        defer { depth -= 1 }
        if Self.bodyIsTabular(definition) {
            let table = try callTabularFunction(definition, in: definitionScope, arguments: arguments, input: nil, callerScope: caller.scope, at: at)
            return CompiledExpression(constant: ExpressionCompiler.scalar(of: table))
        }
        var scope = definitionScope
        try bindParameters(definition, arguments: arguments, input: nil, into: &scope, scalar: { expression throws(KQLEngineError) in
            .expression(try caller.compile(expression))
        }, at: at)
        var result: CompiledExpression?
        for statement in definition.body {
            switch statement.kind {
            case .let(let binding): try bind(binding, in: &scope)
            case .query(let query):
                guard query.operators.isEmpty, case .expression(let expression)? = query.source else {
                    throw .unsupported("a function whose body mixes a table and a row's values", at: query.range.start)
                }
                result = try ExpressionCompiler(evaluator: self, columns: caller.columns, scope: scope).compile(expression)
            default: continue
            }
        }
        guard let result else { throw .semantic("the function's body has no result", at: definition.range.start) }
        return result
    }

    // MARK: Tabular expressions

    func evaluate(_ tabular: TabularExpression, scope: Scope, input: KQLTable? = nil) throws(KQLEngineError) -> KQLTable {
        let outer = inputIsSerialized
        defer { inputIsSerialized = outer }
        var table: KQLTable
        var serialized: Bool
        var operators = tabular.operators[...]
        let pruning = engine.pruneColumns ? ColumnPruning.neededColumnsAndExtent(tabular.operators[...], scope: scope) : nil
        let needed = pruning?.names
        switch tabular.source {
        case .expression(let expression)?:
            table = try evaluateTabularArgument(expression, scope: scope)
            serialized = false
            // A database table is cut to the columns the pipeline can read.
            if let needed, let id = expression.asName, scope[id.name] == nil {
                table = ColumnPruning.cut(table, to: needed)
            }
        case .operator(let op)?:
            table = try applySource(op, scope: scope)
            serialized = op.name == "datatable" || op.name == "range" || op.name == "print"
        case nil:
            guard let input else { throw .semantic("this subquery has no input", at: tabular.range.start) }
            table = input
            serialized = outer
        }
        var position = 0
        while let op = operators.popFirst() {
            inputIsSerialized = serialized
            position += 1
            // Only the operators up to the one that fixes the output read from `needed`.
            let opNeeded = pruning.flatMap { position <= $0.extent ? $0.names : nil }
            table = try apply(op, to: table, scope: scope, needed: opNeeded)
            serialized = Self.keepsSerialization(op, input: serialized)
        }
        return table
    }
}
