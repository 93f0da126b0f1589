/// A secret value (client secret, password, token) that prints as `<redacted>` everywhere:
/// in logs, error messages, `print`, string interpolation and `dump`.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    /// Wraps a secret.
    public init(_ value: String) { self.value = value }

    /// The secret itself, for the one place that must send it.
    public func reveal() -> String { value }

    /// Whether the secret is empty.
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
