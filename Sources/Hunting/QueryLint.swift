public import KQL

/// The linters `hunt check` uses, made once: a linter prepares the schema's column lists.
enum QueryLinters {
    static let graph = KQLLinter(options: .init(endpoint: .graph))
    static let legacyDefender = KQLLinter(options: .init(endpoint: .legacyDefender))

    static func linter(for endpoint: KQLLinter.Endpoint) -> KQLLinter {
        switch endpoint {
        case .graph: graph
        case .legacyDefender: legacyDefender
        }
    }
}

extension HuntingQuery {
    /// Parses the query's text with the KQL parser and lints it: syntax errors, then what
    /// `KQLLinter` finds, without the codes the file silences with `// @lint-disable: CODE`.
    ///
    /// The whole file is parsed (the header is comments), so every position is a file position.
    /// The lexer's own diagnostics are left out: loading the file already reported them.
    /// - Parameters:
    ///   - endpoint: the API the query will run on (the legacy one serves only `Device*` tables).
    ///   - linter: the linter to use; the shared one for `endpoint` by default.
    /// - Returns: the diagnostics in source order, attributed to the file.
    public func lint(endpoint: KQLLinter.Endpoint = .graph, linter: KQLLinter? = nil) -> [Diagnostic] {
        let lexed = Lexer.lex(text)
        let parsed = KQLParser.parse(lexed)
        var diagnostics: [Diagnostic] = []
        if parsed.diagnostics.count > lexed.diagnostics.count {
            let fromLexer = Set(lexed.diagnostics)
            diagnostics = parsed.diagnostics.filter { !fromLexer.contains($0) }
        }
        let linter = linter ?? QueryLinters.linter(for: endpoint)
        diagnostics += linter.lint(parsed, parameters: parameters.map(\.name))
        // Lint codes can be silenced whatever their severity; syntax errors cannot.
        let disabled = metadata.disabledDiagnostics
        diagnostics = diagnostics.filter {
            (LintRule(rawValue: $0.code) == nil && $0.severity == .error) || !disabled.contains($0.code)
        }
        return diagnostics.inSourceOrder().map { $0.inFile(path) }
    }
}

extension QueryCatalog {
    /// The catalog with each loaded query's lint diagnostics added to its file's, in source order.
    /// - Parameter endpoint: the API the queries will run on.
    /// - Returns: the same files and queries, with more diagnostics.
    public func linted(endpoint: KQLLinter.Endpoint = .graph) -> QueryCatalog {
        var catalog = self
        for index in catalog.files.indices {
            guard let query = catalog.files[index].query else { continue }
            let found = query.lint(endpoint: endpoint)
            guard !found.isEmpty else { continue }
            // Stable: the loader's diagnostics stay before lint ones at the same place.
            catalog.files[index].diagnostics = (catalog.files[index].diagnostics + found).inSourceOrder()
        }
        return catalog
    }
}
