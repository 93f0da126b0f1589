import Foundation
import Synchronization

/// A bearer token obtained elsewhere and handed over as-is (`HUNT_ACCESS_TOKEN`).
///
/// Its expiry is unknown (tokens are not parsed, spec §3.6), so it counts as valid until the API
/// refuses it. It cannot refresh: it hands its token out once per scope, and when asked again,
/// which ``TokenCache`` only does after the API answered 401 and the token was dropped, it fails
/// with an authentication error that says to get a new token.
public final class StaticTokenCredential: TokenCredential, Sendable {
    /// Where the token came from, for messages (`HUNT_ACCESS_TOKEN`).
    public let source: String
    private let token: Secret
    private let handedOut = Mutex<Set<TokenScope>>([])

    /// Creates the credential; a leading `Bearer ` is removed.
    /// - Parameters:
    ///   - token: the access token.
    ///   - source: where it came from, named in messages.
    /// - Throws: ``CredentialError`` `.configuration` when the token is empty.
    public init(_ token: Secret, source: String = "HUNT_ACCESS_TOKEN") throws(CredentialError) {
        var value = token.reveal().trimmingCharacters(in: .whitespacesAndNewlines)
        if value.lowercased().hasPrefix("bearer ") { value = String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
        guard !value.isEmpty else { throw CredentialError(.configuration, "the token in \(source) is empty") }
        self.token = Secret(value)
        self.source = source
    }

    public var displayName: String { "static token from \(source)" }

    public var canRefresh: Bool { false }

    public func fetchToken(for scope: TokenScope) async throws(CredentialError) -> AccessToken {
        let first = handedOut.withLock { $0.insert(scope).inserted }
        guard first else {
            throw CredentialError(
                .invalidCredential,
                "the token from \(source) was refused; get a new one (for example `az account get-access-token --resource \(scope.resource)`) and set \(source) again")
        }
        return AccessToken(token.reveal(), expiresOn: .distantFuture)
    }
}
