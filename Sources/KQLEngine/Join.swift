import KQL

extension Evaluator {
    enum JoinKind: String {
        case innerunique, inner, leftouter, rightouter, fullouter, leftanti, rightanti, leftsemi, rightsemi
    }

    /// `join` and `lookup`: a hash join on the `on` keys with Kusto's kinds and column renaming.
    func join(
        _ join: JoinOperator, parameters: [OperatorParameter], left fullLeft: KQLTable, scope: Scope, isLookup: Bool,
        needed: Set<String>? = nil, at: SourceLocation
    ) throws(KQLEngineError) -> KQLTable {
        var left = fullLeft
        var kind: JoinKind = isLookup ? .leftouter : .innerunique
        if let parameter = parameters.first(where: { $0.name == "kind" }) {
            let text = parameter.value.asName?.name ?? parameter.value.description
            let aliases: [String: JoinKind] = ["anti": .leftanti, "leftantisemi": .leftanti, "rightantisemi": .rightanti, "semi": .leftsemi]
            guard let parsed = JoinKind(rawValue: text) ?? aliases[text] else {
                throw .semantic("unknown join kind '\(text)'", at: parameter.range.start)
            }
            if isLookup, parsed != .leftouter, parsed != .inner { throw .semantic("lookup kind must be leftouter or inner", at: parameter.range.start) }
            kind = parsed
        }
        var right = try evaluateTabularArgument(join.right, scope: scope)
        // The key pairs.
        var pairs: [(left: Int, right: Int)] = []
        for condition in join.conditions {
            try keyPairs(condition, left: left, right: right, into: &pairs)
        }
        guard !pairs.isEmpty else { throw .semantic("join needs `on` keys", at: at) }
        // Both sides cut to the columns the rest of the pipeline reads, plus the keys.
        if let needed {
            let leftKeys = pairs.map { left.columns[$0.left].name }, rightKeys = pairs.map { right.columns[$0.right].name }
            left = ColumnPruning.cut(left, to: needed.union(leftKeys))
            right = ColumnPruning.cut(right, to: needed.union(rightKeys))
            pairs = zip(leftKeys, rightKeys).map { l, r in
                (left.columns.firstIndex { $0.name == l }!, right.columns.firstIndex { $0.name == r }!)
            }
        }

        let nl = left.rowCount, nr = right.rowCount
        var li: [Int] = [], ri: [Int] = []
        var rightMatched = [Bool](repeating: false, count: nr)
        // innerunique keeps the first left row of each key: the key is known by its first match.
        var keySeen = [Bool](repeating: false, count: nr)
        let matchesOf = try Self.matcher(pairs, left: left, right: right)
        var matches: [Int] = []
        for l in 0..<nl {
            matches.removeAll(keepingCapacity: true)
            matchesOf(l, &matches)
            switch kind {
            case .innerunique:
                guard let first = matches.first, !keySeen[first] else { continue }
                keySeen[first] = true
                for r in matches { li.append(l); ri.append(r) }
            case .inner:
                for r in matches { li.append(l); ri.append(r) }
            case .leftouter, .fullouter:
                if matches.isEmpty {
                    li.append(l); ri.append(-1)
                } else {
                    for r in matches { li.append(l); ri.append(r); rightMatched[r] = true }
                }
            case .rightouter:
                for r in matches { li.append(l); ri.append(r); rightMatched[r] = true }
            case .leftsemi:
                if !matches.isEmpty { li.append(l) }
            case .leftanti:
                if matches.isEmpty { li.append(l) }
            case .rightsemi, .rightanti:
                for r in matches { rightMatched[r] = true }
            }
        }
        switch kind {
        case .rightouter, .fullouter:
            for r in 0..<nr where !rightMatched[r] { li.append(-1); ri.append(r) }
        case .rightsemi:
            ri = (0..<nr).filter { rightMatched[$0] }
        case .rightanti:
            ri = (0..<nr).filter { !rightMatched[$0] }
        default: break
        }

        switch kind {
        case .leftsemi, .leftanti: return left.gather(li)
        case .rightsemi, .rightanti: return right.gather(ri)
        default: break
        }
        var columns = left.gather(li).columns
        let rightKeys = Set(pairs.filter { left.columns[$0.left].name == right.columns[$0.right].name }.map(\.right))
        for (index, column) in right.gather(ri).columns.enumerated() {
            if isLookup, rightKeys.contains(index) {
                // lookup keeps one key column; rows without a match take the key from the left.
                continue
            }
            var renamed = column
            renamed.name = ColumnNaming.unique(column.name, avoiding: columns.map(\.name))
            columns.append(renamed)
        }
        return KQLTable(columns: columns, rowCount: li.count)
    }

