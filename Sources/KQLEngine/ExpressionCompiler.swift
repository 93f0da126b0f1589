import Foundation
import KQL

/// An expression ready to run over batches of one schema: names resolved to columns, functions
/// to implementations, constants folded, and fast loops chosen for the common shapes
/// (a column compared with a constant, a string operator with a constant needle).
struct CompiledExpression {
    /// The static type of the result.
    let type: KQLScalarType
    /// The value, when it does not depend on the row.
    let constant: KQLValue?
    let run: (Batch) throws(KQLEngineError) -> Vector

    init(type: KQLScalarType, run: @escaping (Batch) throws(KQLEngineError) -> Vector) {
        self.type = type
        self.constant = nil
        self.run = run
    }

    init(constant: KQLValue) {
        self.type = constant.type
        self.constant = constant
        self.run = { _ in .constant(constant) }
    }

    init(constant: KQLValue, type: KQLScalarType) {
        self.type = type
        self.constant = constant
        self.run = { _ in .constant(constant) }
    }

    /// The values over a batch.
    func callAsFunction(_ batch: Batch) throws(KQLEngineError) -> Vector { try run(batch) }
}

/// Compiles expressions against the columns of one input table.
struct ExpressionCompiler {
    let evaluator: Evaluator
    let columns: [(name: String, type: KQLScalarType)]
    let scope: Scope
    /// Whether a name that is no column and no `let` is a null (as in `find`, whose predicate
    /// runs over tables that lack some of its columns) rather than an error.
    var missingNamesAreNull = false

    init(evaluator: Evaluator, columns: [(name: String, type: KQLScalarType)], scope: Scope) {
        self.evaluator = evaluator
        self.columns = columns
        self.scope = scope
    }

    func columnIndex(_ name: String) -> Int? { columns.firstIndex { $0.name == name } }

    func compile(_ expression: Expression) throws(KQLEngineError) -> CompiledExpression {
        let at = expression.range.start
        switch expression.kind {
        case .literal(let literal):
            guard let value = literal.value else { throw .semantic("invalid literal \(literal.text)", at: at) }
            return CompiledExpression(constant: value)
        case .name(let identifier):
            return try compileName(identifier)
        case .parenthesized(let inner):
            return try compile(inner)
        case .wildcard:
            throw .semantic("`*` is not a value here", at: at)
        case .member(let base, let member):
            let compiled = try compile(base)
            let key = member.name
            return rowwise(type: .dynamic, [compiled]) { values in .dynamic(DynamicAccess.member(values[0], key)) }
        case .index(let base, let index):
            let compiled = try compile(base), key = try compile(index)
            return rowwise(type: .dynamic, [compiled, key]) { values in .dynamic(DynamicAccess.index(values[0], values[1])) }
        case .unary(let op, let operand):
            let compiled = try compile(operand)
            if op == .plus { return compiled }
            let type = compiled.type == .int ? KQLScalarType.long : compiled.type
            return rowwise(type: type, [compiled]) { values in
                ValueSemantics.arithmetic(.subtract, Self.zero(of: values[0]), values[0])
            }
        case .binary(let op, let lhs, let rhs, _):
            return try compileBinary(op, lhs, rhs, at: at)
        case .between(let value, let lower, let upper, let negated, _):
            let v = try compile(value), lo = try compile(lower), hi = try compile(upper)
            return rowwise(type: .bool, [v, lo, hi]) { values in
                let a = values[0], low = values[1]
                var high = values[2]
                // `x between (start .. span)` with a datetime and a timespan: start + span.
                if case .datetime = ValueSemantics.unwrap(a), case .timespan = ValueSemantics.unwrap(high) {
                    high = ValueSemantics.arithmetic(.add, low, high)
                }
                guard let c1 = ValueSemantics.compare(a, low), let c2 = ValueSemantics.compare(a, high) else { return .null(.bool) }
                let inside = c1 >= 0 && c2 <= 0
                return .bool(negated ? !inside : inside)
            }
        case .call(let call):
            return try compileCall(call, at: at)
        case .list:
            throw .semantic("a parenthesized list is only allowed after in, !in, in~, has_any or has_all", at: at)
        case .tabular(let tabular):
            let table = try evaluator.evaluate(tabular, scope: scope)
            return CompiledExpression(constant: Self.scalar(of: table))
        case .missing:
            throw .semantic("incomplete expression", at: at)
        }
    }

    static func zero(of value: KQLValue) -> KQLValue {
        switch ValueSemantics.unwrap(value) {
        case .timespan: .timespan(KQLTimespan(ticks: 0))
        case .real: .real(0)
        case .decimal: .decimal(0)
        default: .long(0)
        }
    }

