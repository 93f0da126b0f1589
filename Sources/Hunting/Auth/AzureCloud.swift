public import Foundation

/// A Microsoft cloud: where to sign in and where the hunting APIs live.
public enum AzureCloud: String, Sendable, CaseIterable, Codable {
    /// The worldwide (commercial) cloud.
    case global
    /// US Government Community Cloud: worldwide sign-in and Graph, government Defender hosts.
    case gcc
    /// US Government GCC High (L4).
    case gccHigh = "gcc-high"
    /// US Government DoD (L5).
    case dod
    /// Microsoft Azure operated by 21Vianet.
    case china

    /// Parses a cloud name as users write it (`public`, `global`, `gcc`, `gcc-high`, `usgov`, `dod`, `china`).
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "global", "public", "commercial", "azurecloud": self = .global
        case "gcc", "usgov-gcc": self = .gcc
        case "gcc-high", "gcchigh", "usgov", "usgovernment", "azureusgovernment": self = .gccHigh
        case "dod", "usgov-dod": self = .dod
        case "china", "azurechinacloud", "21vianet": self = .china
        default: return nil
        }
    }

    /// The Entra ID sign-in host.
    public var loginHost: String {
        switch self {
        case .global, .gcc: "login.microsoftonline.com"
        case .gccHigh, .dod: "login.microsoftonline.us"
        case .china: "login.chinacloudapi.cn"
        }
    }

    /// The Microsoft Graph host.
    public var graphHost: String {
        switch self {
        case .global, .gcc: "graph.microsoft.com"
        case .gccHigh: "graph.microsoft.us"
        case .dod: "dod-graph.microsoft.us"
        case .china: "microsoftgraph.chinacloudapi.cn"
        }
    }

    /// The legacy Defender for Endpoint API host, when the cloud has one.
    public var defenderHost: String? {
        switch self {
        case .global: "api.security.microsoft.com"
        case .gcc: "api-gcc.securitycenter.microsoft.us"
        case .gccHigh, .dod: "api-gov.securitycenter.microsoft.us"
        case .china: nil
        }
    }

    /// Whether Graph `runHuntingQuery` is offered in this cloud.
    public var offersGraphHunting: Bool { self != .china }

    /// `https://<login host>`.
    public var authorityURL: URL { URL(string: "https://\(loginHost)")! }
    /// `https://<graph host>`.
    public var graphURL: URL { URL(string: "https://\(graphHost)")! }
    /// `https://<defender host>`, when the cloud has one.
    public var defenderURL: URL? { defenderHost.map { URL(string: "https://\($0)")! } }

    /// The token resource for the legacy Defender API: the audience its tokens must carry.
    public var defenderResource: String {
        switch self {
        case .global: "https://api.securitycenter.microsoft.com"
        case .gcc: "https://api-gcc.securitycenter.microsoft.us"
        case .gccHigh, .dod: "https://api-gov.securitycenter.microsoft.us"
        case .china: "https://api.securitycenter.microsoft.com"
        }
    }
}
