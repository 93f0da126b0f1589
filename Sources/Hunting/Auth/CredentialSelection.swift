public import Foundation

/// The ways to sign in, by the names users give them (`--auth device-code`).
public enum CredentialKind: String, Sendable, CaseIterable, Codable {
    /// An application's client secret.
    case clientSecret = "secret"
    /// An application's certificate (a signed client assertion).
    case certificate
    /// A user, with the device-code flow.
    case deviceCode = "device-code"
    /// A user name and password (ROPC): a deprecated last resort.
    case password
    /// The Azure managed identity of this machine or app.
    case managedIdentity = "managed-identity"
    /// The signed-in Azure CLI.
    case azureCLI = "azure-cli"
    /// A bearer token handed over in `HUNT_ACCESS_TOKEN`.
    case staticToken = "token"
}

/// Everything needed to choose and build a credential, read from the environment (the Azure
/// SDK's variables, spec §3.8) and then adjusted by command-line options.
public struct CredentialSettings: Sendable {
    /// The kind chosen explicitly; `nil` picks by what is set (secret, certificate, password, token).
    public var kind: CredentialKind?
    /// The tenant id or verified domain (`AZURE_TENANT_ID`).
    public var tenant: String?
    /// The application (client) id (`AZURE_CLIENT_ID`).
    public var clientId: String?
    /// The cloud, for the default sign-in host.
    public var cloud: AzureCloud = .global
    /// The sign-in host, overriding the cloud's (`AZURE_AUTHORITY_HOST`, with or without `https://`).
    public var authorityHost: URL?
    /// The client secret (`AZURE_CLIENT_SECRET`).
    public var secret: Secret?
    /// The PEM file with certificate and key (`AZURE_CLIENT_CERTIFICATE_PATH`).
    public var certificatePath: String?
    /// Whether to send the certificate chain (`AZURE_CLIENT_SEND_CERTIFICATE_CHAIN` = `true`/`1`).
    public var sendCertificateChain = false
    /// The client assertion's signature algorithm.
    public var assertionAlgorithm: ClientAssertion.Algorithm = .ps256
    /// The user name for the password flow (`AZURE_USERNAME`).
    public var username: String?
    /// The password for the password flow (`AZURE_PASSWORD`).
    public var password: Secret?
    /// A bearer token (`HUNT_ACCESS_TOKEN`).
    public var staticToken: Secret?
    /// A file keeping the device-code refresh token between runs; `nil` keeps it in memory.
    public var refreshTokenCachePath: String?
    /// A user-assigned managed identity's client id; `nil` uses ``clientId``, as the Azure SDKs do.
    public var managedIdentityClientId: String?
    /// The IMDS token URL, overriding `http://169.254.169.254/metadata/identity/oauth2/token`.
    public var managedIdentityEndpoint: URL?
    /// The App Service identity endpoint (`IDENTITY_ENDPOINT`).
    public var identityEndpoint: URL?
    /// The App Service identity header value (`IDENTITY_HEADER`).
    public var identityHeader: Secret?
    /// The `az` executable; `nil` finds it on ``searchPath``.
    public var azPath: String?
    /// Where to look for `az` (`PATH`).
    public var searchPath: String?

    /// Creates empty settings (nothing configured, global cloud).
    public init() {}

