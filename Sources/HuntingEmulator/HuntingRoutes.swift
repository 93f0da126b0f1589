import Foundation
import Hunting
import KQL

/// Graph `runHuntingQuery` and the legacy `advancedqueries/run`: authentication, quotas,
/// faults, then the backend's answer in the API's shape.
extension Router {
    enum API: String { case graph, legacy }

    func hunting(_ request: HTTPRequest, api: API) async -> HTTPResponse {
        let arrived = Date()
        let requestId = UUID().uuidString.lowercased()
        let clientRequestId = request.header("client-request-id")
        var record = HuntingCallRecord(arrived: arrived, api: api.rawValue, status: 200, fault: nil, retryAfter: nil, queryId: nil, clientRequestId: clientRequestId)
        record.method = request.method
        record.path = request.path
        record.requestId = requestId
        let response = await answer(request, api: api, requestId: requestId, record: &record)
        var headers = response.headers
        headers.set("request-id", requestId)
        if let clientRequestId { headers.set("client-request-id", clientRequestId) }
        var final = response
        final.headers = headers
        record.status = response.status
        record.retryAfter = response.headers["Retry-After"]
        record.answered = Date()
        await state.record(record)
        return final
    }

    private func answer(_ request: HTTPRequest, api: API, requestId: String, record: inout HuntingCallRecord) async -> HTTPResponse {
        let configuration = await state.configuration
        func error(_ status: Int, _ code: String, _ message: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
            let body = api == .graph
                ? HuntingResponseEncoder.graphError(code: code, message: message, requestId: requestId, clientRequestId: request.header("client-request-id"))
                : HuntingResponseEncoder.legacyError(code: code, message: message, target: requestId)
            return .json(status, body, headers: headers)
        }
        if api == .legacy, let retired = configuration.legacyRetiredAfter, Date() > retired {
            return error(410, "Gone", "This API has been retired. Use Microsoft Graph security runHuntingQuery.")
        }

        // Authentication and authorization.
        guard let authorization = request.header("Authorization"), authorization.lowercased().hasPrefix("bearer "),
            case let bearer = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces), !bearer.isEmpty
        else {
            return error(401, api == .graph ? "InvalidAuthenticationToken" : "Unauthorized", "Access token is empty.")
        }
        guard let token = await state.token(bearer) else {
            return error(401, api == .graph ? "InvalidAuthenticationToken" : "Unauthorized", "Access token validation failure. Invalid audience.")
        }
        guard token.expiresAt > Date() else {
            return error(401, api == .graph ? "InvalidAuthenticationToken" : "Unauthorized", "Access token has expired or is not yet valid.")
        }
        guard audienceFits(token.resource, api: api) else {
            return error(401, api == .graph ? "InvalidAuthenticationToken" : "Unauthorized", "Access token validation failure. Invalid audience.")
        }
        let role = api == .graph ? "ThreatHunting.Read.All" : "AdvancedQuery.Read.All"
        guard token.roles.contains(role) || token.roles.contains(role.replacingOccurrences(of: ".All", with: "")) else {
            let held = token.roles.sorted().joined(separator: ",")
            return error(403, "Forbidden", "Missing application roles. API required roles: \(role), application roles: \(held).")
        }