    /// For a left row, the right rows with equal keys in ascending order: through a hash index
    /// when the key columns have compatible layouts, else by grouping the values of both sides.
    static func matcher(_ pairs: [(left: Int, right: Int)], left: KQLTable, right: KQLTable) throws(KQLEngineError) -> (Int, inout [Int]) -> Void {
        let nl = left.rowCount, nr = right.rowCount
        if pairs.allSatisfy({ JoinKeyColumns.compatible(left.columns[$0.left].storage, right.columns[$0.right].storage) }) {
            let probe = JoinKeyColumns(pairs.map { left.columns[$0.left].storage })
            let index = JoinIndex(keys: JoinKeyColumns(pairs.map { right.columns[$0.right].storage }), rowCount: nr)
            return { row, out in index.forEachMatch(of: row, in: probe) { out.append($0) } }
        }
        var keyVectors: [Vector] = []
        var nullRows = [Bool](repeating: false, count: nl + nr)
        for (l, r) in pairs {
            let combined = Self.concatenate(left.columns[l], right.columns[r])
            if combined.type != .string {
                for row in 0..<(nl + nr) where combined.value(at: row).isNull { nullRows[row] = true }
            }
            keyVectors.append(.column(combined))
        }
        let grouping = Grouping(keys: keyVectors, count: nl + nr, oneGroupWhenEmpty: false)
        var rightByKey = [[Int]](repeating: [], count: grouping.count)
        for r in 0..<nr where !nullRows[nl + r] { rightByKey[grouping.ids[nl + r]].append(r) }
        return { row, out in
            if !nullRows[row] { out.append(contentsOf: rightByKey[grouping.ids[row]]) }
        }
    }

    /// The column pairs one `on` condition compares: `Key`, `$left.A == $right.B`, `A == B`.
    private func keyPairs(_ condition: Expression, left: KQLTable, right: KQLTable, into pairs: inout [(left: Int, right: Int)]) throws(KQLEngineError) {
        func column(_ e: Expression, side: String?) throws(KQLEngineError) -> (side: String?, name: String) {
            switch e.kind {
            case .name(let id): return (side, id.name)
            case .member(let base, let member):
                if let name = base.asName?.name, name == "$left" || name == "$right" { return (name, member.name) }
            case .parenthesized(let inner): return try column(inner, side: side)
            default: break
            }
            throw .unsupported("join on an expression (\(e)); join on columns, or extend the key first", at: e.range.start)
        }
        func index(_ table: KQLTable, _ name: String, _ at: SourceLocation, _ side: String) throws(KQLEngineError) -> Int {
            guard let i = table.columns.firstIndex(where: { $0.name == name }) else {
                throw .semantic("the \(side) side of the join has no column '\(name)'", at: at)
            }
            return i
        }
        switch condition.kind {
        case .binary(.and, let a, let b, _):
            try keyPairs(a, left: left, right: right, into: &pairs)
            try keyPairs(b, left: left, right: right, into: &pairs)
        case .binary(.equal, let a, let b, _):
            let x = try column(a, side: nil), y = try column(b, side: nil)
            let (l, r) = x.side == "$right" || y.side == "$left" ? (y, x) : (x, y)
            pairs.append((try index(left, l.name, a.range.start, "left"), try index(right, r.name, b.range.start, "right")))
        case .name(let id):
            pairs.append((try index(left, id.name, condition.range.start, "left"), try index(right, id.name, condition.range.start, "right")))
        case .parenthesized(let inner):
            try keyPairs(inner, left: left, right: right, into: &pairs)
        default:
            throw .unsupported("join condition \(condition)", at: condition.range.start)
        }
    }

