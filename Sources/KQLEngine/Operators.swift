import Foundation
import KQL

extension Evaluator {
    /// Operators that start a tabular expression: `datatable`, `print`, `range`, `union`.
    func applySource(_ op: PipeOperator, scope: Scope) throws(KQLEngineError) -> KQLTable {
        let at = op.range.start
        switch op.kind {
        case .datatable(let declarations, let values):
            var schema: [(name: String, type: KQLScalarType)] = []
            for declaration in declarations {
                guard let type = KQLScalarType(kqlName: declaration.type.name) else {
                    throw .semantic("unknown type '\(declaration.type.name)'", at: declaration.range.start)
                }
                schema.append((declaration.name.name, type))
            }
            guard !schema.isEmpty, values.count % schema.count == 0 else {
                throw .semantic("datatable has \(values.count) values for \(schema.count) columns; give a whole number of rows", at: at)
            }
            let constants = compiler(columns: [], scope: scope)
            var builder = KQLTableBuilder(schema: schema)
            var row: [KQLValue] = []
            for value in values {
                let compiled = try constants.compile(value)
                guard let constant = compiled.constant else { throw .semantic("datatable values must be constants", at: value.range.start) }
                row.append(constant)
                if row.count == schema.count {
                    builder.appendRow(row)
                    row.removeAll(keepingCapacity: true)
                }
            }
            return builder.finish()
        case .print(let items):
            let one = KQLTable(columns: [], rowCount: 1)
            return try project(items, over: one, scope: scope, unnamed: ColumnNaming.Generator(prefix: "print_", zeroBased: true))
        case .range(let column, let from, let to, let step):
            let constants = compiler(columns: [], scope: scope)
            guard let start = try constants.compile(from).constant, let stop = try constants.compile(to).constant,
                  let stride = try constants.compile(step).constant
            else { throw .semantic("range needs constant bounds and step", at: at) }
            let type = ValueSemantics.unwrap(start).type
            var builder = KQLColumnBuilder(type: type == .int ? .long : type)
            var current = ValueSemantics.unwrap(start)
            guard let direction = ValueSemantics.compare(stride, ExpressionCompiler.zero(of: stride)), direction != 0 else {
                throw .semantic("range step must not be zero", at: step.range.start)
            }
            var count = 0
            while let c = ValueSemantics.compare(current, stop), direction > 0 ? c <= 0 : c >= 0 {
                builder.append(current)
                count += 1
                if count > 10_000_000 { throw .semantic("range makes more than 10,000,000 rows", at: at) }
                current = ValueSemantics.arithmetic(.add, current, stride)
            }
            return KQLTable(columns: [KQLColumn(name: column.name, storage: builder.finish())])
        case .union(let operands):
            return try union(operands, first: nil, parameters: op.parameters, scope: scope, at: at)
        case .externaldata:
            throw .unsupported("externaldata (it reads from the network)", at: at)
        case .find(let find):
            return try self.find(find, parameters: op.parameters, scope: scope, at: at)
        case .search:
            throw .unsupported(op.name, at: at)
        case .evaluate(let evaluate):
            throw .unsupported("evaluate \(Self.pluginName(evaluate)) as a source", at: at)
        default:
            throw .unsupported(op.name, at: at)
        }
    }

    /// `find in (Tables) where Predicate project Columns`: the rows of each table that match,
    /// with `source_` naming the table; a column a table lacks is null there (in the predicate
    /// too). Without `project` Kusto packs the other columns into `pack_`, which is not supported.
    func find(_ find: FindOperator, parameters: [OperatorParameter], scope: Scope, at: SourceLocation) throws(KQLEngineError) -> KQLTable {
        guard case .columns(let projected)? = find.projection else {
            throw .unsupported("find without an explicit project list", at: at)
        }
        let names = try projected.map { e throws(KQLEngineError) -> String in
            guard let name = e.asName?.name else { throw .unsupported("find project of an expression", at: e.range.start) }
            return name
        }
        var tables: [(String, KQLTable)] = []
        for expression in find.tables ?? engine.tableNames.map({ Expression(.name(Identifier($0))) }) {
            let label = expression.asName?.name ?? expression.description
            tables.append((label, try evaluateTabularArgument(expression, scope: scope)))
        }
        let sourceName = parameters.first { $0.name == "withsource" }?.value.asName?.name ?? "source_"
        var schema: [(name: String, type: KQLScalarType)] = [(sourceName, .string)]
        for name in names {
            let type = tables.lazy.compactMap { $0.1.columns.first { $0.name == name }?.type }.first ?? .string
            schema.append((name, type))
        }
        var builder = KQLTableBuilder(schema: schema)
        for (label, table) in tables {
            var compiler = self.compiler(for: table, scope: scope)
            compiler.missingNamesAreNull = true
            let predicate = try compiler.compile(find.predicate)
            let truth = Truth(try predicate(Batch(table)))
            let indices = names.map { name in table.columns.firstIndex { $0.name == name } }
            for row in 0..<table.rowCount where truth[row] == true {
                builder.appendRow([.string(label)] + indices.map { $0.map { table.columns[$0][row] } ?? .null(.string) })
            }
        }
        return builder.finish()
    }

