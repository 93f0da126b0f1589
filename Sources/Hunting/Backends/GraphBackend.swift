public import Foundation
import KQL

/// Runs queries through Microsoft Graph `POST /v1.0/security/runHuntingQuery` (the default).
public struct GraphBackend: HuntingBackend {
    /// The API version path segment.
    public enum Version: String, Sendable {
        case v1 = "v1.0"
        case beta
    }

    public let endpoint: HuntingEndpoint
    private let url: URL
    private let client: AuthorizedClient

    /// Creates a Graph backend.
    /// - Parameters:
    ///   - baseURL: `https://graph.microsoft.com` (or a sovereign cloud's Graph, or the emulator).
    ///   - tokenResource: the token audience; defaults to the base URL's origin.
    /// - Throws: ``HuntingError`` of kind `.unsupported` for a plain-http non-loopback URL.
    public init(
        baseURL: URL, version: Version = .v1, tenant: String?, tokens: any TokenProvider,
        tokenResource: String? = nil, transport: any HTTPTransport, log: HuntingLog = .discard,
        isSampleData: Bool = false
    ) throws(HuntingError) {
        do {
            try EndpointPolicy.check(baseURL)
        } catch {
            throw HuntingError(.unsupported, error.message)
        }
        url = baseURL.appendingPathComponent(version.rawValue).appendingPathComponent("security/runHuntingQuery")
        endpoint = HuntingEndpoint(kind: .graph, url: url.absoluteString, tenant: tenant, isSampleData: isSampleData)
        let resource = tokenResource ?? Self.origin(of: baseURL)
        client = AuthorizedClient(
            transport: transport, tokens: tokens, scope: TokenScope(resource: resource),
            permission: "ThreatHunting.Read.All", log: log)
    }

    /// Creates the backend for a cloud's Graph.
    /// - Throws: ``HuntingError`` `.unsupported` in a cloud without Graph hunting (China).
    public static func forCloud(
        _ cloud: AzureCloud, version: Version = .v1, tenant: String?, tokens: any TokenProvider,
        transport: any HTTPTransport, log: HuntingLog = .discard
    ) throws(HuntingError) -> GraphBackend {
        guard cloud.offersGraphHunting else {
            throw HuntingError(.unsupported, "Microsoft Graph advanced hunting (runHuntingQuery) is not offered in the \(cloud.rawValue) cloud (21Vianet); there is no supported hunting API there")
        }
        return try GraphBackend(baseURL: cloud.graphURL, version: version, tenant: tenant, tokens: tokens, transport: transport, log: log)
    }

    public func run(_ request: HuntingRequest) async throws(HuntingError) -> HuntingResult {
        var body = "{\"Query\":" + AuthorizedClient.jsonString(request.text)
        if let timespan = request.timespan { body += ",\"Timespan\":" + AuthorizedClient.jsonString(timespan.iso8601) }
        body += "}"
        let response = try await client.post(url, json: body, request: request)
        return try ResponseReading.result(from: response, request: request)
    }

    static func origin(of url: URL) -> String {
        var components = URLComponents()
        components.scheme = url.scheme
        components.host = url.host
        components.port = url.port
        return components.string ?? url.absoluteString
    }
}

/// Reads a 200 answer into a result, or a classified error when it cannot be read.
enum ResponseReading {
    static func result(from response: HTTPResponseData, request: HuntingRequest) throws(HuntingError) -> HuntingResult {
        let decoded: DecodedResponse
        do {
            decoded = try HuntingResponseDecoder.decode(response.body)
        } catch {
            throw HuntingError(
                .malformedResponse, "the service's answer could not be read: \(error)", status: response.status,
                requestId: response.header("request-id"), clientRequestId: request.clientRequestId)
        }
        return HuntingResult(
            table: decoded.table, truncated: decoded.truncated, requestId: response.header("request-id"),
            clientRequestId: response.header("client-request-id") ?? request.clientRequestId, stats: decoded.stats)
    }
}
