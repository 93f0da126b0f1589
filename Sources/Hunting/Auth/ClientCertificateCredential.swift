/// Application sign-in with a certificate: the OAuth2 client-credentials grant on the v2 token
/// endpoint, proving possession of the key with a signed client assertion (spec §3.3).
///
/// The assertion is signed by `openssl` reading the PEM file, so the private key never enters
/// this process; only the certificate's public part is kept in memory.
public struct ClientCertificateCredential: TokenCredential {
    /// The tenant's token endpoint; its URL is the assertion's audience.
    public var endpoint: EntraTokenEndpoint
    /// The application (client) id.
    public var clientId: String
    /// The certificate and the path of the PEM file holding its key.
    public var certificate: ClientCertificate
    /// The assertion's signature algorithm: PS256 (default) or RS256.
    public var algorithm: ClientAssertion.Algorithm
    /// Whether the assertion carries the certificate chain (`x5c`), for subject-name/issuer auth.
    public var sendsCertificateChain: Bool

    /// Creates the credential from a PEM file holding the certificate and its unencrypted RSA key.
    /// - Parameters:
    ///   - endpoint: the tenant's token endpoint.
    ///   - clientId: the application (client) id.
    ///   - certificatePath: the PEM file (`AZURE_CLIENT_CERTIFICATE_PATH`).
    ///   - algorithm: PS256 (default) or RS256.
    ///   - sendsCertificateChain: whether to send `x5c` (`AZURE_CLIENT_SEND_CERTIFICATE_CHAIN`).
    /// - Throws: ``CredentialError`` `.configuration` when the client id is empty or the file is unusable.
    public init(
        endpoint: EntraTokenEndpoint, clientId: String, certificatePath: String, algorithm: ClientAssertion.Algorithm = .ps256,
        sendsCertificateChain: Bool = false
    ) throws(CredentialError) {
        let certificate: ClientCertificate
        do {
            certificate = try ClientCertificate(pemPath: certificatePath)
        } catch {
            throw CredentialError(.configuration, "the client certificate \(error.description)")
        }
        try self.init(
            endpoint: endpoint, clientId: clientId, certificate: certificate, algorithm: algorithm,
            sendsCertificateChain: sendsCertificateChain)
    }

    /// Creates the credential from a certificate already loaded.
    /// - Throws: ``CredentialError`` `.configuration` when the client id is empty.
    public init(
        endpoint: EntraTokenEndpoint, clientId: String, certificate: ClientCertificate, algorithm: ClientAssertion.Algorithm = .ps256,
        sendsCertificateChain: Bool = false
    ) throws(CredentialError) {
        guard !clientId.isEmpty else { throw CredentialError(.configuration, "no client id: set AZURE_CLIENT_ID or --client-id") }
        self.endpoint = endpoint
        self.clientId = clientId
        self.certificate = certificate
        self.algorithm = algorithm
        self.sendsCertificateChain = sendsCertificateChain
    }

    public var displayName: String { "certificate \(certificate.x5tS256) for app \(clientId)" }

    public func fetchToken(for scope: TokenScope) async throws(CredentialError) -> AccessToken {
        let jwt = try await assertion()
        return try await endpoint.requestToken(
            [
                ("grant_type", "client_credentials"), ("client_id", clientId), ("scope", scope.defaultScope),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", jwt),
            ], clientId: clientId, scope: scope
        ).accessToken
    }

    /// A fresh assertion for the token endpoint, signed now.
    private func assertion() async throws(CredentialError) -> String {
        let builder = ClientAssertion(
            certificate: certificate, clientId: clientId, audience: endpoint.tokenURL.absoluteString, algorithm: algorithm,
            sendsCertificateChain: sendsCertificateChain)
        do {
            return try await builder.signed(now: endpoint.now())
        } catch {
            switch error.code {
            case .cancelled: throw CredentialError(.unavailable, "cancelled while signing the client assertion")
            case .opensslUnavailable: throw CredentialError(.configuration, error.message)
            default: throw CredentialError(.invalidCredential, error.message)
            }
        }
    }
}
