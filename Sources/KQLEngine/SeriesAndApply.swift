import KQL

extension Grouping {
    /// A grouping given directly by group numbers (first rows unused).
    init(ids: [Int], groupCount: Int) {
        self.ids = ids
        self.firstRows = [Int](repeating: 0, count: groupCount)
    }
}

extension Evaluator {
    // MARK: make-series

    /// `make-series Aggregates on Axis [from A] [to B] step S [by Groups]`: one row per group, each
    /// aggregate as an array over the bins `A, A+S, …` up to (not including) `B`, empty bins
    /// filled with the default (0 unless `default =` says otherwise).
    func makeSeries(_ series: MakeSeriesOperator, over table: KQLTable, scope: Scope, at: SourceLocation) throws(KQLEngineError) -> KQLTable {
        if series.inRange != nil { throw .unsupported("make-series … in range(…)", at: at) }
        let compiler = self.compiler(for: table, scope: scope)
        guard let stepExpression = series.step, let step = try compiler.compile(stepExpression).constant else {
            throw .semantic("make-series needs a constant step", at: at)
        }
        let axis = try compiler.compile(series.axis)
        let batch = Batch(table)
        let axisValues = try axis(batch)
        var start = try series.from.flatMap { e throws(KQLEngineError) in try compiler.compile(e).constant }
        var end = try series.to.flatMap { e throws(KQLEngineError) in try compiler.compile(e).constant }
        if start == nil || end == nil {
            var low: KQLValue?, high: KQLValue?
            for row in 0..<table.rowCount {
                let value = axisValues[row]
                if value.isNull { continue }
                if low == nil || ValueSemantics.order(value, low!) < 0 { low = value }
                if high == nil || ValueSemantics.order(value, high!) > 0 { high = value }
            }
            start = start ?? low
            if end == nil, let high { end = ValueSemantics.arithmetic(.add, high, step) }
        }
        // Bins.
        var bins: [KQLValue] = []
        if let start, let end {
            var current = start
            while let c = ValueSemantics.compare(current, end), c < 0 {
                bins.append(current)
                if bins.count > 100_000 { throw .semantic("make-series makes more than 100,000 bins", at: at) }
                current = ValueSemantics.arithmetic(.add, current, step)
            }
        }
        let binCount = bins.count
        let stepNumber: Double = switch ValueSemantics.unwrap(step) {
        case .timespan(let t): Double(t.ticks)
        default: ValueSemantics.number(ValueSemantics.unwrap(step)) ?? 0
        }
        func binIndex(_ value: KQLValue) -> Int? {
            guard let start, stepNumber > 0 else { return nil }
            let offset: Double? = switch (ValueSemantics.unwrap(value), ValueSemantics.unwrap(start)) {
            case let (.datetime(v), .datetime(s)): Double(v.ticks - s.ticks)
            case let (.timespan(v), .timespan(s)): Double(v.ticks - s.ticks)
            case let (v, s): ValueSemantics.number(v).flatMap { x in ValueSemantics.number(s).map { x - $0 } }
            }
            guard let offset, offset >= 0 else { return nil }
            let index = Int((offset / stepNumber).rounded(.down))
            return index < binCount ? index : nil
        }
        // Rows inside the bins, grouped.
        var inside: [Int] = []
        var binOf: [Int] = []
        for row in 0..<table.rowCount {
            if let index = binIndex(axisValues[row]) {
                inside.append(row)
                binOf.append(index)
            }
        }
        let filtered = Batch(table, rows: inside)
        var keyNames: [String] = []
        var keys: [CompiledExpression] = []
        var generator = ColumnNaming.Generator()
        for group in series.groups {
            keys.append(try compiler.compile(group.expression))
            if case .name(let id)? = group.target { keyNames.append(id.name) } else {
                keyNames.append(ColumnNaming.derivedName(group.expression) ?? generator.name(avoiding: keyNames))
            }
        }
        var keyVectors: [Vector] = []
        for key in keys { keyVectors.append(try key(filtered)) }
        let groups = Grouping(keys: keyVectors, count: inside.count, oneGroupWhenEmpty: keys.isEmpty)
        let cells = Grouping(ids: zip(groups.ids, binOf).map { $0 * binCount + $1 }, groupCount: groups.count * binCount)
        var columns: [KQLColumn] = []
        for (i, vector) in keyVectors.enumerated() {
            columns.append(KQLColumn(name: keyNames[i], storage: vector.storage(count: inside.count, type: keys[i].type).gather(groups.firstRows)))
        }
        for aggregate in series.aggregates {
            let compiled = try Aggregates.compile(aggregate.column, compiler: compiler, byNames: Set(keyNames))
            let fallback = try aggregate.defaultValue.flatMap { e throws(KQLEngineError) in try compiler.compile(e).constant } ?? .long(0)
            let storages = try compiled.run(filtered, cells)
            var occupied = [Bool](repeating: false, count: groups.count * binCount)
            for id in cells.ids { occupied[id] = true }
            for (column, storage) in zip(compiled.columns, storages) {
                var arrays: [KQLDynamic] = []
                for g in 0..<groups.count {
                    var items: [KQLDynamic] = []
                    for b in 0..<binCount {
                        let cell = g * binCount + b
                        let value = storage.value(at: cell)
                        items.append(DynamicAccess.dynamic(from: value.isNull || !occupied[cell] ? fallback : value))
                    }
                    arrays.append(.array(items))
                }
                columns.append(KQLColumn(name: ColumnNaming.unique(column.name, avoiding: columns.map(\.name)), storage: .dynamic(arrays)))
            }
        }
        let axisName = ColumnNaming.derivedName(series.axis) ?? "Column1"
        let axisArray = KQLDynamic.array(bins.map { DynamicAccess.dynamic(from: $0) })
        columns.append(KQLColumn(name: axisName, storage: .dynamic([KQLDynamic](repeating: axisArray, count: groups.count))))
        return KQLTable(columns: columns, rowCount: groups.count)
    }

    // MARK: mv-apply

    /// `mv-apply Items on (Subquery)`: for each row, the subquery runs over that row's expanded
    /// values (with the row's other columns), and its rows replace the row.
    func mvApply(_ apply: MvApplyOperator, parameters: [OperatorParameter], over table: KQLTable, scope: Scope, at: SourceLocation) throws(KQLEngineError) -> KQLTable {
        let expand = MvExpandOperator(items: apply.items, limit: apply.limit)
        var parts: [KQLTable] = []
        for row in 0..<table.rowCount {
            let single = table.gather([row])
            let expanded = try mvExpand(expand, parameters: parameters, over: single, scope: scope)
            parts.append(try evaluate(apply.subquery, scope: scope, input: expanded))
        }
        if parts.isEmpty {
            let expanded = try mvExpand(expand, parameters: parameters, over: table.prefix(0), scope: scope)
            return try evaluate(apply.subquery, scope: scope, input: expanded)
        }
        var partScope = scope
        var names: [Expression] = []
        for (i, part) in parts.enumerated() {
            let name = "__mv_apply_\(i)"
            partScope.bind(name, .table(LazyTable(part)))
            names.append(Expression(.name(Identifier(name))))
        }
        return try union(names, first: nil, parameters: [], scope: partScope, at: at)
    }
}
