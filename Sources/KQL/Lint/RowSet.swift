/// What the linter knows about the rows at one point of a pipeline: their columns, whether that
/// list is complete, and which Defender tables feed them without a time filter yet.
struct RowSet {
    /// A table read, remembered until a time filter covers it.
    struct TableRead {
        var name: String
        var location: SourceLocation
    }

    /// The columns known to be there, with their types when known.
    var columns: [String: KQLScalarType?]
    /// Whether there may be columns the linter cannot see (after a plugin, a user function, a
    /// table without a schema here); then no column is reported as unknown.
    var isOpen: Bool
    /// Whether there are rows at all: `false` in a scalar `let`, a `print` argument, a function's
    /// scalar body — where a bare name must be a `let` or a parameter.
    var hasRowContext: Bool
    /// Whether the rows come (at least partly) from an advanced-hunting table, where
    /// `TimeGenerated` is a Sentinel habit rather than a typo.
    var fromDefenderTable = false
    /// The tables these rows come from, for messages.
    var sources: [String] = []
    /// The last operator that chose the columns (`project` at 4:3), for messages.
    var shapedBy: (name: String, location: SourceLocation)?
    /// Defender tables read without a filter on a datetime column so far.
    var unfiltered: [TableRead] = []

    /// Rows whose columns are unknown.
    static let open = RowSet(columns: [:], isOpen: true, hasRowContext: true)
    /// No rows: a scalar context.
    static let none = RowSet(columns: [:], isOpen: false, hasRowContext: false)
    /// Rows with exactly no columns yet (the start of `print`, `datatable`, …).
    static let empty = RowSet(columns: [:], isOpen: false, hasRowContext: true)

    /// Whether `name` is a column here.
    func has(_ name: String) -> Bool { columns[name] != nil }

    /// The type of column `name`, when it is a column and its type is known.
    func type(of name: String) -> KQLScalarType? { columns[name] ?? nil }

    /// Adds or replaces a column.
    mutating func add(_ name: String, _ type: KQLScalarType? = nil) { columns[name] = .some(type) }

    /// The same rows with another set of columns, as an operator that reshapes them gives.
    func reshaped(_ columns: [String: KQLScalarType?], isOpen: Bool, by op: PipeOperator) -> RowSet {
        var copy = self
        copy.columns = columns
        copy.isOpen = isOpen
        copy.hasRowContext = true
        copy.shapedBy = (op.name, op.range.start)
        return copy
    }

    /// Takes in another input's columns (`union`) or facts (`join` of tables, subqueries).
    mutating func absorbFacts(of other: RowSet) {
        fromDefenderTable = fromDefenderTable || other.fromDefenderTable
        for source in other.sources where !sources.contains(source) { sources.append(source) }
        unfiltered += other.unfiltered
    }

    /// The column names whose names match a `project-away`-style pattern (`*` matches any run).
    func columns(matching pattern: String) -> [String] {
        columns.keys.filter { RowSet.matches($0, pattern: pattern) }
    }

    /// Whether `name` matches a pattern in which `*` stands for any run of characters.
    static func matches(_ name: String, pattern: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return name == pattern }
        var rest = Substring(name)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let found = rest.firstRange(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        let last = parts[parts.count - 1]
        return rest.count >= last.count && rest.hasSuffix(last)
    }
}
