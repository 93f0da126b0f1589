public import KQL

/// Why a suppressions file cannot be used: every problem found, each as
/// `suppressions.json:4:5: error: suppressions[0]: missing 'owner', which is required`.
public struct SuppressionFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every problem, in the order they are written in the file.
    public var diagnostics: [Diagnostic]

    /// Creates an error from its problems.
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    /// One problem per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