    static func pluginName(_ evaluate: EvaluateOperator) -> String {
        if case .call(let call) = evaluate.plugin.kind { return call.name }
        return evaluate.plugin.description
    }

    /// One `| operator` applied to a table.
    /// - Parameter needed: the columns the rest of the pipeline can read, when known; a join cuts
    ///   both sides to those and its keys before matching.
    func apply(_ op: PipeOperator, to table: KQLTable, scope: Scope, needed: Set<String>? = nil) throws(KQLEngineError) -> KQLTable {
        let at = op.range.start
        switch op.kind {
        case .where(let predicate):
            return try filter(table, predicate, scope: scope)
        case .project(let items):
            return try project(items, over: table, scope: scope, unnamed: ColumnNaming.Generator())
        case .extend(let items):
            return try extend(items, over: table, scope: scope)
        case .summarize(let summarize):
            return try self.summarize(summarize, over: table, scope: scope, at: at)
        case .join(let join):
            return try self.join(join, parameters: op.parameters, left: table, scope: scope, isLookup: false, needed: needed, at: at)
        case .lookup(let join):
            return try self.join(join, parameters: op.parameters, left: table, scope: scope, isLookup: true, needed: needed, at: at)
        case .union(let operands):
            return try union(operands, first: table, parameters: op.parameters, scope: scope, at: at)
        case .distinct(let items):
            if items.count == 1, case .wildcard = items[0].expression.kind {
                let all = table.columns.map { ColumnExpression(expression: Expression(.name(Identifier($0.name)))) }
                return try summarize(SummarizeOperator(aggregates: [], groups: all), over: table, scope: scope, at: at)
            }
            return try summarize(SummarizeOperator(aggregates: [], groups: items), over: table, scope: scope, at: at)
        case .sort(let keys):
            return try sort(table, by: keys, scope: scope)
        case .top(let count, let key):
            let n = try compiler(columns: [], scope: scope).constantInteger(count)
            return try sort(table, by: [key], scope: scope, limit: Int(max(0, n)))
        case .take(let count):
            let n = try compiler(columns: [], scope: scope).constantInteger(count)
            return table.prefix(Int(max(0, n)))
        case .sample(let count):
            // Any n rows are a correct sample; the first n make runs reproducible.
            let n = try compiler(columns: [], scope: scope).constantInteger(count)
            return table.prefix(Int(max(0, n)))
        case .count:
            return KQLTable(columns: [KQLColumn(name: "Count", storage: .long([Int64(table.rowCount)], NullMask()))])
        case .projectAway(let patterns):
            let removed = try matchColumns(patterns, in: table)
            return KQLTable(columns: table.columns.filter { !removed.contains($0.name) }, rowCount: table.rowCount)
        case .projectKeep(let patterns):
            let kept = try matchColumns(patterns, in: table)
            return KQLTable(columns: table.columns.filter { kept.contains($0.name) }, rowCount: table.rowCount)
        case .projectRename(let items):
            var columns = table.columns
            for item in items {
                guard case .name(let target)? = item.target, let source = item.expression.asName else {
                    throw .semantic("project-rename takes NewName = ExistingName", at: item.range.start)
                }
                guard let index = columns.firstIndex(where: { $0.name == source.name }) else {
                    throw .semantic("unknown column '\(source.name)'", at: source.range.start)
                }
                columns[index].name = target.name
            }
            return KQLTable(columns: columns, rowCount: table.rowCount)
        case .projectReorder(let keys):
            var ordered: [KQLColumn] = []
            var used = Set<String>()
            for key in keys {
                let names = try matchColumnsInOrder([key.expression], in: table).filter { !used.contains($0) }
                let sorted: [String] = switch key.order {
                case .ascending?, .grannyAscending?: names.sorted()
                case .descending?, .grannyDescending?: names.sorted(by: >)
                case nil: names
                }
                for name in sorted {
                    used.insert(name)
                    ordered.append(table.columns.first { $0.name == name }!)
                }
            }
            ordered += table.columns.filter { !used.contains($0.name) }
            return KQLTable(columns: ordered, rowCount: table.rowCount)
        case .mvExpand(let expand):
            return try mvExpand(expand, parameters: op.parameters, over: table, scope: scope)
        case .evaluate(let evaluate):
            return try self.evaluatePlugin(evaluate, over: table, scope: scope, at: at)
        case .invoke(let expression):
            guard case .call(let call) = expression.kind, case .function(let definition, let box) = scope[call.name] else {
                throw .unsupported("invoke of \(expression)", at: at)
            }
            return try callTabularFunction(definition, in: box.scope, arguments: call.arguments, input: table, callerScope: scope, at: at)
        case .render, .as:
            return table
        case .serialize(let items):
            return items.isEmpty ? table : try extend(items, over: table, scope: scope)
        case .getschema:
            var builder = KQLTableBuilder(schema: [("ColumnName", .string), ("ColumnOrdinal", .int), ("DataType", .string), ("ColumnType", .string)])
            for (i, column) in table.columns.enumerated() {
                builder.appendRow([.string(column.name), .int(Int32(i)), .string(Self.clrTypeName(column.type)), .string(column.type.rawValue)])
            }
            return builder.finish()
        case .parse(let parse):
            return try self.parse(
                parse, kind: op.parameter("kind"), flags: op.parameter("flags"), over: table, scope: scope,
                dropUnmatched: op.name == "parse-where", at: at)
        case .datatable, .print, .range, .externaldata, .search, .find:
            throw .unsupported("\(op.name) after a pipe", at: at)
        case .partition(let partition):
            return try self.partition(partition, over: table, scope: scope, at: at)
        case .makeSeries(let series):
            return try makeSeries(series, over: table, scope: scope, at: at)
        case .mvApply(let apply):
            return try mvApply(apply, parameters: op.parameters, over: table, scope: scope, at: at)
        case .topNested, .parseKV, .fork, .facet, .sampleDistinct, .generic:
            throw .unsupported(op.name, at: at)
        }
    }

