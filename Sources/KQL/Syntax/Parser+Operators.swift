extension SyntaxParser {
    /// Tabular operators that may follow a `|`.
    static let pipeOperatorNames: Set<String> = Set<String>([
        "where", "filter", "project", "project-away", "project-keep", "project-rename", "project-reorder",
        "extend", "summarize", "join", "lookup", "union", "distinct", "top", "top-nested", "sort", "order",
        "take", "limit", "count", "mv-expand", "mvexpand", "mv-apply", "parse", "parse-where", "parse-kv",
        "evaluate", "make-series", "render", "invoke", "as", "serialize", "getschema", "sample",
        "sample-distinct", "partition", "fork", "facet", "search",
    ]).union(genericOperatorNames)

    /// Operators kept as raw tokens.
    static let genericOperatorNames: Set<String> = [
        "scan", "reduce", "consume", "top-hitters", "make-graph", "graph-match", "graph-merge",
        "graph-shortest-paths", "graph-to-table", "graph-mark-components", "graph-where-nodes",
        "graph-where-edges", "assert-schema", "macro-expand", "project-smart", "project-by-names",
    ]

    /// Parameter names (besides `hint.*`, allowed everywhere) each operator takes before its arguments.
    static let parameterNames: [String: Set<String>] = [
        "join": ["kind"], "lookup": ["kind"], "union": ["kind", "withsource", "isfuzzy"],
        "mv-expand": ["bagexpansion", "with_itemindex", "kind"], "mvexpand": ["bagexpansion", "with_itemindex", "kind"],
        "mv-apply": ["with_itemindex"], "parse": ["kind", "flags"], "parse-where": ["kind", "flags"],
        "make-series": ["kind"], "search": ["kind"], "find": ["withsource"], "getschema": ["kind"],
    ]

    // MARK: dispatch

    /// A source operator (`union`, `datatable`, `externaldata`, `range`, `print`, `search`, `find`,
    /// `evaluate`) if one starts here.
    mutating func parseSourceOperator() throws(Failure) -> PipeOperator? {
        let token = current
        guard token.kind == .keyword else { return nil }
        switch token.text {
        case "union", "datatable", "externaldata", "print", "search", "find", "evaluate":
            return try parseOperator()
        case "range" where !isPunctuation("(", at: 1):
            return try parseOperator()
        default:
            return nil
        }
    }

    /// The operator after a `|`.
    mutating func parsePipeOperator() throws(Failure) -> PipeOperator {
        let token = current
        guard token.kind == .keyword, SyntaxParser.pipeOperatorNames.contains(token.text) else {
            throw fail("a tabular operator (where, project, extend, summarize, …) after '|'")
        }
        return try parseOperator()
    }

    /// Any operator, at its name.
    mutating func parseOperator() throws(Failure) -> PipeOperator {
        let start = startLocation
        let name = advance().text
        let parameters = try parseParameters(for: name)
        let kind = try parseOperatorBody(name)
        return PipeOperator(name: name, parameters: parameters, kind: kind, range: range(from: start))
    }

    /// `name = value` parameters: `hint.…` always, and the names the operator takes.
    mutating func parseParameters(for operatorName: String) throws(Failure) -> [OperatorParameter] {
        var parameters: [OperatorParameter] = []
        let allowed = SyntaxParser.parameterNames[operatorName] ?? []
        while current.kind == .identifier || current.kind == .keyword {
            let start = startLocation
            var name = current.text
            if name == "hint" && isPunctuation(".", at: 1) {
                advance()
                while take(".") {
                    let part = current
                    guard part.kind == .identifier || part.kind == .keyword else { throw fail("a hint name after 'hint.'") }
                    name += "." + part.text
                    advance()
                }
            } else if allowed.contains(name) && isPunctuation("=", at: 1) {
                advance()
            } else {
                break
            }
            try expect("=", " after the parameter name '\(name)'")
            let value = try parseParameterValue()
            parameters.append(OperatorParameter(name: name, value: value, range: range(from: start)))
        }
        return parameters
    }

    /// A parameter value: one name or literal, possibly negative.
    mutating func parseParameterValue() throws(Failure) -> Expression {
        let start = startLocation
        let token = current
        switch token.kind {
        case .identifier, .keyword:
            advance()
            return Expression(.name(Identifier(token.text, range: token.range)), range: token.range)
        case .literal:
            advance()
            return Expression(.literal(Literal(text: token.text, value: token.value)), range: token.range)
        case .punctuation where token.text == "-" && peek(1).kind == .literal:
            advance()
            let literal = advance()
            let operand = Expression(.literal(Literal(text: literal.text, value: literal.value)), range: literal.range)
            return Expression(.unary(.minus, operand), range: range(from: start))
        default:
            throw fail("a value for the parameter")
        }
    }

    /// `(name = value, …)` property lists (`externaldata … with (…)`, `parse-kv … with (…)`).
    mutating func parsePropertyList() throws(Failure) -> [OperatorParameter] {
        try expect("(", " to open the property list")
        var properties: [OperatorParameter] = []
        if take(")") { return properties }
        repeat {
            let start = startLocation
            let name = try parseIdentifier("a property name")
            try expect("=", " after the property name")
            let value = try parseExpression()
            properties.append(OperatorParameter(name: name.name, value: value, range: range(from: start)))
        } while take(",")
        try expect(")", " to close the property list")
        return properties
    }

    // MARK: operators

    mutating func parseOperatorBody(_ name: String) throws(Failure) -> PipeOperator.Kind {
        switch name {
        case "where", "filter":
            return .where(try parseExpression())
        case "project":
            return .project(try parseColumnExpressions())
        case "extend":
            return .extend(try parseColumnExpressions())
        case "project-away":
            return .projectAway(try parseNamePatterns())
        case "project-keep":
            return .projectKeep(try parseNamePatterns())
        case "project-rename":
            return .projectRename(try parseColumnExpressions())
        case "project-reorder":
            var keys: [SortKey] = []
            repeat {
                keys.append(try parseSortKey(namesOnly: true))
            } while take(",")
            return .projectReorder(keys)
        case "summarize":
            var aggregates: [ColumnExpression] = []
            if !isWord("by") { aggregates = try parseColumnExpressions() }
            var groups: [ColumnExpression] = []
            if take("by") { groups = try parseColumnExpressions() }
            return .summarize(SummarizeOperator(aggregates: aggregates, groups: groups))
        case "join", "lookup":
            let right = try parsePostfix()
            var conditions: [Expression] = []
            if take("on") { conditions = try parseExpressionList() }
            let join = JoinOperator(right: right, conditions: conditions)
            return name == "join" ? .join(join) : .lookup(join)
        case "union":
            var tables: [Expression] = []
            repeat {
                tables.append(try parseTableReference())
            } while take(",")
            return .union(tables)
        case "distinct":
            return .distinct(try parseColumnExpressions())
        case "top":
            let count = try parseExpression()
            try expect("by", " after the number of rows in 'top'")
            return .top(count: count, by: try parseSortKey())
        case "top-nested":
            var clauses: [TopNestedClause] = []
            repeat {
                clauses.append(try parseTopNestedClause())
            } while take(",") && take("top-nested")
            return .topNested(clauses)
        case "sort", "order":
            try expect("by", " after '\(name)'")
            var keys: [SortKey] = []
            repeat {
                keys.append(try parseSortKey())
            } while take(",")
            return .sort(keys)
        case "take", "limit":
            return .take(try parseExpression())
        case "count":
            return .count
        case "mv-expand", "mvexpand":
            let items = try parseExpandItems()
            var limit: Expression?
            if take("limit") { limit = try parseExpression() }
            return .mvExpand(MvExpandOperator(items: items, limit: limit))
        case "mv-apply":
            let items = try parseExpandItems()
            var limit: Expression?
            if take("limit") { limit = try parseExpression() }
            try expect("on", " before the subquery of 'mv-apply'")
            let subquery = try parseSubquery(open: "(", close: ")")
            return .mvApply(MvApplyOperator(items: items, limit: limit, subquery: subquery))
        case "parse", "parse-where":
            let source = try parseExpression()
            try expect("with", " and a pattern after the parsed expression")
            var pattern: [ParsePatternElement] = []
            while !isOperatorEnd() {
                let token = current
                if token.kind == .literal, case .string = token.value {
                    advance()
                    pattern.append(.text(Literal(text: token.text, value: token.value)))
                } else if token.kind == .punctuation && token.text == "*" {
                    advance()
                    pattern.append(.wildcard)
                } else if isName() {
                    let column = try parseIdentifier()
                    var type: Identifier?
                    if take(":") { type = try parseTypeName() }
                    pattern.append(.column(column, type: type))
                } else {
                    throw fail("a string, '*' or a column name in the pattern of '\(name)'")
                }
            }
            if pattern.isEmpty { throw fail("a pattern after 'with'") }
            return .parse(ParseOperator(source: source, pattern: pattern))
        case "parse-kv":
            let source = try parseExpression()
            try expect("as", " and the extracted columns after the parsed expression")
            try expect("(", " to open the column list")
            let columns = try parseColumnDeclarations()
            var properties: [OperatorParameter] = []
            if take("with") { properties = try parsePropertyList() }
            return .parseKV(ParseKVOperator(source: source, columns: columns, properties: properties))
        case "evaluate":
            guard isName() && isPunctuation("(", at: 1) else { throw fail("a plugin call such as bag_unpack(Column)") }
            let plugin = try parsePostfix()
            var schema: RowSchema?
            if take(":") { schema = try parseTableSchema() }
            return .evaluate(EvaluateOperator(plugin: plugin, schema: schema))
        case "make-series":
            return .makeSeries(try parseMakeSeries())
        case "render":
            return .render(try parseRender())
        case "invoke":
            return .invoke(try parsePostfix())
        case "as":
            return .as(try parseIdentifier("a name after 'as'"))
        case "serialize":
            return .serialize(isOperatorEnd() ? [] : try parseColumnExpressions())
        case "getschema":
            return .getschema
        case "sample":
            return .sample(try parseExpression())
        case "sample-distinct":
            let count = try parseExpression()
            try expect("of", " after the number of values in 'sample-distinct'")
            return .sampleDistinct(count: count, of: try parseExpression())
        case "partition":
            try expect("by", " after 'partition'")
            let column = try parseIdentifier("the partition column")
            let usesBraces = isPunctuation("{")
            let subquery = try usesBraces ? parseSubquery(open: "{", close: "}") : parseSubquery(open: "(", close: ")")
            return .partition(
                PartitionOperator(
                    column: Expression(.name(column), range: column.range), subquery: subquery, usesBraces: usesBraces))
        case "fork":
            var branches: [ForkBranch] = []
            while isPunctuation("(") || (isName() && isPunctuation("=", at: 1)) {
                let start = startLocation
                var branchName: Identifier?
                if !isPunctuation("(") {
                    branchName = try parseIdentifier()
                    advance()
                }
                let subquery = try parseSubquery(open: "(", close: ")")
                branches.append(ForkBranch(name: branchName, subquery: subquery, range: range(from: start)))
            }
            if branches.isEmpty { throw fail("'(' and a subquery after 'fork'") }
            return .fork(branches)
        case "facet":
            try expect("by", " after 'facet'")
            let columns = try parseNamePatterns()
            var with: TabularExpression?
            if take("with") { with = try parseSubquery(open: "(", close: ")") }
            return .facet(columns: columns, with: with)
        case "search":
            let tables = try parseInTables()
            return .search(SearchOperator(tables: tables, predicate: try parseExpression()))
        case "find":
            let tables = try parseInTables()
            try expect("where", " before the predicate of 'find'")
            let predicate = try parseExpression()
            var projection: FindOperator.Projection?
            if take("project-smart") {
                projection = .smart
            } else if take("project") {
                projection = .columns(try parseNamePatterns())
            }
            return .find(FindOperator(tables: tables, predicate: predicate, projection: projection))
        case "datatable":
            try expect("(", " and the column list after 'datatable'")
            let columns = try parseColumnDeclarations()
            return .datatable(columns: columns, values: try parseBracketedValues("values"))
        case "externaldata":
            try expect("(", " and the column list after 'externaldata'")
            let columns = try parseColumnDeclarations()
            let uris = try parseBracketedValues("storage URIs")
            var properties: [OperatorParameter] = []
            if take("with") { properties = try parsePropertyList() }
            return .externaldata(columns: columns, uris: uris, properties: properties)
        case "range":
            let column = try parseIdentifier("a column name after 'range'")
            try expect("from", " after the column name in 'range'")
            let from = try parseExpression()
            try expect("to", " after the start of 'range'")
            let to = try parseExpression()
            try expect("step", " after the end of 'range'")
            return .range(column: column, from: from, to: to, step: try parseExpression())
        case "print":
            return .print(try parseColumnExpressions())
        default:
            return .generic(parseRawTokens())
        }
    }

    /// `[with_itemindex=…] Column [to typeof(type)], …` of `mv-expand` and `mv-apply`.
    mutating func parseExpandItems() throws(Failure) -> [ExpandItem] {
        var items: [ExpandItem] = []
        repeat {
            let start = startLocation
            let column = try parseColumnExpression()
            var type: Identifier?
            if take("to") {
                guard isWord("typeof") else { throw fail("'typeof(type)' after 'to'") }
                advance()
                try expect("(", " after 'typeof'")
                type = try parseTypeName()
                try expect(")", " to close 'typeof'")
            }
            items.append(ExpandItem(column: column, type: type, range: range(from: start)))
        } while take(",")
        return items
    }

    /// `[N] of [Name =] Expression [with others = Value] by [Name =] Aggregation [asc | desc]`.
    mutating func parseTopNestedClause() throws(Failure) -> TopNestedClause {
        let start = startLocation
        var count: Expression?
        if !isWord("of") { count = try parseExpression() }
        try expect("of", " in 'top-nested'")
        let of = try parseColumnExpression()
        var withOthers: Expression?
        if isWord("with") && isWord("others", at: 1) {
            advance()
            advance()
            try expect("=", " after 'with others'")
            withOthers = try parseExpression()
        }
        try expect("by", " and an aggregation in 'top-nested'")
        let by = try parseColumnExpression()
        var order: SortKey.Order?
        if take("asc") {
            order = .ascending
        } else if take("desc") {
            order = .descending
        }
        return TopNestedClause(count: count, of: of, withOthers: withOthers, by: by, order: order, range: range(from: start))
    }

    mutating func parseMakeSeries() throws(Failure) -> MakeSeriesOperator {
        var aggregates: [MakeSeriesOperator.Aggregate] = []
        repeat {
            let start = startLocation
            let column = try parseColumnExpression()
            var defaultValue: Expression?
            if isWord("default") && isPunctuation("=", at: 1) {
                advance()
                advance()
                defaultValue = try parseExpression()
            }
            aggregates.append(MakeSeriesOperator.Aggregate(column: column, defaultValue: defaultValue, range: range(from: start)))
        } while take(",")
        try expect("on", " and the axis column in 'make-series'")
        let axis = try parseBinary(minimumPrecedence: 4)
        var series = MakeSeriesOperator(aggregates: aggregates, axis: axis, groups: [])
        if isWordOperator("in") {
            advance()
            series.inRange = try parsePostfix()
        } else {
            if take("from") { series.from = try parseExpression() }
            if take("to") { series.to = try parseExpression() }
            try expect("step", " and the bin size in 'make-series'")
            series.step = try parseExpression()
        }
        if take("by") { series.groups = try parseColumnExpressions() }
        return series
    }

    mutating func parseRender() throws(Failure) -> RenderOperator {
        let visualization = try parseIdentifier("a chart type after 'render' (timechart, columnchart, piechart, …)")
        var properties: [RenderOperator.Property] = []
        let usesWith = take("with")
        if usesWith {
            try expect("(", " after 'with'")
            if !isPunctuation(")") {
                repeat {
                    properties.append(try parseRenderProperty())
                } while take(",")
            }
            try expect(")", " to close the properties of 'render'")
        } else {
            while isName() && isPunctuation("=", at: 1) {
                properties.append(try parseRenderProperty())
            }
        }
        return RenderOperator(visualization: visualization, properties: properties, usesWith: usesWith)
    }

    /// `name = value [, value …]`; a comma followed by `name =` starts the next property.
    mutating func parseRenderProperty() throws(Failure) -> RenderOperator.Property {
        let start = startLocation
        let name = try parseIdentifier("a property name")
        try expect("=", " after the property name")
        var values = [try parseExpression()]
        while isPunctuation(","), !(isName(at: 1) && isPunctuation("=", at: 2)), !isPunctuation(")", at: 1) {
            advance()
            values.append(try parseExpression())
        }
        return RenderOperator.Property(name: name, values: values, range: range(from: start))
    }

    /// `in (Table, …)` of `search` and `find`, if present.
    mutating func parseInTables() throws(Failure) -> [Expression]? {
        guard isWordOperator("in") && isPunctuation("(", at: 1) else { return nil }
        advance()
        advance()
        var tables: [Expression] = []
        repeat {
            tables.append(try parseTableReference())
        } while take(",")
        try expect(")", " to close the table list")
        return tables
    }

    /// `[value, …]` of `datatable` and `externaldata` (a one-string list may lex as `['…']`).
    mutating func parseBracketedValues(_ what: String) throws(Failure) -> [Expression] {
        let token = current
        if token.kind == .bracketedName {
            advance()
            return [Expression(.literal(SyntaxParser.bracketContent(token)), range: token.range)]
        }
        try expect("[", " and the \(what)")
        var values: [Expression] = []
        while !isPunctuation("]") {
            values.append(try parseExpression())
            if !take(",") { break }
        }
        try expect("]", " to close the \(what)")
        return values
    }

    /// The tokens of an operator kept verbatim, up to the next `|` or `;` outside brackets.
    mutating func parseRawTokens() -> [RawToken] {
        var tokens: [RawToken] = []
        var opened: [Token] = []
        defer {
            // An unclosed bracket swallows the rest of the text, `;` and `|` included: an error,
            // or the statements after it would silently become part of this operator.
            if let first = opened.first, atEnd { report("syntax-error", "'\(first.text)' is never closed", at: first) }
        }
        while !atEnd {
            let token = current
            if token.kind == .punctuation {
                switch token.text {
                case "(", "[", "{":
                    opened.append(token)
                case ")", "]", "}":
                    if opened.isEmpty { return tokens }
                    opened.removeLast()
                case "|", ";":
                    if opened.isEmpty { return tokens }
                default: break
                }
            }
            advance()
            tokens.append(RawToken(text: token.text, spaceBefore: tokens.isEmpty || token.hasLeadingTrivia, range: token.range))
        }
        return tokens
    }
}
