import Foundation
import KQL

/// One aggregation of `summarize`, compiled: the columns it adds and how to fill them per group.
struct CompiledAggregate {
    var columns: [(name: String, type: KQLScalarType)]
    /// The output cells, one storage per column, one cell per group.
    var run: (Batch, Grouping) throws(KQLEngineError) -> [KQLColumn.Storage]
}

/// The aggregation functions of `summarize`.
enum Aggregates {
    static let names: Set<String> = [
        "count", "countif", "dcount", "dcountif", "count_distinct", "count_distinctif", "sum", "sumif", "avg", "avgif",
        "min", "max", "minif", "maxif", "arg_max", "arg_min", "take_any", "take_anyif", "make_set", "make_set_if",
        "make_list", "make_list_if", "make_bag", "make_bag_if", "percentile", "percentiles", "stdev", "stdevif",
        "stdevp", "variance", "varianceif", "variancep", "hll", "tdigest", "percentilew", "percentilesw",
        "make_list_with_nulls", "binary_all_and", "binary_all_or", "binary_all_xor", "buildschema",
    ]

    static func isAggregate(_ name: String) -> Bool { names.contains(name) }

    /// Compiles `[Name =] aggregation(…)`; `byNames` are the group columns (excluded from `*`).
    static func compile(
        _ item: ColumnExpression, compiler: ExpressionCompiler, byNames: Set<String>
    ) throws(KQLEngineError) -> CompiledAggregate {
        var expression = item.expression
        while case .parenthesized(let inner) = expression.kind { expression = inner }
        let at = expression.range.start
        guard case .call(let call) = expression.kind, isAggregate(call.name) else {
            return try compileExpressionOfAggregates(item, expression: expression, compiler: compiler, byNames: byNames)
        }
        let name = call.name
        let args = call.arguments.map(\.value)
        func arg(_ i: Int) throws(KQLEngineError) -> CompiledExpression {
            guard i < args.count else { throw .semantic("\(name)() needs more arguments", at: at) }
            return try compiler.compile(args[i])
        }
        func outputName(_ prefix: String, _ argIndex: Int? = 0) -> String {
            if case .name(let target)? = item.target { return target.name }
            guard let argIndex, argIndex < args.count, let derived = ColumnNaming.derivedName(args[argIndex]) else {
                return prefix + "_"
            }
            return prefix + "_" + derived
        }
        let single: (String, KQLScalarType, @escaping (Batch, Grouping) throws(KQLEngineError) -> KQLColumn.Storage) -> CompiledAggregate = { n, t, body in
            CompiledAggregate(columns: [(n, t)]) { batch, grouping throws(KQLEngineError) in [try body(batch, grouping)] }
        }

        switch name {
        case "count":
            return single(outputName("count", args.isEmpty ? nil : 0), .long) { _, g in
                var counts = [Int64](repeating: 0, count: g.count)
                for id in g.ids { counts[id] += 1 }
                return .long(counts, NullMask())
            }
        case "countif":
            let predicate = try arg(0)
            return single(outputName("countif", nil), .long) { batch, g throws(KQLEngineError) in
                let truth = Truth(try predicate(batch))
                var counts = [Int64](repeating: 0, count: g.count)
                for (row, id) in g.ids.enumerated() where truth[row] == true { counts[id] += 1 }
                return .long(counts, NullMask())
            }
        case "dcount", "count_distinct", "dcountif", "count_distinctif":
            let value = try arg(0)
            let predicate = name.hasSuffix("if") ? try arg(1) : nil
            return single(outputName(name), .long) { batch, g throws(KQLEngineError) in
                let vector = try value(batch)
                let truth = try predicate.map { p throws(KQLEngineError) in Truth(try p(batch)) }
                let codes = Grouping.codes(vector, count: batch.count)
                var seen = Set<Int64>()
                var counts = [Int64](repeating: 0, count: g.count)
                for (row, id) in g.ids.enumerated() {
                    if let truth, truth[row] != true { continue }
                    if vector[row].isNull { continue }
                    if seen.insert(Int64(id) << 32 | Int64(codes.ids[row])).inserted { counts[id] += 1 }
                }
                return .long(counts, NullMask())
            }
        case "sum", "sumif", "avg", "avgif":
            let value = try arg(0)
            let predicate = name.hasSuffix("if") ? try arg(1) : nil
            let isAvg = name.hasPrefix("avg")
            let type: KQLScalarType = switch value.type {
            case .int, .long: isAvg ? .real : .long
            case .timespan: .timespan
            case .decimal: .decimal
            default: .real
            }
            return single(outputName(name), type) { batch, g throws(KQLEngineError) in
                let vector = try value(batch)
                let truth = try predicate.map { p throws(KQLEngineError) in Truth(try p(batch)) }
                var sums = [KQLValue](repeating: .null(type), count: g.count)
                var counts = [Int](repeating: 0, count: g.count)
                for (row, id) in g.ids.enumerated() {
                    if let truth, truth[row] != true { continue }
                    let v = ValueSemantics.unwrap(vector[row])
                    if v.isNull { continue }
                    counts[id] += 1
                    sums[id] = sums[id].isNull ? v : ValueSemantics.arithmetic(.add, sums[id], v)
                }
                // Kusto: the sum of no values is 0 and their average NaN.
                let zero: KQLValue = switch type {
                case .timespan: .timespan(KQLTimespan(ticks: 0))
                case .decimal: .decimal(0)
                case .real: .real(0)
                default: .long(0)
                }
                var builder = KQLColumnBuilder(type: type)
                for id in 0..<g.count {
                    if isAvg {
                        builder.append(counts[id] > 0 ? ValueSemantics.arithmetic(.divide, sums[id], .real(Double(counts[id]))) : .real(.nan))
                    } else {
                        builder.append(counts[id] > 0 ? sums[id] : zero)
                    }
                }
                return builder.finish()
            }
        case "min", "max", "minif", "maxif":
            let value = try arg(0)
            let predicate = name.hasSuffix("if") ? try arg(1) : nil
            let wantMax = name.hasPrefix("max")
            let type = value.type
            return single(outputName(name), type) { batch, g throws(KQLEngineError) in
                let vector = try value(batch)
                let truth = try predicate.map { p throws(KQLEngineError) in Truth(try p(batch)) }
                let best = bestRows(vector, g, wantMax: wantMax, truth: truth)
                var builder = KQLColumnBuilder(type: type)
                for row in best { if row < 0 { builder.appendNull() } else { builder.append(vector[row]) } }
                return builder.finish()
            }
        case "arg_max", "arg_min":
            let wantMax = name == "arg_max"
            let key = try arg(0)
            var outputs: [(String, CompiledExpression)] = []
            let keyName: String = if case .name(let t)? = item.target { t.name } else { ColumnNaming.derivedName(args.first!) ?? (wantMax ? "max_" : "min_") }
            outputs.append((keyName, key))
            for (i, expression) in args.enumerated().dropFirst() {
                if case .wildcard = expression.kind {
                    for column in compiler.columns where !byNames.contains(column.name) && column.name != keyName {
                        outputs.append((column.name, try compiler.compile(Expression(.name(Identifier(column.name))))))
                    }
                    continue
                }
                var columnName = ColumnNaming.derivedName(expression) ?? "\(keyName)\(i)"
                if case .binary(.equal, let lhs, let rhs, _) = expression.kind, let target = lhs.asName {
                    columnName = target.name
                    outputs.append((columnName, try compiler.compile(rhs)))
                    continue
                }
                // A name taken (by the maximand's own name, or another output) gets a suffix.
                columnName = ColumnNaming.unique(columnName, avoiding: outputs.map(\.0))
                outputs.append((columnName, try compiler.compile(expression)))
            }
            let compiledOutputs = outputs
            return CompiledAggregate(columns: compiledOutputs.map { ($0.0, $0.1.type) }) { batch, g throws(KQLEngineError) in
                // A group whose maximands are all null still gives a row: its first.
                var best = bestRows(try key(batch), g, wantMax: wantMax, truth: nil)
                if best.contains(-1) {
                    var first = [Int](repeating: -1, count: g.count)
                    for (row, id) in g.ids.enumerated() where first[id] < 0 { first[id] = row }
                    for id in 0..<g.count where best[id] < 0 { best[id] = first[id] }
                }
                var result: [KQLColumn.Storage] = []
                for (_, output) in compiledOutputs {
                    result.append(try output(batch).storage(count: batch.count, type: output.type).gather(best))
                }
                return result
            }
        case "take_any", "take_anyif":
            let predicate = name == "take_anyif" ? try arg(1) : nil
            var outputs: [(String, CompiledExpression)] = []
            let valueArgs = predicate == nil ? args : [args[0]]
            for (i, expression) in valueArgs.enumerated() {
                if case .wildcard = expression.kind {
                    for column in compiler.columns where !byNames.contains(column.name) {
                        outputs.append((column.name, try compiler.compile(Expression(.name(Identifier(column.name))))))
                    }
                    continue
                }
                let n: String = if valueArgs.count == 1, case .name(let t)? = item.target { t.name } else { ColumnNaming.derivedName(expression).map { "any_" + $0 } ?? "any_\(i)" }
                outputs.append((n, try compiler.compile(expression)))
            }
            let compiledOutputs = outputs
            return CompiledAggregate(columns: compiledOutputs.map { ($0.0, $0.1.type) }) { batch, g throws(KQLEngineError) in
                var rows = [Int](repeating: -1, count: g.count)
                let truth = try predicate.map { p throws(KQLEngineError) in Truth(try p(batch)) }
                for (row, id) in g.ids.enumerated() where rows[id] < 0 {
                    if let truth, truth[row] != true { continue }
                    rows[id] = row
                }
                var result: [KQLColumn.Storage] = []
                for (_, output) in compiledOutputs {
                    result.append(try output(batch).storage(count: batch.count, type: output.type).gather(rows))
                }
                return result
            }
        case "make_set", "make_set_if", "make_list", "make_list_if", "make_list_with_nulls", "make_bag", "make_bag_if":
            let value = try arg(0)
            let hasPredicate = name.hasSuffix("_if")
            let predicate = hasPredicate ? try arg(1) : nil
            let limitIndex = hasPredicate ? 2 : 1
            let limit = limitIndex < args.count ? Int(try compiler.constantInteger(args[limitIndex])) : 1_048_576
            let isSet = name.hasPrefix("make_set"), isBag = name.hasPrefix("make_bag")
            let keepNulls = name == "make_list_with_nulls"
            let prefix = isSet ? "set" : (isBag ? "bag" : "list")
            return single(outputName(prefix), .dynamic) { batch, g throws(KQLEngineError) in
                let vector = try value(batch)
                let truth = try predicate.map { p throws(KQLEngineError) in Truth(try p(batch)) }
                var lists = [[KQLDynamic]](repeating: [], count: g.count)
                var sets = [Set<KQLDynamic>](repeating: [], count: isSet ? g.count : 0)
                var bags = [[(key: String, value: KQLDynamic)]](repeating: [], count: isBag ? g.count : 0)
                for (row, id) in g.ids.enumerated() {
                    if let truth, truth[row] != true { continue }
                    let element = DynamicAccess.dynamic(from: vector[row])
                    if isBag {
                        guard case .bag(let pairs) = element else { continue }
                        for pair in pairs where !bags[id].contains(where: { $0.key == pair.key }) { bags[id].append(pair) }
                        continue
                    }
                    if element == .null, !keepNulls { continue }
                    if lists[id].count >= limit { continue }
                    if isSet, !sets[id].insert(element).inserted { continue }
                    lists[id].append(element)
                }
                return .dynamic(isBag ? bags.map { .bag($0) } : lists.map { .array($0) })
            }
        case "percentile", "percentiles":
            let value = try arg(0)
            var percents: [Double] = []
            for expression in args.dropFirst() {
                guard let constant = try compiler.compile(expression).constant, let p = ValueSemantics.number(ValueSemantics.unwrap(constant)) else {
                    throw .semantic("\(name)() takes constant percentages", at: expression.range.start)
                }
                percents.append(p)
            }
            if percents.isEmpty { throw .semantic("\(name)() needs a percentage", at: at) }
            let base = ColumnNaming.derivedName(args[0]) ?? ""
            let names: [String] = percents.map { p in
                let text = p == p.rounded() ? String(Int(p)) : String(p).replacingOccurrences(of: ".", with: "_")
                return "percentile_\(base)_\(text)"
            }
            var columnNames = names
            if case .name(let t)? = item.target, names.count == 1 { columnNames = [t.name] }
            if case .tuple(let ts)? = item.target { for (i, t) in ts.enumerated() where i < columnNames.count { columnNames[i] = t.name } }
            let type = value.type
            let ps = percents
            return CompiledAggregate(columns: columnNames.map { ($0, type) }) { batch, g throws(KQLEngineError) in
                let vector = try value(batch)
                var groups = [[KQLValue]](repeating: [], count: g.count)
                for (row, id) in g.ids.enumerated() {
                    let v = vector[row]
                    if !v.isNull { groups[id].append(v) }
                }
                var builders = ps.map { _ in KQLColumnBuilder(type: type) }
                for values in groups {
                    let sorted = values.sorted { ValueSemantics.order($0, $1) < 0 }
                    for (i, p) in ps.enumerated() {
                        guard !sorted.isEmpty else { builders[i].appendNull(); continue }
                        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
                        builders[i].append(sorted[min(max(rank, 0), sorted.count - 1)])
                    }
                }
                return builders.map { $0.finish() }
            }
        case "stdev", "stdevif", "stdevp", "variance", "varianceif", "variancep":
            let value = try arg(0)
            let predicate = name.hasSuffix("if") ? try arg(1) : nil
            let population = name.hasSuffix("p")
            let isStdev = name.hasPrefix("stdev")
            return single(outputName(name), .real) { batch, g throws(KQLEngineError) in
                let vector = try value(batch)
                let truth = try predicate.map { p throws(KQLEngineError) in Truth(try p(batch)) }
                var groups = [[Double]](repeating: [], count: g.count)
                for (row, id) in g.ids.enumerated() {
                    if let truth, truth[row] != true { continue }
                    if let x = ValueSemantics.number(ValueSemantics.unwrap(vector[row])) { groups[id].append(x) }
                }
                var out = [Double](repeating: 0, count: g.count)
                for (id, xs) in groups.enumerated() {
                    let n = Double(xs.count)
                    let divisor = population ? n : n - 1
                    // Fewer than two values: 0, as Kusto gives for an empty input.
                    if xs.isEmpty || divisor <= 0 { continue }
                    let mean = xs.reduce(0, +) / n
                    let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / divisor
                    out[id] = isStdev ? variance.squareRoot() : variance
                }
                return .real(out, NullMask())
            }
        default:
            throw .unsupported("\(call.callee.name)()", at: at)
        }
    }

