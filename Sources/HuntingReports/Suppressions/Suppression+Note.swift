extension Suppression {
    /// The suppression as the report shows it.
    public var note: SuppressionNote {
        SuppressionNote(
            query: query, tenant: tenant, what: what, reason: reason, owner: owner, expires: expires, expiresText: expiresText,
            location: locationText)
    }
}

extension SuppressionRules {
    /// The rules as the report's row filter, or `nil` when they cannot hide anything.
    public var rowSuppressor: RowSuppressor? {
        guard !isEmpty else { return nil }
        return { key, cell in self.match(key: key, cell: cell)?.note }
    }
}
