import Foundation
import KQL

extension Evaluator {
    // MARK: mv-expand

    /// `mv-expand`: one row per array element (or per bag property), several columns expanded
    /// side by side; a row whose value is an empty array or bag disappears, a scalar stays one row.
    func mvExpand(_ expand: MvExpandOperator, parameters: [OperatorParameter], over table: KQLTable, scope: Scope) throws(KQLEngineError) -> KQLTable {
        let compiler = self.compiler(for: table, scope: scope)
        let batch = Batch(table)
        let bagAsArray = parameters.contains { ($0.name == "bagexpansion" || $0.name == "kind") && $0.value.asName?.name == "array" }
        let indexName = parameters.first { $0.name == "with_itemindex" }?.value.asName?.name
        let limit = try expand.limit.map { e throws(KQLEngineError) in Int(try compiler.constantInteger(e)) } ?? Int.max
        var items: [(name: String, vector: Vector, type: KQLScalarType)] = []
        for item in expand.items {
            let compiled = try compiler.compile(item.column.expression)
            let name: String
            if case .name(let id)? = item.column.target { name = id.name } else {
                // An unnamed expression takes the name of the column it expands
                // (`mv-expand split(Names, ",")` replaces Names).
                guard let derived = ColumnNaming.derivedName(item.column.expression) ?? Self.firstColumnName(item.column.expression) else {
                    throw .semantic("name the expanded expression: mv-expand Name = …", at: item.range.start)
                }
                name = derived
            }
            var type = KQLScalarType.dynamic
            if let typeName = item.type {
                guard let t = KQLScalarType(kqlName: typeName.name) else { throw .semantic("unknown type '\(typeName.name)'", at: typeName.range.start) }
                type = t
            }
            items.append((name, try compiled(batch), type))
        }
        var sourceRows: [Int] = []
        var expanded = items.map { KQLColumnBuilder(type: $0.type) }
        var itemIndexes: [Int64] = []
        for row in 0..<table.rowCount {
            let lists: [[KQLDynamic]] = items.map { item in
                switch DynamicAccess.dynamic(from: item.vector[row]) {
                case .array(let elements): return elements
                case .bag(let pairs):
                    return pairs.map { bagAsArray ? .array([.string($0.key), $0.value]) : .bag([(key: $0.key, value: $0.value)]) }
                case let scalar: return [scalar]
                }
            }
            let length = min(lists.map(\.count).max() ?? 0, limit)
            for i in 0..<length {
                sourceRows.append(row)
                itemIndexes.append(Int64(i))
                for (k, list) in lists.enumerated() {
                    if i < list.count {
                        let element = list[i]
                        expanded[k].append(items[k].type == .dynamic ? .dynamic(element) : DynamicAccess.value(from: element))
                    } else {
                        expanded[k].appendNull()
                    }
                }
            }
        }
        var columns = table.gather(sourceRows).columns
        for (k, item) in items.enumerated() {
            let column = KQLColumn(name: item.name, storage: expanded[k].finish())
            if let index = columns.firstIndex(where: { $0.name == item.name }) { columns[index] = column } else { columns.append(column) }
        }
        if let indexName {
            columns.append(KQLColumn(name: indexName, storage: .long(itemIndexes, NullMask())))
        }
        return KQLTable(columns: columns, rowCount: sourceRows.count)
    }

    /// The first column name inside a call's arguments.
    static func firstColumnName(_ expression: Expression) -> String? {
        guard case .call(let call) = expression.kind else { return nil }
        for argument in call.arguments {
            if let name = ColumnNaming.derivedName(argument.value) ?? firstColumnName(argument.value) { return name }
        }
        return nil
    }

    // MARK: evaluate

    func evaluatePlugin(_ evaluate: EvaluateOperator, over table: KQLTable, scope: Scope, at: SourceLocation) throws(KQLEngineError) -> KQLTable {
        guard case .call(let call) = evaluate.plugin.kind else { throw .unsupported("evaluate \(evaluate.plugin)", at: at) }
        switch call.name {
        case "bag_unpack":
            return try bagUnpack(call, schema: evaluate.schema, over: table, scope: scope, at: at)
        default:
            throw .unsupported("evaluate \(call.name)", at: at)
        }
    }

