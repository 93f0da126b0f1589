/// A scalar expression, or a tabular one where KQL allows it (a function argument, a parenthesized
/// subquery, the right side of `in`).
public struct Expression: Hashable, Sendable, CustomStringConvertible {
    /// The forms an expression takes.
    public indirect enum Kind: Hashable, Sendable {
        /// A literal: `"text"`, `10`, `7d`, `datetime(2024-01-01)`, `dynamic([1, 2])`, `true`.
        case literal(Literal)
        /// A name: a column, a `let` name, a table, `$left` / `$right`; in `project-away` and
        /// `union` lists also a wildcard pattern such as `Device*`.
        case name(Identifier)
        /// `*`: all columns, as in `arg_max(Timestamp, *)` or `distinct *`.
        case wildcard
        /// `base.member`: dynamic property access, `$left.Column`, `cluster('x').database('y')`.
        case member(Expression, Identifier)
        /// `base[index]`: `a[0]`, `a['key']`, `a[-1]`.
        case index(Expression, Expression)
        /// A function call, `name(arguments)`.
        case call(FunctionCall)
        /// `-x` or `+x`.
        case unary(UnaryOperator, Expression)
        /// `left op right`. `spelling` holds a deprecated spelling of the operator when one was
        /// used (`notcontains`, `<>`), `nil` for the canonical one.
        case binary(BinaryOperator, Expression, Expression, spelling: String?)
        /// `value between (lower .. upper)`, or `!between` when `negated`.
        case between(Expression, lower: Expression, upper: Expression, negated: Bool, spelling: String?)
        /// A parenthesized list after `in`, `has_any`, …: `(a, b, c)`.
        case list([Expression])
        /// `(expression)`, kept so printing gives the parentheses back.
        case parenthesized(Expression)
        /// A tabular expression in a scalar position: `toscalar(T | count)`, `(T | where …)`.
        case tabular(TabularExpression)
        /// Stands for what a syntax error left out; only in trees with errors.
        case missing
    }

    /// The expression.
    public var kind: Kind
    /// Where it is.
    @IgnoredInEquality public var range: SourceRange

    /// Creates an expression.
    public init(_ kind: Kind, range: SourceRange = .none) {
        self.kind = kind
        self.range = range
    }

    /// The expression as KQL text (one line).
    public var description: String { KQLPrinter.print(self) }

    /// The identifier when the expression is a plain name.
    public var asName: Identifier? {
        if case .name(let identifier) = kind { identifier } else { nil }
    }
}

/// A call: `count()`, `ago(7d)`, `bag_unpack(x, columnsConflict='keep_source')`.
public struct FunctionCall: Hashable, Sendable {
    /// The function's modern name: `make_set` for a call written `makeset(…)`.
    public var name: String
    /// The name as written, with its range; differs from `name` for a deprecated alias.
    public var callee: Identifier
    /// For a call on a value, `a.b()` (as in `cluster('c').database('d')`), the value.
    public var target: Expression?
    /// The arguments, in order.
    public var arguments: [Argument]

    /// Creates a call.
    public init(name: String, callee: Identifier, target: Expression? = nil, arguments: [Argument]) {
        self.name = name
        self.callee = callee
        self.target = target
        self.arguments = arguments
    }

    /// Whether the call uses a deprecated alias of its function (`makeset`, `iif`, `argmax`…).
    public var usesDeprecatedAlias: Bool { name != callee.name }
}

/// One argument of a call: `expression`, or `name = expression` for a named one.
public struct Argument: Hashable, Sendable {
    /// The name of a named argument.
    public var name: Identifier?
    /// The value.
    public var value: Expression
    /// Where it is.
    @IgnoredInEquality public var range: SourceRange

    /// Creates an argument.
    public init(name: Identifier? = nil, value: Expression, range: SourceRange = .none) {
        self.name = name
        self.value = value
        self.range = range
    }
}

/// A prefix operator.
public enum UnaryOperator: String, Hashable, Sendable {
    /// `-x`.
    case minus = "-"
    /// `+x`.
    case plus = "+"
}

