import KQL

/// Kusto's names for columns nobody named: a column keeps its name, a dotted path into a
/// dynamic value becomes `A_b_c`, a conversion or `bin()` of a column takes the column's name,
/// and anything else is `Column1`, `Column2`, … (`print_0`, … in `print`).
enum ColumnNaming {
    static let nameKeepingFunctions: Set<String> = [
        "tostring", "toint", "tolong", "toreal", "todouble", "tobool", "toboolean", "todatetime", "totimespan",
        "toguid", "todecimal", "todynamic", "parse_json", "bin", "floor", "bin_at",
    ]

    /// The name Kusto derives from an expression, or `nil` when it derives none.
    static func derivedName(_ expression: Expression) -> String? {
        switch expression.kind {
        case .name(let identifier): return identifier.name
        case .parenthesized(let inner): return derivedName(inner)
        case .member(let base, let member):
            return derivedName(base).map { $0 + "_" + member.name }
        case .index(let base, let index):
            guard let baseName = derivedName(base), case .literal(let literal) = index.kind, let value = literal.value else { return nil }
            switch value {
            case .string(let key): return baseName + "_" + key
            case .long(let n): return baseName + "_" + String(n)
            default: return nil
            }
        case .call(let call) where nameKeepingFunctions.contains(call.name):
            return call.arguments.first.flatMap { derivedName($0.value) }
        default:
            return nil
        }
    }

    /// Hands out `Column1`, `Column2`, … skipping names already taken.
    struct Generator {
        private var next = 1
        private let prefix: String
        private let zeroBased: Bool

        init(prefix: String = "Column", zeroBased: Bool = false) {
            self.prefix = prefix
            self.zeroBased = zeroBased
            next = zeroBased ? 0 : 1
        }

        mutating func name(avoiding taken: some Collection<String>) -> String {
            while true {
                let candidate = prefix + String(next)
                next += 1
                if !taken.contains(candidate) { return candidate }
            }
        }
    }

    /// `name`, or `name1`, `name2`, … when taken (join and union clashes).
    static func unique(_ name: String, avoiding taken: some Collection<String>) -> String {
        if !taken.contains(name) { return name }
        var n = 1
        while taken.contains(name + String(n)) { n += 1 }
        return name + String(n)
    }
}
