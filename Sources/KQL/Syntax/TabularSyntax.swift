/// A tabular expression: a source followed by `| operator` steps.
///
/// `DeviceProcessEvents | where … | project …` has the source `.expression(DeviceProcessEvents)`;
/// `union A, B | …` and `datatable(…)[…]` start with a source operator; a subquery that works
/// on rows handed to it (`mv-apply … on (top 1 by x)`, `partition by k (take 3)`, `fork (…)`)
/// has no source and its first operator is written without a `|`.
public struct TabularExpression: Hashable, Sendable {
    /// Where the rows come from; `nil` in a subquery that gets its input from its operator.
    public var source: TabularSource?
    /// The operators after the source, in order.
    public var operators: [PipeOperator]
    /// Where the whole expression is.
    @IgnoredInEquality public var range: SourceRange

    /// Creates a tabular expression.
    public init(source: TabularSource?, operators: [PipeOperator], range: SourceRange = .none) {
        self.source = source
        self.operators = operators
        self.range = range
    }
}

/// Where a tabular expression's rows come from.
public indirect enum TabularSource: Hashable, Sendable {
    /// An expression that names or makes a table: a table or `let` name, a call
    /// (`materialize(x)`, a user function), a parenthesized subquery.
    case expression(Expression)
    /// An operator that needs no input: `union`, `datatable`, `externaldata`, `range`, `print`,
    /// `search`, `find`, `evaluate`.
    case `operator`(PipeOperator)
}

/// One tabular operator: what follows a `|` (or starts a tabular expression).
public struct PipeOperator: Hashable, Sendable {
    /// The operators, one case each; the rarely used ones share `.generic`.
    public indirect enum Kind: Hashable, Sendable {
        /// `where Predicate` (also spelled `filter`).
        case `where`(Expression)
        /// `project Column, Name = Expression, …`.
        case project([ColumnExpression])
        /// `project-away Column, Pattern*, …`.
        case projectAway([Expression])
        /// `project-keep Column, Pattern*, …`.
        case projectKeep([Expression])
        /// `project-rename New = Old, …`.
        case projectRename([ColumnExpression])
        /// `project-reorder Column [asc | desc | granny-asc | granny-desc], …`.
        case projectReorder([SortKey])
        /// `extend Name = Expression, …`.
        case extend([ColumnExpression])
        /// `summarize Aggregates [by Groups]`.
        case summarize(SummarizeOperator)
        /// `join [kind=…] [hint.…] Right on Conditions`.
        case join(JoinOperator)
        /// `lookup [kind=…] Right on Conditions`.
        case lookup(JoinOperator)
        /// `union [kind=…] [withsource=…] [isfuzzy=…] Tables`.
        case union([Expression])
        /// `distinct Columns` or `distinct *`.
        case distinct([ColumnExpression])
        /// `top N by Expression [asc | desc] [nulls first | last]`.
        case top(count: Expression, by: SortKey)
        /// `top-nested … of … by …, top-nested …`.
        case topNested([TopNestedClause])
        /// `sort by Keys` (also spelled `order by`).
        case sort([SortKey])
        /// `take N` (also spelled `limit`).
        case take(Expression)
        /// `count`.
        case count
        /// `mv-expand Columns [limit N]` (also spelled `mvexpand`, deprecated).
        case mvExpand(MvExpandOperator)
        /// `mv-apply Columns [limit N] on (Subquery)`.
        case mvApply(MvApplyOperator)
        /// `parse [kind=…] Expression with Pattern`, and `parse-where` (see `PipeOperator.name`).
        case parse(ParseOperator)
        /// `parse-kv Expression as (Columns) with (Properties)`.
        case parseKV(ParseKVOperator)
        /// `evaluate Plugin(Arguments) [: (OutputSchema)]`.
        case evaluate(EvaluateOperator)
        /// `make-series Aggregates on Axis from … to … step … by Groups`.
        case makeSeries(MakeSeriesOperator)
        /// `render Visualization [with (Properties)]`.
        case render(RenderOperator)
        /// `invoke Function(Arguments)`; the value is the call.
        case invoke(Expression)
        /// `as Name`.
        case `as`(Identifier)
        /// `serialize [Name = Expression, …]`.
        case serialize([ColumnExpression])
        /// `getschema`.
        case getschema
        /// `sample N`.
        case sample(Expression)
        /// `sample-distinct N of Column`.
        case sampleDistinct(count: Expression, of: Expression)
        /// `partition by Column (Subquery)` or `{ Subquery }`.
        case partition(PartitionOperator)
        /// `fork [name=](Subquery) …`.
        case fork([ForkBranch])
        /// `facet by Columns [with (Subquery)]`.
        case facet(columns: [Expression], with: TabularExpression?)
        /// `search [kind=…] [in (Tables)] Predicate`.
        case search(SearchOperator)
        /// `find [withsource=…] [in (Tables)] where Predicate [project …]`.
        case find(FindOperator)
        /// `datatable (Columns) [Values]`.
        case datatable(columns: [ColumnDeclaration], values: [Expression])
        /// `externaldata (Columns) [URIs] [with (Properties)]`.
        case externaldata(columns: [ColumnDeclaration], uris: [Expression], properties: [OperatorParameter])
        /// `range Column from Start to Stop step Step`.
        case range(column: Identifier, from: Expression, to: Expression, step: Expression)
        /// `print [Name =] Expression, …`.
        case print([ColumnExpression])
        /// An operator kept as its tokens (`scan`, `reduce`, `top-hitters`, `make-graph`, …): it
        /// parses and prints back, but nothing looks inside.
        case generic([RawToken])
    }

