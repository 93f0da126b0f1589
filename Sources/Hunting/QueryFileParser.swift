import Foundation
public import KQL

/// Reads one `.kql` file: the `// @key: value` header, the parameters (top-level literal `let`
/// statements before the query body) and the body. Problems become diagnostics; nothing throws.
public enum QueryFileParser {
    /// The metadata keys a header may use.
    public static let metadataKeys = [
        "title", "description", "severity", "tags", "mitre", "owner", "timespan", "keys", "enabled",
        "param", "lint-disable",
    ]

    /// The longest lookback Defender keeps for advanced hunting.
    static let retention = KQLTimespan.days(30)

    /// Parses a query file's text.
    /// - Parameters:
    ///   - text: the file's contents, decoded (a leading byte-order mark is dropped).
    ///   - id: the query's stable id.
    ///   - path: the path used in diagnostics.
    /// - Returns: the query, or `nil` when it has errors, and every diagnostic, attributed to `path`.
    public static func parse(_ text: String, id: String, path: String) -> (query: HuntingQuery?, diagnostics: [Diagnostic]) {
        let text = text.hasPrefix("\u{FEFF}") ? String(text.unicodeScalars.dropFirst()) : text
        let lexed = Lexer.lex(text)
        var parser = Parser(lexed: lexed, id: id)
        parser.run()
        let disabled = parser.metadata.disabledDiagnostics
        var diagnostics = (lexed.diagnostics + parser.diagnostics)
            .filter { $0.severity == .error || !disabled.contains($0.code) }
            .map { $0.inFile(path) }
        diagnostics.sort { ($0.location?.offset ?? 0) < ($1.location?.offset ?? 0) }
        guard !diagnostics.hasErrors, let body = parser.bodyLocation else { return (nil, diagnostics) }
        let query = HuntingQuery(
            id: id, path: path, text: text, metadata: parser.metadata, parameters: parser.parameters,
            bodyLocation: body)
        return (query, diagnostics)
    }

    private struct Parser {
        let lexed: LexedSource
        var metadata: QueryMetadata
        var parameters: [QueryParameter] = []
        var diagnostics: [Diagnostic] = []
        var bodyLocation: SourceLocation?
        private var seenKeys: [String: SourceLocation] = [:]
        private var parameterDocs: [String: (text: String, location: SourceLocation)] = [:]

        init(lexed: LexedSource, id: String) {
            self.lexed = lexed
            metadata = QueryMetadata(title: String(id.split(separator: "/").last ?? Substring(id)))
        }

        mutating func run() {
            let tokens = lexed.tokens
            guard tokens.count > 1 else {
                let code = lexed.comments.isEmpty ? "empty-file" : "no-query-body"
                let message = lexed.comments.isEmpty ? "the file is empty" : "the file has only comments; add a query after the header"
                diagnostics.append(.error(code, message, at: lexed.comments.first?.range.start ?? .start))
                readHeader(before: Int.max)
                return
            }
            readStatements()
            readHeader(before: tokens[0].range.start.offset)
            for (name, doc) in parameterDocs {
                if let index = parameters.firstIndex(where: { $0.name == name }) {
                    parameters[index].documentation = doc.text
                } else {
                    let declared = parameters.map(\.name).joined(separator: ", ")
                    diagnostics.append(.warning(
                        "unknown-parameter-doc",
                        "@param documents '\(name)', which is not a parameter" + (declared.isEmpty ? "" : " (declared: \(declared))"),
                        at: doc.location))
                }
            }
        }

        // MARK: statements

