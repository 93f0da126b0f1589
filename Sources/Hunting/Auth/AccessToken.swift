public import Foundation

/// A bearer token and when it stops working. Prints without its value.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible {
    /// The token.
    public var value: Secret
    /// When it expires.
    public var expiresOn: Date

    /// Creates a token.
    public init(_ value: String, expiresOn: Date) {
        self.value = Secret(value)
        self.expiresOn = expiresOn
    }

    /// Whether it is still good for `margin` seconds from `now`.
    public func isValid(at now: Date = Date(), margin: TimeInterval = 0) -> Bool {
        expiresOn.timeIntervalSince(now) > margin
    }

    public var description: String { "AccessToken(expires \(ISO8601DateFormatter().string(from: expiresOn)))" }
}

/// What a token is for: the API's resource (`https://graph.microsoft.com`).
public struct TokenScope: Sendable, Hashable, CustomStringConvertible {
    /// The resource URI, without a trailing slash.
    public var resource: String

    /// Creates a scope for a resource.
    public init(resource: String) {
        var r = resource
        while r.hasSuffix("/") { r.removeLast() }
        self.resource = r
    }

    /// The v2 scope: `<resource>/.default`.
    public var defaultScope: String { resource + "/.default" }

    public var description: String { resource }
}

/// Gets new tokens from somewhere (Entra ID, a managed identity, the Azure CLI). One kind of
/// credential each; ``TokenCache`` decides when to call.
public protocol TokenCredential: Sendable {
    /// Fetches a new token for the scope.
    /// - Throws: ``CredentialError`` with a message that says what to fix.
    func fetchToken(for scope: TokenScope) async throws(CredentialError) -> AccessToken

    /// What this credential is, for logs ("client secret for app 1b2c…"); never a secret.
    var displayName: String { get }

    /// Whether asking again can give a different token (a static token cannot).
    var canRefresh: Bool { get }
}

extension TokenCredential {
    public var canRefresh: Bool { true }
}

/// Supplies tokens to the backends: cached, refreshed before expiry, one refresh at a time.
public protocol TokenProvider: Sendable {
    /// A token valid for a while longer.
    /// - Throws: ``CredentialError``.
    func token(for scope: TokenScope) async throws(CredentialError) -> AccessToken

    /// Drops `token` after the API refused it (401), so the next call fetches a new one.
    /// - Returns: whether a refresh is possible.
    func invalidate(_ token: AccessToken, for scope: TokenScope) async -> Bool
}
