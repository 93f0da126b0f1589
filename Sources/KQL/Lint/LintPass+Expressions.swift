extension LintPass {
    // MARK: scalar expressions

    /// Checks every name and call of an expression evaluated over `rows`.
    mutating func check(_ expression: Expression, _ rows: RowSet) {
        switch expression.kind {
        case .literal, .wildcard, .missing:
            return
        case .name(let identifier):
            resolve(identifier, rows)
        case .member(let base, _):
            // `$left.X` outside a join condition is Kusto's to judge.
            if case .name(let identifier) = base.kind, identifier.name.hasPrefix("$") { return }
            check(base, rows)
        case .index(let base, let index):
            check(base, rows)
            check(index, rows)
        case .call(let call):
            checkCall(call, at: expression.range.start, in: rows)
        case .unary(_, let operand):
            check(operand, rows)
        case .binary(let op, let left, let right, let spelling):
            if let spelling { reportDeprecatedSpelling(spelling, modern: op.rawValue, at: expression.range.start) }
            check(left, rows)
            check(right, rows)
        case .between(let subject, let lower, let upper, let negated, let spelling):
            if let spelling { reportDeprecatedSpelling(spelling, modern: negated ? "!between" : "between", at: expression.range.start) }
            check(subject, rows)
            check(lower, rows)
            check(upper, rows)
        case .list(let elements):
            for element in elements { check(element, rows) }
        case .parenthesized(let inner):
            check(inner, rows)
        case .tabular(let tabular):
            // A subquery in a scalar position (`in (T | …)`, `toscalar(…)`) sees no outer columns,
            // and its rows are used up right here.
            reportUnfiltered(evalTabular(tabular, input: nil))
        }
    }

    mutating func reportDeprecatedSpelling(_ spelling: String, modern: String, at location: SourceLocation) {
        report(.deprecatedAlias, "'\(spelling)' is deprecated; use '\(modern)'", at: location)
    }

    /// Resolves a bare name: a column, a `let` or parameter, a table; else reports it.
    mutating func resolve(_ identifier: Identifier, _ rows: RowSet) {
        let name = identifier.name
        if rows.has(name) {
            if let index = lookup(name), !bindings[index].isUsed { bindings[index].isHiddenByColumn = true }
            return
        }
        if let index = lookup(name) {
            bindings[index].isUsed = true
            if case .tabular(let tabular) = bindings[index].kind { reportUnfiltered(tabular) }
            return
        }
        if name.hasPrefix("$") { return }
        if rows.isOpen {
            // Open rows may have any column, but an advanced-hunting table never has TimeGenerated.
            if name == "TimeGenerated", rows.fromDefenderTable, rows.sources.allSatisfy(schema.isKnownTable) {
                reportUnresolved(identifier, RowSet.none, side: nil, timeGenerated: true)
            }
            return
        }
        if schema.isKnownTable(name) { return }
        reportUnresolved(identifier, rows, side: nil)
    }

    /// Checks a name that must be a column of `rows` (`project-away X`, `on X`, `$left.X`).
    mutating func checkColumn(_ identifier: Identifier, _ rows: RowSet, side: String? = nil) {
        if rows.isOpen || rows.has(identifier.name) { return }
        if side == nil, let index = lookup(identifier.name) {
            bindings[index].isUsed = true
            return
        }
        reportUnresolved(identifier, rows, side: side)
    }

    mutating func reportUnresolved(_ identifier: Identifier, _ rows: RowSet, side: String?, timeGenerated: Bool = false) {
        let name = identifier.name
        let location = identifier.range.start
        if timeGenerated || (name == "TimeGenerated" && rows.fromDefenderTable) {
            report(
                .timeGeneratedOnDefenderTable,
                "advanced hunting tables have Timestamp; TimeGenerated exists only in Sentinel — use Timestamp",
                at: location)
            return
        }
        guard rows.hasRowContext else {
            let suggestion = HuntingSchema.closestMatch(to: name, in: namesInScope()).map { "; did you mean '\($0)'?" }
            report(
                .undeclaredName,
                "'\(name)' is not declared\(suggestion ?? "; declare it with a let statement before this line")",
                at: location)
            return
        }
        if side == nil, let declared = HuntingSchema.closestMatch(to: name, in: namesInScope()),
            HuntingSchema.closestMatch(to: name, in: rows.columns.keys) == nil
        {
            report(.undeclaredName, "'\(name)' is not declared; did you mean '\(declared)'?", at: location)
            return
        }
        var message = "unknown column '\(name)'"
        if let side { message += " on the \(side) side of the join" }
        if let suggestion = HuntingSchema.closestMatch(to: name, in: rows.columns.keys) {
            message += "; did you mean '\(suggestion)'?"
        } else if let shaped = rows.shapedBy {
            let kept = rows.columns.keys.sorted()
            let list = kept.count <= 8 ? kept.joined(separator: ", ") : kept.prefix(8).joined(separator: ", ") + ", …"
            message += " (after the '\(shaped.name)' at \(shaped.location) the columns are: \(list.isEmpty ? "none" : list))"
        } else if rows.sources.count == 1 {
            message += " (\(rows.sources[0]) has no such column; check the spelling or the table)"
        }
        // A column the query itself projected away is a certain mistake; one a table lacks may be a
        // column the service has and tables.json does not list yet.
        report(rows.shapedBy == nil ? .warning : .error, .unknownColumn, message, at: location)
    }

    // MARK: calls

    /// Checks a call: the function exists, takes that many arguments, is not a deprecated alias;
    /// then its arguments.
    /// - Parameter invoked: whether the call follows `invoke`, which passes the rows as the first
    ///   argument of a function whose first parameter is a table.
    mutating func checkCall(_ call: FunctionCall, at location: SourceLocation, in rows: RowSet, invoked: Bool = false) {
        if let target = call.target {
            // `cluster('c').database('d')`, `x.method()`: not a catalog function.
            check(target, rows)
            for argument in call.arguments { check(argument.value, rows) }
            return
        }
        let written = call.callee.name
        let calleeLocation = call.callee.range.start
        // `typeof(long)` names a type, not a value.
        if written == "typeof" { return }
        let count = call.arguments.count
        if let index = lookup(written) {
            bindings[index].isUsed = true
            if case .function(let function) = bindings[index].kind {
                var minimum = function.minArguments
                var maximum = function.maxArguments
                if invoked && function.takesTableFirst {
                    minimum = max(0, minimum - 1)
                    maximum -= 1
                }
                if count < minimum || count > maximum {
                    report(
                        .wrongArgumentCount,
                        "'\(written)' takes \(LintPass.describeArity(Arity(minimum, maximum))), found \(count)"
                            + (function.takesTableFirst && !invoked ? " (a table as the first argument, or call it with `T | invoke \(written)(…)`)" : ""),
                        at: calleeLocation)
                }
            }
        } else if let info = FunctionCatalog.lookup(written) ?? FunctionCatalog.lookup(call.name) {
            if let modern = FunctionCatalog.deprecatedAliases[written] {
                let note = FunctionCatalog.deprecationNotes[written].map { " (\($0))" } ?? ""
                report(.deprecatedAlias, "'\(written)()' is deprecated; use '\(modern)()'\(note)", at: calleeLocation)
            }
            if !info.arity.accepts(count), !(info.scalarArity?.accepts(count) ?? false) {
                report(
                    .wrongArgumentCount,
                    "'\(written)' takes \(LintPass.describeArity(info.arity)), found \(count)",
                    at: calleeLocation)
            }
        } else {
            let suggestion = FunctionCatalog.caseInsensitiveMatch(written)?.name
                ?? HuntingSchema.closestMatch(
                    to: written,
                    in: FunctionCatalog.names + bindings.compactMap { if case .function = $0.kind { $0.name } else { nil } })
            report(
                .unknownFunction,
                "unknown function '\(written)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "; define it with a let statement or check the spelling"),
                at: calleeLocation)
        }
        for argument in call.arguments {
            // `materialize(T | …)` and `toscalar(…)` take a table; a name there is a table name.
            if case .name(let identifier) = argument.value.kind, written == "materialize" || written == "toscalar" {
                reportUnfiltered(tableNamed(identifier))
                continue
            }
            check(argument.value, rows)
        }
    }

    /// `3 arguments`, `2 to 3 arguments`, `at least 1 argument`, `no arguments`.
    static func describeArity(_ arity: Arity) -> String {
        func arguments(_ n: Int) -> String { n == 1 ? "1 argument" : "\(n) arguments" }
        switch arity.max {
        case nil: return "at least \(arguments(arity.min))"
        case arity.min?: return arity.min == 0 ? "no arguments" : arguments(arity.min)
        case let upper?: return "\(arity.min) to \(arguments(upper))"
        }
    }

    // MARK: time filters

    /// Looks at a `where` predicate: reports comparisons of `Timestamp` with a point further back
    /// than the service keeps, and returns whether the predicate filters on a datetime column.
    mutating func inspectFilter(_ predicate: Expression, _ rows: RowSet) -> Bool {
        switch predicate.kind {
        case .parenthesized(let inner):
            return inspectFilter(inner, rows)
        case .binary(.and, let left, let right, _), .binary(.or, let left, let right, _):
            let a = inspectFilter(left, rows)
            let b = inspectFilter(right, rows)
            return a || b
        case .binary(let op, let left, let right, _):
            switch op {
            case .less, .lessOrEqual, .greater, .greaterOrEqual, .equal:
                break
            default:
                return false
            }
            let leftIsTime = mentionsTime(left, rows)
            let rightIsTime = mentionsTime(right, rows)
            if LintPass.mentionsPartitionTime(left) { checkLookback(right) }
            if LintPass.mentionsPartitionTime(right) { checkLookback(left) }
            return leftIsTime || rightIsTime
        case .between(let subject, let lower, let upper, let negated, _):
            if LintPass.mentionsPartitionTime(subject) {
                checkLookback(lower)
                checkLookback(upper)
            }
            return !negated && mentionsTime(subject, rows)
        default:
            return false
        }
    }

    /// Whether an expression involves a datetime column or a point in time (`ago(…)`, `now()`).
    func mentionsTime(_ expression: Expression, _ rows: RowSet) -> Bool {
        switch expression.kind {
        case .name(let identifier):
            if rows.type(of: identifier.name) == .datetime { return true }
            if identifier.name == "Timestamp" || identifier.name == "TimeGenerated" { return true }
            if let index = lookup(identifier.name), case .scalar(let constant, let ago) = bindings[index].kind {
                if ago != nil { return true }
                if case .datetime? = constant { return true }
            }
            return false
        case .literal(let literal):
            if case .datetime? = literal.value { return true }
            return false
        case .call(let call):
            if call.target == nil, call.name == "ago" || call.name == "now" || call.name == "ingestion_time" { return true }
            return call.arguments.contains { mentionsTime($0.value, rows) }
        case .parenthesized(let inner), .unary(_, let inner):
            return mentionsTime(inner, rows)
        case .binary(_, let left, let right, _):
            return mentionsTime(left, rows) || mentionsTime(right, rows)
        default:
            return false
        }
    }

    /// Whether an expression is (or wraps) `Timestamp` or `TimeGenerated`, the columns the service
    /// keeps 30 days of.
    static func mentionsPartitionTime(_ expression: Expression) -> Bool {
        switch expression.kind {
        case .name(let identifier): identifier.name == "Timestamp" || identifier.name == "TimeGenerated"
        case .parenthesized(let inner): mentionsPartitionTime(inner)
        case .call(let call): call.arguments.first.map { mentionsPartitionTime($0.value) } ?? false
        default: false
        }
    }

    /// Reports `ago(span)` (directly, through a `let`, or a `let` holding `ago(span)`) reaching
    /// further back than the service keeps.
    mutating func checkLookback(_ expression: Expression) {
        switch expression.kind {
        case .call(let call) where call.target == nil && call.name == "ago" && call.arguments.count == 1:
            let argument = call.arguments[0].value
            guard case .timespan(let span)? = constantValue(argument), span > maxLookback else { return }
            var through = ""
            if case .name(let identifier) = argument.kind { through = " (\(identifier.name) is \(LintPass.days(span)))" }
            report(
                .lookbackOver30Days,
                "ago(\(argument)) reaches \(LintPass.days(span)) back\(through), but advanced hunting keeps only \(linter.options.maxLookbackDays) days; look back \(linter.options.maxLookbackDays)d at most",
                at: expression.range.start)
        case .call(let call):
            for argument in call.arguments { checkLookback(argument.value) }
        case .name(let identifier):
            guard let index = lookup(identifier.name), case .scalar(_, let span?) = bindings[index].kind, span > maxLookback
            else { return }
            report(
                .lookbackOver30Days,
                "'\(identifier.name)' is ago(\(LintPass.days(span))), further back than the \(linter.options.maxLookbackDays) days advanced hunting keeps; look back \(linter.options.maxLookbackDays)d at most",
                at: expression.range.start)
        case .parenthesized(let inner), .unary(_, let inner):
            checkLookback(inner)
        case .binary(_, let left, let right, _):
            checkLookback(left)
            checkLookback(right)
        default:
            return
        }
    }

    /// `40d`, `36h`, as a person writes a span.
    static func days(_ span: KQLTimespan) -> String {
        if span.ticks % KQLTimespan.day == 0 { return "\(span.ticks / KQLTimespan.day)d" }
        if span.ticks % KQLTimespan.hour == 0 { return "\(span.ticks / KQLTimespan.hour)h" }
        return span.description
    }
}
