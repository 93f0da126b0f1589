public import Foundation

/// The token and device-code endpoints of one Entra ID tenant, shared by every credential that
/// signs in there (secret, certificate, device code, password).
public struct EntraTokenEndpoint: Sendable {
    /// `https://login.microsoftonline.com`, another cloud's login host, or the emulator.
    public var authority: URL
    /// The tenant id or verified domain.
    public var tenant: String
    /// How requests are sent.
    public var transport: any HTTPTransport
    /// The clock, for expiry times.
    public var now: @Sendable () -> Date

    /// Creates an endpoint.
    /// - Throws: ``CredentialError`` when the authority is not https (or loopback) or the tenant is empty.
    public init(
        authority: URL, tenant: String, transport: any HTTPTransport, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(CredentialError) {
        do {
            try EndpointPolicy.check(authority)
        } catch {
            throw CredentialError(.configuration, "authority host: \(error.message)")
        }
        guard !tenant.isEmpty else {
            throw CredentialError(.configuration, "no tenant id: set AZURE_TENANT_ID or --tenant")
        }
        self.authority = authority
        self.tenant = tenant
        self.transport = transport
        self.now = now
    }

    /// `…/{tenant}/oauth2/v2.0/token`.
    public var tokenURL: URL { authority.appendingPathComponent(tenant).appendingPathComponent("oauth2/v2.0/token") }
    /// `…/{tenant}/oauth2/v2.0/devicecode`.
    public var deviceCodeURL: URL { authority.appendingPathComponent(tenant).appendingPathComponent("oauth2/v2.0/devicecode") }

    /// A successful token response.
    public struct TokenResponse: Sendable {
        public var accessToken: AccessToken
        public var refreshToken: Secret?
    }

    /// Posts a form to the token endpoint.
    /// - Parameters:
    ///   - fields: the form (grant type, client id, scope, the credential).
    ///   - clientId: for error messages.
    ///   - scope: for error messages that name the permission to grant.
    /// - Throws: ``CredentialError`` mapped from Entra's answer.
    public func requestToken(_ fields: [(String, String)], clientId: String, scope: TokenScope) async throws(CredentialError) -> TokenResponse {
        let body = try await post(tokenURL, fields, clientId: clientId, scope: scope)
        guard let token = body["access_token"] as? String, !token.isEmpty else {
            throw CredentialError(.unavailable, "the token endpoint answered without an access_token")
        }
        let lifetime = Self.number(body["expires_in"]) ?? 3600
        let refresh = (body["refresh_token"] as? String).map(Secret.init)
        return TokenResponse(accessToken: AccessToken(token, expiresOn: now().addingTimeInterval(lifetime)), refreshToken: refresh)
    }

    /// Posts a form and returns the JSON object of a 200 answer.
    /// - Throws: ``CredentialError`` for an error answer or no answer.
    public func post(_ url: URL, _ fields: [(String, String)], clientId: String, scope: TokenScope) async throws(CredentialError) -> [String: Any] {
        let request = HTTPRequestData(
            method: "POST", url: url,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Data(FormEncoding.encode(fields).utf8), timeout: 60)
        let response: HTTPResponseData
        do {
            response = try await transport.send(request)
        } catch {
            throw CredentialError(.unavailable, "cannot reach the sign-in service at \(authority.host ?? "?"): \(error.message)")
        }
        let json = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        guard response.status == 200, let json else {
            throw Self.error(status: response.status, body: json, clientId: clientId, tenant: tenant, scope: scope)
        }
        return json
    }

    /// Reads a number sent as a JSON number or a string (v1 endpoints send strings).
    static func number(_ value: Any?) -> Double? {
        if let n = value as? NSNumber { return n.doubleValue }
        if let s = value as? String { return Double(s) }
        return nil
    }

    /// The permission the app needs for a resource's hunting API.
    public static func huntingPermission(for resource: String) -> String {
        if resource.contains("graph") { return "ThreatHunting.Read.All (Microsoft Graph)" }
        if resource.contains("api.security.microsoft.com") { return "AdvancedHunting.Read.All (Microsoft Threat Protection)" }
        return "AdvancedQuery.Read.All (WindowsDefenderATP)"
    }

    /// Maps an Entra error answer to a message that says what to fix.
    public static func error(status: Int, body: [String: Any]?, clientId: String, tenant: String, scope: TokenScope) -> CredentialError {
        let description = body?["error_description"] as? String ?? ""
        let code = (body?["error_codes"] as? [NSNumber])?.first?.intValue ?? Self.aadsts(in: description)
        let correlation = body?["correlation_id"] as? String
        let error = body?["error"] as? String
        let firstLine = description.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let permission = huntingPermission(for: scope.resource)
        func make(_ kind: CredentialError.Code, _ message: String) -> CredentialError {
            CredentialError(kind, message, aadsts: code, correlationId: correlation)
        }
        switch code {
        case 7000215:
            return make(.invalidCredential, "Entra ID rejected the client secret of app \(clientId) (AADSTS7000215). Use the secret's Value, not its Secret ID, from the app registration's Certificates & secrets, and check it has not been replaced.")
        case 7000222:
            return make(.invalidCredential, "the client secret of app \(clientId) has expired (AADSTS7000222); create a new secret and update the configured one.")
        case 700016:
            return make(.unknownApplication, "application \(clientId) was not found in tenant \(tenant) (AADSTS700016). Check the application (client) id, and that the app is registered in this tenant or an admin has consented to it there.")
        case 90002:
            return make(.unknownTenant, "tenant \(tenant) was not found (AADSTS90002). Check the tenant id or domain, and the cloud: a GCC High or DoD tenant signs in at login.microsoftonline.us.")
        case 90038:
            return make(.unknownTenant, "tenant \(tenant) is in another national cloud (AADSTS90038); set the cloud (gcc-high, dod, china) to match.")
        case 65001:
            return make(.consentRequired, "app \(clientId) has no consent for the hunting API (AADSTS65001). Grant \(permission) in the app registration's API permissions and have an admin grant consent.")
        case 500011:
            return make(.consentRequired, "the resource \(scope.resource) is not available in tenant \(tenant) (AADSTS500011); the product may not be licensed there, or an admin must consent to \(permission).")
        case 70011:
            return make(.configuration, "the scope \(scope.defaultScope) was refused (AADSTS70011); application credentials need '<resource>/.default'.")
        case 700027, 700024, 500133, 50012:
            return make(.invalidCredential, "Entra ID refused the certificate assertion of app \(clientId) (AADSTS\(code ?? 0)). Upload the certificate (its public part) to the app registration, and check this machine's clock.")
        case 50126:
            return make(.invalidCredential, "the user name or password is wrong (AADSTS50126).")
        case 50034:
            return make(.invalidCredential, "the user does not exist in tenant \(tenant) (AADSTS50034).")
        case 50076, 50079, 50158, 50072:
            return make(.interactionRequired, "this sign-in needs multi-factor authentication (AADSTS\(code ?? 0)), which the password flow cannot do; use the device-code flow or an application credential.")
        case 53003:
            return make(.interactionRequired, "a Conditional Access policy blocked the sign-in (AADSTS53003); ask an admin to allow this app or location.")
        case 7000218:
            return make(.configuration, "app \(clientId) is not a public client (AADSTS7000218); enable 'Allow public client flows' in its Authentication settings, or use a secret or certificate.")
        case 70016:
            return make(.declined, "the device code sign-in is still pending (AADSTS70016).")
        case 70019:
            return make(.declined, "the device code expired before sign-in finished (AADSTS70019); run again and sign in within the time shown.")
        default:
            break
        }
        switch error {
        case "invalid_client":
            return make(.invalidCredential, "Entra ID rejected the credentials of app \(clientId): \(firstLine.isEmpty ? "invalid_client" : firstLine)")
        case "unauthorized_client":
            return make(.unknownApplication, "app \(clientId) may not use this sign-in flow in tenant \(tenant): \(firstLine)")
        case "invalid_grant":
            return make(.invalidCredential, "the sign-in was refused (invalid_grant): \(firstLine)")
        case "interaction_required":
            return make(.interactionRequired, "the sign-in needs user interaction: \(firstLine)")
        case "access_denied", "authorization_declined":
            return make(.declined, "the sign-in was declined.")
        case "expired_token":
            return make(.declined, "the device code expired before sign-in finished; run again and sign in within the time shown.")
        default:
            let what = error ?? "HTTP \(status)"
            return make(.unavailable, "the token endpoint answered \(what)\(firstLine.isEmpty ? "" : ": " + firstLine)")
        }
    }

    /// The first `AADSTSnnnn` code in a text.
    static func aadsts(in text: String) -> Int? {
        guard let range = text.range(of: #"AADSTS(\d+)"#, options: .regularExpression) else { return nil }
        return Int(text[range].dropFirst(6))
    }
}

/// `application/x-www-form-urlencoded` encoding.
public enum FormEncoding {
    private static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    /// Encodes one value.
    public static func escape(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, allowed.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// Encodes fields in order.
    public static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }
}
