/// One run of the linter over one script: the names in scope, the diagnostics so far.
///
/// The walk is single-pass: statements in order, each pipeline from its source through its
/// operators, carrying a `RowSet`. Names are bound as their `let` is read, so a use before the
/// declaration is reported like any undeclared name.
struct LintPass {
    /// A name a `let`, a function parameter or `declare query_parameters` bound.
    struct Binding {
        enum Kind {
            /// A scalar; `constant` when its value is a literal, `agoSpan` when it is `ago(span)`.
            case scalar(constant: KQLValue?, agoSpan: KQLTimespan?)
            /// A table.
            case tabular(RowSet)
            /// A user-defined function.
            case function(UserFunction)
        }

        var name: String
        var kind: Kind
        var location: SourceLocation
        var isQueryParameter: Bool
        var isLiteralLet: Bool
        var isUsed = false
        /// Whether a use of the name read a column of the same name instead.
        var isHiddenByColumn = false
    }

    /// What the linter knows of a user-defined function.
    struct UserFunction {
        var minArguments: Int
        var maxArguments: Int
        /// Whether the first parameter is a table, which `T | invoke f()` passes implicitly.
        var takesTableFirst: Bool
        /// The rows it gives, for a tabular body; nil for a scalar function.
        var result: RowSet?
    }

    let linter: KQLLinter
    let tables: LintTables
    let schema: HuntingSchema
    let maxLookback: KQLTimespan
    let declaredParameters: Set<String>?
    let reportAbsences: Bool
    var diagnostics: [Diagnostic] = []
    var bindings: [Binding] = []
    /// Name → index in `bindings`, one frame per function body (the script's is first).
    var frames: [[String: Int]] = [[:]]
    /// Table reads already reported by `no-time-filter` (a `let` used twice is reported once).
    var reportedUnfiltered: Set<Int> = []

    init(linter: KQLLinter, parameters: [String]?, reportAbsences: Bool) {
        self.linter = linter
        tables = linter.tables
        schema = linter.options.schema
        maxLookback = .days(Int64(min(max(linter.options.maxLookbackDays, 0), 1_000_000)))
        declaredParameters = parameters.map(Set.init)
        self.reportAbsences = reportAbsences
    }

    // MARK: reporting

