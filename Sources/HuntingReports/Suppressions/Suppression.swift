public import Foundation
public import KQL

/// One entry of the suppressions file: findings of a query that a team knows and accepts, with
/// why, whose decision it is and until when.
///
/// It names the rows either by ``key`` (one finding, as the report shows its key) or by
/// ``match`` (column patterns). An expired suppression hides nothing; the report lists it so
/// someone renews or removes it.
public struct Suppression: Sendable, Hashable {
    /// A column and the pattern its display text must match.
    public struct ColumnMatch: Sendable, Hashable, CustomStringConvertible {
        /// The column's name, as the result spells it (an exact match is preferred, else any case).
        public var column: String
        /// The pattern: compared ignoring case, `*` matching any run of characters.
        public var pattern: String

        /// Creates a column match.
        public init(column: String, pattern: String) {
            self.column = column
            self.pattern = pattern
        }

        /// `column = pattern`.
        public var description: String { "\(column) = \(pattern)" }
    }

    /// The query id, or a pattern of ids with `*` (`persistence/*`).
    public var query: String
    /// The tenant it is limited to, if any (compared ignoring case).
    public var tenant: String?
    /// The finding key it hides (compared ignoring case), when it names one finding.
    public var key: String?
    /// The column patterns a row must all match, when it names rows by content.
    public var match: [ColumnMatch]
    /// Why the rows are known and accepted.
    public var reason: String
    /// Who answers for it.
    public var owner: String
    /// The first instant it no longer hides rows: the next midnight UTC for a date (a date means
    /// "through the end of that day"), the instant itself for a datetime.
    public var expires: Date
    /// The expiry as written in the file (`2027-01-31`).
    public var expiresText: String
    /// The file it is written in.
    public var path: String
    /// Where the entry starts in the file.
    public var location: SourceLocation

    /// Creates a suppression.
    public init(
        query: String, tenant: String? = nil, key: String? = nil, match: [ColumnMatch] = [], reason: String, owner: String,
        expires: Date, expiresText: String, path: String = "", location: SourceLocation = .start
    ) {
        self.query = query
        self.tenant = tenant
        self.key = key
        self.match = match
        self.reason = reason
        self.owner = owner
        self.expires = expires
        self.expiresText = expiresText
        self.path = path
        self.location = location
    }

    /// Whether it has run out and no longer hides rows.
    /// - Parameter now: the time of the run.
    /// - Returns: `true` from ``expires`` on.
    public func isExpired(at now: Date) -> Bool { now >= expires }

    /// Whether it is meant for this query in this tenant (ignoring expiry and rows).
    /// - Parameters:
    ///   - id: the query id.
    ///   - tenant: the tenant's name; `nil` (a run without named tenants) fails every tenant filter.
    /// - Returns: whether the query pattern and tenant filter both fit.
    public func applies(toQuery id: String, tenant: String?) -> Bool {
        if let wanted = self.tenant {
            guard let tenant, tenant.lowercased() == wanted.lowercased() else { return false }
        }
        return SuppressionPattern(query).matches(id)
    }

    /// What it hides, as text: `key 3f2a9c1e0b7d4c55` or `DeviceName = build-07*, AccountName = svc_deploy`.
    public var what: String {
        if let key { return "key \(key)" }
        return match.map(\.description).joined(separator: ", ")
    }

    /// `path:line:column` of the entry.
    public var locationText: String { "\(path):\(location.line):\(location.column)" }
}
