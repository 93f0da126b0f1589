/// A source range that every syntax node carries but that takes no part in `==` or hashing, so two
/// trees compare equal when they say the same thing, wherever their text was (the round-trip
/// property: parse → print → parse gives an equal tree). Compare `range` values directly when the
/// position matters.
@propertyWrapper
public struct IgnoredInEquality: Hashable, Sendable {
    /// The range.
    public var wrappedValue: SourceRange

    /// Wraps a range.
    public init(wrappedValue: SourceRange) { self.wrappedValue = wrappedValue }

    public static func == (lhs: IgnoredInEquality, rhs: IgnoredInEquality) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}

extension SourceRange {
    /// An empty range at the start of a text, for nodes built by code rather than parsed.
    public static let none = SourceRange(start: .start, end: .start)
}

/// A whole KQL text: `;`-separated statements.
public struct QueryScript: Hashable, Sendable {
    /// The statements in order; usually some `let`s and one query.
    public var statements: [Statement]
    /// Where the script is.
    @IgnoredInEquality public var range: SourceRange

    /// Creates a script.
    public init(statements: [Statement], range: SourceRange = .none) {
        self.statements = statements
        self.range = range
    }

    /// The tabular expression statements (the queries that produce results).
    public var queries: [TabularExpression] {
        statements.compactMap { if case .query(let query) = $0.kind { query } else { nil } }
    }
}

/// One statement of a script or of a function body.
public struct Statement: Hashable, Sendable {
    /// What kind of statement it is.
    public enum Kind: Hashable, Sendable {
        /// `let name = value`.
        case `let`(LetStatement)
        /// `set option [= value]`.
        case set(SetStatement)
        /// `declare query_parameters (name: type [= default], …)`.
        case declareQueryParameters([FunctionParameter])
        /// A tabular expression statement: the query itself.
        case query(TabularExpression)
    }

    /// The statement.
    public var kind: Kind
    /// Where it is, without the `;`.
    @IgnoredInEquality public var range: SourceRange

    /// Creates a statement.
    public init(_ kind: Kind, range: SourceRange = .none) {
        self.kind = kind
        self.range = range
    }
}

/// `let name = value`.
public struct LetStatement: Hashable, Sendable {
    /// What a `let` binds.
    public enum Value: Hashable, Sendable {
        /// An expression without pipes: a scalar (`5`, `ago(7d)`, `dynamic([…])`), or a name or
        /// call that may stand for a table (`T`, `materialize(…)`); the binder decides which.
        case expression(Expression)
        /// A tabular expression: a pipe chain or a source operator (`union`, `datatable`, …).
        case tabular(TabularExpression)
        /// A user-defined function or view: `(a: string, b: long = 5) { … }`.
        case function(FunctionDefinition)
    }

    /// The name bound.
    public var name: Identifier
    /// What it is bound to.
    public var value: Value

    /// Creates a `let` statement.
    public init(name: Identifier, value: Value) {
        self.name = name
        self.value = value
    }
}

/// `set option [= value]`: a request property such as `set query_now = datetime(…)`.
public struct SetStatement: Hashable, Sendable {
    /// The option's name.
    public var name: Identifier
    /// Its value; absent for flags (`set notruncation`).
    public var value: Expression?
}

/// A user-defined function or view: parameters and a body of statements.
public struct FunctionDefinition: Hashable, Sendable {
    /// Whether it was declared with `view`, which makes it a table in `union *`.
    public var isView: Bool
    /// The parameters, in order.
    public var parameters: [FunctionParameter]
    /// The body's statements; the last one is the result expression.
    public var body: [Statement]
    /// Where the function is, from `(` (or `view`) to `}`.
    @IgnoredInEquality public var range: SourceRange
}

/// One parameter of a function or of `declare query_parameters`.
public struct FunctionParameter: Hashable, Sendable {
    /// The parameter's name.
    public var name: Identifier
    /// Its declared type.
    public var type: ParameterType
    /// The default value, which makes the parameter optional.
    public var defaultValue: Expression?
    /// Where the parameter is.
    @IgnoredInEquality public var range: SourceRange
}

/// The type of a parameter: a scalar type, or a table with at least some columns.
public enum ParameterType: Hashable, Sendable {
    /// A scalar type as written: `string`, `long`, `dynamic`, …
    case scalar(Identifier)
    /// A tabular type `(Column: type, …)`; `(*)` accepts any table.
    case tabular(RowSchema)
}

/// A table's columns as declared: `(Column: type, …)`, or `(*)`, `(Column: type, *)` for a table
/// that may have more columns.
public struct RowSchema: Hashable, Sendable {
    /// The declared columns.
    public var columns: [ColumnDeclaration]
    /// Whether `*` says other columns may follow.
    public var isOpen: Bool
    /// Where it is, parentheses included.
    @IgnoredInEquality public var range: SourceRange
}

/// `Name: type`, in a schema.
public struct ColumnDeclaration: Hashable, Sendable {
    /// The column's name.
    public var name: Identifier
    /// The type as written (`string`, `dynamic`, …).
    public var type: Identifier
    /// Where the declaration is.
    @IgnoredInEquality public var range: SourceRange
}

/// A name as written: plain (`DeviceName`, `$left`) or bracketed (`['Device name']`).
public struct Identifier: Hashable, Sendable, CustomStringConvertible {
    /// The name itself, without brackets or quotes.
    public var name: String
    /// Whether it was written in brackets, `['…']`.
    public var isBracketed: Bool
    /// Where it is.
    @IgnoredInEquality public var range: SourceRange

    /// Creates an identifier.
    public init(_ name: String, isBracketed: Bool = false, range: SourceRange = .none) {
        self.name = name
        self.isBracketed = isBracketed
        self.range = range
    }

    /// The name as KQL text: plain when it was plain, `["…"]` when bracketed.
    public var description: String {
        isBracketed ? "[" + KQLLiteralFormatter.string(name) + "]" : name
    }
}

/// A literal as written, with its decoded value.
public struct Literal: Hashable, Sendable {
    /// The exact source text (for adjacent string literals, their texts joined by a space), so
    /// printing gives back what was written.
    public var text: String
    /// The decoded value, or `nil` when the lexer could not decode it (the lexer reported why).
    public var value: KQLValue?

    /// Creates a literal from its text and value.
    public init(text: String, value: KQLValue?) {
        self.text = text
        self.value = value
    }

    /// Creates a literal that stands for a value, written the canonical way.
    public init(_ value: KQLValue) {
        self.init(text: value.kqlLiteral, value: value)
    }
}

/// `name = value` before an operator's arguments: `kind=inner`, `hint.strategy=shuffle`,
/// `withsource=Table`, `with_itemindex=i`; also the properties in `with (…)` lists.
public struct OperatorParameter: Hashable, Sendable {
    /// The name, dots included (`hint.strategy`).
    public var name: String
    /// The value: usually a name (`inner`) or a literal (`true`, `10`).
    public var value: Expression
    /// Where it is.
    @IgnoredInEquality public var range: SourceRange
}
