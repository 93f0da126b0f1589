/// Prints syntax trees back as KQL text.
///
/// Spacing is normalized and comments are not kept; everything else reads back as the same tree
/// (`KQLParser.parse(KQLPrinter.print(tree))` equals `tree`, ranges aside). Literals print exactly
/// as written, deprecated spellings stay as written, and parentheses are added only where a tree
/// built by code needs them to keep its meaning.
public enum KQLPrinter {
    /// A whole script: one statement per line, each query's operators on lines of their own.
    /// - Parameter script: The tree to print.
    /// - Returns: KQL text.
    public static func print(_ script: QueryScript) -> String {
        var printer = TreePrinter()
        printer.write(script.statements)
        return printer.out
    }

    /// One statement (without a trailing `;`).
    /// - Parameter statement: The statement to print.
    /// - Returns: KQL text.
    public static func print(_ statement: Statement) -> String {
        var printer = TreePrinter()
        printer.write(statement)
        return printer.out
    }

    /// A tabular expression, with its operators on lines of their own.
    /// - Parameter tabular: The expression to print.
    /// - Returns: KQL text.
    public static func print(_ tabular: TabularExpression) -> String {
        var printer = TreePrinter()
        printer.write(tabular, multiline: true)
        return printer.out
    }

    /// An expression, on one line.
    /// - Parameter expression: The expression to print.
    /// - Returns: KQL text.
    public static func print(_ expression: Expression) -> String {
        var printer = TreePrinter()
        printer.write(expression)
        return printer.out
    }

    /// One tabular operator, without the `|` before it.
    /// - Parameter op: The operator to print.
    /// - Returns: KQL text.
    public static func print(_ op: PipeOperator) -> String {
        var printer = TreePrinter()
        printer.write(op)
        return printer.out
    }
}

/// Writes a tree into one growing string.
struct TreePrinter {
    var out = ""
    /// The indentation of the current line.
    var indent = ""
    /// Whether the tabular expression being written puts its operators on lines of their own;
    /// nested subqueries with operators then do too, indented.
    var multiline = false

    mutating func newline() {
        out += "\n"
        out += indent
    }

    /// Writes `body` on lines of its own, indented one level more.
    mutating func indented(_ body: (inout TreePrinter) -> Void) {
        let saved = indent
        indent += "    "
        newline()
        body(&self)
        indent = saved
        newline()
    }

    // MARK: statements

    mutating func write(_ statements: [Statement]) {
        for (i, statement) in statements.enumerated() {
            write(statement)
            let isLast = i == statements.count - 1
            if case .query = statement.kind, isLast { continue }
            out += ";"
            if !isLast { newline() }
        }
    }

    mutating func write(_ statement: Statement) {
        switch statement.kind {
        case .let(let binding):
            out += "let "
            write(binding.name)
            out += " = "
            switch binding.value {
            case .expression(let expression): write(expression)
            case .tabular(let tabular): write(tabular, multiline: true)
            case .function(let function): write(function)
            }
        case .set(let set):
            out += "set "
            write(set.name)
            if let value = set.value {
                out += " = "
                write(value)
            }
        case .declareQueryParameters(let parameters):
            out += "declare query_parameters("
            write(parameters)
            out += ")"
        case .query(let tabular):
            write(tabular, multiline: true)
        }
    }

    mutating func write(_ function: FunctionDefinition) {
        if function.isView { out += "view " }
        out += "("
        write(function.parameters)
        out += ") {"
        indented { $0.write(function.body) }
        out += "}"
    }

    mutating func write(_ parameters: [FunctionParameter]) {
        for (i, parameter) in parameters.enumerated() {
            if i > 0 { out += ", " }
            write(parameter.name)
            out += ":"
            switch parameter.type {
            case .scalar(let type):
                out += type.name
            case .tabular(let schema):
                write(schema)
            }
            if let value = parameter.defaultValue {
                out += " = "
                write(value)
            }
        }
    }

    mutating func write(_ schema: RowSchema) {
        out += "("
        write(schema.columns)
        if schema.isOpen { out += schema.columns.isEmpty ? "*" : ", *" }
        out += ")"
    }

