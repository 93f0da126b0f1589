import KQL

/// Which columns of a source table a pipeline can ever read, so a wide table (Defender's have 30
/// to 80 columns) is cut to those before the first operator and filters, joins and sorts copy
/// only them.
///
/// Pruning is applied only where it cannot change a result: the pipeline must reach an operator
/// that fixes the output columns (`project`, `summarize`, `distinct`, `count`, `make-series`)
/// before anything that reads every column (`project-away`, `project-reorder`, `*`, `pack_all()`,
/// `bag_unpack`, `union`, `invoke`, user functions). Every name written anywhere in the pipeline up
/// to that point is kept, which over-approximates safely; after a `join`, a referenced `X1` also
/// keeps `X`, so the renaming of clashing columns stays the same.
enum ColumnPruning {
    /// The table without the columns not in `needed` (the same table when all are needed).
    static func cut(_ table: KQLTable, to needed: Set<String>) -> KQLTable {
        guard table.columns.contains(where: { !needed.contains($0.name) }) else { return table }
        return KQLTable(columns: table.columns.filter { needed.contains($0.name) }, rowCount: table.rowCount)
    }

    /// The columns to keep and how many operators (from the first) they hold for: up to and
    /// including the one that fixes the output columns. Operators after it must get no set.
    /// `nil` means: keep every column.
    static func neededColumnsAndExtent(_ operators: ArraySlice<PipeOperator>, scope: Scope) -> (names: Set<String>, extent: Int)? {
        var extent = 0
        func done() -> (names: Set<String>, extent: Int)? { finish().map { ($0, extent) } }
        var names = Set<String>()
        var sawJoin = false
        var blocked = false

        func visit(_ e: Expression) {
            switch e.kind {
            case .name(let id):
                if case .function? = scope[id.name] { blocked = true }
                names.insert(id.name)
            case .wildcard: blocked = true
            case .member(let base, let member): names.insert(member.name); visit(base)
            case .index(let base, let index): visit(base); visit(index)
            case .call(let call):
                if call.name == "pack_all" { blocked = true }
                if case .function? = scope[call.name] { blocked = true }
                if call.name == "column_ifexists", case .literal(let literal)? = call.arguments.first?.value.kind,
                   case .string(let column)? = literal.value
                {
                    names.insert(column)
                }
                if let target = call.target { visit(target) }
                for argument in call.arguments { visit(argument.value) }
            case .unary(_, let operand): visit(operand)
            case .binary(_, let a, let b, _): visit(a); visit(b)
            case .between(let v, let lower, let upper, _, _): visit(v); visit(lower); visit(upper)
            case .list(let items): items.forEach(visit)
            case .parenthesized(let inner): visit(inner)
            case .tabular: break  // a subquery reads its own tables
            case .literal, .missing: break
            }
        }
        func visit(_ items: [ColumnExpression]) {
            for item in items {
                visit(item.expression)
                if case .name(let id)? = item.target { names.insert(id.name) }
            }
        }
        func finish() -> Set<String>? {
            guard !blocked else { return nil }
            if sawJoin {
                for name in names {
                    let base = name.reversed().drop(while: \.isNumber).reversed()
                    if base.count < name.count { names.insert(String(base)) }
                }
            }
            return names
        }

        for op in operators {
            extent += 1
            switch op.kind {
            case .where(let predicate): visit(predicate)
            case .extend(let items), .serialize(let items): visit(items)
            case .sort(let keys): keys.forEach { visit($0.expression) }
            case .top(let count, let key): visit(count); visit(key.expression)
            case .take, .render, .as, .sample: break
            case .parse(let parse): visit(parse.source)
            case .mvExpand(let expand): expand.items.forEach { visit([$0.column]) }
            case .join(let join), .lookup(let join):
                sawJoin = true
                join.conditions.forEach(visit)
            case .projectRename(let items): visit(items)
            case .project(let items):
                visit(items)
                return done()
            case .summarize(let summarize):
                visit(summarize.aggregates)
                visit(summarize.groups)
                return done()
            case .distinct(let items):
                visit(items)
                return done()
            case .count:
                return done()
            case .makeSeries(let series):
                series.aggregates.forEach { visit([$0.column]) }
                visit(series.axis)
                visit(series.groups)
                return done()
            default:
                return nil
            }
            if blocked { return nil }
        }
        return nil
    }
}
