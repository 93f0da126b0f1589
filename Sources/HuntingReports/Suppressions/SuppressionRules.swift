/// The suppressions that can hide rows of one query's result, with their columns resolved to
/// indexes: made once per query by ``SuppressionList/rules(forQuery:tenant:columns:at:)``, then
/// asked once per row.
public struct SuppressionRules: Sendable {
    /// A `match` suppression ready for rows: each condition as a cache slot and a pattern.
    struct Matcher: Sendable {
        var suppression: Suppression
        var conditions: [(slot: Int, pattern: SuppressionPattern)]
    }

    /// `key` suppressions by lowercased key, the first in the file winning.
    private let byKey: [String: Suppression]
    private let matchers: [Matcher]
    /// The column index behind each cache slot.
    private let slotColumns: [Int]
    /// Whether some column is tested more than once per row, so its text is worth keeping.
    private let cachesCells: Bool

    init(byKey: [String: Suppression], matchers: [Matcher], slotColumns: [Int]) {
        self.byKey = byKey
        self.matchers = matchers
        self.slotColumns = slotColumns
        cachesCells = matchers.reduce(0) { $0 + $1.conditions.count } > slotColumns.count
    }

    /// No suppression can hide a row: the caller may skip asking.
    public var isEmpty: Bool { byKey.isEmpty && matchers.isEmpty }

    /// How many suppressions are in play.
    public var count: Int { byKey.count + matchers.count }

    /// The suppression that hides a row, if any: a `key` suppression first, else the first
    /// `match` suppression in the file whose every column matches.
    /// - Parameters:
    ///   - key: the row's finding key.
    ///   - cell: the display text of the row's cell in a column, by column index; asked at most
    ///     once per column.
    /// - Returns: the suppression, or `nil` when the row stays.
    public func match(key: String, cell: (Int) -> String) -> Suppression? {
        if !byKey.isEmpty {
            if let found = byKey[key] { return found }
            if key.utf8.contains(where: { ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || $0 >= 0x80 }),
                let found = byKey[key.lowercased()]
            {
                return found
            }
        }
        guard !matchers.isEmpty else { return nil }
        if !cachesCells {
            for matcher in matchers where matcher.conditions.allSatisfy({ $0.pattern.matches(cell(slotColumns[$0.slot])) }) {
                return matcher.suppression
            }
            return nil
        }
        var cache = [String?](repeating: nil, count: slotColumns.count)
        for matcher in matchers {
            let matches = matcher.conditions.allSatisfy { condition in
                if let text = cache[condition.slot] { return condition.pattern.matches(text) }
                let text = cell(slotColumns[condition.slot])
                cache[condition.slot] = text
                return condition.pattern.matches(text)
            }
            if matches { return matcher.suppression }
        }
        return nil
    }
}
