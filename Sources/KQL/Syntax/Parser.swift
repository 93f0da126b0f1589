/// A KQL text parsed: its syntax tree, what was wrong with it, and its comments.
public struct ParsedQuery: Sendable {
    /// The syntax tree. With syntax errors, it holds what could be read around them.
    public var script: QueryScript
    /// Lexer and parser diagnostics, in source order.
    public var diagnostics: [Diagnostic]
    /// The `//` comments, in order (for `// @lint-disable CODE` and similar).
    public var comments: [Token]

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.hasErrors }

    /// The syntax errors (lexer and parser errors; warnings excluded).
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

/// Parses KQL into a syntax tree (`QueryScript`), reporting syntax errors as diagnostics.
///
/// Recursive descent over the lexer's tokens. A syntax error becomes
/// `path:line:col: error: expected …, found …` (code `syntax-error`) and parsing resumes at the next
/// `|` or statement, so every error of a file is reported. Any input, however broken, gives a tree
/// and diagnostics: the parser never traps, always moves forward, and stops nesting at
/// `maxNestingDepth` (code `nesting-too-deep`).
public enum KQLParser {
    /// How deeply expressions, subqueries and function bodies may nest before the parser gives up.
    public static let maxNestingDepth = 200

    /// The most call stack the parser uses before it reports `nesting-too-deep` even below
    /// `maxNestingDepth`: debug builds use tens of kilobytes per level, and a stack overflow
    /// would crash the process rather than report a diagnostic.
    public static let stackBudget = 1 << 20

    /// Parses a KQL text.
    /// - Parameters:
    ///   - source: The text.
    ///   - path: The file it came from, for the diagnostics.
    /// - Returns: The tree, the diagnostics and the comments.
    public static func parse(_ source: String, path: String? = nil) -> ParsedQuery {
        parse(Lexer.lex(source), path: path)
    }

    /// Parses KQL from UTF-8 bytes (invalid UTF-8 is reported, not trusted).
    /// - Parameters:
    ///   - bytes: The text's bytes.
    ///   - path: The file it came from, for the diagnostics.
    /// - Returns: The tree, the diagnostics and the comments.
    public static func parse(bytes: [UInt8], path: String? = nil) -> ParsedQuery {
        parse(Lexer.lex(bytes: bytes), path: path)
    }

    /// Parses an already lexed text.
    /// - Parameters:
    ///   - lexed: The lexer's output.
    ///   - path: The file it came from, for the diagnostics.
    /// - Returns: The tree, the lexer's and the parser's diagnostics, and the comments.
    public static func parse(_ lexed: LexedSource, path: String? = nil) -> ParsedQuery {
        var parser = SyntaxParser(tokens: lexed.tokens, lexerDiagnostics: lexed.diagnostics)
        let script = parser.parseScript()
        var diagnostics = lexed.diagnostics
        if !parser.diagnostics.isEmpty {
            diagnostics += parser.diagnostics
            diagnostics = diagnostics.inSourceOrder()
        }
        if let path { diagnostics = diagnostics.map { $0.inFile(path) } }
        return ParsedQuery(script: script, diagnostics: diagnostics, comments: lexed.comments)
    }

    /// Parses one scalar expression (for tests and tools), reporting anything left over.
    /// - Parameter source: The expression's text.
    /// - Returns: The expression, or `nil` when it has errors, and the diagnostics.
    public static func parseExpression(_ source: String) -> (expression: Expression?, diagnostics: [Diagnostic]) {
        let lexed = Lexer.lex(source)
        var parser = SyntaxParser(tokens: lexed.tokens, lexerDiagnostics: lexed.diagnostics)
        var expression: Expression?
        do {
            let parsed = try parser.parsePipeExpression()
            if !parser.atEnd { throw parser.fail("the end of the expression") }
            expression = parsed
        } catch {}
        let diagnostics = lexed.diagnostics + parser.diagnostics
        return (diagnostics.hasErrors ? nil : expression, diagnostics)
    }
}

/// The parser's state: the tokens, a position, and the diagnostics so far.
struct SyntaxParser {
    /// Thrown when a syntax error was reported; caught where parsing can resume.
    struct Failure: Error {}

