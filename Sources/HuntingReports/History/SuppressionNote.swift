public import Foundation

/// A suppression as a report shows it: which query and rows it covers, why, whose it is and
/// until when. Made from a suppressions file entry; the report needs nothing else of it.
public struct SuppressionNote: Sendable, Hashable {
    /// The query id or pattern it applies to.
    public var query: String
    /// The tenant it is limited to, if any.
    public var tenant: String?
    /// What it matches, as text (`key 3f2a9c1e0b7d4c55`, `DeviceName = build-07*`).
    public var what: String
    /// Why the rows are known and accepted.
    public var reason: String
    /// Who answers for it.
    public var owner: String
    /// When it stops hiding rows.
    public var expires: Date
    /// The expiry as written in the file.
    public var expiresText: String
    /// Where it is written (`suppressions.json:12:5`).
    public var location: String

    /// Creates a note.
    public init(query: String, tenant: String?, what: String, reason: String, owner: String, expires: Date, expiresText: String, location: String) {
        self.query = query
        self.tenant = tenant
        self.what = what
        self.reason = reason
        self.owner = owner
        self.expires = expires
        self.expiresText = expiresText
        self.location = location
    }
}

/// Decides, row by row, whether a suppression hides a row of one query's result: given the
/// row's finding key and a way to read its cells as display text (by column index), the
/// suppression that hides it, or `nil`.
public typealias RowSuppressor = @Sendable (_ key: String, _ cell: (Int) -> String) -> SuppressionNote?