    /// The operator's name as written: `where`, `filter`, `order`, `mvexpand`, `project-away`, …
    public var name: String
    /// The `name = value` parameters written before the arguments (`kind=inner`, `hint.…`).
    public var parameters: [OperatorParameter]
    /// The operator.
    public var kind: Kind
    /// Where it is, from its name to its last token (the `|` before it excluded).
    @IgnoredInEquality public var range: SourceRange

    /// Creates an operator.
    public init(name: String, parameters: [OperatorParameter] = [], kind: Kind, range: SourceRange = .none) {
        self.name = name
        self.parameters = parameters
        self.kind = kind
        self.range = range
    }

    /// The modern name for a deprecated spelling (`mvexpand` → `mv-expand`), else `name`.
    public var canonicalName: String { KQLAliases.operators[name] ?? name }

    /// The value of a parameter, by name (`kind`, `hint.strategy`).
    public func parameter(_ name: String) -> Expression? {
        parameters.first { $0.name == name }?.value
    }
}

/// A column-producing item: `Expression`, `Name = Expression` or `(A, B) = Expression`.
public struct ColumnExpression: Hashable, Sendable {
    /// The names assigned, if any.
    public var target: ColumnTarget?
    /// The value.
    public var expression: Expression
    /// Where it is.
    @IgnoredInEquality public var range: SourceRange

    /// Creates an item.
    public init(target: ColumnTarget? = nil, expression: Expression, range: SourceRange = .none) {
        self.target = target
        self.expression = expression
        self.range = range
    }
}

/// The left side of an assignment in `extend`, `project`, `summarize`, …
public enum ColumnTarget: Hashable, Sendable {
    /// `Name = …`.
    case name(Identifier)
    /// `(A, B) = …`, for functions that return several columns.
    case tuple([Identifier])
}

/// A sort key: `Expression [asc | desc] [nulls first | nulls last]`.
public struct SortKey: Hashable, Sendable {
    /// Direction keywords.
    public enum Order: String, Hashable, Sendable {
        /// `asc`.
        case ascending = "asc"
        /// `desc`.
        case descending = "desc"
        /// `granny-asc` (`project-reorder` only: numbers inside names sort by value).
        case grannyAscending = "granny-asc"
        /// `granny-desc` (`project-reorder` only).
        case grannyDescending = "granny-desc"
    }

    /// Where nulls go.
    public enum Nulls: String, Hashable, Sendable {
        /// `nulls first`.
        case first
        /// `nulls last`.
        case last
    }

    /// What to sort by.
    public var expression: Expression
    /// The direction, when written.
    public var order: Order?
    /// Where nulls go, when written.
    public var nulls: Nulls?
    /// Where it is.
    @IgnoredInEquality public var range: SourceRange
}

/// `summarize Aggregates [by Groups]`.
public struct SummarizeOperator: Hashable, Sendable {
    /// The aggregates, possibly none (`summarize by X`).
    public var aggregates: [ColumnExpression]
    /// The `by` groups; empty when there is no `by`.
    public var groups: [ColumnExpression]

    /// Creates a summarize operator.
    public init(aggregates: [ColumnExpression], groups: [ColumnExpression]) {
        self.aggregates = aggregates
        self.groups = groups
    }
}

/// `join` and `lookup`: the right side and the `on` conditions.
public struct JoinOperator: Hashable, Sendable {
    /// The right table: a parenthesized subquery or a name.
    public var right: Expression
    /// The `on` conditions: column names (`on DeviceId`) and `$left.A == $right.B` comparisons.
    public var conditions: [Expression]
}

/// One clause of `top-nested`.
public struct TopNestedClause: Hashable, Sendable {
    /// How many values to keep; `nil` for all.
    public var count: Expression?
    /// The column or expression whose values are ranked.
    public var of: ColumnExpression
    /// `with others = Value`.
    public var withOthers: Expression?
    /// The aggregation that ranks them.
    public var by: ColumnExpression
    /// The direction, when written.
    public var order: SortKey.Order?
    /// Where it is.
    @IgnoredInEquality public var range: SourceRange
}

/// One item of `mv-expand` or `mv-apply`: `[Name =] Column [to typeof(Type)]`.
public struct ExpandItem: Hashable, Sendable {
    /// The column or expression expanded.
    public var column: ColumnExpression
    /// The type in `to typeof(type)`.
    public var type: Identifier?
    /// Where it is.
    @IgnoredInEquality public var range: SourceRange
}

