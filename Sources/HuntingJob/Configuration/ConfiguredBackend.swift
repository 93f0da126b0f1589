public import Foundation
import Hunting
import KQL

/// Where queries run, as `hunt.json`, `HUNT_BACKEND` and `--backend` name it.
public enum ConfiguredBackend: Sendable, Hashable, CustomStringConvertible {
    /// Microsoft Graph `runHuntingQuery`.
    case graph
    /// The legacy Defender for Endpoint API (retiring).
    case defender
    /// The in-process KQL engine over the sample tenant or exported tables: sample data.
    case local
    /// An emulator or proxy that speaks Graph and the token endpoint: `https://`, or `http://`
    /// on this machine only.
    case url(URL)

    /// The names accepted besides a URL.
    public static let names = ["graph", "defender", "local"]

    /// Reads a backend as written: `graph`, `defender`, `local` or a URL.
    /// - Parameter text: the value, compared case-insensitively for the names.
    /// - Throws: ``ConfigurationError`` (one diagnostic, no location) saying what is accepted,
    ///   with the closest name, or that plain `http://` is only for this machine.
    public init(parsing text: String) throws(ConfigurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed.lowercased() {
        case "graph": self = .graph
        case "defender": self = .defender
        case "local": self = .local
        default:
            if trimmed.contains("://") {
                guard let url = URL(string: trimmed), let host = url.host, !host.isEmpty,
                    let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http"
                else {
                    throw ConfigurationError("expected graph, defender, local or an https URL, found '\(text)'", code: "unknown-value")
                }
                guard scheme == "https" || EndpointPolicy.isLoopback(host) else {
                    throw ConfigurationError(
                        "refusing plain http:// to \(host): TLS is required except for this machine (127.0.0.1, localhost, ::1); use https://",
                        code: "insecure-url")
                }
                self = .url(url)
                return
            }
            let suggestion = HuntingSchema.closestMatch(to: trimmed, in: Self.names).map { "; did you mean '\($0)'?" } ?? ""
            throw ConfigurationError("expected graph, defender, local or an https URL, found '\(text)'\(suggestion)", code: "unknown-value")
        }
    }

    /// `graph`, `defender`, `local` or the URL.
    public var description: String {
        switch self {
        case .graph: "graph"
        case .defender: "defender"
        case .local: "local"
        case .url(let url): url.absoluteString
        }
    }
}