    /// Reads the Azure SDK variables, `HUNT_ACCESS_TOKEN`, `IDENTITY_ENDPOINT`/`IDENTITY_HEADER`,
    /// `PATH`, and `AZURE_TOKEN_CREDENTIALS` naming `ManagedIdentityCredential` or `AzureCliCredential`.
    /// Empty values count as unset.
    /// - Parameter env: the environment (`ProcessInfo.processInfo.environment`).
    /// - Returns: the settings.
    public static func fromEnvironment(_ env: [String: String]) -> CredentialSettings {
        func value(_ name: String) -> String? {
            guard let text = env[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        var settings = CredentialSettings()
        settings.tenant = value("AZURE_TENANT_ID")
        settings.clientId = value("AZURE_CLIENT_ID")
        settings.authorityHost = value("AZURE_AUTHORITY_HOST").flatMap(authorityURL)
        // Secrets are taken as given: surrounding spaces may belong to them.
        settings.secret = env["AZURE_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : Secret($0) }
        settings.certificatePath = value("AZURE_CLIENT_CERTIFICATE_PATH")
        settings.sendCertificateChain = ["true", "1", "yes"].contains(value("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN")?.lowercased() ?? "")
        settings.username = value("AZURE_USERNAME")
        settings.password = env["AZURE_PASSWORD"].flatMap { $0.isEmpty ? nil : Secret($0) }
        settings.staticToken = value("HUNT_ACCESS_TOKEN").map(Secret.init)
        settings.identityEndpoint = value("IDENTITY_ENDPOINT").flatMap { URL(string: $0) }
        settings.identityHeader = value("IDENTITY_HEADER").map(Secret.init)
        settings.searchPath = env["PATH"]
        settings.kind = value("AZURE_TOKEN_CREDENTIALS").flatMap(kind(sdkName:))
        return settings
    }

    /// A sign-in host as a URL: `login.microsoftonline.us` gets `https://`; a full URL is kept.
    /// - Returns: `nil` when the text is not a host or URL.
    public static func authorityURL(_ text: String) -> URL? {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard !trimmed.isEmpty else { return nil }
        let full = trimmed.contains("://") ? trimmed : "https://" + trimmed
        guard let url = URL(string: full), url.host?.isEmpty == false else { return nil }
        return url
    }

    /// The kind an `AZURE_TOKEN_CREDENTIALS` value names, when it names one this tool offers.
    static func kind(sdkName: String) -> CredentialKind? {
        switch sdkName.lowercased() {
        case "managedidentitycredential": .managedIdentity
        case "azureclicredential": .azureCLI
        default: CredentialKind(rawValue: sdkName.lowercased())
        }
    }

    /// The sign-in host in use: the override, else the cloud's.
    public var authority: URL { authorityHost ?? cloud.authorityURL }

    /// The kind that ``makeCredential(transport:log:prompt:)`` would build: the explicit kind, else
    /// the first of secret, certificate, user name and password, token that is set.
    public var effectiveKind: CredentialKind? {
        if let kind { return kind }
        if secret != nil { return .clientSecret }
        if certificatePath != nil { return .certificate }
        if username != nil, password != nil { return .password }
        if staticToken != nil { return .staticToken }
        return nil
    }

    /// Builds the credential these settings describe.
    /// - Parameters:
    ///   - transport: how the credential reaches the sign-in service.
    ///   - log: where credentials report progress.
    ///   - prompt: shows the device-code instructions to the user.
    /// - Returns: the credential.
    /// - Throws: ``CredentialError`` `.configuration` naming the variables to set when the settings
    ///   are incomplete, or when nothing is configured at all.
    public func makeCredential(
        transport: any HTTPTransport, log: HuntingLog = .discard, prompt: @escaping @Sendable (DeviceCodePrompt) -> Void = { _ in }
    ) throws(CredentialError) -> any TokenCredential {
        guard let kind = effectiveKind else { throw Self.nothingConfigured }
        switch kind {
        case .clientSecret:
            let (endpoint, clientId) = try entra(for: kind, transport: transport, also: secret == nil ? ["AZURE_CLIENT_SECRET"] : [])
            return try ClientSecretCredential(endpoint: endpoint, clientId: clientId, secret: secret ?? Secret(""))
        case .certificate:
            let (endpoint, clientId) = try entra(for: kind, transport: transport, also: certificatePath == nil ? ["AZURE_CLIENT_CERTIFICATE_PATH"] : [])
            return try ClientCertificateCredential(
                endpoint: endpoint, clientId: clientId, certificatePath: certificatePath ?? "", algorithm: assertionAlgorithm,
                sendsCertificateChain: sendCertificateChain)
        case .deviceCode:
            let (endpoint, clientId) = try entra(for: kind, transport: transport)
            return try DeviceCodeCredential(
                endpoint: endpoint, clientId: clientId, refreshTokenCachePath: refreshTokenCachePath, log: log, prompt: prompt)
        case .password:
            let missing = (username == nil ? ["AZURE_USERNAME"] : []) + (password == nil ? ["AZURE_PASSWORD"] : [])
            let (endpoint, clientId) = try entra(for: kind, transport: transport, also: missing)
            log.warning("signing in with a user name and password (ROPC): no MFA, blocked by many tenants, and advised against by Microsoft; prefer device-code or an application credential")
            return try UsernamePasswordCredential(endpoint: endpoint, clientId: clientId, username: username ?? "", password: password ?? Secret(""))
        case .managedIdentity:
            return try managedIdentity(transport: transport)
        case .azureCLI:
            return try AzureCLICredential(executablePath: azPath, tenant: tenant, searchPath: searchPath)
        case .staticToken:
            guard let staticToken else { throw Self.missing(["HUNT_ACCESS_TOKEN"], for: kind) }
            return try StaticTokenCredential(staticToken)
        }
    }

    /// The token endpoint and client id for an Entra flow, or an error listing every missing variable.
    private func entra(
        for kind: CredentialKind, transport: any HTTPTransport, also missing: [String] = []
    ) throws(CredentialError) -> (EntraTokenEndpoint, String) {
        let absent = (tenant == nil ? ["AZURE_TENANT_ID"] : []) + (clientId == nil ? ["AZURE_CLIENT_ID"] : []) + missing
        guard absent.isEmpty, let tenant, let clientId else { throw Self.missing(absent, for: kind) }
        return (try EntraTokenEndpoint(authority: authority, tenant: tenant, transport: transport), clientId)
    }

    private func managedIdentity(transport: any HTTPTransport) throws(CredentialError) -> ManagedIdentityCredential {
        let id = managedIdentityClientId ?? clientId
        if let identityEndpoint {
            guard let identityHeader else {
                throw CredentialError(
                    .configuration,
                    "IDENTITY_ENDPOINT is set but IDENTITY_HEADER is not; App Service sets both (Azure Arc identities are not supported)")
            }
            return try ManagedIdentityCredential(source: .appService(endpoint: identityEndpoint, header: identityHeader), clientId: id, transport: transport)
        }
        let url = managedIdentityEndpoint ?? ManagedIdentityCredential.imdsEndpoint
        return try ManagedIdentityCredential(source: .imds(url), clientId: id, transport: transport)
    }

    private static func missing(_ names: [String], for kind: CredentialKind) -> CredentialError {
        let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
        return CredentialError(.configuration, "the \(kind.rawValue) sign-in needs \(list): set \(names.count == 1 ? "it" : "them") in the environment or with the matching options")
    }

    private static let nothingConfigured = CredentialError(
        .configuration,
        """
        no credentials configured. Set AZURE_TENANT_ID and AZURE_CLIENT_ID, plus AZURE_CLIENT_SECRET (client secret) or \
        AZURE_CLIENT_CERTIFICATE_PATH (certificate PEM); or set HUNT_ACCESS_TOKEN to an access token; or choose a sign-in \
        mode (device-code, managed-identity, azure-cli). To try the tool without a tenant, use the built-in sample tenant: --backend local.
        """)
}