    mutating func write(_ columns: [ColumnDeclaration]) {
        for (i, column) in columns.enumerated() {
            if i > 0 { out += ", " }
            write(column.name)
            out += ":" + column.type.name
        }
    }

    mutating func write(_ identifier: Identifier) {
        if identifier.isBracketed {
            out += "["
            KQLLiteralFormatter.writeString(identifier.name, to: &out)
            out += "]"
        } else {
            out += identifier.name
        }
    }

    // MARK: tabular expressions

    mutating func write(_ tabular: TabularExpression, multiline: Bool) {
        let saved = self.multiline
        self.multiline = multiline
        defer { self.multiline = saved }
        switch tabular.source {
        case .expression(let expression)?: write(expression)
        case .operator(let op)?: write(op)
        case nil: break
        }
        for (i, op) in tabular.operators.enumerated() {
            if i > 0 || tabular.source != nil {
                if multiline {
                    newline()
                    out += "| "
                } else {
                    out += " | "
                }
            }
            write(op)
        }
    }

    /// A subquery inside brackets the caller writes: on indented lines of its own in a multiline
    /// expression when it has operators, inline otherwise.
    mutating func writeNested(_ tabular: TabularExpression) {
        if multiline && !tabular.operators.isEmpty {
            indented { $0.write(tabular, multiline: true) }
        } else {
            write(tabular, multiline: false)
        }
    }

