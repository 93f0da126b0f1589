/// One token of KQL source, with where it is.
public struct Token: Hashable, Sendable, CustomStringConvertible {
    /// What kind of token it is.
    public enum Kind: String, Hashable, Sendable {
        /// A plain name: `DeviceProcessEvents`, `lookback`, `$left`.
        case identifier
        /// A quoted name, `['Name with space']` or `["x"]`; `value` holds the name as a string.
        /// (After an expression the same text indexes a dynamic value; the parser decides.)
        case bracketedName
        /// A word of the language: statement words, tabular operator names, `and`, `or`, `by`, …
        /// Most are contextual: the parser also accepts them as names.
        case keyword
        /// A word operator: `has`, `!contains`, `in~`, `has_any`, `matches regex`, `between`, …
        case wordOperator
        /// A symbol: `==`, `|`, `(`, `..`, `=>`, …
        case punctuation
        /// A literal of any scalar type; `value` holds its decoded value.
        case literal
        /// A `//` comment (trivia, not part of the token stream the parser reads).
        case comment
        /// Bytes that are not KQL; a diagnostic says why.
        case invalid
        /// The end of the input.
        case endOfFile
    }

    /// The kind.
    public var kind: Kind
    /// The exact source text.
    public var text: String
    /// Where it is.
    public var range: SourceRange
    /// For literals, the decoded value; for bracketed names, the name as `.string`.
    public var value: KQLValue?
    /// Whether whitespace, a comment or the start of input comes right before it.
    public var hasLeadingTrivia: Bool

    /// Creates a token.
    public init(kind: Kind, text: String, range: SourceRange, value: KQLValue? = nil, hasLeadingTrivia: Bool = true) {
        self.kind = kind
        self.text = text
        self.range = range
        self.value = value
        self.hasLeadingTrivia = hasLeadingTrivia
    }

    /// Whether this is the punctuation or keyword `text`.
    public func `is`(_ text: String) -> Bool {
        (kind == .punctuation || kind == .keyword || kind == .wordOperator) && self.text == text
    }

    /// The name an identifier, keyword or bracketed name stands for.
    public var name: String? {
        switch kind {
        case .identifier, .keyword: text
        case .bracketedName: if case .string(let name) = value { name } else { nil }
        default: nil
        }
    }

    /// `kind 'text' @line:col`, for tests and debugging.
    public var description: String { "\(kind.rawValue) '\(text)' @\(range.start)" }
}

/// Words with a fixed role in KQL's grammar.
public enum KQLWords {
    /// Words the lexer marks as keywords: statement words, tabular operators (including the
    /// hyphenated ones, which lex as one token), clause words and logical operators.
    public static let keywords: Set<String> = [
        "let", "set", "declare", "query_parameters", "alias", "pattern", "restrict", "access", "to",
        "and", "or", "by", "on", "with", "kind", "asc", "desc", "nulls", "first", "last", "of", "from",
        "step", "typeof", "withsource", "isfuzzy", "with_itemindex", "bagexpansion", "limit",
        "as", "consume", "count", "distinct", "evaluate", "extend", "externaldata", "facet",
        "filter", "find", "fork", "getschema", "invoke", "join", "lookup", "materialize",
        "mvexpand", "order", "parse", "partition", "print", "project", "range", "reduce", "render",
        "sample", "scan", "search", "serialize", "sort", "summarize", "take", "top", "union", "where",
        "datatable", "toscalar", "totable",
        "project-away", "project-keep", "project-rename", "project-reorder", "project-smart",
        "mv-expand", "mv-apply", "make-series", "make-graph", "parse-where", "parse-kv",
        "top-nested", "top-hitters", "sample-distinct", "assert-schema", "macro-expand",
        "graph-match", "graph-merge", "graph-shortest-paths", "graph-to-table",
        "graph-mark-components", "graph-where-nodes", "graph-where-edges", "project-by-names",
        "partitioned-by",
    ]

    /// Keywords written with a hyphen; `project-away` is one token, while `a-b` stays a subtraction.
    static let hyphenated: Set<String> = Set(keywords.filter { $0.contains("-") })

    /// Word operators that can be negated with a leading `!` (`!has`, `!in~`).
    public static let negatableOperators: Set<String> = [
        "has", "has_cs", "hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs", "contains",
        "contains_cs", "startswith", "startswith_cs", "endswith", "endswith_cs", "in", "in~",
        "between", "like", "like_cs",
    ]

    /// All word operators, without their negated forms (`matches` stands for `matches regex`).
    public static let wordOperators: Set<String> = negatableOperators.union([
        "has_any", "has_all", "matches", "notcontains", "notcontainscs", "notbetween", "notlike",
        "containscs", "likecs", "notlikecs",
    ])

    /// Words that open a typed literal when followed by `(`, and the type they make.
    public static let literalTypeNames: [String: KQLScalarType] = [
        "datetime": .datetime, "date": .datetime, "timespan": .timespan, "time": .timespan,
        "guid": .guid, "dynamic": .dynamic, "bool": .bool, "int": .int, "long": .long, "real": .real,
        "double": .real, "decimal": .decimal,
    ]
}