    static func clrTypeName(_ type: KQLScalarType) -> String {
        switch type {
        case .bool: "System.SByte"
        case .int: "System.Int32"
        case .long: "System.Int64"
        case .real: "System.Double"
        case .decimal: "System.Data.SqlTypes.SqlDecimal"
        case .string: "System.String"
        case .datetime: "System.DateTime"
        case .timespan: "System.TimeSpan"
        case .guid: "System.Guid"
        case .dynamic: "System.Object"
        }
    }

    // MARK: where

    func filter(_ table: KQLTable, _ predicate: Expression, scope: Scope) throws(KQLEngineError) -> KQLTable {
        var conjuncts: [Expression] = []
        func split(_ e: Expression) {
            switch e.kind {
            case .binary(.and, let a, let b, _): split(a); split(b)
            case .parenthesized(let inner): split(inner)
            default: conjuncts.append(e)
            }
        }
        split(predicate)
        let compiler = self.compiler(for: table, scope: scope)
        var compiled: [CompiledExpression] = []
        for conjunct in conjuncts { compiled.append(try compiler.compile(conjunct)) }
        var rows: [Int]?
        for condition in compiled {
            if let constant = condition.constant {
                if ValueSemantics.truth(constant) == true { continue }
                rows = []
                break
            }
            let batch = Batch(table, rows: rows)
            let vector = try condition(batch)
            var kept: [Int] = []
            if case .column(.bool(let bits, let nulls)) = vector {
                let checkNulls = nulls.hasNulls
                for i in 0..<batch.count where bits[i] && !(checkNulls && nulls.isNull(i)) { kept.append(rows?[i] ?? i) }
            } else {
                let truth = Truth(vector)
                for i in 0..<batch.count where truth[i] == true { kept.append(rows?[i] ?? i) }
            }
            rows = kept
            if kept.isEmpty { break }
        }
        guard let rows else { return table }
        return table.gather(rows)
    }

