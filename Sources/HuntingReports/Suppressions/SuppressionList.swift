public import Foundation
import Hunting
import KQL

/// The suppressions file, read: `{"suppressions": [...]}` or a bare array of entries.
///
/// ```json
/// { "suppressions": [
///   { "query": "execution/encoded-powershell", "key": "3f2a9c1e0b7d4c55",
///     "reason": "SCCM client runs this nightly", "owner": "alice@contoso.com", "expires": "2027-01-31" },
///   { "query": "persistence/*", "tenant": "contoso", "match": { "DeviceName": "build-07*" },
///     "reason": "Build agents", "owner": "bob@contoso.com", "expires": "2027-03-01T00:00:00Z" }
/// ]}
/// ```
public struct SuppressionList: Sendable {
    /// The entries, in file order.
    public var suppressions: [Suppression]

    /// Creates a list.
    public init(_ suppressions: [Suppression] = []) { self.suppressions = suppressions }

    /// Reads a suppressions file.
    /// - Parameter url: the file.
    /// - Returns: the list.
    /// - Throws: ``SuppressionFileError`` when the file cannot be read, with every problem in it.
    public static func load(from url: URL) throws(SuppressionFileError) -> SuppressionList {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw SuppressionFileError([.error(
                "missing-file", "the suppressions file does not exist; check the path, or remove the setting to run without suppressions",
                path: path)])
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SuppressionFileError([.error("unreadable-file", "cannot read the suppressions file: \(error.localizedDescription)", path: path)])
        }
        return try parse(Array(data), path: path)
    }

    /// Reads a suppressions file's contents.
    /// - Parameters:
    ///   - bytes: the contents, UTF-8, strict JSON.
    ///   - path: the file's path, for errors and for each suppression's location.
    /// - Returns: the list.
    /// - Throws: ``SuppressionFileError`` with every unknown key, wrong type, missing or
    ///   conflicting key and bad date (or the one JSON syntax error), each with its line and column.
    public static func parse(_ bytes: [UInt8], path: String) throws(SuppressionFileError) -> SuppressionList {
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(bytes, path: path)
        } catch {
            throw SuppressionFileError([error.diagnostic])
        }
        let reader = JSONDocumentReader(document)
        let suppressions = SuppressionFileReader(reader: reader).read()
        guard !reader.hasErrors else {
            throw SuppressionFileError(reader.diagnostics.filter { $0.severity == .error }.inSourceOrder())
        }
        return SuppressionList(suppressions)
    }

    /// The suppressions that can hide rows of one query's result now, ready to test rows.
    ///
    /// Kept: those not expired at `now` whose query pattern and tenant fit, and, for `match`
    /// ones, whose every column the result has (a column it lacks never matches).
    /// - Parameters:
    ///   - id: the query id.
    ///   - tenant: the tenant's name; `nil` leaves out every suppression limited to a tenant.
    ///   - columns: the result's column names, in order.
    ///   - now: the time of the run.
    /// - Returns: the rules; ``SuppressionRules/isEmpty`` when nothing can be hidden.
    public func rules(forQuery id: String, tenant: String?, columns: [String], at now: Date) -> SuppressionRules {
        var byKey: [String: Suppression] = [:]
        var matchers: [SuppressionRules.Matcher] = []
        var slots: [Int: Int] = [:]
        var slotColumns: [Int] = []
        var exact: [String: Int] = [:]
        var folded: [String: Int] = [:]
        for (index, name) in columns.enumerated() {
            if exact[name] == nil { exact[name] = index }
            if folded[name.lowercased()] == nil { folded[name.lowercased()] = index }
        }
        for suppression in suppressions where !suppression.isExpired(at: now) && suppression.applies(toQuery: id, tenant: tenant) {
            if let key = suppression.key {
                let lowered = key.lowercased()
                if byKey[lowered] == nil { byKey[lowered] = suppression }
                continue
            }
            var conditions: [(slot: Int, pattern: SuppressionPattern)] = []
            for condition in suppression.match {
                guard let column = exact[condition.column] ?? folded[condition.column.lowercased()] else {
                    conditions = []
                    break
                }
                let slot: Int
                if let known = slots[column] {
                    slot = known
                } else {
                    slot = slotColumns.count
                    slots[column] = slot
                    slotColumns.append(column)
                }
                conditions.append((slot, SuppressionPattern(condition.pattern)))
            }
            guard !conditions.isEmpty else { continue }
            matchers.append(SuppressionRules.Matcher(suppression: suppression, conditions: conditions))
        }
        return SuppressionRules(byKey: byKey, matchers: matchers, slotColumns: slotColumns)
    }

    /// The suppressions that have run out, for the report to flag.
    /// - Parameter now: the time of the run.
    /// - Returns: the expired ones, in file order.
    public func expired(at now: Date) -> [Suppression] { suppressions.filter { $0.isExpired(at: now) } }
}
