/// Application sign-in with a client secret: the OAuth2 client-credentials grant on the v2 token
/// endpoint with scope `<resource>/.default`.
public struct ClientSecretCredential: TokenCredential {
    /// The tenant's token endpoint.
    public var endpoint: EntraTokenEndpoint
    /// The application (client) id.
    public var clientId: String
    private let secret: Secret

    /// Creates the credential.
    /// - Throws: ``CredentialError`` when the client id or secret is empty.
    public init(endpoint: EntraTokenEndpoint, clientId: String, secret: Secret) throws(CredentialError) {
        guard !clientId.isEmpty else { throw CredentialError(.configuration, "no client id: set AZURE_CLIENT_ID or --client-id") }
        guard !secret.isEmpty else { throw CredentialError(.configuration, "the client secret is empty: set AZURE_CLIENT_SECRET") }
        self.endpoint = endpoint
        self.clientId = clientId
        self.secret = secret
    }

    public var displayName: String { "client secret for app \(clientId)" }

    public func fetchToken(for scope: TokenScope) async throws(CredentialError) -> AccessToken {
        try await endpoint.requestToken(
            [
                ("grant_type", "client_credentials"), ("client_id", clientId), ("scope", scope.defaultScope),
                ("client_secret", secret.reveal()),
            ], clientId: clientId, scope: scope
        ).accessToken
    }
}
