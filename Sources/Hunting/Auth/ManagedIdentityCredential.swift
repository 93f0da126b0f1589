public import Foundation

/// Sign-in as the Azure managed identity of the machine or app this runs on: the Instance
/// Metadata Service (VMs, scale sets, AKS nodes) or the App Service / Functions identity endpoint.
///
/// IMDS is plain `http://169.254.169.254` by Azure's design: a link-local address served by the
/// host that never leaves it. ``EndpointPolicy`` allows exactly that address, and only for requests
/// carrying `Metadata: true`; everything else must be https or loopback.
public struct ManagedIdentityCredential: TokenCredential {
    /// Which managed-identity endpoint to ask.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// The Instance Metadata Service: `GET <url>?api-version=2018-02-01&resource=…`, header `Metadata: true`.
        case imds(URL)
        /// App Service / Functions: `GET <IDENTITY_ENDPOINT>?resource=…&api-version=2019-08-01`, header `X-IDENTITY-HEADER`.
        case appService(endpoint: URL, header: Secret)

        public var description: String {
            switch self {
            case .imds(let url): "IMDS at \(url.host ?? url.absoluteString)"
            case .appService(let url, _): "App Service identity endpoint at \(url.host ?? url.absoluteString)"
            }
        }
    }

    /// The Azure IMDS token endpoint.
    public static let imdsEndpoint = URL(string: "http://169.254.169.254/metadata/identity/oauth2/token")!

    /// The endpoint asked.
    public var source: Source
    /// The client id of a user-assigned identity; `nil` for the system-assigned one.
    public var clientId: String?
    /// How requests are sent.
    public var transport: any HTTPTransport
    /// The clock, for expiry times.
    public var now: @Sendable () -> Date
    /// Seconds to wait for the endpoint (IMDS is unreachable, not refusing, off Azure).
    public var timeout: TimeInterval

    /// Creates the credential.
    /// - Parameters:
    ///   - source: IMDS (optionally at another URL, such as the emulator's) or App Service.
    ///   - clientId: a user-assigned identity's client id, or `nil` for the system-assigned identity.
    ///   - transport: how requests are sent.
    ///   - timeout: seconds to wait for an answer.
    /// - Throws: ``CredentialError`` `.configuration` when the endpoint is plain http to a host
    ///   other than this machine or the IMDS address.
    public init(
        source: Source = .imds(ManagedIdentityCredential.imdsEndpoint), clientId: String? = nil, transport: any HTTPTransport,
        timeout: TimeInterval = 15, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(CredentialError) {
        do {
            switch source {
            case .imds(let url): try EndpointPolicy.check(url, allowIMDS: true)
            case .appService(let url, _): try EndpointPolicy.check(url)
            }
        } catch {
            throw CredentialError(.configuration, "managed identity endpoint: \(error.message)")
        }
        if case .appService(_, let header) = source, header.isEmpty {
            throw CredentialError(.configuration, "IDENTITY_HEADER is empty; App Service sets it together with IDENTITY_ENDPOINT")
        }
        self.source = source
        self.clientId = clientId.flatMap { $0.isEmpty ? nil : $0 }
        self.transport = transport
        self.timeout = timeout
        self.now = now
    }

    public var displayName: String {
        "managed identity (\(clientId.map { "user-assigned \($0)" } ?? "system-assigned")) via \(source)"
    }

    public func fetchToken(for scope: TokenScope) async throws(CredentialError) -> AccessToken {
        let response: HTTPResponseData
        do {
            response = try await transport.send(request(for: scope))
        } catch {
            throw CredentialError(
                .unavailable,
                "cannot reach the managed identity endpoint (\(source)): \(error.message). Managed identity works only on Azure "
                    + "(a VM, scale set, App Service or Functions app with an identity assigned); elsewhere use another credential")
        }
        guard response.status == 200 else { throw failure(response, scope: scope) }
        return try token(from: response.body)
    }

    /// The GET request for a scope.
    func request(for scope: TokenScope) -> HTTPRequestData {
        var items: [(String, String)]
        var headers = ["Accept": "application/json"]
        let base: URL
        switch source {
        case .imds(let url):
            base = url
            items = [("api-version", "2018-02-01"), ("resource", scope.resource)]
            headers["Metadata"] = "true"
        case .appService(let url, let header):
            base = url
            items = [("resource", scope.resource), ("api-version", "2019-08-01")]
            headers["X-IDENTITY-HEADER"] = header.reveal()
        }
        if let clientId { items.append(("client_id", clientId)) }
        let separator = base.query == nil ? "?" : "&"
        let url = URL(string: base.absoluteString + separator + FormEncoding.encode(items)) ?? base
        return HTTPRequestData(method: "GET", url: url, headers: headers, timeout: timeout)
    }

    /// Reads `access_token` and `expires_on` (POSIX seconds) or `expires_in`, numbers or strings.
    func token(from body: Data) throws(CredentialError) -> AccessToken {
        let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        guard let value = json?["access_token"] as? String, !value.isEmpty else {
            throw CredentialError(.unavailable, "the managed identity endpoint (\(source)) answered without an access_token")
        }
        if let expiresOn = EntraTokenEndpoint.number(json?["expires_on"]) {
            return AccessToken(value, expiresOn: Date(timeIntervalSince1970: expiresOn))
        }
        let lifetime = EntraTokenEndpoint.number(json?["expires_in"]) ?? 3600
        return AccessToken(value, expiresOn: now().addingTimeInterval(lifetime))
    }

    /// An error answer as a message that says what to check.
    func failure(_ response: HTTPResponseData, scope: TokenScope) -> CredentialError {
        let json = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        let detail = (json?["error_description"] as? String) ?? (json?["message"] as? String) ?? (json?["error"] as? String) ?? ""
        let shown = detail.isEmpty ? "" : ": " + String(detail.prefix(300))
        let identity = clientId.map { "the user-assigned identity \($0)" } ?? "a system-assigned identity"
        switch response.status {
        case 400, 404:
            return CredentialError(
                .configuration,
                "the managed identity endpoint (\(source)) answered \(response.status)\(shown). Check that \(identity) is assigned to this resource")
        case 401, 403:
            return CredentialError(
                .invalidCredential,
                "the managed identity endpoint (\(source)) refused the request (\(response.status))\(shown). Check IDENTITY_HEADER and the identity's access to \(scope.resource)")
        default:
            return CredentialError(.unavailable, "the managed identity endpoint (\(source)) answered \(response.status)\(shown); try again later")
        }
    }
}
