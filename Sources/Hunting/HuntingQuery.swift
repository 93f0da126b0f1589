public import KQL

/// How urgent a query's findings are.
public enum QuerySeverity: String, Hashable, Sendable, CaseIterable, Comparable, Codable {
    case informational, low, medium, high

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: QuerySeverity, rhs: QuerySeverity) -> Bool { lhs.rank < rhs.rank }
}

/// What a query file says about itself in its `// @key: value` header.
public struct QueryMetadata: Hashable, Sendable {
    /// A short human title; the file name when the header has none.
    public var title: String
    /// What it finds and why it matters: `@description`, or else the header's plain comments.
    public var description: String
    /// How urgent its findings are; `medium` when the header does not say.
    public var severity: QuerySeverity
    /// Free-form labels.
    public var tags: [String]
    /// MITRE ATT&CK technique ids (`T1059.001`), uppercased.
    public var mitre: [String]
    /// Who maintains it.
    public var owner: String?
    /// The Graph `Timespan` to send with it; `nil` lets the service use its default (30 days).
    public var timespan: KQLTimespan?
    /// Output columns that identify one finding (for "new since last run").
    public var keys: [String]
    /// Whether the nightly run includes it.
    public var enabled: Bool
    /// Diagnostic codes silenced for this file (`// @lint-disable: code, code`).
    public var disabledDiagnostics: Set<String>

    /// Metadata with every field at its default.
    public init(title: String) {
        self.title = title
        description = ""
        severity = .medium
        tags = []
        mitre = []
        owner = nil
        timespan = nil
        keys = []
        enabled = true
        disabledDiagnostics = []
    }
}

/// A parameter: a top-level `let NAME = LITERAL;` before the query body.
public struct QueryParameter: Hashable, Sendable {
    /// The name as declared.
    public var name: String
    /// The type of its literal.
    public var type: KQLScalarType
    /// The value written in the file.
    public var defaultValue: KQLValue
    /// Its `// @param NAME: text` line, or the comment after its declaration.
    public var documentation: String?
    /// Where the name is declared (the first declaration).
    public var location: SourceLocation
    /// Byte ranges of the literal in every declaration of this name; binding replaces exactly these.
    public var literalRanges: [Range<Int>]
}

/// One loaded query file: its text, metadata and parameters.
public struct HuntingQuery: Hashable, Sendable {
    /// A stable id from the file's path relative to its folder (`execution/encoded-powershell`).
    public var id: String
    /// The file's path as the user gave it, for messages.
    public var path: String
    /// The file's text (without a byte-order mark). This is what runs, parameters bound.
    public var text: String
    /// The header.
    public var metadata: QueryMetadata
    /// The parameters, in declaration order.
    public var parameters: [QueryParameter]
    /// Where the query body (the first statement that is not a `let`, `set` or `declare`) starts.
    public var bodyLocation: SourceLocation

    /// The parameter with this name.
    public func parameter(named name: String) -> QueryParameter? {
        parameters.first { $0.name == name }
    }
}
