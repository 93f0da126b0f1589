public import Foundation
import KQL

/// Runs queries through the legacy Defender for Endpoint API, `POST /api/advancedqueries/run`.
/// Microsoft began retiring it in January 2026 (it stops answering in early 2027): every use
/// logs a warning. It has no `Timespan`: the query's own time filter is the window.
public struct DefenderBackend: HuntingBackend {
    /// What every use of this backend says.
    public static let retirementWarning = "the legacy Defender for Endpoint hunting API is being retired by Microsoft (retirement began January 2026; it stops answering around February 2027); switch to Microsoft Graph (the default backend)"

    /// Hosts to use instead of the global one, for data residency.
    public static let regionalHosts = ["us", "eu", "uk", "au", "swa", "ina", "aea"]

    public let endpoint: HuntingEndpoint
    private let url: URL
    private let client: AuthorizedClient
    private let log: HuntingLog

    /// Creates a legacy backend and logs the retirement warning.
    /// - Parameters:
    ///   - baseURL: `https://api.security.microsoft.com`, a regional host such as
    ///     `https://eu.api.security.microsoft.com`, a government host, or the emulator.
    ///   - tokenResource: the token audience (default `https://api.securitycenter.microsoft.com`).
    /// - Throws: ``HuntingError`` of kind `.unsupported` for a plain-http non-loopback URL.
    public init(
        baseURL: URL, tenant: String?, tokens: any TokenProvider, tokenResource: String = AzureCloud.global.defenderResource,
        transport: any HTTPTransport, log: HuntingLog = .discard, isSampleData: Bool = false
    ) throws(HuntingError) {
        do {
            try EndpointPolicy.check(baseURL)
        } catch {
            throw HuntingError(.unsupported, error.message)
        }
        url = baseURL.appendingPathComponent("api/advancedqueries/run")
        endpoint = HuntingEndpoint(kind: .defender, url: url.absoluteString, tenant: tenant, isSampleData: isSampleData)
        client = AuthorizedClient(
            transport: transport, tokens: tokens, scope: TokenScope(resource: tokenResource),
            permission: "AdvancedQuery.Read.All (WindowsDefenderATP)", log: log)
        self.log = log
        log.warning(Self.retirementWarning)
    }

    /// The URL of a regional host (`eu` → `https://eu.api.security.microsoft.com`).
    public static func regionalURL(_ region: String) -> URL? {
        regionalHosts.contains(region.lowercased()) ? URL(string: "https://\(region.lowercased()).api.security.microsoft.com") : nil
    }

    public func run(_ request: HuntingRequest) async throws(HuntingError) -> HuntingResult {
        let body = "{\"Query\":" + AuthorizedClient.jsonString(request.text) + "}"
        let response = try await client.post(url, json: body, request: request)
        return try ResponseReading.result(from: response, request: request)
    }
}