    // MARK: project, extend

    func project(_ items: [ColumnExpression], over table: KQLTable, scope: Scope, unnamed: ColumnNaming.Generator) throws(KQLEngineError) -> KQLTable {
        var generator = unnamed
        let compiler = self.compiler(for: table, scope: scope)
        let batch = Batch(table)
        var columns: [KQLColumn] = []
        for item in items {
            if case .wildcard = item.expression.kind, item.target == nil {
                columns += table.columns
                continue
            }
            if item.target == nil, let name = item.expression.asName, name.name.contains("*") {
                let names = try matchColumnsInOrder([item.expression], in: table)
                columns += table.columns.filter { names.contains($0.name) }
                continue
            }
            let compiled = try compiler.compile(item.expression)
            let names = try targetNames(item, taken: columns.map(\.name), generator: &generator)
            let storage = try compiled(batch).storage(count: table.rowCount, type: compiled.type)
            try appendColumns(names, storage: storage, type: compiled.type, to: &columns, at: item.range.start)
        }
        return KQLTable(columns: columns, rowCount: table.rowCount)
    }

    private func appendColumns(_ names: [String], storage: KQLColumn.Storage, type: KQLScalarType, to columns: inout [KQLColumn], at: SourceLocation) throws(KQLEngineError) {
        if names.count == 1 {
            let column = KQLColumn(name: names[0], storage: storage)
            if let index = columns.firstIndex(where: { $0.name == names[0] }) { columns[index] = column } else { columns.append(column) }
            return
        }
        throw .unsupported("assigning one expression to several columns", at: at)
    }

    private func targetNames(_ item: ColumnExpression, taken: [String], generator: inout ColumnNaming.Generator) throws(KQLEngineError) -> [String] {
        switch item.target {
        case .name(let id)?: return [id.name]
        case .tuple(let ids)?: return ids.map(\.name)
        case nil: return [ColumnNaming.derivedName(item.expression) ?? generator.name(avoiding: taken)]
        }
    }

    func extend(_ items: [ColumnExpression], over table: KQLTable, scope: Scope) throws(KQLEngineError) -> KQLTable {
        var current = table
        var generator = ColumnNaming.Generator()
        for item in items {
            let compiler = self.compiler(for: current, scope: scope)
            let compiled = try compiler.compile(item.expression)
            let names = try targetNames(item, taken: current.columns.map(\.name), generator: &generator)
            let storage = try compiled(Batch(current)).storage(count: current.rowCount, type: compiled.type)
            // Kusto drops a column that extend assigns again and appends the new one.
            var columns = current.columns.filter { !names.contains($0.name) }
            try appendColumns(names, storage: storage, type: compiled.type, to: &columns, at: item.range.start)
            current = KQLTable(columns: columns, rowCount: table.rowCount)
        }
        return current
    }

    /// Column names matched by names and wildcard patterns (`Device*`), in the table's order.
    func matchColumns(_ patterns: [Expression], in table: KQLTable) throws(KQLEngineError) -> Set<String> {
        Set(try matchColumnsInOrder(patterns, in: table))
    }

    func matchColumnsInOrder(_ patterns: [Expression], in table: KQLTable) throws(KQLEngineError) -> [String] {
        var names: [String] = []
        for pattern in patterns {
            let text: String
            switch pattern.kind {
            case .name(let id): text = id.name
            case .wildcard: text = "*"
            default: throw .semantic("expected a column name or pattern, found \(pattern)", at: pattern.range.start)
            }
            if text.contains("*") {
                let matched = table.columns.map(\.name).filter { Self.wildcardMatch(text, $0) }
                names += matched.filter { !names.contains($0) }
            } else {
                guard table.columns.contains(where: { $0.name == text }) else {
                    throw .semantic("unknown column '\(text)'", at: pattern.range.start)
                }
                if !names.contains(text) { names.append(text) }
            }
        }
        return names
    }