    let tokens: [Token]
    var index = 0
    var diagnostics: [Diagnostic] = []
    var depth = 0
    /// The end of the last token consumed, where a node that ends there ends.
    var previousEnd: SourceLocation
    /// Where error recovery stopped: an error right there is a consequence of the earlier one.
    var quietIndex = -1
    /// Offsets where the lexer already reported an error, so the parser does not repeat it.
    let lexerErrorOffsets: Set<Int>
    /// The stack address when parsing started, to measure how much stack nesting uses.
    let stackBase = SyntaxParser.stackAddress()

    init(tokens: [Token], lexerDiagnostics: [Diagnostic]) {
        self.tokens = tokens.isEmpty ? [Token(kind: .endOfFile, text: "", range: .none)] : tokens
        previousEnd = self.tokens[0].range.start
        lexerErrorOffsets = Set(lexerDiagnostics.filter { $0.severity == .error }.compactMap { $0.location?.offset })
    }

    // MARK: tokens

    var current: Token { tokens[index] }
    var atEnd: Bool { tokens[index].kind == .endOfFile }
    var startLocation: SourceLocation { tokens[index].range.start }

    func peek(_ offset: Int) -> Token {
        tokens[min(index + offset, tokens.count - 1)]
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if token.kind != .endOfFile {
            index += 1
            previousEnd = token.range.end
        }
        return token
    }

    /// Whether the token at `offset` is the punctuation `text`.
    func isPunctuation(_ text: String, at offset: Int = 0) -> Bool {
        let token = peek(offset)
        return token.kind == .punctuation && token.text == text
    }

    /// Whether the token at `offset` is the keyword or plain word `text`.
    func isWord(_ text: String, at offset: Int = 0) -> Bool {
        let token = peek(offset)
        return (token.kind == .keyword || token.kind == .identifier) && token.text == text
    }

    /// Whether the token at `offset` is the word operator `text` (`in`, `has`, …).
    func isWordOperator(_ text: String, at offset: Int = 0) -> Bool {
        let token = peek(offset)
        return token.kind == .wordOperator && token.text == text
    }

    /// Whether the token at `offset` can be a name: an identifier, a keyword used as a name, or a
    /// bracketed name.
    func isName(at offset: Int = 0) -> Bool {
        let token = peek(offset)
        switch token.kind {
        case .identifier, .bracketedName: return true
        case .keyword: return !SyntaxParser.reservedWords.contains(token.text)
        default: return false
        }
    }

    /// Keywords that never stand for a name in an expression: seeing one where an operand belongs
    /// is a syntax error with a clearer message than "unknown name".
    static let reservedWords: Set<String> = ["and", "or", "by", "on", "let", "with", "of"]

    /// Consumes the punctuation or keyword `text` if it is next.
    mutating func take(_ text: String) -> Bool {
        let token = tokens[index]
        guard token.text == text, token.kind == .punctuation || token.kind == .keyword || token.kind == .identifier else {
            return false
        }
        advance()
        return true
    }

    /// Consumes `text` or reports what was expected.
    mutating func expect(_ text: String, _ context: String = "") throws(Failure) {
        guard take(text) else { throw fail("'\(text)'\(context)") }
    }

    /// The range from `start` to the end of the last token consumed.
    func range(from start: SourceLocation) -> SourceRange {
        SourceRange(start: start, end: max(start, previousEnd))
    }

    // MARK: errors

    /// Reports `expected <expected>, found <current token>` and returns the failure to throw.
    /// (Never inlined: error paths would otherwise bloat every stack frame that can fail.)
    @inline(never)
    mutating func fail(_ expected: String) -> Failure {
        report("syntax-error", "expected \(expected), found \(describe(current))", at: current)
        return Failure()
    }

    @inline(never)
    mutating func report(_ code: String, _ message: String, at token: Token) {
        guard index != quietIndex, !lexerErrorOffsets.contains(token.range.start.offset) else { return }
        if let last = diagnostics.last, last.location == token.range.start { return }
        diagnostics.append(.error(code, message, at: token.range.start))
    }

