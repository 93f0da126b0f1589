public import Foundation

/// Caches tokens per scope in memory, refreshes them `refreshMargin` before they expire, and
/// makes sure only one refresh per scope is in flight however many queries wait for it.
public actor TokenCache: TokenProvider {
    private let credential: any TokenCredential
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private let log: HuntingLog
    private var tokens: [TokenScope: AccessToken] = [:]
    private var inFlight: [TokenScope: Task<AccessToken, any Error>] = [:]

    /// Creates a cache over a credential.
    /// - Parameters:
    ///   - refreshMargin: how long before expiry a token is replaced (default 5 minutes).
    ///   - now: the clock, for tests.
    public init(
        credential: any TokenCredential, refreshMargin: TimeInterval = 300, log: HuntingLog = .discard,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.credential = credential
        self.refreshMargin = refreshMargin
        self.log = log
        self.now = now
    }

    /// The credential behind the cache, for logs.
    public nonisolated var credentialName: String { credential.displayName }

    public func token(for scope: TokenScope) async throws(CredentialError) -> AccessToken {
        if let token = tokens[scope], token.isValid(at: now(), margin: credential.canRefresh ? refreshMargin : 0) {
            return token
        }
        if let task = inFlight[scope] { return try await Self.wait(task) }
        let credential = self.credential
        let task = Task { () throws -> AccessToken in try await credential.fetchToken(for: scope) }
        inFlight[scope] = task
        defer { inFlight[scope] = nil }
        let token = try await Self.wait(task)
        tokens[scope] = token
        log.info("got a token", ["credential": credential.displayName, "scope": scope.resource])
        return token
    }

    public func invalidate(_ token: AccessToken, for scope: TokenScope) async -> Bool {
        if tokens[scope] == token { tokens[scope] = nil }
        return credential.canRefresh
    }

    private static func wait(_ task: Task<AccessToken, any Error>) async throws(CredentialError) -> AccessToken {
        do {
            return try await task.value
        } catch let error as CredentialError {
            throw error
        } catch {
            throw CredentialError(.unavailable, "getting a token failed: \(error)")
        }
    }
}