        /// Splits the top level at `;` and takes literal `let`s before the body as parameters.
        private mutating func readStatements() {
            let tokens = lexed.tokens
            var start = 0
            var depth = 0
            var index = 0
            while index < tokens.count {
                let token = tokens[index]
                if token.kind == .punctuation {
                    switch token.text {
                    case "(", "[", "{": depth += 1
                    case ")", "]", "}": depth = max(0, depth - 1)
                    default: break
                    }
                }
                let ends = token.kind == .endOfFile || (depth == 0 && token.is(";"))
                if ends {
                    if index > start, !readPrelude(tokens[start..<index], terminator: token) {
                        bodyLocation = tokens[start].range.start
                        return
                    }
                    start = index + 1
                }
                index += 1
            }
            diagnostics.append(.error(
                "no-query-body", "no query after the let statements; end the file with a query such as `DeviceInfo | take 10`",
                at: tokens[tokens.count - 1].range.start))
        }

        /// Handles a `let`, `set` or `declare` statement; returns `false` for anything else (the body).
        private mutating func readPrelude(_ statement: ArraySlice<Token>, terminator: Token) -> Bool {
            guard let first = statement.first, first.kind == .keyword,
                ["let", "set", "declare", "alias"].contains(first.text)
            else { return false }
            guard first.text == "let", statement.count >= 4 else { return true }
            let nameToken = statement[statement.startIndex + 1]
            let equals = statement[statement.startIndex + 2]
            guard let name = nameToken.name, equals.is("=") else { return true }
            let valueTokens = statement.dropFirst(3)
            guard let (value, range) = literalValue(valueTokens) else { return true }
            if let index = parameters.firstIndex(where: { $0.name == name }) {
                if parameters[index].type != value.type {
                    diagnostics.append(.warning(
                        "parameter-redeclared",
                        "'\(name)' is declared again as \(value.type) (first as \(parameters[index].type) at \(parameters[index].location)); a bound value replaces both",
                        at: nameToken.range.start))
                } else {
                    diagnostics.append(.warning(
                        "parameter-redeclared",
                        "'\(name)' is declared again (first at \(parameters[index].location)); a bound value replaces both",
                        at: nameToken.range.start))
                }
                parameters[index].literalRanges.append(range)
                return true
            }
            var documentation: String?
            if terminator.is(";"), let comment = lexed.comments.first(where: {
                $0.range.start.line == terminator.range.start.line && $0.range.start.offset > terminator.range.start.offset
            }) {
                let text = Self.commentText(comment).trimmingCharacters(in: .whitespaces)
                if !text.isEmpty, !text.hasPrefix("@") { documentation = text }
            }
            parameters.append(QueryParameter(
                name: name, type: value.type, defaultValue: value, documentation: documentation,
                location: nameToken.range.start, literalRanges: [range]))
            return true
        }

        /// The value of a parameter's right-hand side when it is a literal: one literal token, a
        /// sign and a number or timespan, or adjacent string literals (which KQL joins).
        private func literalValue(_ tokens: ArraySlice<Token>) -> (KQLValue, Range<Int>)? {
            guard let first = tokens.first, let last = tokens.last else { return nil }
            let range = first.range.start.offset..<last.range.end.offset
            if tokens.count == 1, first.kind == .literal, let value = first.value { return (value, range) }
            if tokens.count == 2, first.is("-") || first.is("+"), last.kind == .literal, let value = last.value {
                let negate = first.is("-")
                switch value {
                case .long(let v) where !negate || v != .min: return (.long(negate ? -v : v), range)
                case .real(let v): return (.real(negate ? -v : v), range)
                case .timespan(let t) where t.ticks != .min: return (.timespan(KQLTimespan(ticks: negate ? -t.ticks : t.ticks)), range)
                default: return nil
                }
            }
            if tokens.allSatisfy({ if case .string = $0.value { $0.kind == .literal } else { false } }) {
                let joined = tokens.map { if case .string(let s) = $0.value { s } else { "" } }.joined()
                return (.string(joined), range)
            }
            return nil
        }

        // MARK: header

        static func commentText(_ comment: Token) -> Substring { comment.text.dropFirst(2) }

