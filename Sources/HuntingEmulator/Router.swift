import Foundation
import Hunting

/// Dispatches requests to the identity and hunting routes.
struct Router: Sendable {
    let state: EmulatorState
    let backend: any HuntingBackend
    let log: HuntingLog
    let address: AddressBox
    /// Queries whose ids the request log names (besides those a fixture backend knows).
    var knownQueries: [HuntingQuery] = []

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let segments = request.path.split(separator: "/").map(String.init)
        let path = segments.joined(separator: "/")
        let method = request.method
        if method == "POST", path == "v1.0/security/runHuntingQuery" || path == "beta/security/runHuntingQuery" {
            return await hunting(request, api: .graph)
        }
        if method == "POST", path == "api/advancedqueries/run" || path == "api/advancedhunting/run" {
            return await hunting(request, api: .legacy)
        }
        if method == "POST", segments.count >= 3, segments[1] == "oauth2" {
            let tenant = segments[0]
            switch segments.dropFirst(2).joined(separator: "/") {
            case "v2.0/token": return await identity(request) { await token(request, tenant: tenant, version: .v2) }
            case "token": return await identity(request) { await token(request, tenant: tenant, version: .v1) }
            case "v2.0/devicecode": return await identity(request) { await deviceCode(request, tenant: tenant, version: .v2) }
            case "devicecode": return await identity(request) { await deviceCode(request, tenant: tenant, version: .v1) }
            default: break
            }
        }
        if method == "GET", path == "metadata/identity/oauth2/token" { return await identity(request) { await managedIdentity(request, style: .imds) } }
        if method == "GET", path == "msi/token" { return await identity(request) { await managedIdentity(request, style: .appService) } }
        switch (method, segments) {
        case ("GET", []):
            return .json(200, #"{"service":"AdvancedHunting emulator","endpoints":["/v1.0/security/runHuntingQuery","/beta/security/runHuntingQuery","/api/advancedqueries/run","/{tenant}/oauth2/v2.0/token","/{tenant}/oauth2/v2.0/devicecode","/metadata/identity/oauth2/token"]}"#)
        default:
            return .json(404, HuntingResponseEncoder.graphError(
                code: "NotFound", message: "no route for \(request.method) \(request.path)",
                requestId: UUID().uuidString.lowercased(), clientRequestId: nil))
        }
    }

    /// Answers a token-endpoint call and records it for the request log.
    private func identity(_ request: HTTPRequest, _ answer: () async -> HTTPResponse) async -> HTTPResponse {
        let arrived = Date()
        let response = await answer()
        let grantType = request.method == "POST" ? request.formFields()["grant_type"] : "managed_identity"
        await state.record(IdentityCallRecord(
            arrived: arrived, answered: Date(), method: request.method, path: request.path, status: response.status,
            grantType: grantType, clientRequestId: request.header("client-request-id")))
        return response
    }
}
