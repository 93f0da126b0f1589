extension SyntaxParser {
    // MARK: tabular expressions

    /// An expression that may continue with `| operator` steps: a `.tabular` expression when it
    /// has steps or starts with a source operator, the plain expression otherwise.
    mutating func parsePipeExpression() throws(Failure) -> Expression {
        let tabular = try parseTabularExpression(statement: false)
        if tabular.operators.isEmpty, case .expression(let expression) = tabular.source {
            return expression
        }
        return Expression(.tabular(tabular), range: tabular.range)
    }

    /// A source and its pipe chain. As a statement (`statement`), a broken source or stray tokens
    /// are reported and skipped so the rest of the chain is still read.
    mutating func parseTabularExpression(statement: Bool, inBody: Bool = false) throws(Failure) -> TabularExpression {
        try enter()
        defer { depth -= 1 }
        let start = startLocation
        var source: TabularSource
        do {
            if let sourceOperator = try parseSourceOperator() {
                source = .operator(sourceOperator)
            } else {
                // This level is already counted: parse the expression without `parseExpression`.
                source = .expression(try parseBinary(minimumPrecedence: 1))
            }
        } catch {
            guard statement else { throw error }
            recover(stopAtPipe: true, passClosers: true, stopAtBrace: inBody)
            source = .expression(Expression(.missing, range: range(from: start)))
        }
        var operators = parseOperators()
        while statement && !atEnd && !isPunctuation(";") && !(inBody && isPunctuation("}")) {
            _ = fail(inBody ? "'|', ';' or '}'" : "'|', ';' or the end of the query")
            recover(stopAtPipe: true, passClosers: true, stopAtBrace: inBody)
            guard isPunctuation("|") else { break }
            operators += parseOperators()
        }
        return TabularExpression(source: source, operators: operators, range: range(from: start))
    }

    /// `| operator` steps, each recovered on its own: an error skips to the next `|`.
    mutating func parseOperators() -> [PipeOperator] {
        var operators: [PipeOperator] = []
        while true {
            if isPunctuation("|") {
                advance()
            } else if current.kind == .keyword, SyntaxParser.pipeOperatorNames.contains(current.text) {
                // A forgotten `|`: say so, then read the operator anyway.
                report("syntax-error", "expected '|' before '\(current.text)', found '\(current.text)'", at: current)
            } else {
                break
            }
            do {
                operators.append(try parsePipeOperator())
            } catch {
                recover(stopAtPipe: true, passClosers: false)
            }
        }
        return operators
    }

    /// A subquery in brackets, after an operator that hands it rows (`mv-apply … on (…)`,
    /// `partition … (…)`, `fork (…)`, `facet … with (…)`): it starts with an operator, or is a
    /// whole tabular expression.
    mutating func parseSubquery(open: String, close: String) throws(Failure) -> TabularExpression {
        try enter()
        defer { depth -= 1 }
        try expect(open, " to open the subquery")
        let start = startLocation
        var subquery: TabularExpression
        if current.kind == .keyword, SyntaxParser.pipeOperatorNames.contains(current.text) {
            var operators: [PipeOperator] = []
            do {
                operators.append(try parsePipeOperator())
            } catch {
                recover(stopAtPipe: true, passClosers: false)
            }
            operators += parseOperators()
            subquery = TabularExpression(source: nil, operators: operators, range: range(from: start))
        } else {
            subquery = try parseTabularExpression(statement: false)
        }
        try expect(close, " to close the subquery")
        return subquery
    }

    // MARK: scalar expressions

    /// A full expression, `or` and everything that binds tighter.
    mutating func parseExpression() throws(Failure) -> Expression {
        try enter()
        defer { depth -= 1 }
        return try parseBinary(minimumPrecedence: 1)
    }

    /// Precedence climbing over the binary operators (all left-associative).
    mutating func parseBinary(minimumPrecedence: Int) throws(Failure) -> Expression {
        let start = startLocation
        var left = try parseUnary()
        // Each operator nests the tree one level deeper (`a + b + c` is `(a + b) + c`).
        var levels = 0
        defer { depth -= levels }
        while let (op, spelling, isBetween) = currentBinaryOperator() {
            let precedence = isBetween ? 3 : op.precedence
            guard precedence >= minimumPrecedence else { break }
            try enter()
            levels += 1
            advance()
            if isBetween {
                try expect("(", " after 'between'")
                let lower = try parseExpression()
                try expect("..", " between the bounds of 'between'")
                let upper = try parseExpression()
                try expect(")", " to close 'between'")
                let negated = op == .notEqual
                left = Expression(
                    .between(left, lower: lower, upper: upper, negated: negated, spelling: spelling), range: range(from: start))
            } else if op.takesList {
                let right = try parseListOperand()
                left = Expression(.binary(op, left, right, spelling: spelling), range: range(from: start))
            } else {
                let right = try parseBinary(minimumPrecedence: precedence + 1)
                left = Expression(.binary(op, left, right, spelling: spelling), range: range(from: start))
            }
        }
        return left
    }

    /// The binary operator at the current token, its deprecated spelling if one was used, and
    /// whether it is `between` (then `op` is `.equal`, or `.notEqual` for `!between`).
    func currentBinaryOperator() -> (BinaryOperator, String?, Bool)? {
        let token = tokens[index]
        switch token.kind {
        case .punctuation:
            switch token.text {
            case "==": return (.equal, nil, false)
            case "!=": return (.notEqual, nil, false)
            case "<>": return (.notEqual, "<>", false)
            case "=~": return (.equalTilde, nil, false)
            case "!~": return (.notEqualTilde, nil, false)
            case "<": return (.less, nil, false)
            case "<=": return (.lessOrEqual, nil, false)
            case ">": return (.greater, nil, false)
            case ">=": return (.greaterOrEqual, nil, false)
            case "+": return (.add, nil, false)
            case "-": return (.subtract, nil, false)
            case "*": return (.multiply, nil, false)
            case "/": return (.divide, nil, false)
            case "%": return (.modulo, nil, false)
            default: return nil
            }
        case .keyword:
            switch token.text {
            case "and": return (.and, nil, false)
            case "or": return (.or, nil, false)
            default: return nil
            }
        case .wordOperator:
            let text = token.text
            switch text {
            case "between": return (.equal, nil, true)
            case "!between": return (.notEqual, nil, true)
            case "notbetween": return (.notEqual, "notbetween", true)
            default: break
            }
            if text.hasPrefix("matches") { return (.matchesRegex, nil, false) }
            if let op = BinaryOperator(rawValue: text) { return (op, nil, false) }
            if let op = KQLAliases.binaryOperators[text] { return (op, text, false) }
            return nil
        default:
            return nil
        }
    }

    /// The right side of `in`, `has_any`, …: a parenthesized list, or one expression.
    mutating func parseListOperand() throws(Failure) -> Expression {
        let start = startLocation
        guard take("(") else { return try parseUnary() }
        var elements: [Expression] = []
        if !isPunctuation(")") {
            repeat {
                elements.append(try parsePipeExpression())
            } while take(",")
        }
        try expect(")", " to close the list")
        return Expression(.list(elements), range: range(from: start))
    }

    mutating func parseUnary() throws(Failure) -> Expression {
        let start = startLocation
        let token = current
        if token.kind == .punctuation, token.text == "-" || token.text == "+" {
            try enter()
            defer { depth -= 1 }
            advance()
            let operand = try parseUnary()
            return Expression(.unary(token.text == "-" ? .minus : .plus, operand), range: range(from: start))
        }
        return try parsePostfix()
    }

    /// A primary expression followed by `.member`, `[index]` and `.method(…)` steps.
    mutating func parsePostfix() throws(Failure) -> Expression {
        let start = startLocation
        var expression = try parsePrimary()
        // Each step nests the tree one level deeper.
        var levels = 0
        defer { depth -= levels }
        while true {
            let token = current
            if token.kind == .punctuation && (token.text == "." || token.text == "[") || token.kind == .bracketedName {
                try enter()
                levels += 1
            }
            if token.kind == .punctuation && token.text == "." {
                advance()
                let member = current
                let name: Identifier
                switch member.kind {
                case .identifier, .keyword, .wordOperator:
                    advance()
                    name = Identifier(member.text, range: member.range)
                case .bracketedName:
                    advance()
                    name = Identifier(member.name ?? "", isBracketed: true, range: member.range)
                default:
                    throw fail("a name after '.'")
                }
                if isPunctuation("("), !name.isBracketed {
                    let arguments = try parseArguments()
                    let call = FunctionCall(name: name.name, callee: name, target: expression, arguments: arguments)
                    expression = Expression(.call(call), range: range(from: start))
                } else {
                    expression = Expression(.member(expression, name), range: range(from: start))
                }
            } else if token.kind == .punctuation && token.text == "[" {
                advance()
                let subscriptExpression = try parseExpression()
                try expect("]", " to close the index")
                expression = Expression(.index(expression, subscriptExpression), range: range(from: start))
            } else if token.kind == .bracketedName {
                // `a['key']` (and `a ['key']`) lexes as a bracketed name; after a value it is an index.
                advance()
                let literal = Expression(.literal(SyntaxParser.bracketContent(token)), range: token.range)
                expression = Expression(.index(expression, literal), range: range(from: start))
            } else {
                return expression
            }
        }
    }

    /// The string literal inside a `['…']` token, with its text as written.
    static func bracketContent(_ token: Token) -> Literal {
        var text = Substring(token.text.dropFirst().dropLast())
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return Literal(text: String(text), value: token.value)
    }

    mutating func parsePrimary() throws(Failure) -> Expression {
        let start = startLocation
        let token = current
        switch token.kind {
        case .literal:
            advance()
            guard case .string(var value) = token.value else {
                return Expression(.literal(Literal(text: token.text, value: token.value)), range: token.range)
            }
            // Adjacent string literals are one string: "abc" "def".
            var text = token.text
            while current.kind == .literal, case .string(let more) = current.value {
                text += " " + current.text
                value += more
                advance()
            }
            return Expression(.literal(Literal(text: text, value: .string(value))), range: range(from: start))
        case .identifier, .keyword:
            if isPunctuation("(", at: 1) {
                return try parseCall()
            }
            guard !SyntaxParser.reservedWords.contains(token.text) || token.kind == .identifier else {
                throw fail("an expression")
            }
            advance()
            return Expression(.name(Identifier(token.text, range: token.range)), range: token.range)
        case .bracketedName:
            advance()
            return Expression(.name(Identifier(token.name ?? "", isBracketed: true, range: token.range)), range: token.range)
        case .punctuation where token.text == "(":
            advance()
            let inner = try parsePipeExpression()
            try expect(")", " to close the parenthesis")
            return Expression(.parenthesized(inner), range: range(from: start))
        case .punctuation where token.text == "*":
            advance()
            return Expression(.wildcard, range: token.range)
        default:
            throw fail("an expression")
        }
    }

    /// `name(arguments)`, with the name read as its modern form when it is a deprecated alias.
    mutating func parseCall() throws(Failure) -> Expression {
        let start = startLocation
        let token = advance()
        let callee = Identifier(token.text, range: token.range)
        let arguments = try parseArguments()
        let name = KQLAliases.functions[token.text] ?? token.text
        return Expression(.call(FunctionCall(name: name, callee: callee, arguments: arguments)), range: range(from: start))
    }

    /// `(argument, …)`: expressions (tabular ones too), `name = value`, or `*`.
    mutating func parseArguments() throws(Failure) -> [Argument] {
        try expect("(")
        var arguments: [Argument] = []
        if take(")") { return arguments }
        repeat {
            let start = startLocation
            if isPunctuation("*") && (isPunctuation(",", at: 1) || isPunctuation(")", at: 1)) {
                let token = advance()
                arguments.append(Argument(value: Expression(.wildcard, range: token.range), range: token.range))
            } else if isName() && isPunctuation("=", at: 1) {
                let name = try parseIdentifier()
                advance()
                let value = try parsePipeExpression()
                arguments.append(Argument(name: name, value: value, range: range(from: start)))
            } else {
                let value = try parsePipeExpression()
                arguments.append(Argument(value: value, range: range(from: start)))
            }
        } while take(",")
        try expect(")", " to close the argument list")
        return arguments
    }

    // MARK: operator arguments

    /// `Expression`, `Name = Expression`, `(A, B) = Expression` or `*`.
    mutating func parseColumnExpression() throws(Failure) -> ColumnExpression {
        let start = startLocation
        if isPunctuation("("), let count = tupleTargetLength() {
            advance()
            var names: [Identifier] = []
            for _ in 0..<count {
                names.append(try parseIdentifier())
                _ = take(",")
            }
            try expect(")")
            try expect("=")
            let value = try parseExpression()
            return ColumnExpression(target: .tuple(names), expression: value, range: range(from: start))
        }
        if isName() && isPunctuation("=", at: 1) {
            let name = try parseIdentifier()
            advance()
            let value = try parseExpression()
            return ColumnExpression(target: .name(name), expression: value, range: range(from: start))
        }
        if isPunctuation("*") && (isPunctuation(",", at: 1) || isOperatorEnd(at: 1)) {
            let token = advance()
            return ColumnExpression(expression: Expression(.wildcard, range: token.range), range: token.range)
        }
        let value = try parseExpression()
        return ColumnExpression(expression: value, range: range(from: start))
    }

    /// For `(A, B, …) =`, how many names are in the parentheses.
    func tupleTargetLength() -> Int? {
        var offset = 1
        var count = 0
        while true {
            guard isName(at: offset) else { return nil }
            count += 1
            offset += 1
            if isPunctuation(",", at: offset) {
                offset += 1
                continue
            }
            return isPunctuation(")", at: offset) && isPunctuation("=", at: offset + 1) ? count : nil
        }
    }

    /// Column expressions separated by commas.
    mutating func parseColumnExpressions() throws(Failure) -> [ColumnExpression] {
        var items: [ColumnExpression] = []
        repeat {
            items.append(try parseColumnExpression())
        } while take(",")
        return items
    }

    /// Expressions separated by commas.
    mutating func parseExpressionList() throws(Failure) -> [Expression] {
        var items: [Expression] = []
        repeat {
            items.append(try parseExpression())
        } while take(",")
        return items
    }

    /// Whether the token at `offset` ends an operator: `|`, `;`, a closing bracket, or the end.
    func isOperatorEnd(at offset: Int = 0) -> Bool {
        let token = peek(offset)
        if token.kind == .endOfFile { return true }
        guard token.kind == .punctuation else { return false }
        switch token.text {
        case "|", ";", ")", "]", "}": return true
        default: return false
        }
    }

    /// A column name or a wildcard pattern (`Col*`, `*Id`, `Device*Events`), as a name.
    mutating func parseNamePattern() throws(Failure) -> Expression {
        let start = startLocation
        let first = current
        if first.kind == .bracketedName {
            advance()
            return Expression(.name(Identifier(first.name ?? "", isBracketed: true, range: first.range)), range: first.range)
        }
        guard isPatternPiece(first) else { throw fail("a column name or pattern") }
        var text = first.text
        advance()
        while isPatternPiece(current) && !current.hasLeadingTrivia && (current.text == "*" || text.hasSuffix("*")) {
            text += current.text
            advance()
        }
        if text == "*" { return Expression(.wildcard, range: range(from: start)) }
        return Expression(.name(Identifier(text, range: range(from: start))), range: range(from: start))
    }

    private func isPatternPiece(_ token: Token) -> Bool {
        token.kind == .identifier || token.kind == .keyword || (token.kind == .punctuation && token.text == "*")
    }

    /// Name patterns separated by commas.
    mutating func parseNamePatterns() throws(Failure) -> [Expression] {
        var items: [Expression] = []
        repeat {
            items.append(try parseNamePattern())
        } while take(",")
        return items
    }

    /// A table in `union`, `search in (…)`, `find in (…)`: a name pattern, or any postfix
    /// expression (a parenthesized subquery, a call, `cluster(…).database(…).T`).
    mutating func parseTableReference() throws(Failure) -> Expression {
        let token = current
        if token.kind == .punctuation && token.text == "*" { return try parseNamePattern() }
        if token.kind == .identifier || token.kind == .keyword {
            let next = peek(1)
            if next.kind == .punctuation && next.text == "*" && !next.hasLeadingTrivia { return try parseNamePattern() }
        }
        return try parsePostfix()
    }

    /// `Expression [asc | desc | granny-asc | granny-desc] [nulls first | nulls last]`.
    mutating func parseSortKey(namesOnly: Bool = false) throws(Failure) -> SortKey {
        let start = startLocation
        let expression = namesOnly ? try parseNamePattern() : try parseExpression()
        var order: SortKey.Order?
        if take("asc") {
            order = .ascending
        } else if take("desc") {
            order = .descending
        } else if isWord("granny"), isPunctuation("-", at: 1), isWord("asc", at: 2) || isWord("desc", at: 2) {
            advance()
            advance()
            order = advance().text == "asc" ? .grannyAscending : .grannyDescending
        }
        var nulls: SortKey.Nulls?
        if take("nulls") {
            if take("first") {
                nulls = .first
            } else if take("last") {
                nulls = .last
            } else {
                throw fail("'first' or 'last' after 'nulls'")
            }
        }
        return SortKey(expression: expression, order: order, nulls: nulls, range: range(from: start))
    }
}