    /// Two columns one after the other, in a common type.
    static func concatenate(_ a: KQLColumn, _ b: KQLColumn) -> KQLColumn.Storage {
        if case .string(let x) = a.storage, case .string(let y) = b.storage {
            var out = x
            out.reserve(count: x.count + y.count, bytes: x.bytes.count + y.bytes.count)
            y.bytes.withUnsafeBufferPointer { all in
                for i in 0..<y.count { out.append(utf8: UnsafeBufferPointer(rebasing: all[y.range(i)])) }
            }
            return .string(out)
        }
        let type = a.type == b.type ? a.type : ValueSemantics.commonType([a.type, b.type])
        var builder = KQLColumnBuilder(type: type)
        for i in 0..<a.count { builder.append(a[i]) }
        for i in 0..<b.count { builder.append(b[i]) }
        return builder.finish()
    }

    // MARK: union

    func union(_ operands: [Expression], first: KQLTable?, parameters: [OperatorParameter], scope: Scope, at: SourceLocation) throws(KQLEngineError) -> KQLTable {
        var tables: [(name: String, table: KQLTable)] = []
        if let first { tables.append(("", first)) }
        for operand in operands {
            if let name = operand.asName?.name, name.contains("*") {
                for table in engine.tableNames where Self.wildcardMatch(name, table) {
                    if let t = engine.resolve(table) { tables.append((table, t)) }
                }
                continue
            }
            let label = operand.asName?.name ?? "union_arg\(tables.count)"
            tables.append((label, try evaluateTabularArgument(operand, scope: scope)))
        }
        let inner = parameters.first { $0.name == "kind" }?.value.asName?.name == "inner"
        let source = parameters.first { $0.name == "withsource" }?.value.asName?.name
        // The output schema: every column by name (outer) or those in all tables (inner); a name
        // that comes with several types gives one column per type, `x_long`, `x_int`.
        var typesByName: [String: [KQLScalarType]] = [:]
        var order: [String] = []
        for (_, table) in tables {
            for column in table.columns {
                if typesByName[column.name] == nil { order.append(column.name) }
                if !(typesByName[column.name]?.contains(column.type) ?? false) { typesByName[column.name, default: []].append(column.type) }
            }
        }
        var schema: [(name: String, type: KQLScalarType, source: String)] = []
        for name in order {
            let types = typesByName[name]!
            for type in types {
                let wanted = types.count == 1 ? name : "\(name)_\(type.rawValue)"
                // A suffixed name that another table's column already has gets a number.
                let taken = schema.map(\.name) + (types.count == 1 ? [] : order)
                schema.append((types.count == 1 ? wanted : ColumnNaming.unique(wanted, avoiding: taken), type, name))
            }
        }
        if inner {
            schema = schema.filter { column in tables.allSatisfy { $0.table.columns.contains { $0.name == column.source && $0.type == column.type } } }
        }
        if let source {
            schema.insert((ColumnNaming.unique(source, avoiding: schema.map(\.name)), .string, ""), at: 0)
        }
        var builders = schema.map { KQLColumnBuilder(type: $0.type) }
        for (label, table) in tables {
            let indices = schema.map { column in table.columns.firstIndex { $0.name == column.source && $0.type == column.type } }
            for (i, index) in indices.enumerated() {
                if i == 0, source != nil {
                    for _ in 0..<table.rowCount { builders[0].append(string: label) }
                    continue
                }
                if let index {
                    let column = table.columns[index]
                    for row in 0..<table.rowCount { builders[i].append(column[row]) }
                } else {
                    for _ in 0..<table.rowCount { builders[i].appendNull() }
                }
            }
        }
        return KQLTable(columns: zip(schema, builders).map { KQLColumn(name: $0.name, storage: $1.finish()) })
    }
}
