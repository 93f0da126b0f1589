extension LintPass {
    // MARK: operators

    /// Lints one operator over `rows` and returns the rows it gives.
    /// - Parameter isSource: whether the operator starts the pipeline (`union`, `datatable`, …).
    mutating func apply(_ op: PipeOperator, to rows: RowSet, isSource: Bool) -> RowSet {
        if let modern = FunctionCatalog.deprecatedOperatorAliases[op.name] {
            report(.deprecatedAlias, "'\(op.name)' is deprecated; use '\(modern)'", at: op.range.start)
        }
        switch op.kind {
        case .where(let predicate):
            check(predicate, rows)
            var result = rows
            if inspectFilter(predicate, rows) { result.unfiltered.removeAll() }
            return result

        case .project(let items):
            var columns: [String: KQLScalarType?] = [:]
            var unnamed = 0
            var isOpen = false
            for item in items {
                if case .wildcard = item.expression.kind {
                    for (name, type) in rows.columns { columns[name] = type }
                    isOpen = isOpen || rows.isOpen
                    continue
                }
                if item.target == nil, case .name(let identifier) = item.expression.kind, identifier.name.contains("*") {
                    for name in rows.columns(matching: identifier.name) { columns[name] = rows.columns[name] ?? nil }
                    isOpen = isOpen || rows.isOpen
                    continue
                }
                check(item.expression, rows)
                name(item, in: rows, unnamed: &unnamed) { columns[$0] = .some($1) }
            }
            return rows.reshaped(columns, isOpen: isOpen, by: op)

        case .extend(let items), .serialize(let items):
            var result = rows
            var unnamed = 0
            for item in items {
                // Later items may use the columns earlier ones made.
                check(item.expression, result)
                name(item, in: result, unnamed: &unnamed) { result.add($0, $1) }
            }
            return result

        case .projectAway(let patterns):
            var columns = rows.columns
            for pattern in patterns {
                guard case .name(let identifier) = pattern.kind else { continue }
                if identifier.name.contains("*") {
                    for name in rows.columns(matching: identifier.name) { columns[name] = nil }
                } else {
                    checkColumn(identifier, rows)
                    columns[identifier.name] = nil
                }
            }
            return rows.reshaped(columns, isOpen: rows.isOpen, by: op)

        case .projectKeep(let patterns):
            var columns: [String: KQLScalarType?] = [:]
            for pattern in patterns {
                guard case .name(let identifier) = pattern.kind else { continue }
                if identifier.name.contains("*") {
                    for name in rows.columns(matching: identifier.name) { columns[name] = rows.columns[name] ?? nil }
                } else {
                    checkColumn(identifier, rows)
                    columns[identifier.name] = .some(rows.type(of: identifier.name))
                }
            }
            return rows.reshaped(columns, isOpen: rows.isOpen, by: op)

        case .projectRename(let items):
            var columns = rows.columns
            for item in items {
                guard case .name(let newName)? = item.target, case .name(let old) = item.expression.kind else {
                    check(item.expression, rows)
                    continue
                }
                checkColumn(old, rows)
                let type = rows.type(of: old.name)
                columns[old.name] = nil
                columns[newName.name] = .some(type)
            }
            return rows.reshaped(columns, isOpen: rows.isOpen, by: op)

        case .projectReorder(let keys):
            for key in keys {
                if case .name(let identifier) = key.expression.kind, !identifier.name.contains("*") {
                    checkColumn(identifier, rows)
                }
            }
            return rows

        case .summarize(let summarize):
            return summarizeRows(summarize.aggregates, groups: summarize.groups, rows: rows, op: op)

        case .makeSeries(let series):
            for value in [series.from, series.to, series.step, series.inRange] { if let value { check(value, rows) } }
            check(series.axis, rows)
            var result = summarizeRows(
                series.aggregates.map(\.column), groups: series.groups, rows: rows, op: op)
            for aggregate in series.aggregates { if let value = aggregate.defaultValue { check(value, .none) } }
            if let axis = LintPass.resultName(series.axis) { result.add(axis) }
            return result

        case .join(let join):
            return joinRows(join, kind: LintPass.parameterName(op.parameter("kind")) ?? "innerunique", left: rows, isLookup: false)

        case .lookup(let join):
            return joinRows(join, kind: LintPass.parameterName(op.parameter("kind")) ?? "leftouter", left: rows, isLookup: true)

        case .union(let members):
            var result = isSource ? RowSet.empty : rows
            for member in members {
                let other = evalSource(member)
                for (name, type) in other.columns where !result.has(name) { result.add(name, type) }
                result.isOpen = result.isOpen || other.isOpen
                result.absorbFacts(of: other)
            }
            if let source = LintPass.parameterName(op.parameter("withsource")) { result.add(source, .string) }
            result.shapedBy = (op.name, op.range.start)
            return result

        case .distinct(let items):
            if items.contains(where: { if case .wildcard = $0.expression.kind { true } else { false } }) { return rows }
            var columns: [String: KQLScalarType?] = [:]
            var unnamed = 0
            for item in items {
                check(item.expression, rows)
                name(item, in: rows, unnamed: &unnamed) { columns[$0] = .some($1) }
            }
            return rows.reshaped(columns, isOpen: false, by: op)

        case .top(let count, let key):
            check(count, .none)
            check(key.expression, rows)
            return rows

        case .topNested(let clauses):
            for clause in clauses {
                if let count = clause.count { check(count, .none) }
                check(clause.of.expression, rows)
                check(clause.by.expression, rows)
                if let others = clause.withOthers { check(others, .none) }
            }
            return rows.reshaped([:], isOpen: true, by: op)

        case .sort(let keys):
            for key in keys { check(key.expression, rows) }
            return rows

        case .take(let count), .sample(let count):
            check(count, .none)
            return rows

        case .count:
            return rows.reshaped(["Count": .long], isOpen: false, by: op)

        case .mvExpand(let expand):
            var result = rows
            expandItems(expand.items, into: &result, from: rows)
            if let limit = expand.limit { check(limit, .none) }
            if let index = LintPass.parameterName(op.parameter("with_itemindex")) { result.add(index, .long) }
            return result

        case .mvApply(let apply):
            var expanded = rows
            expandItems(apply.items, into: &expanded, from: rows)
            if let limit = apply.limit { check(limit, .none) }
            if let index = LintPass.parameterName(op.parameter("with_itemindex")) { expanded.add(index, .long) }
            let applied = evalTabular(apply.subquery, input: expanded)
            var result = expanded
            for (name, type) in applied.columns { result.add(name, type) }
            result.isOpen = result.isOpen || applied.isOpen
            result.unfiltered = applied.unfiltered
            return result

        case .parse(let parse):
            check(parse.source, rows)
            var result = rows
            for element in parse.pattern {
                if case .column(let identifier, let type) = element {
                    result.add(identifier.name, type.flatMap { KQLScalarType(kqlName: $0.name) } ?? .string)
                }
            }
            return result

        case .parseKV(let parse):
            check(parse.source, rows)
            var result = rows
            for column in parse.columns { result.add(column.name.name, KQLScalarType(kqlName: column.type.name)) }
            return result

        case .evaluate(let evaluate):
            if case .call(let call) = evaluate.plugin.kind {
                checkCall(call, at: evaluate.plugin.range.start, in: isSource ? .none : rows)
            } else {
                check(evaluate.plugin, rows)
            }
            guard let schema = evaluate.schema else { return rows.reshaped([:], isOpen: true, by: op) }
            var columns: [String: KQLScalarType?] = [:]
            for column in schema.columns { columns[column.name.name] = .some(KQLScalarType(kqlName: column.type.name)) }
            return rows.reshaped(columns, isOpen: schema.isOpen, by: op)

        case .render:
            // Property values name columns loosely (`ycolumns=a, b`, `title="…"`); not checked.
            return rows

        case .invoke(let call):
            // The arguments are evaluated over the rows: `invoke FileProfile(SHA1)` names a column.
            if case .call(let function) = call.kind {
                checkCall(function, at: call.range.start, in: rows, invoked: true)
            } else {
                check(call, rows)
            }
            return rows.reshaped([:], isOpen: true, by: op)

        case .as:
            return rows

        case .getschema:
            return rows.reshaped(
                ["ColumnName": .string, "ColumnOrdinal": .int, "DataType": .string, "ColumnType": .string],
                isOpen: false, by: op)

        case .sampleDistinct(let count, let of):
            check(count, .none)
            check(of, rows)
            var columns: [String: KQLScalarType?] = [:]
            if let name = LintPass.resultName(of) { columns[name] = .some(rows.type(of: name)) }
            return rows.reshaped(columns, isOpen: columns.isEmpty, by: op)

        case .partition(let partition):
            check(partition.column, rows)
            return evalTabular(partition.subquery, input: rows)

        case .fork(let branches):
            for branch in branches { reportUnfiltered(evalTabular(branch.subquery, input: rows)) }
            var result = rows.reshaped([:], isOpen: true, by: op)
            result.unfiltered.removeAll()
            return result

        case .facet(let columns, let with):
            for column in columns {
                if case .name(let identifier) = column.kind, !identifier.name.contains("*") { checkColumn(identifier, rows) }
            }
            if let with { _ = evalTabular(with, input: rows) }
            return rows.reshaped([:], isOpen: true, by: op)

        case .search(let search):
            var result = isSource ? RowSet.open : rows
            for table in search.tables ?? [] { result.absorbFacts(of: evalSource(table)) }
            result.unfiltered.removeAll()
            check(search.predicate, .open)
            return result.reshaped([:], isOpen: true, by: op)

        case .find(let find):
            var result = RowSet.open
            for table in find.tables ?? [] { result.absorbFacts(of: evalSource(table)) }
            result.unfiltered.removeAll()
            check(find.predicate, .open)
            return result.reshaped([:], isOpen: true, by: op)

        case .datatable(let declared, let values):
            for value in values { check(value, .none) }
            return declaredRows(declared, op: op)

        case .externaldata(let declared, let uris, _):
            for uri in uris { check(uri, .none) }
            return declaredRows(declared, op: op)

        case .range(let column, let from, let to, let step):
            for value in [from, to, step] { check(value, .none) }
            let type: KQLScalarType? = switch constantValue(from) {
            case .datetime?: .datetime
            case .timespan?: .timespan
            case .real?: .real
            default: .long
            }
            return RowSet.empty.reshaped([column.name: type], isOpen: false, by: op)

        case .print(let items):
            var columns: [String: KQLScalarType?] = [:]
            for (index, item) in items.enumerated() {
                check(item.expression, .none)
                switch item.target {
                case .name(let identifier)?: columns[identifier.name] = .some(nil)
                case .tuple(let identifiers)?: for identifier in identifiers { columns[identifier.name] = .some(nil) }
                case nil: columns[LintPass.resultName(item.expression) ?? "print_\(index)"] = .some(nil)
                }
            }
            return RowSet.empty.reshaped(columns, isOpen: false, by: op)

        case .generic:
            return rows.reshaped([:], isOpen: true, by: op)
        }
    }

    /// The rows of `datatable` and `externaldata`: exactly the declared columns.
    func declaredRows(_ declared: [ColumnDeclaration], op: PipeOperator) -> RowSet {
        var columns: [String: KQLScalarType?] = [:]
        for column in declared { columns[column.name.name] = .some(KQLScalarType(kqlName: column.type.name)) }
        return RowSet.empty.reshaped(columns, isOpen: false, by: op)
    }

    /// The name of a parameter value written as a name (`kind=inner`) or a string.
    static func parameterName(_ value: Expression?) -> String? {
        switch value?.kind {
        case .name(let identifier)?: identifier.name
        case .literal(let literal)?: if case .string(let text)? = literal.value { text } else { nil }
        default: nil
        }
    }

    // MARK: naming

    /// Calls `add` with the column(s) a `project` / `extend` item makes: its target, or the name
    /// KQL derives from the expression (`a.b` → `a_b`, `bin(T, 1h)` → `T`), or `ColumnN`.
    func name(
        _ item: ColumnExpression, in rows: RowSet, unnamed: inout Int, _ add: (String, KQLScalarType?) -> Void
    ) {
        switch item.target {
        case .name(let identifier)?:
            add(identifier.name, LintPass.simpleType(item.expression, rows))
        case .tuple(let identifiers)?:
            for identifier in identifiers { add(identifier.name, nil) }
        case nil:
            if let name = LintPass.resultName(item.expression) {
                add(name, LintPass.simpleType(item.expression, rows))
                if case .call = LintPass.unparenthesized(item.expression).kind {
                    unnamed += 1
                    add("Column\(unnamed)", nil)
                }
            } else {
                unnamed += 1
                add("Column\(unnamed)", nil)
            }
        }
    }

    /// The type of a plain column reference or a literal, else nil.
    static func simpleType(_ expression: Expression, _ rows: RowSet) -> KQLScalarType? {
        switch expression.kind {
        case .name(let identifier): rows.type(of: identifier.name)
        case .literal(let literal): literal.value?.type
        case .parenthesized(let inner): simpleType(inner, rows)
        case .call(let call) where call.name == "bin" || call.name == "bin_at" || call.name == "floor":
            call.arguments.first.flatMap { simpleType($0.value, rows) }
        default: nil
        }
    }

    static func unparenthesized(_ expression: Expression) -> Expression {
        if case .parenthesized(let inner) = expression.kind { return unparenthesized(inner) }
        return expression
    }

    /// The column name KQL gives an unnamed expression, where it derives one: a name, a path
    /// (`a.b`, `a['b']` → `a_b`), or a call named after its first argument (`bin(Timestamp, 1h)`,
    /// `tostring(x)`); nil for anything else (then KQL names it `Column1`, `Column2`, …).
    static func resultName(_ expression: Expression) -> String? {
        switch expression.kind {
        case .name(let identifier):
            return identifier.name
        case .parenthesized(let inner):
            return resultName(inner)
        case .member(let base, let member):
            return resultName(base).map { $0 + "_" + member.name } ?? member.name
        case .index(let base, let index):
            guard case .literal(let literal) = index.kind else { return nil }
            let key: String
            switch literal.value {
            case .string(let text)?: key = text
            case .long(let n)?: key = String(n)
            case .int(let n)?: key = String(n)
            default: return nil
            }
            return resultName(base).map { $0 + "_" + key } ?? key
        case .call(let call):
            return call.arguments.first.flatMap { resultName($0.value) }
        default:
            return nil
        }
    }

    // MARK: summarize

    /// The rows `summarize` (and `make-series`) gives: the `by` columns, then one or more
    /// columns per aggregate.
    mutating func summarizeRows(
        _ aggregates: [ColumnExpression], groups: [ColumnExpression], rows: RowSet, op: PipeOperator
    ) -> RowSet {
        var columns: [String: KQLScalarType?] = [:]
        var isOpen = false
        var unnamed = 0
        for group in groups {
            check(group.expression, rows)
            name(group, in: rows, unnamed: &unnamed) { columns[$0] = .some($1) }
        }
        for aggregate in aggregates {
            check(aggregate.expression, rows)
            switch aggregate.target {
            case .name(let identifier)?:
                columns[identifier.name] = .some(aggregateType(aggregate.expression, rows))
                // `Latest = arg_max(Timestamp, *)` names only the first column it returns.
                if case .call(let call) = LintPass.unparenthesized(aggregate.expression).kind,
                    call.callee.name == "arg_max" || call.callee.name == "arg_min" || call.callee.name == "take_any",
                    call.arguments.count > 1
                {
                    var rest = call
                    rest.arguments.removeFirst()
                    if !nameAggregate(rest, rows: rows, into: &columns) { isOpen = true }
                }
                continue
            case .tuple(let identifiers)?:
                for identifier in identifiers { columns[identifier.name] = .some(nil) }
                continue
            case nil:
                break
            }
            guard case .call(let call) = LintPass.unparenthesized(aggregate.expression).kind else {
                unnamed += 1
                columns["Column\(unnamed)"] = .some(nil)
                if let name = LintPass.resultName(aggregate.expression) { columns[name] = .some(nil) }
                continue
            }
            if !nameAggregate(call, rows: rows, into: &columns) { isOpen = true }
        }
        return rows.reshaped(columns, isOpen: isOpen, by: op)
    }

    func aggregateType(_ expression: Expression, _ rows: RowSet) -> KQLScalarType? {
        guard case .call(let call) = LintPass.unparenthesized(expression).kind else { return nil }
        switch call.name {
        case "count", "countif", "dcount", "dcountif", "count_distinct", "count_distinctif": return .long
        case "min", "max", "take_any", "arg_max", "arg_min":
            return call.arguments.first.flatMap { LintPass.simpleType($0.value, rows) }
        default: return nil
        }
    }

    /// Adds the columns of an unnamed aggregate; returns false when KQL's naming is not followed
    /// here (the result is then open).
    func nameAggregate(_ call: FunctionCall, rows: RowSet, into columns: inout [String: KQLScalarType?]) -> Bool {
        let written = call.callee.name
        let arguments = call.arguments
        switch call.name {
        case "arg_max", "arg_min", "take_any":
            // `argmax` / `any` name their columns differently (max_X_A); not followed here.
            if written != call.name { return false }
            var open = false
            for argument in arguments {
                if case .wildcard = argument.value.kind {
                    // `*` brings the other columns; those already there (the `by` ones) stay once.
                    for (name, type) in rows.columns where columns[name] == nil { columns[name] = type }
                    open = open || rows.isOpen
                    continue
                }
                guard let name = argument.name?.name ?? LintPass.resultName(argument.value) else {
                    open = true
                    continue
                }
                // A name already taken (a `by` column) is renamed Name1; accept both.
                if columns[name] != nil { columns[name + "1"] = .some(nil) }
                columns[name] = .some(LintPass.simpleType(argument.value, rows))
            }
            return !open
        case "percentile", "percentiles", "percentilew", "percentilesw":
            guard let value = arguments.first.flatMap({ LintPass.resultName($0.value) }) else { return false }
            let skip = call.name.hasSuffix("w") ? 2 : 1
            for argument in arguments.dropFirst(skip) {
                guard case .literal(let literal) = argument.value.kind else { return false }
                let fragment = String(literal.text.map { $0.isLetter || $0.isNumber ? $0 : "_" })
                columns["percentile_\(value)_\(fragment)"] = .some(nil)
            }
            return true
        default:
            break
        }
        let info = FunctionCatalog.lookup(written) ?? FunctionCatalog.lookup(call.name)
        switch info?.resultNaming {
        case .prefixed(let prefix)?:
            let argument = arguments.first.flatMap { LintPass.resultName($0.value) }
            columns[prefix + "_" + (argument ?? "")] = .some(aggregateType(Expression(.call(call)), rows))
            if argument != nil, case .call? = arguments.first.map({ LintPass.unparenthesized($0.value).kind }) {
                // KQL names `sum(toint(x))` after x only for some functions; accept both.
                columns[prefix + "_"] = .some(nil)
            }
            return true
        case .firstArgument?:
            guard let name = arguments.first.flatMap({ LintPass.resultName($0.value) }) else { return false }
            columns[name] = .some(nil)
            return true
        case .argumentDependent?, nil:
            return false
        }
    }

    // MARK: mv-expand

    /// Adds what `mv-expand` / `mv-apply` items make: the same column (now one element per row)
    /// or a new named one.
    mutating func expandItems(_ items: [ExpandItem], into result: inout RowSet, from rows: RowSet) {
        var unnamed = 0
        for item in items {
            check(item.column.expression, rows)
            let type = item.type.flatMap { KQLScalarType(kqlName: $0.name) } ?? .dynamic
            name(item.column, in: rows, unnamed: &unnamed) { name, _ in result.add(name, type) }
        }
    }

    // MARK: join

    /// The rows of `join` and `lookup`, after checking the `on` conditions against each side.
    mutating func joinRows(_ join: JoinOperator, kind: String, left: RowSet, isLookup: Bool) -> RowSet {
        let right = evalSource(join.right)
        var rightKeys: Set<String> = []
        for condition in join.conditions { checkJoinCondition(condition, left: left, right: right, rightKeys: &rightKeys) }
        var result: RowSet
        switch kind.lowercased() {
        case "leftsemi", "leftanti", "leftantisemi":
            result = left
        case "rightsemi", "rightanti", "rightantisemi":
            result = right
            result.unfiltered = left.unfiltered + right.unfiltered
            return result
        default:
            result = left
            for (name, type) in right.columns {
                if isLookup {
                    if rightKeys.contains(name) || result.has(name) { continue }
                    result.add(name, type)
                } else if result.has(name) {
                    var suffix = 1
                    while result.has(name + String(suffix)) { suffix += 1 }
                    result.add(name + String(suffix), type)
                } else {
                    result.add(name, type)
                }
            }
            result.isOpen = left.isOpen || right.isOpen
        }
        result.fromDefenderTable = left.fromDefenderTable || right.fromDefenderTable
        result.unfiltered = left.unfiltered + right.unfiltered
        return result
    }

    /// Checks `on A`, `$left.A == $right.B` and `and` of them.
    mutating func checkJoinCondition(_ condition: Expression, left: RowSet, right: RowSet, rightKeys: inout Set<String>) {
        switch condition.kind {
        case .name(let identifier):
            checkColumn(identifier, left, side: "left")
            checkColumn(identifier, right, side: "right")
            rightKeys.insert(identifier.name)
        case .member(let base, let member):
            guard case .name(let side) = base.kind else { return check(condition, left) }
            if side.name == "$left" {
                checkColumn(member, left, side: "left")
            } else if side.name == "$right" {
                checkColumn(member, right, side: "right")
                rightKeys.insert(member.name)
            } else {
                check(condition, left)
            }
        case .binary(_, let a, let b, _):
            checkJoinCondition(a, left: left, right: right, rightKeys: &rightKeys)
            checkJoinCondition(b, left: left, right: right, rightKeys: &rightKeys)
        case .parenthesized(let inner):
            checkJoinCondition(inner, left: left, right: right, rightKeys: &rightKeys)
        default:
            check(condition, left)
        }
    }
}
