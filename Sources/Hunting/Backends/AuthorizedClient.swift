import Foundation
import KQL

/// Sends an authorized JSON POST to a hunting API: gets a token, sends, and after a 401 drops
/// the token, gets a new one and tries once more. Shared by the Graph and legacy backends.
struct AuthorizedClient: Sendable {
    var transport: any HTTPTransport
    var tokens: any TokenProvider
    var scope: TokenScope
    /// The permission to name when the API says 403.
    var permission: String
    var log: HuntingLog

    func post(_ url: URL, json: String, request: HuntingRequest) async throws(HuntingError) -> HTTPResponseData {
        var refreshed = false
        while true {
            let token = try await token()
            try await request.admission?()
            let http = HTTPRequestData(
                method: "POST", url: url,
                headers: [
                    "Authorization": "Bearer " + token.value.reveal(),
                    "Content-Type": "application/json; charset=utf-8", "Accept": "application/json",
                    "client-request-id": request.clientRequestId,
                ],
                body: Data(json.utf8), timeout: request.timeout)
            let response: HTTPResponseData
            do {
                response = try await transport.send(http)
            } catch {
                throw Self.classify(error, clientRequestId: request.clientRequestId)
            }
            if response.status == 401, !refreshed, await tokens.invalidate(token, for: scope) {
                refreshed = true
                log.info("the API refused the token; refreshing it once", ["query": request.queryId])
                continue
            }
            guard response.status == 200 else {
                throw HuntingErrorClassifier.classify(response, permission: permission, clientRequestId: request.clientRequestId)
            }
            return response
        }
    }

    private func token() async throws(HuntingError) -> AccessToken {
        do {
            return try await tokens.token(for: scope)
        } catch {
            let kind: HuntingError.Kind = error.code == .consentRequired ? .permission : .authentication
            throw HuntingError(kind, error.description)
        }
    }

    static func classify(_ error: TransportError, clientRequestId: String) -> HuntingError {
        switch error.kind {
        case .timedOut: HuntingError(.timeout, error.message, clientRequestId: clientRequestId)
        case .cancelled: HuntingError(.cancelled, "cancelled", clientRequestId: clientRequestId)
        case .insecure: HuntingError(.unsupported, error.message, clientRequestId: clientRequestId)
        case .connection: HuntingError(.transient, error.message, clientRequestId: clientRequestId)
        }
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String {
        var out = ""
        KQLDynamic.writeJSONString(s, to: &out)
        return out
    }
}