        // The request body.
        guard let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] else {
            return error(400, api == .graph ? "BadRequest" : "InvalidRequestBody", "The request body is not a JSON object.")
        }
        let query: String?
        let timespanText: String?
        switch api {
        case .graph:
            query = object.first { $0.key.lowercased() == "query" }?.value as? String
            timespanText = object.first { $0.key.lowercased() == "timespan" }?.value as? String
        case .legacy:
            query = object["Query"] as? String
            timespanText = nil
        }
        guard let query, !query.isEmpty else {
            return error(400, api == .graph ? "BadRequest" : "MissingRequiredParameter", "The Query parameter is missing.")
        }
        record.queryHash = RequestLog.queryHash(query)
        record.queryId = knownQueryId(for: query)
        var timespan: KQLTimespan?
        if let timespanText {
            guard let parsed = Self.parseGraphTimespan(timespanText) else {
                return error(400, "BadRequest", "The Timespan '\(timespanText)' is not a valid ISO 8601 interval or duration.")
            }
            timespan = parsed
        }

        // Quotas, then faults.
        if let wait = await state.admit(api: api.rawValue, policy: api == .graph ? configuration.graphQuota : configuration.legacyQuota) {
            let seconds = max(1, Int(wait.rounded(.up)))
            return error(429, "TooManyRequests", "Rate limit is exceeded. Try again in \(seconds) seconds.", headers: ["Retry-After": "\(seconds)"])
        }
        let fault = await state.fault(forQuery: query, header: request.header("X-Emulator-Fault"))
        record.fault = fault?.description
        if case .cpuQuota(let seconds)? = fault { record.cpuQuotaWait = Double(seconds) }
        if let fault, let faulted = await apply(fault, error: error) { return faulted }

        let latency = await state.latency()
        if let wait = await state.chargeCPU(max(latency, 0.001)) {
            record.cpuQuotaWait = wait.rounded(.up)
            return error(429, "TooManyRequests", "You have exceeded processing resources allocated to this tenant. You can run queries again in \(KQLTimespan(ticks: Int64(wait.rounded(.up)) * KQLTimespan.second).constantFormat).")
        }
        record.latency = latency
        if latency > 0 { try? await Task.sleep(for: .seconds(latency)) }

        // The answer.
        let backendRequest = HuntingRequest(queryId: record.queryId ?? "query", text: query, timespan: timespan)
        let result: HuntingResult
        do {
            result = try await backend.run(backendRequest)
        } catch {
            return errorResponse(for: error, api: api, requestId: requestId, clientRequestId: request.header("client-request-id"))
        }
        let body = HuntingResponseEncoder.encode(result.table, shape: api == .graph ? .graph : .legacy, rowLimit: configuration.rowLimit, elapsed: latency)
        if body.count > configuration.maxResponseBytes {
            return error(400, "BadRequest", "Query execution has exceeded the allowed result size. Optimize your query by limiting the number of results and try again")
        }
        var response = HTTPResponse.json(200, "")
        response.body = body
        switch fault {
        case .truncatedBody?, .resetMidBody?:
            // The cut must fall inside the body: Foundation on Linux traps ("Transfer completed,
            // but there's no response") when a plain-http connection closes inside the headers.
            // Leading whitespace is valid JSON, so the body starts with padding the cut lands in.
            let padding = [UInt8](repeating: 0x20, count: 8192)
            response.body = padding + body
            let headerAllowance = 2048
            let share = fault == .truncatedBody ? 2 : 3
            response = response.truncated(afterBytes: headerAllowance + (padding.count - headerAllowance) / share)
        default:
            break
        }
        return response
    }

    /// The immediate answer for a fault, or `nil` when the fault shapes the success answer.
    private func apply(_ fault: Fault, error: (Int, String, String, HTTPHeaders) -> HTTPResponse) async -> HTTPResponse? {
        switch fault {
        case .throttle(let style):
            var headers: HTTPHeaders = [:]
            switch style {
            case .seconds(let s): headers.set("Retry-After", "\(s)")
            case .fractional(let f): headers.set("Retry-After", "\(f)")
            case .absent: break
            }
            return error(429, "TooManyRequests", "Please retry again later.", headers)
        case .cpuQuota(let seconds):
            return error(429, "TooManyRequests", "You have exceeded processing resources allocated to this tenant. You can run queries again in \(KQLTimespan.seconds(Int64(seconds)).constantFormat).", [:])
        case .status(let code):
            return error(code, code == 503 ? "ServiceUnavailable" : "UnknownError", "", [:])
        case .slow(let seconds):
            try? await Task.sleep(for: .seconds(seconds))
            return nil
        case .malformedJSON:
            return .text(200, "<html><body>upstream proxy error</body></html>", headers: ["Content-Type": "application/json"])
        case .expiredToken:
            return error(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.", [:])
        case .resetMidBody, .truncatedBody:
            return nil
        }
    }

    /// A backend error in the API's error shape.
    private func errorResponse(for failure: HuntingError, api: API, requestId: String, clientRequestId: String?) -> HTTPResponse {
        let status: Int
        let code: String
        switch failure.kind {
        case .syntax, .semantic, .missingTable, .badRequest, .resultTooLarge, .unsupported:
            status = failure.status ?? 400
            code = failure.serviceCode ?? "BadRequest"
        case .permission: status = 403; code = "Forbidden"
        case .authentication: status = 401; code = "InvalidAuthenticationToken"
        case .timeout: status = 504; code = "UnknownError"
        case .callQuota, .cpuQuota: status = 429; code = "TooManyRequests"
        default: status = failure.status ?? 500; code = failure.serviceCode ?? "UnknownError"
        }
        let message = failure.kind == .unsupported && failure.status == nil ? failure.message : Self.serviceText(of: failure)
        let body = api == .graph
            ? HuntingResponseEncoder.graphError(code: code, message: message, requestId: requestId, clientRequestId: clientRequestId)
            : HuntingResponseEncoder.legacyError(code: code, message: message, target: requestId)
        return .json(status, body)
    }

    /// The service's own wording, without a `kind: ` prefix a classified error carries, so a
    /// client classifies it again.
    private static func serviceText(of error: HuntingError) -> String {
        let prefix = error.kind.rawValue + ": "
        return error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
    }

    /// The id of the query a request carries, when the backend or ``knownQueries`` know it.
    private func knownQueryId(for text: String) -> String? {
        (backend as? FixtureBackend)?.queryId(forText: text) ?? knownQueries.first { $0.matches(boundText: text) }?.id
    }

    private func audienceFits(_ resource: String, api: API) -> Bool {
        let own = Self.trimmed(address.url.absoluteString)
        switch api {
        case .graph: return resource == own || resource.contains("graph.microsoft") || resource.contains("graph.microsoft.us")
        case .legacy: return resource == own || resource.contains("securitycenter") || resource.contains("api.security.microsoft")
        }
    }

    /// The window of the five Graph `Timespan` forms (start/end, duration/end, start/duration,
    /// duration, instant), as a duration.
    static func parseGraphTimespan(_ text: String) -> KQLTimespan? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
        func instant(_ s: String) -> KQLDateTime? { s.hasPrefix("P") ? nil : LiteralSyntax.parseDateTime(s) }
        func duration(_ s: String) -> KQLTimespan? { s.hasPrefix("P") ? LiteralSyntax.parseTimespan(s) : nil }
        let now = KQLDateTime(unixSeconds: Date().timeIntervalSince1970)
        switch parts.count {
        case 1:
            if let d = duration(parts[0]) { return d }
            if let start = instant(parts[0]) { return KQLTimespan(ticks: max(0, now.ticks - start.ticks)) }
            return nil
        case 2:
            if let start = instant(parts[0]), let end = instant(parts[1]), end >= start { return KQLTimespan(ticks: end.ticks - start.ticks) }
            if let d = duration(parts[0]), instant(parts[1]) != nil { return d }
            if instant(parts[0]) != nil, let d = duration(parts[1]) { return d }
            return nil
        default:
            return nil
        }
    }
}