    /// `countif(x) * 100.0 / count()`, `tostring(make_set(x))`: the aggregations inside are computed
    /// per group, then the expression around them is evaluated over the groups.
    static func compileExpressionOfAggregates(
        _ item: ColumnExpression, expression: Expression, compiler: ExpressionCompiler, byNames: Set<String>
    ) throws(KQLEngineError) -> CompiledAggregate {
        var inner: [CompiledAggregate] = []
        var failure: KQLEngineError?
        func rewrite(_ e: Expression) -> Expression {
            var e = e
            switch e.kind {
            case .call(let call) where isAggregate(call.name):
                do throws(KQLEngineError) {
                    let name = "__aggregate_\(inner.count)"
                    let compiled = try compile(ColumnExpression(target: .name(Identifier(name)), expression: e), compiler: compiler, byNames: byNames)
                    guard compiled.columns.count == 1 else { throw .unsupported("\(call.name)() with several outputs inside an expression", at: e.range.start) }
                    inner.append(compiled)
                    return Expression(.name(Identifier(name)), range: e.range)
                } catch {
                    failure = failure ?? error
                    return e
                }
            case .call(var call):
                call.arguments = call.arguments.map { var a = $0; a.value = rewrite(a.value); return a }
                e.kind = .call(call)
            case .binary(let op, let a, let b, let spelling): e.kind = .binary(op, rewrite(a), rewrite(b), spelling: spelling)
            case .unary(let op, let a): e.kind = .unary(op, rewrite(a))
            case .parenthesized(let a): e.kind = .parenthesized(rewrite(a))
            case .between(let v, let lo, let hi, let negated, let spelling):
                e.kind = .between(rewrite(v), lower: rewrite(lo), upper: rewrite(hi), negated: negated, spelling: spelling)
            case .member(let base, let member): e.kind = .member(rewrite(base), member)
            case .index(let base, let index): e.kind = .index(rewrite(base), rewrite(index))
            case .list(let items): e.kind = .list(items.map(rewrite))
            default: break
            }
            return e
        }
        let rewritten = rewrite(expression)
        if let failure { throw failure }
        guard !inner.isEmpty else {
            throw .semantic("summarize needs an aggregation such as count() or dcount(X) here; found \(expression)", at: expression.range.start)
        }
        let innerColumns = inner.map { $0.columns[0] }
        let outer = try ExpressionCompiler(evaluator: compiler.evaluator, columns: innerColumns, scope: compiler.scope).compile(rewritten)
        let name: String = if case .name(let t)? = item.target { t.name } else { "Column1" }
        return CompiledAggregate(columns: [(name, outer.type)]) { batch, g throws(KQLEngineError) in
            var columns: [KQLColumn] = []
            for (aggregate, column) in zip(inner, innerColumns) {
                columns.append(KQLColumn(name: column.name, storage: try aggregate.run(batch, g)[0]))
            }
            let groups = KQLTable(columns: columns, rowCount: g.count)
            return [try outer(Batch(groups)).storage(count: g.count, type: outer.type)]
        }
    }

    /// For each group, the row whose value is largest (or smallest); -1 when the group has only
    /// nulls. Ties keep the first row.
    static func bestRows(_ vector: Vector, _ g: Grouping, wantMax: Bool, truth: Truth?) -> [Int] {
        var best = [Int](repeating: -1, count: g.count)
        switch vector {
        case .column(.long(let v, let n)), .column(.datetime(let v, let n, _)), .column(.timespan(let v, let n)):
            let nullable = n.hasNulls
            for (row, id) in g.ids.enumerated() {
                if nullable, n.isNull(row) { continue }
                if let truth, truth[row] != true { continue }
                let current = best[id]
                if current < 0 || (wantMax ? v[row] > v[current] : v[row] < v[current]) { best[id] = row }
            }
        default:
            for (row, id) in g.ids.enumerated() {
                let value = vector[row]
                if ValueSemantics.unwrap(value).isNull { continue }
                if let truth, truth[row] != true { continue }
                let current = best[id]
                if current < 0 {
                    best[id] = row
                    continue
                }
                let c = ValueSemantics.order(value, vector[current])
                if wantMax ? c > 0 : c < 0 { best[id] = row }
            }
        }
        return best
    }
}