    /// How a token is named in an error message.
    @inline(never)
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfFile: return "the end of the query"
        case .invalid: return "an invalid character"
        default:
            var text = token.text
            if let newline = text.firstIndex(where: { $0 == "\n" || $0 == "\r" }) { text = String(text[..<newline]) + "…" }
            if text.count > 40 { text = String(text.prefix(40)) + "…" }
            if token.kind == .literal, case .string = token.value { return "string \(text)" }
            return "'\(text)'"
        }
    }

    /// Counts one level of nesting; past the limit, reports it, skips to the end and fails.
    mutating func enter() throws(Failure) {
        guard depth < KQLParser.maxNestingDepth, stackBase - SyntaxParser.stackAddress() < KQLParser.stackBudget else {
            throw tooDeep()
        }
        depth += 1
    }

    @inline(never)
    mutating func tooDeep() -> Failure {
        report(
            "nesting-too-deep",
            "expressions are nested too deeply for the parser; simplify the query, for example with let statements",
            at: current)
        // Give up on the rest of the text: resuming inside thousands of open brackets would only
        // report the same problem again and again.
        index = tokens.count - 1
        previousEnd = tokens[index].range.start
        quietIndex = index
        return Failure()
    }

    /// An address in the current stack frame (stacks grow down on every platform Swift runs on).
    @inline(never)
    static func stackAddress() -> Int {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) }
    }

    /// Skips to where parsing can resume: the next `|` or `;` outside brackets, or the end of the
    /// enclosing brackets (left for their owner) unless `passClosers`, or the end of input.
    mutating func recover(stopAtPipe: Bool, passClosers: Bool, stopAtBrace: Bool = false) {
        var nesting = 0
        while !atEnd {
            let token = tokens[index]
            if token.kind == .punctuation {
                switch token.text {
                case "(", "[", "{":
                    nesting += 1
                case ")", "]", "}":
                    if nesting > 0 {
                        nesting -= 1
                    } else if stopAtBrace && token.text == "}" {
                        quietIndex = index
                        return
                    } else if !passClosers {
                        quietIndex = index
                        return
                    }
                case "|" where nesting == 0 && stopAtPipe, ";" where nesting == 0:
                    quietIndex = index
                    return
                default: break
                }
            }
            advance()
        }
        quietIndex = index
    }

    // MARK: statements

    mutating func parseScript() -> QueryScript {
        let start = startLocation
        let statements = parseStatements(inBody: false)
        return QueryScript(statements: statements, range: range(from: start))
    }

    /// Statements separated by `;`, up to the end of input or, in a function body, the `}`.
    mutating func parseStatements(inBody: Bool) -> [Statement] {
        var statements: [Statement] = []
        while !atEnd && !(inBody && isPunctuation("}")) {
            if take(";") { continue }
            let before = index
            do {
                let statement = try parseStatement(inBody: inBody)
                statements.append(statement)
                if take(";") || atEnd || (inBody && isPunctuation("}")) { continue }
                if case .let = statement.kind {
                    throw fail("';' after the let statement")
                }
                throw fail("';' between statements")
            } catch {
                recover(stopAtPipe: false, passClosers: true, stopAtBrace: inBody)
            }
            if index == before && !atEnd { advance() }
        }
        return statements
    }

    mutating func parseStatement(inBody: Bool) throws(Failure) -> Statement {
        let start = startLocation
        if isWord("let") {
            advance()
            let name = try parseIdentifier("a name after 'let'")
            try expect("=", " after the name in a let statement")
            let value: LetStatement.Value
            if isFunctionDefinitionAhead() {
                value = .function(try parseFunctionDefinition())
            } else {
                let expression = try parsePipeExpression()
                if case .tabular(let tabular) = expression.kind {
                    value = .tabular(tabular)
                } else {
                    value = .expression(expression)
                }
            }
            return Statement(.let(LetStatement(name: name, value: value)), range: range(from: start))
        }
        if isWord("set") && isName(at: 1) && !isPunctuation("|", at: 2) {
            advance()
            let name = try parseIdentifier("an option name after 'set'")
            var value: Expression?
            if take("=") { value = try parseExpression() }
            return Statement(.set(SetStatement(name: name, value: value)), range: range(from: start))
        }
        if isWord("declare") && isWord("query_parameters", at: 1) {
            advance()
            advance()
            try expect("(", " after 'declare query_parameters'")
            let parameters = try parseParameterList()
            return Statement(.declareQueryParameters(parameters), range: range(from: start))
        }
        let query = try parseTabularExpression(statement: true, inBody: inBody)
        return Statement(.query(query), range: range(from: start))
    }

    /// Whether a function definition starts here: `(…) {` or `view (…) {`.
    func isFunctionDefinitionAhead() -> Bool {
        var i = index
        if tokens[i].kind == .identifier && tokens[i].text == "view" { i += 1 }
        guard tokens[i].kind == .punctuation && tokens[i].text == "(" else { return false }
        var nesting = 0
        while i < tokens.count - 1 {
            let token = tokens[i]
            if token.kind == .punctuation {
                if token.text == "(" || token.text == "[" || token.text == "{" {
                    nesting += 1
                } else if token.text == ")" || token.text == "]" || token.text == "}" {
                    nesting -= 1
                    if nesting == 0 {
                        let next = tokens[i + 1]
                        return next.kind == .punctuation && next.text == "{"
                    }
                } else if token.text == ";" || token.text == "|" {
                    return false
                }
            }
            i += 1
        }
        return false
    }

    mutating func parseFunctionDefinition() throws(Failure) -> FunctionDefinition {
        try enter()
        defer { depth -= 1 }
        let start = startLocation
        let isView = take("view")
        try expect("(", " to open the parameter list")
        let parameters = try parseParameterList()
        try expect("{", " to open the function body")
        let body = parseStatements(inBody: true)
        try expect("}", " to close the function body")
        return FunctionDefinition(isView: isView, parameters: parameters, body: body, range: range(from: start))
    }

    /// `name: type [= default], …)` after the `(`.
    mutating func parseParameterList() throws(Failure) -> [FunctionParameter] {
        var parameters: [FunctionParameter] = []
        if take(")") { return parameters }
        repeat {
            let start = startLocation
            let name = try parseIdentifier("a parameter name")
            try expect(":", " and a type after the parameter name")
            let type: ParameterType
            if isPunctuation("(") {
                type = .tabular(try parseTableSchema())
            } else {
                type = .scalar(try parseTypeName())
            }
            var defaultValue: Expression?
            if take("=") { defaultValue = try parseExpression() }
            parameters.append(FunctionParameter(name: name, type: type, defaultValue: defaultValue, range: range(from: start)))
        } while take(",")
        try expect(")", " to close the parameter list")
        return parameters
    }

    /// `(Name: type, …)`, `(*)` or `(Name: type, *)`.
    mutating func parseTableSchema() throws(Failure) -> RowSchema {
        let start = startLocation
        try expect("(", " to open the schema")
        var columns: [ColumnDeclaration] = []
        var isOpen = false
        if !isPunctuation(")") {
            repeat {
                if take("*") {
                    isOpen = true
                } else {
                    columns.append(try parseColumnDeclaration())
                }
            } while take(",")
        }
        try expect(")", " to close the schema")
        return RowSchema(columns: columns, isOpen: isOpen, range: range(from: start))
    }

    /// `Name: type`.
    mutating func parseColumnDeclaration() throws(Failure) -> ColumnDeclaration {
        let start = startLocation
        let name = try parseIdentifier("a column name")
        try expect(":", " and a type after the column name")
        let type = try parseTypeName()
        return ColumnDeclaration(name: name, type: type, range: range(from: start))
    }

    /// `(Name: type, …)` after the `(`, through the `)`.
    mutating func parseColumnDeclarations() throws(Failure) -> [ColumnDeclaration] {
        var columns: [ColumnDeclaration] = []
        if take(")") { return columns }
        repeat {
            columns.append(try parseColumnDeclaration())
        } while take(",")
        try expect(")", " to close the column list")
        return columns
    }

    /// A type name: `string`, `long`, `dynamic`, …
    mutating func parseTypeName() throws(Failure) -> Identifier {
        let token = current
        guard token.kind == .identifier || token.kind == .keyword else { throw fail("a type name (string, long, datetime, dynamic, …)") }
        advance()
        return Identifier(token.text, range: token.range)
    }

    /// A name: identifier, keyword used as a name, or bracketed name.
    mutating func parseIdentifier(_ what: String = "a name") throws(Failure) -> Identifier {
        let token = current
        switch token.kind {
        case .identifier, .keyword:
            advance()
            return Identifier(token.text, range: token.range)
        case .bracketedName:
            advance()
            return Identifier(token.name ?? "", isBracketed: true, range: token.range)
        default:
            throw fail(what)
        }
    }
}
