import Foundation
import Hunting
import KQL

/// The Entra ID side: v2 and v1 token endpoints (client secret, client assertion, password,
/// device code, refresh token), device-code endpoints, and managed-identity endpoints.
extension Router {
    enum TokenVersion { case v1, v2 }
    enum ManagedIdentityStyle { case imds, appService }

    /// The registered app a token or device-code request names, or Entra's error for an unknown
    /// tenant or application.
    private func application(in form: [String: String], tenant: String) async -> Result<EmulatorConfiguration.Application, TokenRefusal> {
        guard tenant == (await state.configuration).tenant else {
            return .failure(TokenRefusal(response: tokenError(400, "invalid_request", 90002, "Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.")))
        }
        let clientId = form["client_id"] ?? ""
        guard let app = await state.application(clientId) else {
            return .failure(TokenRefusal(response: tokenError(400, "unauthorized_client", 700016, "Application with identifier '\(clientId)' was not found in the directory '\(tenant)'.")))
        }
        return .success(app)
    }

    struct TokenRefusal: Error {
        var response: HTTPResponse
    }

    func token(_ request: HTTPRequest, tenant: String, version: TokenVersion) async -> HTTPResponse {
        let form = request.formFields()
        let configuration = await state.configuration
        let app: EmulatorConfiguration.Application
        switch await application(in: form, tenant: tenant) {
        case .success(let found): app = found
        case .failure(let refusal): return refusal.response
        }
        let clientId = app.clientId
        // A device-code poll names no scope: the device code carries the one asked for (spec §3.4).
        let isDeviceCodePoll = ["urn:ietf:params:oauth:grant-type:device_code", "device_code"].contains(form["grant_type"] ?? "")
        guard let resource = resource(form: form, version: version) ?? (isDeviceCodePoll ? "" : nil) else {
            return tokenError(400, "invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid. The scope must be '<resource>/.default'.")
        }
        switch form["grant_type"] {
        case "client_credentials":
            if let assertion = form["client_assertion"] {
                guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    let pem = app.certificatePEM
                else {
                    return tokenError(401, "invalid_client", 700027, "Client assertion failed signature validation.")
                }
                let audience = address.url.appendingPathComponent(tenant).appendingPathComponent(version == .v2 ? "oauth2/v2.0/token" : "oauth2/token").absoluteString
                do {
                    _ = try await ClientAssertion.verify(jwt: assertion, certificatePEM: pem, expectedAudience: audience, clientId: clientId, now: Date())
                } catch {
                    return tokenError(401, "invalid_client", 700027, "Client assertion failed signature validation. \(error.message)")
                }
            } else {
                guard let secret = app.secret, form["client_secret"] == secret else {
                    return tokenError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientId)'.")
                }
            }
            return await success(clientId: clientId, resource: resource, roles: app.roles, user: nil, version: version)
        case "password":
            guard app.allowsPublicClientFlows else {
                return tokenError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
            }
            let user = form["username"] ?? ""
            guard let expected = configuration.users[user], form["password"] == expected else {
                return tokenError(400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password.")
            }
            return await success(clientId: clientId, resource: resource, roles: app.roles, user: user, version: version)
        case "urn:ietf:params:oauth:grant-type:device_code", "device_code":
            switch await state.poll(deviceCode: form["device_code"] ?? form["code"] ?? "") {
            case .pending:
                return tokenError(400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
            case .slowDown:
                return tokenError(400, "slow_down", nil, "The client is polling too often; wait longer between polls.")
            case .declined:
                return tokenError(400, "authorization_declined", nil, "The end user denied the authorization request.")
            case .expired:
                return tokenError(400, "expired_token", 70019, "Verification code expired.")
            case .unknown:
                return tokenError(400, "bad_verification_code", 70018, "Invalid verification code.")
            case .approved(let approvedClient, let approvedResource):
                return await success(clientId: approvedClient, resource: approvedResource, roles: app.roles, user: configuration.users.keys.sorted().first, version: version)
            }
        case "refresh_token":
            guard let previous = await state.redeemRefreshToken(form["refresh_token"] ?? ""), previous.clientId == clientId else {
                return tokenError(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired or was revoked.")
            }
            return await success(clientId: clientId, resource: resource, roles: previous.roles, user: previous.user, version: version)
        default:
            return tokenError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '\(form["grant_type"] ?? "")'.")
        }
    }

    func deviceCode(_ request: HTTPRequest, tenant: String, version: TokenVersion) async -> HTTPResponse {
        let form = request.formFields()
        let configuration = await state.configuration
        let clientId: String
        switch await application(in: form, tenant: tenant) {
        case .success(let found): clientId = found.clientId
        case .failure(let refusal): return refusal.response
        }
        let resource: String
        if version == .v1 {
            resource = form["resource"] ?? ""
        } else {
            let scopes = (form["scope"] ?? "").split(separator: " ").map(String.init)
            resource = scopes.first { $0.hasSuffix("/.default") }.map { String($0.dropLast("/.default".count)) } ?? ""
        }
        let (device, user) = await state.startDeviceCode(clientId: clientId, resource: resource)
        let interval = configuration.deviceCodeInterval
        let uriKey = version == .v2 ? "verification_uri" : "verification_url"
        let numbers = version == .v2 ? "\"expires_in\":900,\"interval\":\(interval)" : "\"expires_in\":\"900\",\"interval\":\"\(interval)\""
        return .json(200, "{\"user_code\":\"\(user)\",\"device_code\":\"\(device)\",\"\(uriKey)\":\"https://microsoft.com/devicelogin\",\(numbers),\"message\":\"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code \(user) to authenticate.\"}")
    }

    func managedIdentity(_ request: HTTPRequest, style: ManagedIdentityStyle) async -> HTTPResponse {
        switch style {
        case .imds:
            guard request.header("Metadata")?.lowercased() == "true" else {
                return .json(400, #"{"error":"invalid_request","error_description":"Required metadata header not specified"}"#)
            }
        case .appService:
            guard request.header("X-IDENTITY-HEADER") != nil else {
                return .json(401, #"{"statusCode":401,"message":"Unauthorized: missing X-IDENTITY-HEADER"}"#)
            }
        }
        guard let resource = request.query("resource"), !resource.isEmpty else {
            return .json(400, #"{"error":"invalid_request","error_description":"Required query variable 'resource' is missing"}"#)
        }
        let configuration = await state.configuration
        let clientId = request.query("client_id") ?? configuration.applications.first?.clientId ?? "managed-identity"
        let roles = configuration.applications.first { $0.clientId == clientId }?.roles ?? configuration.applications.first?.roles ?? []
        let (token, _, lifetime) = await state.issue(clientId: clientId, resource: Self.trimmed(resource), roles: roles, user: nil)
        let expiresOn = Int(Date().timeIntervalSince1970) + lifetime
        return .json(200, "{\"access_token\":\"\(token)\",\"expires_in\":\"\(lifetime)\",\"expires_on\":\"\(expiresOn)\",\"resource\":\"\(resource)\",\"token_type\":\"Bearer\",\"client_id\":\"\(clientId)\"}")
    }

    // MARK: helpers

    private func resource(form: [String: String], version: TokenVersion) -> String? {
        if version == .v1 { return form["resource"].map(Self.trimmed) }
        let scopes = (form["scope"] ?? "").split(separator: " ").map(String.init).filter { !["openid", "profile", "offline_access"].contains($0) }
        guard let scope = scopes.first, scope.hasSuffix("/.default") else { return nil }
        return Self.trimmed(String(scope.dropLast("/.default".count)))
    }

    /// A resource without trailing slashes, as ``TokenScope`` keeps it.
    static func trimmed(_ resource: String) -> String { TokenScope(resource: resource).resource }

    private func success(clientId: String, resource: String, roles: Set<String>, user: String?, version: TokenVersion) async -> HTTPResponse {
        let (token, refresh, lifetime) = await state.issue(clientId: clientId, resource: resource, roles: roles, user: user)
        var body: String
        switch version {
        case .v2:
            body = "{\"token_type\":\"Bearer\",\"expires_in\":\(lifetime),\"ext_expires_in\":\(lifetime),\"access_token\":\"\(token)\""
        case .v1:
            let now = Int(Date().timeIntervalSince1970)
            body = "{\"token_type\":\"Bearer\",\"expires_in\":\"\(lifetime)\",\"ext_expires_in\":\"\(lifetime)\",\"expires_on\":\"\(now + lifetime)\",\"not_before\":\"\(now)\",\"resource\":\"\(resource)\",\"access_token\":\"\(token)\""
        }
        if let refresh { body += ",\"refresh_token\":\"\(refresh)\"" }
        return .json(200, body + "}")
    }

    private func tokenError(_ status: Int, _ error: String, _ code: Int?, _ description: String) -> HTTPResponse {
        let trace = UUID().uuidString.lowercased()
        let correlation = UUID().uuidString.lowercased()
        let timestamp = HuntingResponseEncoder.isoSeconds(Date()).replacingOccurrences(of: "T", with: " ") + "Z"
        var text = code.map { "AADSTS\($0): " } ?? ""
        text += description + "\r\nTrace ID: \(trace)\r\nCorrelation ID: \(correlation)\r\nTimestamp: \(timestamp)"
        var out = "{\"error\":\"\(error)\",\"error_description\":"
        KQLDynamic.writeJSONString(text, to: &out)
        out += ",\"error_codes\":[\(code.map(String.init) ?? "")],\"timestamp\":\"\(timestamp)\",\"trace_id\":\"\(trace)\",\"correlation_id\":\"\(correlation)\""
        if let code { out += ",\"error_uri\":\"https://login.microsoftonline.com/error?code=\(code)\"" }
        return .json(status, out + "}")
    }
}