        /// Reads the header (comments before the first token) and `@param` lines before the body.
        private mutating func readHeader(before headerEnd: Int) {
            let bodyOffset = bodyLocation?.offset ?? Int.max
            var paragraphs: [[String]] = [[]]
            var previousLine = 0
            for comment in lexed.comments where comment.range.start.offset < bodyOffset {
                let inHeader = comment.range.start.offset < headerEnd
                let raw = Self.commentText(comment)
                let trimmed = raw.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("@"), let directive = parseDirective(trimmed, comment: comment) {
                    if directive.key == "param" || inHeader {
                        apply(directive)
                    } else {
                        diagnostics.append(.warning(
                            "misplaced-metadata",
                            "@\(directive.key) is only read in the header at the top of the file; move this line up",
                            at: directive.keyLocation))
                    }
                    continue
                }
                guard inHeader else { continue }
                if previousLine != 0, comment.range.start.line > previousLine + 1 { paragraphs.append([]) }
                previousLine = comment.range.start.line
                if trimmed.isEmpty {
                    paragraphs.append([])
                } else if trimmed.contains(where: { $0.isLetter || $0.isNumber }) {
                    paragraphs[paragraphs.count - 1].append(trimmed)
                }
            }
            if seenKeys["description"] == nil {
                metadata.description = paragraphs.filter { !$0.isEmpty }.map { $0.joined(separator: " ") }
                    .joined(separator: "\n\n")
            }
        }

        struct Directive {
            var key: String
            var value: String
            var keyLocation: SourceLocation
            var valueLocation: SourceLocation
        }

