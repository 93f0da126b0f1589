import Foundation

/// Why no token could be had, said so the operator can fix it.
public struct CredentialError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable, Hashable, Codable {
        /// The secret, certificate, password or device code was refused.
        case invalidCredential
        /// The application id is unknown in the tenant.
        case unknownApplication
        /// The tenant does not exist (or is in another cloud).
        case unknownTenant
        /// The app or user lacks consent or a permission.
        case consentRequired
        /// Sign-in needs interaction (MFA, conditional access) this mode cannot give.
        case interactionRequired
        /// The user declined or the device code expired.
        case declined
        /// The configuration is incomplete or contradictory.
        case configuration
        /// The identity service could not be reached or answered oddly.
        case unavailable
    }

    /// The kind of problem.
    public var code: Code
    /// What happened and what to do, without any secret.
    public var message: String
    /// The Entra ID error code, when there is one (`AADSTS7000215`).
    public var aadsts: Int?
    /// Entra's correlation id, for support cases.
    public var correlationId: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, aadsts: Int? = nil, correlationId: String? = nil) {
        self.code = code
        self.message = SecretScrubber.scrub(message)
        self.aadsts = aadsts
        self.correlationId = correlationId
    }

    public var description: String {
        var text = message
        if let correlationId { text += " (correlation id \(correlationId))" }
        return text
    }
}
