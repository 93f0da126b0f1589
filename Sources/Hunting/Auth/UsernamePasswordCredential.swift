/// User sign-in with a user name and password: the resource-owner password credentials (ROPC)
/// grant, `grant_type=password` with scope `<resource>/.default` (spec §3.5).
///
/// **A last resort, kept only for the old Defender "user context" sample and the deprecated
/// `AZURE_USERNAME`/`AZURE_PASSWORD` variables.** Microsoft advises against ROPC: it cannot do
/// multi-factor authentication (AADSTS50076/50079), fails for federated, passwordless and personal
/// accounts, is blocked by many tenants' Conditional Access, and hands the password to this process.
/// Prefer ``DeviceCodeCredential`` for a user or an application credential for automation.
/// The app registration must allow public client flows.
public struct UsernamePasswordCredential: TokenCredential {
    /// The tenant's token endpoint (a tenant or `organizations`, never `common` or `consumers`).
    public var endpoint: EntraTokenEndpoint
    /// The public client application's id.
    public var clientId: String
    /// The user principal name.
    public var username: String
    private let password: Secret

    /// Creates the credential.
    /// - Parameters:
    ///   - endpoint: the tenant's token endpoint.
    ///   - clientId: the application (client) id; the app must allow public client flows.
    ///   - username: the user principal name (`analyst@contoso.com`).
    ///   - password: the user's password.
    /// - Throws: ``CredentialError`` `.configuration` when a value is missing or the tenant is
    ///   `common`/`consumers`, which ROPC does not accept (AADSTS9001023).
    public init(endpoint: EntraTokenEndpoint, clientId: String, username: String, password: Secret) throws(CredentialError) {
        guard !clientId.isEmpty else { throw CredentialError(.configuration, "no client id: set AZURE_CLIENT_ID or --client-id") }
        guard !username.isEmpty else { throw CredentialError(.configuration, "no user name: set AZURE_USERNAME") }
        guard !password.isEmpty else { throw CredentialError(.configuration, "the password is empty: set AZURE_PASSWORD") }
        guard !["common", "consumers"].contains(endpoint.tenant.lowercased()) else {
            throw CredentialError(
                .configuration,
                "the password flow needs a tenant id or 'organizations', not '\(endpoint.tenant)' (AADSTS9001023): set AZURE_TENANT_ID")
        }
        self.endpoint = endpoint
        self.clientId = clientId
        self.username = username
        self.password = password
    }

    public var displayName: String { "password of \(username) with app \(clientId)" }

    public func fetchToken(for scope: TokenScope) async throws(CredentialError) -> AccessToken {
        try await endpoint.requestToken(
            [
                ("grant_type", "password"), ("client_id", clientId), ("scope", scope.defaultScope),
                ("username", username), ("password", password.reveal()),
            ], clientId: clientId, scope: scope
        ).accessToken
    }
}