    /// `evaluate bag_unpack(Column [, prefix])`: one column per property of the bags.
    private func bagUnpack(_ call: FunctionCall, schema: RowSchema?, over table: KQLTable, scope: Scope, at: SourceLocation) throws(KQLEngineError) -> KQLTable {
        guard let first = call.arguments.first else { throw .semantic("bag_unpack() takes a dynamic column", at: at) }
        let compiler = self.compiler(for: table, scope: scope)
        let compiled = try compiler.compile(first.value)
        var prefix = ""
        for argument in call.arguments.dropFirst() where argument.name == nil {
            if case .string(let p)? = try compiler.compile(argument.value).constant { prefix = p }
        }
        if call.arguments.contains(where: { $0.name != nil && $0.name?.name != "columnsConflict" && $0.name?.name != "ignoredProperties" }) {
            throw .unsupported("bag_unpack() options other than columnsConflict", at: at)
        }
        let vector = try compiled(Batch(table))
        var keys: [String] = []
        var seen = Set<String>()
        var bags: [[(key: String, value: KQLDynamic)]] = []
        for row in 0..<table.rowCount {
            guard case .bag(let pairs) = DynamicAccess.dynamic(from: vector[row]) else { bags.append([]); continue }
            bags.append(pairs)
            for pair in pairs where seen.insert(pair.key).inserted { keys.append(pair.key) }
        }
        var ignored = Set<String>()
        for argument in call.arguments where argument.name?.name == "ignoredProperties" {
            guard case .dynamic(.array(let names))? = try compiler.compile(argument.value).constant else {
                throw .semantic("ignoredProperties takes a dynamic array of names", at: argument.range.start)
            }
            for case .string(let name) in names { ignored.insert(name) }
        }
        var columns = table.columns
        if let source = first.value.asName?.name { columns.removeAll { $0.name == source } }
        var declared: [String: KQLScalarType] = [:]
        for column in schema?.columns ?? [] { declared[column.name.name] = KQLScalarType(kqlName: column.type.name) }
        // Kusto orders the new columns by name and types each by its values.
        for key in keys.sorted() where !ignored.contains(key) {
            let name = prefix + key
            let values = bags.map { bag in bag.first(where: { $0.key == key })?.value ?? .null }
            let type = declared[name] ?? Self.commonType(of: values)
            var builder = KQLColumnBuilder(type: type)
            for value in values {
                builder.append(type == .dynamic ? .dynamic(value) : DynamicAccess.value(from: value))
            }
            let column = KQLColumn(name: name, storage: builder.finish())
            if let index = columns.firstIndex(where: { $0.name == name }) { columns[index] = column } else { columns.append(column) }
        }
        return KQLTable(columns: columns, rowCount: table.rowCount)
    }

    /// The type of a column made of dynamic values: their scalar type when all non-null values
    /// share one (longs and reals make real), else dynamic.
    static func commonType(of values: [KQLDynamic]) -> KQLScalarType {
        var type: KQLScalarType?
        for value in values {
            let t: KQLScalarType
            switch value {
            case .null: continue
            case .bool: t = .bool
            case .long: t = .long
            case .real: t = .real
            case .string: t = .string
            case .datetime: t = .datetime
            case .timespan: t = .timespan
            case .guid: t = .guid
            case .array, .bag: return .dynamic
            }
            if let current = type, current != t {
                if (current == .long && t == .real) || (current == .real && t == .long) { type = .real; continue }
                return .dynamic
            }
            type = t
        }
        return type ?? .dynamic
    }

    // MARK: parse