/// An infix operator, by its canonical KQL spelling (the raw value): logical, comparison,
/// arithmetic, string (`has`, `contains`, `startswith`, … with their `!` and `_cs` forms) and set
/// operators (`in`, `!in`, `in~`, `!in~`, `has_any`, `has_all`).
public enum BinaryOperator: String, Hashable, Sendable, CaseIterable {
    case or, and
    case equal = "==", notEqual = "!=", equalTilde = "=~", notEqualTilde = "!~"
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case has, notHas = "!has", hasCS = "has_cs", notHasCS = "!has_cs"
    case hasPrefix = "hasprefix", notHasPrefix = "!hasprefix"
    case hasPrefixCS = "hasprefix_cs", notHasPrefixCS = "!hasprefix_cs"
    case hasSuffix = "hassuffix", notHasSuffix = "!hassuffix"
    case hasSuffixCS = "hassuffix_cs", notHasSuffixCS = "!hassuffix_cs"
    case contains, notContains = "!contains", containsCS = "contains_cs", notContainsCS = "!contains_cs"
    case startsWith = "startswith", notStartsWith = "!startswith"
    case startsWithCS = "startswith_cs", notStartsWithCS = "!startswith_cs"
    case endsWith = "endswith", notEndsWith = "!endswith"
    case endsWithCS = "endswith_cs", notEndsWithCS = "!endswith_cs"
    case like, notLike = "!like", likeCS = "like_cs", notLikeCS = "!like_cs"
    case matchesRegex = "matches regex"
    /// Set operators: the right side is a `.list` (or one expression, such as a dynamic array).
    case `in`, notIn = "!in", inTilde = "in~", notInTilde = "!in~", hasAny = "has_any", hasAll = "has_all"

    /// Binding strength, higher binds tighter: `or` 1, `and` 2, comparisons and string and set
    /// operators 3, `<` `<=` `>` `>=` 4, `+` `-` 5, `*` `/` `%` 6.
    public var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .less, .lessOrEqual, .greater, .greaterOrEqual: 4
        case .add, .subtract: 5
        case .multiply, .divide, .modulo: 6
        default: 3
        }
    }

    /// Whether the right side is a list: `in`, `!in`, `in~`, `!in~`, `has_any`, `has_all`.
    public var takesList: Bool {
        switch self {
        case .in, .notIn, .inTilde, .notInTilde, .hasAny, .hasAll: true
        default: false
        }
    }

    /// The operator a spelling stands for, canonical or deprecated (`notcontains`, `<>`), or `nil`.
    public init?(spelling: String) {
        if let op = BinaryOperator(rawValue: spelling) {
            self = op
        } else if let op = KQLAliases.binaryOperators[spelling] {
            self = op
        } else {
            return nil
        }
    }
}

/// Deprecated spellings the parser reads as their modern forms; the tree remembers the spelling
/// so the linter can suggest the modern one.
public enum KQLAliases {
    /// Deprecated function names and their modern names.
    public static let functions: [String: String] = [
        "makeset": "make_set", "makelist": "make_list", "makebag": "make_bag",
        "make_dictionary": "make_bag", "argmax": "arg_max", "argmin": "arg_min",
        "any": "take_any", "anyif": "take_anyif", "iif": "iff", "parsejson": "parse_json",
        "extractjson": "extract_json", "pack": "bag_pack", "pack_dictionary": "bag_pack",
        "base64_decodestring": "base64_decode_tostring", "base64_encodestring": "base64_encode_tostring",
        "array_strcat": "strcat_array", "notnull": "isnotnull", "notempty": "isnotempty",
        "datepart": "datetime_part",
    ]

    /// Deprecated tabular operator names and their modern names.
    public static let operators: [String: String] = ["mvexpand": "mv-expand"]

    /// Synonyms of tabular operators that are not deprecated (`order` for `sort`, `limit` for
    /// `take`, `filter` for `where`).
    public static let operatorSynonyms: [String: String] = ["order": "sort", "limit": "take", "filter": "where"]

    /// Deprecated spellings of infix operators.
    public static let binaryOperators: [String: BinaryOperator] = [
        "<>": .notEqual, "notcontains": .notContains, "containscs": .containsCS,
        "notcontainscs": .notContainsCS, "notlike": .notLike, "likecs": .likeCS, "notlikecs": .notLikeCS,
    ]
}
