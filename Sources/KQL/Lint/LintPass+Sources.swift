extension LintPass {
    // MARK: tabular expressions

    /// Lints a pipeline and returns the rows it gives.
    /// - Parameters:
    ///   - tabular: the pipeline.
    ///   - input: the rows a source-less subquery works on (`mv-apply`, `partition`, …).
    mutating func evalTabular(_ tabular: TabularExpression, input: RowSet?) -> RowSet {
        var rows: RowSet
        switch tabular.source {
        case nil: rows = input ?? .open
        case .expression(let expression)?: rows = evalSource(expression)
        case .operator(let op)?: rows = apply(op, to: .empty, isSource: true)
        }
        for (index, op) in tabular.operators.enumerated() {
            if index == 0, !rows.unfiltered.isEmpty {
                // `DeviceInfo | take 10` reads a few rows, not the whole table.
                switch op.kind {
                case .take, .sample, .getschema: rows.unfiltered.removeAll()
                default: break
                }
            }
            rows = apply(op, to: rows, isSource: false)
        }
        return rows
    }

    /// Whether an expression stands for a table (a table or tabular `let` name, a subquery,
    /// `materialize(…)`, a tabular user function), as opposed to a scalar.
    func isTabular(_ expression: Expression) -> Bool {
        switch expression.kind {
        case .tabular:
            return true
        case .parenthesized(let inner):
            return isTabular(inner)
        case .name(let identifier):
            if let index = lookup(identifier.name) {
                switch bindings[index].kind {
                case .tabular: return true
                case .function(let function): return function.result != nil
                case .scalar: return false
                }
            }
            let name = identifier.name
            if schema.isKnownTable(name) || schema.sentinelTableNames.contains(name) { return true }
            // An unknown name: tables are written in PascalCase, scalars usually are not.
            return name.utf8.first.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } ?? false
        case .call(let call):
            guard call.target == nil else { return false }
            if let index = lookup(call.callee.name) {
                if case .function(let function) = bindings[index].kind { return function.result != nil }
                return false
            }
            return (FunctionCatalog.lookup(call.callee.name) ?? FunctionCatalog.lookup(call.name))?.kind == .tabular
        default:
            return false
        }
    }

    /// The rows an expression in a table position gives: a pipeline's source, a `let` value, the
    /// right side of `join`, a `union` member.
    mutating func evalSource(_ expression: Expression) -> RowSet {
        switch expression.kind {
        case .tabular(let tabular):
            return evalTabular(tabular, input: nil)
        case .parenthesized(let inner):
            return evalSource(inner)
        case .name(let identifier):
            return tableNamed(identifier)
        case .call(let call):
            return callSource(call, at: expression.range.start)
        case .missing:
            return .open
        default:
            check(expression, .none)
            return .open
        }
    }

    /// The rows of a name in a table position: a tabular `let`, a view, a table.
    mutating func tableNamed(_ identifier: Identifier) -> RowSet {
        let name = identifier.name
        if let index = lookup(name) {
            bindings[index].isUsed = true
            switch bindings[index].kind {
            case .tabular(let rows): return rows
            case .function(let function): return function.result ?? .open
            case .scalar: return .open
            }
        }
        if name.contains("*") { return .open }  // `union Device*`
        return readTable(identifier)
    }

    /// The rows of a call in a table position: a user function, `materialize(…)`, `table("T")`,
    /// an advanced-hunting function.
    mutating func callSource(_ call: FunctionCall, at location: SourceLocation) -> RowSet {
        if call.target == nil, let index = lookup(call.callee.name), case .function(let function) = bindings[index].kind {
            checkCall(call, at: location, in: .none)
            return function.result ?? .open
        }
        if call.target == nil, call.arguments.count == 1 {
            let argument = call.arguments[0].value
            switch call.name {
            case "materialize":
                return evalSource(argument)
            case "table":
                if case .literal(let literal) = argument.kind, case .string(let name)? = literal.value {
                    return readTable(Identifier(name, range: argument.range))
                }
            default:
                break
            }
        }
        checkCall(call, at: location, in: .none)
        return .open
    }

    /// The rows of a table read by name, with the table rules: unknown, Sentinel-only, retired,
    /// not served by the legacy API.
    mutating func readTable(_ identifier: Identifier) -> RowSet {
        let name = identifier.name
        let location = identifier.range.start
        if let columns = tables.columnsByTable[name] {
            checkLegacyEndpoint(name, at: location)
            var rows = RowSet(columns: columns, isOpen: false, hasRowContext: true)
            rows.fromDefenderTable = true
            rows.sources = [name]
            if columns["Timestamp"] != nil { rows.unfiltered = [RowSet.TableRead(name: name, location: location)] }
            return rows
        }
        var rows = RowSet.open
        rows.sources = [name]
        if let table = schema.additionalTable(named: name) {
            checkLegacyEndpoint(name, at: location)
            rows.fromDefenderTable = true
            if case .deprecated(let replacement) = table.status {
                let instead = replacement.map { "; query \($0) instead" } ?? ""
                report(.deprecatedTable, "\(name) is retired and no longer answers\(instead)", at: location)
            }
            return rows
        }
        if schema.sentinelTableNames.contains(name) {
            checkLegacyEndpoint(name, at: location)
            report(
                .sentinelTable,
                "\(name) is a Microsoft Sentinel table; advanced hunting lacks it unless a Sentinel workspace is onboarded to the Defender portal, so use an advanced-hunting table where one has the data",
                at: location)
            return rows
        }
        let candidates = tables.knownTableNames + bindings.compactMap { if case .tabular = $0.kind { $0.name } else { nil } }
        if let suggestion = HuntingSchema.closestMatch(to: name, in: candidates) {
            report(.error, .unknownTable, "unknown table '\(name)'; did you mean '\(suggestion)'?", at: location)
        } else {
            report(
                .warning, .unknownTable,
                "unknown table '\(name)': it is not an advanced-hunting table hunt knows; check the spelling (the service may have tables this list lacks)",
                at: location)
        }
        return rows
    }

    mutating func checkLegacyEndpoint(_ name: String, at location: SourceLocation) {
        guard linter.options.endpoint == .legacyDefender, !name.hasPrefix("Device") else { return }
        report(
            .legacyEndpointTable,
            "\(name) is not served by the legacy Defender for Endpoint API, which has only the Device* tables; run with the Graph endpoint (--endpoint graph)",
            at: location)
    }
}