        /// `@key: value`, with locations of the key and the value.
        private mutating func parseDirective(_ trimmed: String, comment: Token) -> Directive? {
            let body = trimmed.dropFirst()
            let keyEnd = body.firstIndex { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") } ?? body.endIndex
            let key = String(body[..<keyEnd])
            guard !key.isEmpty else { return nil }
            let raw = Self.commentText(comment)
            let leading = raw.prefix { $0 == " " || $0 == "\t" }.count
            func location(scalarOffset: Int) -> SourceLocation {
                var at = comment.range.start
                at.column += 2 + leading + scalarOffset
                at.offset += 2 + leading + trimmed.unicodeScalars.prefix(scalarOffset).reduce(0) { $0 + UTF8.width($1) }
                return at
            }
            let keyLocation = location(scalarOffset: 1)
            var rest = body[keyEnd...]
            let known = Self.validKeys.contains(key.lowercased())
            if key.lowercased() == "param" || key.lowercased() == "lint-disable", rest.first == " " || rest.first == "\t" {
                // `@param NAME: text`: the name stands where other keys have their colon;
                // `@lint-disable CODE, CODE` may leave the colon out.
            } else if rest.first == ":" {
                rest = rest.dropFirst()
            } else {
                if !known && Self.looksLikeMention(rest) { return nil }  // "// @someone wrote this"
                diagnostics.append(.warning(
                    "malformed-metadata", "expected ':' after @\(key) (write `// @\(key): value`)", at: keyLocation))
                return nil
            }
            let valueStart = rest.firstIndex { $0 != " " && $0 != "\t" } ?? rest.endIndex
            let valueOffset = 1 + trimmed.dropFirst().distance(from: body.startIndex, to: valueStart)
            let value = String(rest[valueStart...]).trimmingCharacters(in: .whitespaces)
            return Directive(
                key: key.lowercased(), value: value, keyLocation: keyLocation,
                valueLocation: location(scalarOffset: valueOffset))
        }

        /// Text such as `@alex wrote this` is a mention, not a directive.
        private static func looksLikeMention(_ rest: Substring) -> Bool {
            rest.isEmpty || rest.first == " " || rest.first == "\t" || rest.first == "." || rest.first == ","
        }

        private mutating func apply(_ d: Directive) {
            guard Self.validKeys.contains(d.key) else {
                let suggestion = HuntingSchema.closestMatch(to: d.key, in: QueryFileParser.metadataKeys).map { "; did you mean @\($0)?" } ?? ""
                diagnostics.append(.warning(
                    "unknown-metadata-key",
                    "unknown metadata key @\(d.key)\(suggestion) (known: \(QueryFileParser.metadataKeys.joined(separator: ", ")))",
                    at: d.keyLocation))
                return
            }
            if d.key != "param", d.key != "lint-disable", d.key != "tags", d.key != "mitre", d.key != "keys",
                let previous = seenKeys[d.key]
            {
                diagnostics.append(.warning(
                    "duplicate-metadata", "@\(d.key) is set again (first at \(previous)); the last one wins", at: d.keyLocation))
            }
            seenKeys[d.key] = d.keyLocation
            func invalid(_ message: String) {
                diagnostics.append(.error("invalid-metadata", message, at: d.valueLocation))
            }
            switch d.key {
            case "title":
                guard !d.value.isEmpty else { return invalid("@title is empty") }
                metadata.title = d.value
            case "description":
                metadata.description = d.value
            case "severity":
                guard let severity = QuerySeverity(rawValue: d.value.lowercased()) else {
                    return invalid("@severity must be one of informational, low, medium, high; got \"\(d.value)\"")
                }
                metadata.severity = severity
            case "tags":
                metadata.tags += Self.list(d.value)
            case "mitre":
                for item in Self.list(d.value, separators: [",", " ", "\t"]) {
                    let upper = item.uppercased()
                    guard Self.isTechniqueId(upper) else {
                        invalid("@mitre expects ATT&CK technique ids like T1059 or T1059.001; got \"\(item)\"")
                        continue
                    }
                    if !metadata.mitre.contains(upper) { metadata.mitre.append(upper) }
                }
            case "owner":
                metadata.owner = d.value.isEmpty ? nil : d.value
            case "timespan":
                guard let span = LiteralSyntax.parseTimespan(d.value), span.ticks > 0 else {
                    return invalid("@timespan expects a positive duration like P7D, PT12H or 7d; got \"\(d.value)\"")
                }
                metadata.timespan = span
                if span > QueryFileParser.retention {
                    diagnostics.append(.warning(
                        "timespan-beyond-retention",
                        "@timespan \(d.value) is longer than the 30 days Defender keeps; only tables kept in Sentinel go further back",
                        at: d.valueLocation))
                }
            case "keys":
                metadata.keys += Self.list(d.value)
            case "enabled":
                switch d.value.lowercased() {
                case "true", "yes", "on": metadata.enabled = true
                case "false", "no", "off": metadata.enabled = false
                default: invalid("@enabled must be true or false; got \"\(d.value)\"")
                }
            case "param":
                guard let colon = d.value.firstIndex(of: ":") else {
                    return invalid("@param needs a name and a text: `// @param lookback: how far back to look`")
                }
                let name = d.value[..<colon].trimmingCharacters(in: .whitespaces)
                let text = d.value[d.value.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { return invalid("@param has no parameter name before ':'") }
                parameterDocs[name] = (text, d.valueLocation)
            case "lint-disable":
                metadata.disabledDiagnostics.formUnion(Self.list(d.value, separators: [",", " ", "\t"]))
            default:
                break
            }
        }

        private static let validKeys = Set(QueryFileParser.metadataKeys)

        static func list(_ value: String, separators: Set<Character> = [","]) -> [String] {
            value.split(whereSeparator: { separators.contains($0) })
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }

        /// `T1234` or `T1234.567`.
        static func isTechniqueId(_ s: String) -> Bool {
            let u = Array(s.utf8)
            guard u.count == 5 || u.count == 9, u[0] == UInt8(ascii: "T") else { return false }
            let digits = u[1..<5].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            guard u.count == 9 else { return digits }
            return digits && u[5] == UInt8(ascii: ".") && u[6...].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
    }
}
