import Foundation
public import Hunting

extension ConfiguredBackend {
    /// Builds the backend for a remote choice with its credential: Graph in the settings' cloud,
    /// the legacy API (which warns on the log: Microsoft is retiring it), or Graph at a URL whose
    /// sign-in host is the same URL unless the settings name one.
    /// - Parameters:
    ///   - settings: the credential and cloud.
    ///   - region: the legacy API's regional host (`eu`, `us`, …), if any.
    ///   - beta: Graph beta instead of v1.0.
    ///   - width: the queries in flight at once (the transport's connection limit follows it).
    ///   - log: where the backend and credential report.
    ///   - prompt: shows device-code instructions.
    /// - Returns: the backend.
    /// - Throws: ``BackendSetupError`` saying what to configure.
    public func remoteBackend(
        settings: CredentialSettings, region: String? = nil, beta: Bool = false, width: Int = 4, log: HuntingLog = .discard,
        prompt: @escaping @Sendable (DeviceCodePrompt) -> Void = { _ in }
    ) throws(BackendSetupError) -> any HuntingBackend {
        var settings = settings
        if case .url(let url) = self, settings.authorityHost == nil { settings.authorityHost = url }
        let transport = URLSessionTransport(maximumConnections: width + 2)
        let credential: any TokenCredential
        do {
            credential = try settings.makeCredential(transport: transport, log: log, prompt: prompt)
        } catch {
            throw BackendSetupError(message: error.description)
        }
        let tokens = TokenCache(credential: credential, log: log)
        do throws(HuntingError) {
            switch self {
            case .url(let url):
                return try GraphBackend(
                    baseURL: url, version: beta ? .beta : .v1, tenant: settings.tenant, tokens: tokens, transport: transport, log: log,
                    isSampleData: EndpointPolicy.isLoopback(url.host ?? ""))
            case .defender:
                var base = settings.cloud.defenderURL
                if let region {
                    guard let regional = DefenderBackend.regionalURL(region) else {
                        throw HuntingError(.unsupported, "unknown region '\(region)'; use one of \(DefenderBackend.regionalHosts.joined(separator: ", "))")
                    }
                    base = regional
                }
                guard let base else { throw HuntingError(.unsupported, "the \(settings.cloud.rawValue) cloud has no legacy Defender hunting API") }
                return try DefenderBackend(
                    baseURL: base, tenant: settings.tenant, tokens: tokens, tokenResource: settings.cloud.defenderResource,
                    transport: transport, log: log)
            case .graph, .local:
                return try GraphBackend.forCloud(
                    settings.cloud, version: beta ? .beta : .v1, tenant: settings.tenant, tokens: tokens, transport: transport, log: log)
            }
        } catch {
            throw BackendSetupError(message: error.message)
        }
    }
}

/// A backend that cannot be built: a credential or endpoint setting is missing or wrong.
public struct BackendSetupError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to set.
    public var message: String

    /// Creates an error.
    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