    mutating func report(_ rule: LintRule, _ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(rule.severity, code: rule.code, message: message, location: location))
    }

    mutating func report(_ severity: Diagnostic.Severity, _ rule: LintRule, _ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(severity, code: rule.code, message: message, location: location))
    }

    /// Reports the Defender tables still read without a time filter where their rows are used up.
    mutating func reportUnfiltered(_ rows: RowSet) {
        guard reportAbsences else { return }
        for read in rows.unfiltered where reportedUnfiltered.insert(read.location.offset).inserted {
            report(
                .noTimeFilter,
                "\(read.name) is read without a time filter, so the service scans all \(linter.options.maxLookbackDays) days it keeps; add `| where Timestamp > ago(1d)` (or the window you need) right after the table",
                at: read.location)
        }
    }

    // MARK: scope

    func lookup(_ name: String) -> Int? {
        var frame = frames.count - 1
        while frame >= 0 {
            if let index = frames[frame][name] { return index }
            frame -= 1
        }
        return nil
    }

    mutating func bind(_ binding: Binding) {
        bindings.append(binding)
        frames[frames.count - 1][binding.name] = bindings.count - 1
    }

    /// The names in scope, for "did you mean".
    func namesInScope() -> [String] { frames.flatMap(\.keys) }

    // MARK: statements

    mutating func lintScript(_ script: QueryScript) {
        let firstQuery = script.statements.firstIndex { if case .query = $0.kind { true } else { false } }
            ?? script.statements.count
        for (index, statement) in script.statements.enumerated() {
            lintStatement(statement, topLevel: true, beforeBody: index < firstQuery)
        }
        guard reportAbsences else { return }
        for binding in bindings where binding.isQueryParameter && !binding.isUsed {
            let message = binding.isHiddenByColumn
                ? "parameter '\(binding.name)' is never used: '\(binding.name)' is also a column, and the query reads the column; rename the parameter"
                : "parameter '\(binding.name)' is never used; use it in the query or remove it"
            report(.unusedParameter, message, at: binding.location)
        }
    }

    /// Lints one statement; returns the rows of a query statement (a function body's result).
    @discardableResult
    mutating func lintStatement(_ statement: Statement, topLevel: Bool, beforeBody: Bool) -> RowSet? {
        switch statement.kind {
        case .let(let letStatement):
            lintLet(letStatement, topLevel: topLevel, beforeBody: beforeBody)
            return nil
        case .set(let set):
            if let value = set.value { check(value, .none) }
            return nil
        case .declareQueryParameters(let parameters):
            for parameter in parameters {
                if let value = parameter.defaultValue { check(value, .none) }
                bind(Binding(
                    name: parameter.name.name, kind: parameterKind(parameter), location: parameter.name.range.start,
                    isQueryParameter: topLevel, isLiteralLet: false))
            }
            return nil
        case .query(let query):
            let rows = evalTabular(query, input: nil)
            if topLevel { reportUnfiltered(rows) }
            return rows
        }
    }

    mutating func lintLet(_ statement: LetStatement, topLevel: Bool, beforeBody: Bool) {
        let name = statement.name.name
        let location = statement.name.range.start
        var kind: Binding.Kind
        var isLiteral = false
        switch statement.value {
        case .expression(let expression):
            if isTabular(expression) {
                kind = .tabular(evalSource(expression))
            } else {
                check(expression, .none)
                isLiteral = LintPass.isLiteral(expression)
                kind = .scalar(constant: constantValue(expression), agoSpan: agoSpan(expression))
            }
        case .tabular(let tabular):
            kind = .tabular(evalTabular(tabular, input: nil))
        case .function(let definition):
            kind = lintFunction(definition)
        }
        let isParameter = topLevel && beforeBody
            && (declaredParameters.map { $0.contains(name) } ?? isLiteral)
        if let previous = lookup(name) {
            let earlier = bindings[previous]
            if earlier.isLiteralLet && isLiteral && topLevel && beforeBody {
                // A literal parameter declared twice is one parameter (the query-file loader warns
                // `parameter-redeclared`); the last declaration is the one the query reads.
                bindings[previous].isQueryParameter = false
            } else {
                report(
                    .shadowedParameter,
                    "let '\(name)' redefines '\(name)' declared at \(earlier.location); rename one of them so each name means one thing",
                    at: location)
            }
        }
        bind(Binding(
            name: name, kind: kind, location: location, isQueryParameter: isParameter,
            isLiteralLet: isLiteral && topLevel && beforeBody))
    }

    /// Lints a function's body in a scope of its own and returns what calling it gives.
    mutating func lintFunction(_ definition: FunctionDefinition) -> Binding.Kind {
        frames.append([:])
        for parameter in definition.parameters {
            if let value = parameter.defaultValue { check(value, .none) }
            bind(Binding(
                name: parameter.name.name, kind: parameterKind(parameter), location: parameter.name.range.start,
                isQueryParameter: false, isLiteralLet: false, isUsed: true))
        }
        var result: RowSet?
        for (index, statement) in definition.body.enumerated() {
            let isLast = index == definition.body.count - 1
            if isLast, case .query(let query) = statement.kind, query.operators.isEmpty,
                case .expression(let expression)? = query.source, !isTabular(expression)
            {
                // A scalar function: `(x: long) { x * 2 }`.
                check(expression, .none)
                result = nil
            } else {
                let rows = lintStatement(statement, topLevel: false, beforeBody: false)
                if isLast { result = rows }
            }
        }
        frames.removeLast()
        let required = definition.parameters.filter { $0.defaultValue == nil }.count
        var takesTableFirst = false
        if case .tabular? = definition.parameters.first?.type { takesTableFirst = true }
        return .function(UserFunction(
            minArguments: required, maxArguments: definition.parameters.count, takesTableFirst: takesTableFirst,
            result: result))
    }

    func parameterKind(_ parameter: FunctionParameter) -> Binding.Kind {
        switch parameter.type {
        case .scalar:
            return .scalar(constant: nil, agoSpan: nil)
        case .tabular(let schema):
            var rows = RowSet(columns: [:], isOpen: schema.isOpen, hasRowContext: true)
            for column in schema.columns { rows.add(column.name.name, KQLScalarType(kqlName: column.type.name)) }
            return .tabular(rows)
        }
    }

    // MARK: constants

    /// Whether an expression is a literal the loader takes as a parameter value.
    static func isLiteral(_ expression: Expression) -> Bool {
        switch expression.kind {
        case .literal: true
        case .unary(_, let operand): if case .literal = operand.kind { true } else { false }
        default: false
        }
    }

    /// The value of a constant expression: a literal, a signed literal, a `let` of one, or a
    /// timespan times a number.
    func constantValue(_ expression: Expression) -> KQLValue? {
        switch expression.kind {
        case .literal(let literal):
            return literal.value
        case .parenthesized(let inner):
            return constantValue(inner)
        case .name(let identifier):
            guard let index = lookup(identifier.name), case .scalar(let constant, _) = bindings[index].kind else { return nil }
            return constant
        case .unary(let op, let operand):
            guard let value = constantValue(operand) else { return nil }
            guard op == .minus else { return value }
            switch value {
            case .long(let v) where v != .min: return .long(-v)
            case .int(let v) where v != .min: return .int(-v)
            case .real(let v): return .real(-v)
            case .timespan(let t) where t.ticks != .min: return .timespan(KQLTimespan(ticks: -t.ticks))
            default: return nil
            }
        case .binary(.multiply, let left, let right, _):
            guard let a = constantValue(left), let b = constantValue(right) else { return nil }
            switch (a, b) {
            case (.timespan(let t), let n), (let n, .timespan(let t)):
                guard let factor = LintPass.number(n) else { return nil }
                let ticks = Double(t.ticks) * factor
                guard ticks.magnitude < 9e18 else { return nil }
                return .timespan(KQLTimespan(ticks: Int64(ticks)))
            default:
                return nil
            }
        default:
            return nil
        }
    }

    static func number(_ value: KQLValue) -> Double? {
        switch value {
        case .int(let v): Double(v)
        case .long(let v): Double(v)
        case .real(let v): v
        default: nil
        }
    }

    /// The span of `ago(span)` with a constant span.
    func agoSpan(_ expression: Expression) -> KQLTimespan? {
        switch expression.kind {
        case .parenthesized(let inner):
            return agoSpan(inner)
        case .call(let call) where call.target == nil && call.name == "ago" && call.arguments.count == 1:
            if case .timespan(let span)? = constantValue(call.arguments[0].value) { return span }
            return nil
        default:
            return nil
        }
    }
}