    mutating func write(_ op: PipeOperator) {
        out += op.name
        for parameter in op.parameters {
            out += " " + parameter.name + "="
            write(parameter.value)
        }
        switch op.kind {
        case .where(let predicate), .take(let predicate), .sample(let predicate), .invoke(let predicate):
            out += " "
            write(predicate)
        case .evaluate(let evaluate):
            out += " "
            write(evaluate.plugin)
            if let schema = evaluate.schema {
                out += ": "
                write(schema)
            }
        case .project(let columns), .extend(let columns), .projectRename(let columns), .distinct(let columns),
            .print(let columns):
            out += " "
            write(columns)
        case .serialize(let columns):
            if !columns.isEmpty {
                out += " "
                write(columns)
            }
        case .projectAway(let names), .projectKeep(let names):
            out += " "
            write(names)
        case .projectReorder(let keys):
            out += " "
            write(keys)
        case .summarize(let summarize):
            if !summarize.aggregates.isEmpty {
                out += " "
                write(summarize.aggregates)
            }
            if !summarize.groups.isEmpty {
                out += " by "
                write(summarize.groups)
            }
        case .join(let join), .lookup(let join):
            out += " "
            write(join.right)
            if !join.conditions.isEmpty {
                out += " on "
                write(join.conditions)
            }
        case .union(let tables):
            out += " "
            write(tables)
        case .top(let count, let key):
            out += " "
            write(count)
            out += " by "
            write(key)
        case .topNested(let clauses):
            for (i, clause) in clauses.enumerated() {
                if i > 0 { out += ", top-nested" }
                if let count = clause.count {
                    out += " "
                    write(count)
                }
                out += " of "
                write(clause.of)
                if let others = clause.withOthers {
                    out += " with others = "
                    write(others)
                }
                out += " by "
                write(clause.by)
                if let order = clause.order { out += " " + order.rawValue }
            }
        case .sort(let keys):
            out += " by "
            write(keys)
        case .count, .getschema:
            break
        case .mvExpand(let expand):
            out += " "
            write(expand.items)
            if let limit = expand.limit {
                out += " limit "
                write(limit)
            }
        case .mvApply(let apply):
            out += " "
            write(apply.items)
            if let limit = apply.limit {
                out += " limit "
                write(limit)
            }
            out += " on ("
            write(apply.subquery, multiline: false)
            out += ")"
        case .parse(let parse):
            out += " "
            write(parse.source)
            out += " with"
            for element in parse.pattern {
                out += " "
                switch element {
                case .text(let literal): out += literal.text
                case .wildcard: out += "*"
                case .column(let name, let type):
                    write(name)
                    if let type { out += ":" + type.name }
                }
            }
        case .parseKV(let parse):
            out += " "
            write(parse.source)
            out += " as ("
            write(parse.columns)
            out += ")"
            if !parse.properties.isEmpty {
                out += " with "
                write(properties: parse.properties)
            }
        case .makeSeries(let series):
            out += " "
            for (i, aggregate) in series.aggregates.enumerated() {
                if i > 0 { out += ", " }
                write(aggregate.column)
                if let value = aggregate.defaultValue {
                    out += " default = "
                    write(value)
                }
            }
            out += " on "
            write(series.axis)
            if let inRange = series.inRange {
                out += " in "
                write(inRange)
            }
            if let from = series.from {
                out += " from "
                write(from)
            }
            if let to = series.to {
                out += " to "
                write(to)
            }
            if let step = series.step {
                out += " step "
                write(step)
            }
            if !series.groups.isEmpty {
                out += " by "
                write(series.groups)
            }
        case .render(let render):
            out += " "
            write(render.visualization)
            if render.usesWith { out += " with (" }
            for (i, property) in render.properties.enumerated() {
                out += i == 0 ? (render.usesWith ? "" : " ") : (render.usesWith ? ", " : " ")
                write(property.name)
                out += "="
                write(property.values)
            }
            if render.usesWith { out += ")" }
        case .as(let name):
            out += " "
            write(name)
        case .sampleDistinct(let count, let column):
            out += " "
            write(count)
            out += " of "
            write(column)
        case .partition(let partition):
            out += " by "
            write(partition.column)
            out += partition.usesBraces ? " { " : " ("
            write(partition.subquery, multiline: false)
            out += partition.usesBraces ? " }" : ")"
        case .fork(let branches):
            for branch in branches {
                out += " "
                if let name = branch.name {
                    write(name)
                    out += "="
                }
                out += "("
                write(branch.subquery, multiline: false)
                out += ")"
            }
        case .facet(let columns, let with):
            out += " by "
            write(columns)
            if let with {
                out += " with ("
                write(with, multiline: false)
                out += ")"
            }
        case .search(let search):
            if let tables = search.tables {
                out += " in ("
                write(tables)
                out += ")"
            }
            out += " "
            write(search.predicate)
        case .find(let find):
            if let tables = find.tables {
                out += " in ("
                write(tables)
                out += ")"
            }
            out += " where "
            write(find.predicate)
            switch find.projection {
            case .smart?: out += " project-smart"
            case .columns(let columns)?:
                out += " project "
                write(columns)
            case nil: break
            }
        case .datatable(let columns, let values):
            out += "("
            write(columns)
            out += ") ["
            write(values)
            out += "]"
        case .externaldata(let columns, let uris, let properties):
            out += "("
            write(columns)
            out += ") ["
            write(uris)
            out += "]"
            if !properties.isEmpty {
                out += " with "
                write(properties: properties)
            }
        case .range(let column, let from, let to, let step):
            out += " "
            write(column)
            out += " from "
            write(from)
            out += " to "
            write(to)
            out += " step "
            write(step)
        case .generic(let tokens):
            for token in tokens {
                if token.spaceBefore { out += " " }
                out += token.text
            }
        }
    }

    mutating func write(properties: [OperatorParameter]) {
        out += "("
        for (i, property) in properties.enumerated() {
            if i > 0 { out += ", " }
            out += property.name + "="
            write(property.value)
        }
        out += ")"
    }

    mutating func write(_ columns: [ColumnExpression]) {
        for (i, column) in columns.enumerated() {
            if i > 0 { out += ", " }
            write(column)
        }
    }

    mutating func write(_ column: ColumnExpression) {
        switch column.target {
        case .name(let name)?:
            write(name)
            out += " = "
        case .tuple(let names)?:
            out += "("
            for (i, name) in names.enumerated() {
                if i > 0 { out += ", " }
                write(name)
            }
            out += ") = "
        case nil:
            break
        }
        write(column.expression)
    }

    mutating func write(_ items: [ExpandItem]) {
        for (i, item) in items.enumerated() {
            if i > 0 { out += ", " }
            write(item.column)
            if let type = item.type { out += " to typeof(" + type.name + ")" }
        }
    }

    mutating func write(_ keys: [SortKey]) {
        for (i, key) in keys.enumerated() {
            if i > 0 { out += ", " }
            write(key)
        }
    }