    /// The first cell of a table (`toscalar`), or null when it has no rows.
    static func scalar(of table: KQLTable) -> KQLValue {
        guard let first = table.columns.first else { return .null(.dynamic) }
        return table.rowCount > 0 ? first[0] : .null(of: first.type)
    }

    private func compileName(_ identifier: Identifier) throws(KQLEngineError) -> CompiledExpression {
        let name = identifier.name
        // A function's parameters hide the caller's columns of the same name.
        if case .expression(let compiled) = scope[name] { return compiled }
        if let index = columnIndex(name) {
            let type = columns[index].type
            return CompiledExpression(type: type) { batch in .column(batch.column(index)) }
        }
        switch scope[name] {
        case .scalar(let value): return CompiledExpression(constant: value)
        case .expression(let compiled): return compiled
        case .table:
            // A table in a scalar position (the lists after `in` are handled before this).
            throw .semantic("'\(name)' is a table; use toscalar(\(name)) for one value", at: identifier.range.start)
        case .function(let definition, let box) where definition.parameters.isEmpty:
            return try evaluator.callScalarFunction(definition, in: box.scope, arguments: [], compiler: self, at: identifier.range.start)
        case .function:
            throw .semantic("'\(name)' is a function; call it with arguments", at: identifier.range.start)
        case nil:
            if missingNamesAreNull { return CompiledExpression(constant: .null(.dynamic), type: .dynamic) }
            let hint = HuntingSchema.closestMatch(to: name, in: columns.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
            throw .semantic("unknown column or name '\(name)'\(hint)", at: identifier.range.start)
        }
    }

    // MARK: Calls

    private func compileCall(_ call: FunctionCall, at: SourceLocation) throws(KQLEngineError) -> CompiledExpression {
        if call.target != nil { throw .unsupported("\(call.callee.name)() on a value", at: at) }
        let name = call.name
        if case .function(let definition, let box) = scope[name] {
            return try evaluator.callScalarFunction(definition, in: box.scope, arguments: call.arguments, compiler: self, at: at)
        }
        if name == "row_number" || name == "prev" || name == "next", !evaluator.inputIsSerialized {
            throw .semantic("\(name)() needs serialized rows: add `| serialize` or `| sort by …` before it", at: at)
        }
        switch name {
        case "toscalar":
            guard let first = call.arguments.first else { throw .semantic("toscalar() takes a tabular expression", at: at) }
            let table = try evaluator.evaluateTabularArgument(first.value, scope: scope)
            return CompiledExpression(constant: Self.scalar(of: table))
        case "column_ifexists":
            guard call.arguments.count == 2, case .string(let column)? = try compile(call.arguments[0].value).constant.map(ValueSemantics.unwrap)
            else { throw .semantic("column_ifexists() takes a constant column name and a default value", at: at) }
            if let index = columnIndex(column) {
                let type = columns[index].type
                return CompiledExpression(type: type) { batch in .column(batch.column(index)) }
            }
            return try compile(call.arguments[1].value)
        case "pack_all":
            let names = columns.map(\.name)
            return CompiledExpression(type: .dynamic) { batch in
                var builder = KQLColumnBuilder(type: .dynamic)
                let storages = names.indices.map { batch.column($0) }
                for row in 0..<batch.count {
                    var pairs: [(key: String, value: KQLDynamic)] = []
                    for (i, storage) in storages.enumerated() {
                        let value = storage.value(at: row)
                        if value.isNull { continue }
                        pairs.append((names[i], DynamicAccess.dynamic(from: value)))
                    }
                    builder.append(dynamic: .bag(pairs))
                }
                return .column(builder.finish())
            }
        case "row_number":
            // row_number([start [, restart]]): counts from start, back to start where restart is true.
            let start = try call.arguments.first.map { arg throws(KQLEngineError) in try constantInteger(arg.value) } ?? 1
            let restart = call.arguments.count > 1 ? try compile(call.arguments[1].value) : nil
            return CompiledExpression(type: .long) { batch throws(KQLEngineError) in
                let restarts = try restart.map { r throws(KQLEngineError) in Truth(try r(batch)) }
                var numbers = [Int64](repeating: 0, count: batch.count)
                var current = start
                for row in 0..<batch.count {
                    if row > 0 { current += 1 }
                    if let restarts, row > 0, restarts[row] == true { current = start }
                    numbers[row] = current
                }
                return .column(.long(numbers, NullMask()))
            }
        case "prev", "next":
            guard !call.arguments.isEmpty else { throw .semantic("\(name)() takes a column", at: at) }
            let column = try compile(call.arguments[0].value)
            let offset = call.arguments.count > 1 ? try constantInteger(call.arguments[1].value) : 1
            let fallback = call.arguments.count > 2 ? try compile(call.arguments[2].value) : nil
            let step = name == "prev" ? -Int(offset) : Int(offset)
            let type = column.type
            return CompiledExpression(type: type) { batch throws(KQLEngineError) in
                let values = try column(batch)
                let defaults = try fallback?(batch)
                var builder = KQLColumnBuilder(type: type)
                for row in 0..<batch.count {
                    let source = row + step
                    if source >= 0, source < batch.count {
                        builder.append(values[source])
                    } else if let defaults {
                        builder.append(defaults[row])
                    } else {
                        builder.appendNull()
                    }
                }
                return .column(builder.finish())
            }
        case "typeof":
            throw .semantic("typeof() names a type; it is not a value", at: at)
        default:
            break
        }
        if Aggregates.isAggregate(name) {
            throw .semantic("\(name)() is an aggregation: use it in summarize", at: at)
        }
        guard let function = ScalarFunctions.byName[name] else {
            throw .unsupported("\(call.callee.name)()", at: at)
        }
        guard function.arity.contains(call.arguments.count) else {
            throw .semantic("\(name)() takes \(Self.describe(function.arity)) arguments, got \(call.arguments.count)", at: at)
        }
        var arguments: [CompiledExpression] = []
        for argument in call.arguments { arguments.append(try compileArgument(argument.value)) }
        let type = function.resultType(arguments.map(\.type))
        let context = evaluator.context
        let evaluate = function.evaluate
        let deterministic = name != "rand" && name != "new_guid"
        if deterministic, arguments.allSatisfy({ $0.constant != nil }) {
            do throws(KQLFunctionError) {
                let value = try evaluate(arguments.map { $0.constant! }, context)
                return CompiledExpression(constant: value.converted(to: type) ?? value, type: type)
            } catch {
                throw Self.wrap(error, at: at)
            }
        }
        return CompiledExpression(type: type) { batch throws(KQLEngineError) in
            var vectors: [Vector] = []
            for argument in arguments { vectors.append(try argument(batch)) }
            var builder = KQLColumnBuilder(type: type)
            var values = [KQLValue](repeating: .null(.string), count: vectors.count)
            for row in 0..<batch.count {
                for i in vectors.indices { values[i] = vectors[i][row] }
                do throws(KQLFunctionError) {
                    builder.append(try evaluate(values, context))
                } catch {
                    throw Self.wrap(error, at: at)
                }
            }
            return .column(builder.finish())
        }
    }

    /// Arguments may name a type (`typeof(long)` in `extract(…, typeof(long))`): that becomes a
    /// typed null of the type, so the function's result type follows it.
    private func compileArgument(_ expression: Expression) throws(KQLEngineError) -> CompiledExpression {
        if case .call(let call) = expression.kind, call.name == "typeof", call.arguments.count == 1,
           let name = call.arguments[0].value.asName
        {
            guard let type = KQLScalarType(kqlName: name.name) else { throw .semantic("unknown type '\(name.name)'", at: name.range.start) }
            return CompiledExpression(constant: .null(of: type), type: type)
        }
        return try compile(expression)
    }

    func constantInteger(_ expression: Expression) throws(KQLEngineError) -> Int64 {
        let compiled = try compile(expression)
        guard let value = compiled.constant, let n = ValueSemantics.integer(ValueSemantics.unwrap(value)) else {
            throw .semantic("expected a constant whole number", at: expression.range.start)
        }
        return n
    }

    static func wrap(_ error: KQLFunctionError, at: SourceLocation) -> KQLEngineError {
        error.isUnsupported ? .unsupported(error.message, at: at) : .semantic(error.message, at: at)
    }

    static func describe(_ arity: ClosedRange<Int>) -> String {
        arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)"
    }

    /// An expression evaluated row by row from its operands' values (folded when they are
    /// constants).
    func rowwise(type: KQLScalarType, _ operands: [CompiledExpression], _ body: @escaping ([KQLValue]) -> KQLValue) -> CompiledExpression {
        if operands.allSatisfy({ $0.constant != nil }) {
            return CompiledExpression(constant: body(operands.map { $0.constant! }), type: type)
        }
        return CompiledExpression(type: type) { batch throws(KQLEngineError) in
            var vectors: [Vector] = []
            for operand in operands { vectors.append(try operand(batch)) }
            var builder = KQLColumnBuilder(type: type)
            var values = [KQLValue](repeating: .null(.string), count: vectors.count)
            for row in 0..<batch.count {
                for i in vectors.indices { values[i] = vectors[i][row] }
                builder.append(body(values))
            }
            return .column(builder.finish())
        }
    }
}