    static func wildcardMatch(_ pattern: String, _ name: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        var rest = Substring(name)
        for (i, part) in parts.enumerated() {
            if i == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if i == parts.count - 1 {
                return part.isEmpty || rest.hasSuffix(part)
            } else if let range = rest.range(of: part) {
                rest = rest[range.upperBound...]
            } else {
                return false
            }
        }
        return rest.isEmpty
    }

    // MARK: summarize

    func summarize(_ summarize: SummarizeOperator, over table: KQLTable, scope: Scope, at: SourceLocation) throws(KQLEngineError) -> KQLTable {
        let compiler = self.compiler(for: table, scope: scope)
        var generator = ColumnNaming.Generator()
        var keyNames: [String] = []
        var keys: [CompiledExpression] = []
        for group in summarize.groups {
            keys.append(try compiler.compile(group.expression))
            keyNames.append(try targetNames(group, taken: keyNames, generator: &generator)[0])
        }
        var aggregates: [CompiledAggregate] = []
        for item in summarize.aggregates {
            aggregates.append(try Aggregates.compile(item, compiler: compiler, byNames: Set(keyNames)))
        }
        let batch = Batch(table)
        var keyVectors: [Vector] = []
        for key in keys { keyVectors.append(try key(batch)) }
        let grouping = Grouping(keys: keyVectors, count: table.rowCount, oneGroupWhenEmpty: keys.isEmpty)
        var columns: [KQLColumn] = []
        for (i, vector) in keyVectors.enumerated() {
            columns.append(KQLColumn(name: keyNames[i], storage: vector.storage(count: table.rowCount, type: keys[i].type).gather(grouping.firstRows)))
        }
        for (index, aggregate) in aggregates.enumerated() {
            let storages = try aggregate.run(batch, grouping)
            var tuple: [String] = []
            if case .tuple(let ids)? = summarize.aggregates[index].target { tuple = ids.map(\.name) }
            for (k, (column, storage)) in zip(aggregate.columns, storages).enumerated() {
                let name = ColumnNaming.unique(k < tuple.count ? tuple[k] : column.name, avoiding: columns.map(\.name))
                columns.append(KQLColumn(name: name, storage: storage))
            }
        }
        return KQLTable(columns: columns, rowCount: grouping.count)
    }

    // MARK: sort, top

    func sort(_ table: KQLTable, by keys: [SortKey], scope: Scope, limit: Int? = nil) throws(KQLEngineError) -> KQLTable {
        let compiler = self.compiler(for: table, scope: scope)
        let batch = Batch(table)
        var vectors: [(Vector, descending: Bool, nullsFirst: Bool)] = []
        for key in keys {
            let compiled = try compiler.compile(key.expression)
            let descending = key.order != .ascending
            let nullsFirst = key.nulls.map { $0 == .first } ?? !descending
            vectors.append((try compiled(batch), descending, nullsFirst))
        }
        var rows = Array(0..<table.rowCount)
        func before(_ a: Int, _ b: Int) -> Bool {
            for (vector, descending, nullsFirst) in vectors {
                let x = vector[a], y = vector[b]
                let xn = ValueSemantics.unwrap(x).isNull, yn = ValueSemantics.unwrap(y).isNull
                if xn || yn {
                    if xn == yn { continue }
                    return xn == nullsFirst
                }
                let c = ValueSemantics.order(x, y)
                if c != 0 { return descending ? c > 0 : c < 0 }
            }
            return a < b
        }
        if let limit, limit < rows.count {
            // Keep the best `limit` rows without sorting everything.
            var heap: [Int] = []
            for row in rows {
                if heap.count < limit {
                    heap.append(row)
                    if heap.count == limit { heap.sort(by: before) }
                } else if before(row, heap[limit - 1]) {
                    var index = heap.count - 1
                    while index > 0, before(row, heap[index - 1]) { index -= 1 }
                    heap.insert(row, at: index)
                    heap.removeLast()
                }
            }
            if heap.count < limit { heap.sort(by: before) }
            rows = heap
        } else {
            rows.sort(by: before)
        }
        return table.gather(rows)
    }
}