    /// `parse [kind=simple|regex|relaxed] [flags=…] Source with Pattern`. In `simple` and
    /// `relaxed` modes each column takes text up to the next constant; in `regex` mode columns
    /// and `*` are greedy unless `flags=U`. A value that does not convert to its column's type
    /// nulls every column of the row (`simple`, `regex`) or just its own (`relaxed`).
    func parse(_ parse: ParseOperator, kind: Expression?, flags: Expression?, over table: KQLTable, scope: Scope, dropUnmatched: Bool, at: SourceLocation) throws(KQLEngineError) -> KQLTable {
        let mode = kind?.asName?.name ?? "simple"
        guard mode == "simple" || mode == "regex" || mode == "relaxed" else { throw .unsupported("parse kind=\(mode)", at: at) }
        var options: NSRegularExpression.Options = [.dotMatchesLineSeparators]
        var greedy = mode == "regex"
        if let flags {
            var text = flags.asName?.name ?? ""
            if text.isEmpty { text = try compiler(columns: [], scope: scope).compile(flags).constant?.kqlString ?? "" }
            for flag in text {
                switch flag {
                case "U": greedy.toggle()
                case "i": options.insert(.caseInsensitive)
                case "m": options.insert(.anchorsMatchLines)
                case "s": break
                default: throw .semantic("unknown parse flag '\(flag)'; use U, i, m or s", at: flags.range.start)
                }
            }
        }
        let any = greedy ? ".*" : ".*?"
        var pattern = mode == "regex" ? "" : "^"
        var outputs: [(String, KQLScalarType)] = []
        for (i, element) in parse.pattern.enumerated() {
            let isLast = i == parse.pattern.count - 1
            switch element {
            case .text(let literal):
                let text = literal.value.map { ValueSemantics.unwrap($0).kqlString } ?? ""
                pattern += mode == "regex" ? "(?:\(text))" : NSRegularExpression.escapedPattern(for: text)
            case .wildcard:
                pattern += isLast && mode != "regex" ? ".*" : any
            case .column(let id, let typeName):
                var type = KQLScalarType.string
                if let typeName {
                    let name = typeName.name == "date" ? "datetime" : typeName.name
                    guard let t = KQLScalarType(kqlName: name) else { throw .semantic("unknown type '\(typeName.name)'", at: typeName.range.start) }
                    type = t
                }
                outputs.append((id.name, type))
                // A number column takes only a number, except in relaxed mode, where a value
                // that does not convert is null and the rest of the row still parses.
                switch (type, mode) {
                case (.long, "simple"), (.int, "simple"), (.long, "regex"), (.int, "regex"): pattern += "(-?\\d+)"
                case (.real, "simple"), (.real, "regex"): pattern += "(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)"
                case (.long, _), (.int, _): pattern += "(-?\\d+|.*?)"
                case (.real, _): pattern += "(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?|.*?)"
                default: pattern += isLast && mode != "regex" ? "(.*)" : "(\(any))"
                }
            }
        }
        if mode == "simple" { pattern += "$" }
        let regex: NSRegularExpression
        do { regex = try NSRegularExpression(pattern: pattern, options: options) } catch {
            throw .semantic("the parse pattern is not a valid regular expression", at: at)
        }
        let compiled = try compiler(for: table, scope: scope).compile(parse.source)
        let strings = ExpressionCompiler.strings(try compiled(Batch(table)), count: table.rowCount)
        var builders = outputs.map { KQLColumnBuilder(type: $0.1) }
        var kept: [Int] = []
        for row in 0..<table.rowCount {
            let text = strings[row]
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
            var values: [KQLValue]? = match.map { match in
                outputs.enumerated().map { k, output in
                    guard let range = Range(match.range(at: k + 1), in: text) else { return .null(of: output.1) }
                    let piece = String(text[range])
                    if output.1 == .string { return .string(piece) }
                    if output.1 == .datetime { return DateParsing.parse(piece).map(KQLValue.datetime) ?? .null(.datetime) }
                    return (try? KQLValue(text: piece, as: output.1)) ?? .null(output.1)
                }
            }
            if mode != "relaxed", let current = values,
               zip(current, outputs).contains(where: { $0.isNull && $1.1 != .string })
            {
                values = nil
            }
            if values == nil, dropUnmatched { continue }
            kept.append(row)
            for k in outputs.indices {
                if let values { builders[k].append(values[k]) } else { builders[k].appendNull() }
            }
        }
        var columns = (dropUnmatched ? table.gather(kept) : table).columns
        for (k, output) in outputs.enumerated() {
            let column = KQLColumn(name: output.0, storage: builders[k].finish())
            if let index = columns.firstIndex(where: { $0.name == output.0 }) { columns[index] = column } else { columns.append(column) }
        }
        return KQLTable(columns: columns, rowCount: kept.count)
    }

    // MARK: partition

    /// `partition by Column (Subquery)`: the subquery run on each value's rows, results unioned.
    func partition(_ partition: PartitionOperator, over table: KQLTable, scope: Scope, at: SourceLocation) throws(KQLEngineError) -> KQLTable {
        let compiled = try compiler(for: table, scope: scope).compile(partition.column)
        let grouping = Grouping(keys: [try compiled(Batch(table))], count: table.rowCount, oneGroupWhenEmpty: false)
        var rowsByGroup = [[Int]](repeating: [], count: grouping.count)
        for (row, id) in grouping.ids.enumerated() { rowsByGroup[id].append(row) }
        var results: [Expression] = []
        var partScope = scope
        for (i, rows) in rowsByGroup.enumerated() {
            let part = try evaluate(partition.subquery, scope: scope, input: table.gather(rows))
            let name = "__partition_\(i)"
            partScope.bind(name, .table(LazyTable(part)))
            results.append(Expression(.name(Identifier(name))))
        }
        if results.isEmpty { return try evaluate(partition.subquery, scope: scope, input: table.prefix(0)) }
        return try union(results, first: nil, parameters: [], scope: partScope, at: at)
    }
}