/// `mv-expand Items [limit N]`.
public struct MvExpandOperator: Hashable, Sendable {
    /// What is expanded.
    public var items: [ExpandItem]
    /// `limit N`.
    public var limit: Expression?

    /// Creates an `mv-expand`.
    public init(items: [ExpandItem], limit: Expression? = nil) {
        self.items = items
        self.limit = limit
    }
}

/// `mv-apply Items [limit N] on (Subquery)`.
public struct MvApplyOperator: Hashable, Sendable {
    /// What is expanded.
    public var items: [ExpandItem]
    /// `limit N`.
    public var limit: Expression?
    /// The subquery applied to each row's expanded values.
    public var subquery: TabularExpression
}

/// `parse` and `parse-where`: a source string and a pattern.
public struct ParseOperator: Hashable, Sendable {
    /// The string parsed.
    public var source: Expression
    /// The pattern after `with`.
    public var pattern: [ParsePatternElement]
}

/// One element of a `parse` pattern.
public enum ParsePatternElement: Hashable, Sendable {
    /// A string constant to match.
    case text(Literal)
    /// `*`: skip anything.
    case wildcard
    /// A column to extract, with its type when written (`Name:long`).
    case column(Identifier, type: Identifier?)
}

/// `parse-kv Expression as (Columns) [with (Properties)]`.
public struct ParseKVOperator: Hashable, Sendable {
    /// The string parsed.
    public var source: Expression
    /// The keys extracted, with their types.
    public var columns: [ColumnDeclaration]
    /// `with (pair_delimiter=…, kv_delimiter=…, …)`.
    public var properties: [OperatorParameter]
}

/// `evaluate Plugin(Arguments) [: (OutputSchema)]`.
public struct EvaluateOperator: Hashable, Sendable {
    /// The plugin call: `bag_unpack(AdditionalFields)`, `pivot(…)`.
    public var plugin: Expression
    /// The declared output schema after `:`.
    public var schema: RowSchema?
}

/// `make-series`.
public struct MakeSeriesOperator: Hashable, Sendable {
    /// One aggregate: `[Name =] Aggregation [default = Value]`.
    public struct Aggregate: Hashable, Sendable {
        /// The aggregate.
        public var column: ColumnExpression
        /// `default = Value`.
        public var defaultValue: Expression?
        /// Where it is.
        @IgnoredInEquality public var range: SourceRange
    }

    /// The aggregates.
    public var aggregates: [Aggregate]
    /// `on AxisColumn`.
    public var axis: Expression
    /// `from Start`.
    public var from: Expression?
    /// `to End`.
    public var to: Expression?
    /// `step Step`.
    public var step: Expression?
    /// The older form `in range(Start, Stop, Step)`.
    public var inRange: Expression?
    /// The `by` groups.
    public var groups: [ColumnExpression]
}

/// `render Visualization [with (Properties)]`.
public struct RenderOperator: Hashable, Sendable {
    /// One property; `ycolumns = a, b` has several values.
    public struct Property: Hashable, Sendable {
        /// The property name.
        public var name: Identifier
        /// Its values.
        public var values: [Expression]
        /// Where it is.
        @IgnoredInEquality public var range: SourceRange
    }

    /// `timechart`, `columnchart`, …
    public var visualization: Identifier
    /// The properties.
    public var properties: [Property]
    /// Whether they were written in `with (…)` (otherwise in the older bare form).
    public var usesWith: Bool
}

/// `partition [hint.…] by Column (Subquery)` or `{ Subquery }`.
public struct PartitionOperator: Hashable, Sendable {
    /// The partition key.
    public var column: Expression
    /// The subquery run per partition.
    public var subquery: TabularExpression
    /// Whether it was written in braces.
    public var usesBraces: Bool
}

/// One branch of `fork`.
public struct ForkBranch: Hashable, Sendable {
    /// `name=` before the subquery.
    public var name: Identifier?
    /// The subquery.
    public var subquery: TabularExpression
    /// Where it is.
    @IgnoredInEquality public var range: SourceRange
}

/// `search [in (Tables)] Predicate`.
public struct SearchOperator: Hashable, Sendable {
    /// `in (Tables)`; `nil` when absent.
    public var tables: [Expression]?
    /// What to look for: `"text"`, `Column has "x"`, …
    public var predicate: Expression
}

/// `find [in (Tables)] where Predicate [project-smart | project Columns]`.
public struct FindOperator: Hashable, Sendable {
    /// What `find` projects.
    public enum Projection: Hashable, Sendable {
        /// `project-smart`.
        case smart
        /// `project Columns`.
        case columns([Expression])
    }

    /// `in (Tables)`; `nil` when absent.
    public var tables: [Expression]?
    /// The `where` predicate.
    public var predicate: Expression
    /// The projection clause.
    public var projection: Projection?
}

/// A token kept verbatim inside a `.generic` operator.
public struct RawToken: Hashable, Sendable {
    /// Its text.
    public var text: String
    /// Whether a space comes before it (whitespace or a comment did in the source).
    public var spaceBefore: Bool
    /// Where it is.
    @IgnoredInEquality public var range: SourceRange
}