    mutating func write(_ key: SortKey) {
        write(key.expression)
        if let order = key.order { out += " " + order.rawValue }
        if let nulls = key.nulls { out += " nulls " + nulls.rawValue }
    }

    // MARK: expressions

    mutating func write(_ expressions: [Expression]) {
        for (i, expression) in expressions.enumerated() {
            if i > 0 { out += ", " }
            write(expression)
        }
    }

    /// Writes an expression, parenthesized when its precedence is below `minimumPrecedence` (only
    /// trees built by code need that: parsed trees keep their parentheses as nodes).
    mutating func write(_ expression: Expression, minimumPrecedence: Int = 0) {
        let needsParentheses = TreePrinter.precedence(of: expression) < minimumPrecedence
        if needsParentheses { out += "(" }
        // The precedence the parser was reading at when it built this expression: operators at or
        // above it keep extending the expression to the left.
        let context = needsParentheses ? 0 : minimumPrecedence
        switch expression.kind {
        case .literal(let literal):
            out += literal.text
        case .name(let name):
            write(name)
        case .wildcard:
            out += "*"
        case .member(let base, let name):
            write(base, minimumPrecedence: TreePrinter.postfixPrecedence)
            out += "."
            write(name)
        case .index(let base, let index):
            write(base, minimumPrecedence: TreePrinter.postfixPrecedence)
            out += "["
            write(index)
            out += "]"
        case .call(let call):
            if let target = call.target {
                write(target, minimumPrecedence: TreePrinter.postfixPrecedence)
                out += "."
            }
            write(call.callee)
            out += "("
            for (i, argument) in call.arguments.enumerated() {
                if i > 0 { out += ", " }
                if let name = argument.name {
                    write(name)
                    out += " = "
                }
                write(argument.value)
            }
            out += ")"
        case .unary(let op, let operand):
            out += op.rawValue
            write(operand, minimumPrecedence: TreePrinter.unaryPrecedence)
        case .binary(let op, let left, let right, let spelling):
            write(left, minimumPrecedence: TreePrinter.isClosedOnTheRight(left) ? context : op.precedence)
            out += " " + (spelling ?? op.rawValue) + " "
            if op.takesList, case .list = right.kind {
                write(right)
            } else {
                write(right, minimumPrecedence: op.precedence + 1)
            }
        case .between(let subject, let lower, let upper, let negated, let spelling):
            // Left-associative at the comparisons' level, as the parser reads it: `a == b between
            // (1 .. 2)` is `(a == b) between (1 .. 2)` and needs no parentheses (found by fuzzing).
            write(subject, minimumPrecedence: TreePrinter.isClosedOnTheRight(subject) ? context : 3)
            out += " " + (spelling ?? (negated ? "!between" : "between")) + " ("
            write(lower)
            out += " .. "
            write(upper)
            out += ")"
        case .list(let elements):
            out += "("
            write(elements)
            out += ")"
        case .parenthesized(let inner):
            out += "("
            if case .tabular(let tabular) = inner.kind {
                writeNested(tabular)
            } else {
                write(inner)
            }
            out += ")"
        case .tabular(let tabular):
            writeNested(tabular)
        case .missing:
            break
        }
        if needsParentheses { out += ")" }
    }

    /// Whether an expression ends in a closed operand the parser cannot extend — `between (…)`,
    /// `in (…)` and the other list operators — so that any operator after it applies to the whole
    /// of it, whatever the precedences: `a in (1, 2) > b` is `(a in (1, 2)) > b` (found by fuzzing).
    static func isClosedOnTheRight(_ expression: Expression) -> Bool {
        switch expression.kind {
        case .between: true
        case .binary(let op, _, _, _): op.takesList
        default: false
        }
    }

    static let unaryPrecedence = 7
    static let postfixPrecedence = 8

    /// How tightly an expression's outermost operator binds (see `BinaryOperator.precedence`).
    static func precedence(of expression: Expression) -> Int {
        switch expression.kind {
        case .binary(let op, _, _, _): op.precedence
        case .between: 3
        case .unary: unaryPrecedence
        case .tabular: 0
        default: 9
        }
    }
}
