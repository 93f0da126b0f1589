import KQL

/// Read access by column name, for the hand-written query predicates.
struct Rows {
    let table: KQLTable
    private var index: [String: Int] = [:]

    init(_ table: KQLTable) {
        self.table = table
        for (i, c) in table.columns.enumerated() { index[c.name] = i }
    }

    var count: Int { table.rowCount }

    func s(_ column: String, _ row: Int) -> String {
        guard case .string(let v) = table.columns[index[column]!].storage else { return "\(table[row, index[column]!])" }
        return v[row]
    }

    func l(_ column: String, _ row: Int) -> Int64 {
        switch table[row, index[column]!] {
        case .long(let v): v
        case .int(let v): Int64(v)
        default: 0
        }
    }

    func t(_ row: Int) -> Int64 {
        if case .datetime(let v) = table[row, index["Timestamp"]!] { return v.ticks }
        return 0
    }
}

extension String {
    /// Kusto-like `has` for one term: a whole word, case-insensitive; phrases fall back to `contains`.
    func has(_ term: String) -> Bool {
        let needle = term.lowercased()
        if needle.contains(where: { !($0.isLetter || $0.isNumber) }) { return lowercased().contains(needle) }
        return lowercased().split { !($0.isLetter || $0.isNumber) }.contains { $0 == needle }
    }

    func hasAny(_ terms: [String]) -> Bool { terms.contains { has($0) } }

    func containsCI(_ s: String) -> Bool { lowercased().contains(s.lowercased()) }

    func inCI(_ list: [String]) -> Bool { list.contains { $0.lowercased() == lowercased() } }

    /// Last two labels of a host name.
    var registeredDomain: String { split(separator: ".").suffix(2).joined(separator: ".") }
}

extension String {
    func containsAny(_ parts: [String]) -> Bool { parts.contains { containsCI($0) } }
}
