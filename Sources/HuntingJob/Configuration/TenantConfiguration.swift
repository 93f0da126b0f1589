public import Hunting
public import KQL

/// One tenant to hunt in: who it is, how to sign in, where its queries run.
///
/// Relative paths (`certificate`, `tokenCache`, `tables`, a secret's `file`) are already resolved
/// against the configuration file's folder.
public struct TenantConfiguration: Sendable, Hashable {
    /// The label in the report: unique, letters, digits, `.`, `_` and `-`.
    public var name: String
    /// The tenant id or verified domain; `nil` when the sign-in does not need one.
    public var id: String?
    /// The Microsoft cloud.
    public var cloud: AzureCloud
    /// The application (client) id.
    public var clientId: String?
    /// How to sign in; `nil` leaves the choice to what the environment sets, as `hunt run` does.
    public var credential: CredentialKind?
    /// Where the client secret (or, for `token`, the bearer token) is.
    public var secret: SecretSource?
    /// The PEM file with certificate and key.
    public var certificate: String?
    /// The user name for the password sign-in.
    public var username: String?
    /// Where the password is.
    public var password: SecretSource?
    /// The file keeping the device-code refresh token between runs.
    public var tokenCache: String?
    /// Where this tenant's queries run; `nil` uses the configuration's ``HuntConfiguration/backend``.
    public var backend: ConfiguredBackend?
    /// The legacy Defender API region (`eu`, `us`, …).
    public var region: String?
    /// Whether to call Graph's beta version.
    public var beta: Bool
    /// The folder of exported tables, for the local backend.
    public var tables: String?
    /// The clock of the local backend.
    public var now: KQLDateTime?
    /// Queries in flight at once for this tenant; `nil` uses ``HuntConfiguration/concurrency``.
    public var width: Int?
    /// Calls per minute for this tenant; `nil` uses ``HuntConfiguration/concurrency``.
    public var callsPerMinute: Int?
    /// Where the tenant is declared, for later errors.
    public var location: SourceLocation?

    /// Creates a tenant with only a name: global cloud, no credential chosen.
    public init(name: String) {
        self.name = name
        cloud = .global
        beta = false
    }

    /// The credential kinds that sign in without a tenant id.
    public static let kindsWithoutTenant: Set<CredentialKind> = [.managedIdentity, .azureCLI, .staticToken]

    /// The sign-in kind: the one chosen, else the one the settings imply (a secret, a
    /// certificate, a user name and password), else `nil`.
    public var effectiveCredential: CredentialKind? {
        if let credential { return credential }
        if secret != nil { return .clientSecret }
        if certificate != nil { return .certificate }
        if username != nil, password != nil { return .password }
        return nil
    }

    /// The credential settings for this tenant, secrets read from where they are.
    ///
    /// The managed-identity endpoint, `PATH` and `AZURE_AUTHORITY_HOST` come from the environment;
    /// the tenant, client id and secrets only from this configuration. A `token` sign-in without
    /// a `secret` reads `HUNT_ACCESS_TOKEN`.
    /// - Parameter environment: the environment (`ProcessInfo.processInfo.environment`).
    /// - Returns: settings ready for ``Hunting/CredentialSettings/makeCredential(transport:log:prompt:)``.
    /// - Throws: ``ConfigurationError`` listing every secret that cannot be read.
    public func credentialSettings(environment: [String: String]) throws(ConfigurationError) -> CredentialSettings {
        let fromEnvironment = CredentialSettings.fromEnvironment(environment)
        var settings = CredentialSettings()
        settings.kind = effectiveCredential
        settings.tenant = id
        settings.clientId = clientId
        settings.cloud = cloud
        settings.authorityHost = fromEnvironment.authorityHost
        settings.certificatePath = certificate
        settings.username = username
        settings.refreshTokenCachePath = tokenCache
        settings.identityEndpoint = fromEnvironment.identityEndpoint
        settings.identityHeader = fromEnvironment.identityHeader
        settings.searchPath = fromEnvironment.searchPath
        var problems: [Diagnostic] = []
        func read(_ source: SecretSource?, _ what: String) -> Secret? {
            guard let source else { return nil }
            do {
                return try source.resolve(environment: environment, for: "\(what) of tenant '\(name)'")
            } catch {
                problems += error.diagnostics
                return nil
            }
        }
        if settings.kind == .staticToken {
            settings.staticToken = secret == nil ? fromEnvironment.staticToken : read(secret, "the bearer token")
        } else {
            settings.secret = read(secret, "the client secret")
        }
        settings.password = read(password, "the password")
        guard problems.isEmpty else { throw ConfigurationError(problems) }
        return settings
    }
}
