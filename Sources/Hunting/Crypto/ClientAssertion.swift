public import Foundation
import Glibc
import Synchronization

/// The signed JWT that proves possession of a certificate's private key to Entra ID (the
/// `client_assertion` form field of the client-credentials grant, spec §3.3).
///
/// Signing runs `openssl dgst` on the certificate file, so the private key never enters this
/// process. ``verify(jwt:certificates:expectedAudience:clientId:now:allowedSkew:)`` checks an
/// assertion the way the token endpoint does, for the emulator.
public struct ClientAssertion: Hashable, Sendable {
    /// The JWS signature algorithm.
    public enum Algorithm: String, Hashable, Sendable, CaseIterable {
        /// RSASSA-PSS with SHA-256 and a 32-byte salt, identified by `x5t#S256`: the current default.
        case ps256 = "PS256"
        /// RSASSA-PKCS1-v1_5 with SHA-256, identified by `x5t`: the older form, kept as a fallback.
        case rs256 = "RS256"
    }

    /// The default lifetime: 10 minutes, as Microsoft's documentation suggests.
    public static let defaultLifetime: TimeInterval = 600

    /// The certificate whose key signs.
    public var certificate: ClientCertificate
    /// The application (client) id: both `iss` and `sub`.
    public var clientId: String
    /// The token endpoint URL the assertion is for (`aud`).
    public var audience: String
    /// The signature algorithm.
    public var algorithm: Algorithm
    /// Whether the header carries the certificate chain (`x5c`), for subject-name/issuer auth.
    public var sendsCertificateChain: Bool
    /// Seconds from `nbf` to `exp`.
    public var lifetime: TimeInterval

    /// Creates an assertion builder.
    /// - Parameters:
    ///   - certificate: the client certificate and its key file.
    ///   - clientId: the application (client) id.
    ///   - audience: the token endpoint URL, `https://{login-host}/{tenant}/oauth2/v2.0/token`.
    ///   - algorithm: PS256 (default) or RS256.
    ///   - sendsCertificateChain: whether to add `x5c`.
    ///   - lifetime: seconds the assertion stays valid.
    public init(
        certificate: ClientCertificate, clientId: String, audience: String, algorithm: Algorithm = .ps256,
        sendsCertificateChain: Bool = false, lifetime: TimeInterval = ClientAssertion.defaultLifetime
    ) {
        self.certificate = certificate
        self.clientId = clientId
        self.audience = audience
        self.algorithm = algorithm
        self.sendsCertificateChain = sendsCertificateChain
        self.lifetime = lifetime
    }

    /// The JOSE header this builder signs.
    public var header: Header {
        Header(
            alg: algorithm.rawValue, typ: "JWT",
            x5t: algorithm == .rs256 ? certificate.x5t : nil,
            x5tS256: algorithm == .ps256 ? certificate.x5tS256 : nil,
            x5c: sendsCertificateChain ? certificate.x5c : nil)
    }

    /// The claims for an assertion made at `now`: `nbf` = `iat` = `now` (whole seconds), `exp` = `nbf` + lifetime.
    /// - Parameters:
    ///   - now: the current time.
    ///   - id: the `jti`.
    public func claims(now: Date, id: UUID) -> Claims {
        let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        return Claims(
            audience: audience, issuer: clientId, subject: clientId, id: id.uuidString.lowercased(),
            notBefore: issued, issuedAt: issued, expires: issued.addingTimeInterval(lifetime.rounded(.down)))
    }

    /// Builds and signs an assertion.
    /// - Parameters:
    ///   - now: the current time (a parameter so tests are deterministic).
    ///   - id: the unique `jti`; a fresh UUID by default.
    /// - Returns: the compact JWT, `header.claims.signature`.
    /// - Throws: ``ClientAssertionError``: `opensslUnavailable` or `signingFailed` when `openssl`
    ///   is missing or cannot sign with the key file, `cancelled` when the task is cancelled.
    public func signed(now: Date, id: UUID = UUID()) async throws(ClientAssertionError) -> String {
        let input = JWTText.signingInput(header: header, claims: claims(now: now, id: id))
        // `-passin pass:` (an empty passphrase, not a secret) makes openssl fail at once on a key
        // that became encrypted after loading, instead of prompting on the terminal.
        let output = try await OpenSSLProcess.run(
            ["dgst", "-sha256", "-sign", certificate.path, "-passin", "pass:"] + algorithm.signatureOptions,
            input: Array(input.utf8))
        guard output.succeeded, !output.stdout.isEmpty else {
            throw ClientAssertionError(
                .signingFailed,
                "openssl could not sign the client assertion with the key in \(certificate.path): \(output.failureSummary)")
        }
        return input + "." + Base64URL.encode(output.stdout)
    }
}

extension ClientAssertion.Algorithm {
    /// `openssl dgst` options selecting the padding; PSS salt length equals the hash length (RFC 7518 §3.5).
    var signatureOptions: [String] {
        switch self {
        case .ps256: ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"]
        case .rs256: []
        }
    }
}

// MARK: - Header and claims

extension ClientAssertion {
    /// A JOSE header as sent or received.
    public struct Header: Hashable, Sendable, Codable {
        /// The algorithm name as written (`PS256`, `RS256`, or anything a caller sent).
        public var alg: String
        /// The type, `JWT`.
        public var typ: String?
        /// Base64url SHA-1 thumbprint of the certificate.
        public var x5t: String?
        /// Base64url SHA-256 thumbprint of the certificate (`x5t#S256`).
        public var x5tS256: String?
        /// The certificate chain, standard base64 DER, leaf first.
        public var x5c: [String]?

        /// Creates a header.
        public init(alg: String, typ: String? = "JWT", x5t: String? = nil, x5tS256: String? = nil, x5c: [String]? = nil) {
            self.alg = alg
            self.typ = typ
            self.x5t = x5t
            self.x5tS256 = x5tS256
            self.x5c = x5c
        }

        enum CodingKeys: String, CodingKey { case alg, typ, x5t, x5tS256 = "x5t#S256", x5c }
    }

    /// The registered claims of a client assertion (RFC 7523 §3).
    public struct Claims: Hashable, Sendable, Codable {
        /// `aud`: the token endpoint URL.
        public var audience: String
        /// `iss`: the client id.
        public var issuer: String
        /// `sub`: the client id.
        public var subject: String
        /// `jti`: a unique id.
        public var id: String
        /// `nbf`: not valid before.
        public var notBefore: Date?
        /// `iat`: issued at.
        public var issuedAt: Date?
        /// `exp`: not valid from this time on.
        public var expires: Date

        /// Creates claims.
        public init(
            audience: String, issuer: String, subject: String, id: String, notBefore: Date?, issuedAt: Date?, expires: Date
        ) {
            self.audience = audience
            self.issuer = issuer
            self.subject = subject
            self.id = id
            self.notBefore = notBefore
            self.issuedAt = issuedAt
            self.expires = expires
        }

        enum CodingKeys: String, CodingKey {
            case audience = "aud", issuer = "iss", subject = "sub", id = "jti", notBefore = "nbf", issuedAt = "iat"
            case expires = "exp"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            audience = try container.decode(String.self, forKey: .audience)
            issuer = try container.decode(String.self, forKey: .issuer)
            subject = try container.decode(String.self, forKey: .subject)
            id = try container.decode(String.self, forKey: .id)
            notBefore = try container.decodeIfPresent(Double.self, forKey: .notBefore).map(Date.init(timeIntervalSince1970:))
            issuedAt = try container.decodeIfPresent(Double.self, forKey: .issuedAt).map(Date.init(timeIntervalSince1970:))
            expires = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .expires))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(audience, forKey: .audience)
            try container.encode(issuer, forKey: .issuer)
            try container.encode(subject, forKey: .subject)
            try container.encode(id, forKey: .id)
            try container.encodeIfPresent(notBefore.map(JWTText.seconds), forKey: .notBefore)
            try container.encodeIfPresent(issuedAt.map(JWTText.seconds), forKey: .issuedAt)
            try container.encode(JWTText.seconds(expires), forKey: .expires)
        }
    }

    /// An assertion that passed verification, decoded.
    public struct Verified: Hashable, Sendable {
        /// The algorithm it was signed with.
        public var algorithm: Algorithm
        /// Its header.
        public var header: Header
        /// Its claims.
        public var claims: Claims
        /// The trusted certificate its thumbprint named and its signature verified with.
        public var certificate: X509Certificate
    }
}

/// Why a client assertion could not be made or was refused. Messages never contain key material.
public struct ClientAssertionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable, Hashable, Codable {
        /// `openssl` is not installed or not on `PATH`.
        case opensslUnavailable
        /// `openssl` failed to sign (unreadable key, key format, timeout).
        case signingFailed
        /// Not a compact JWT with a JSON header and claims (or a required claim is missing).
        case malformed
        /// `alg` is not RS256 or PS256 (`none` included).
        case unsupportedAlgorithm
        /// The thumbprint header names none of the trusted certificates, or is missing.
        case unknownCertificate
        /// The signature does not verify with the named certificate.
        case invalidSignature
        /// `aud` is not the expected token endpoint.
        case wrongAudience
        /// `iss` or `sub` is not the client id.
        case wrongClient
        /// `nbf` is in the future, beyond the allowed clock skew.
        case notYetValid
        /// `exp` has passed, beyond the allowed clock skew.
        case expired
        /// `openssl` failed while verifying for another reason than a bad signature.
        case verificationFailed
        /// The task was cancelled; `openssl` was stopped.
        case cancelled
    }

    /// The kind of problem.
    public var code: Code
    /// What happened and what to do.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

// MARK: - Verification

extension ClientAssertion {
    /// Verifies a client assertion as Entra's token endpoint does: structure, `alg` ∈ {RS256, PS256},
    /// the thumbprint header naming a trusted certificate, the signature (by `openssl`), `aud`,
    /// `iss` = `sub` = client id, and the `nbf`/`exp` window.
    /// - Parameters:
    ///   - jwt: the compact JWT.
    ///   - certificates: the certificates registered for the client.
    ///   - expectedAudience: the token endpoint URL it must name.
    ///   - clientId: the client id it must name as `iss` and `sub`.
    ///   - now: the current time.
    ///   - allowedSkew: clock skew tolerated on `nbf` and `exp`, in seconds (default 5 minutes).
    /// - Returns: the decoded header and claims, and the certificate that verified it.
    /// - Throws: ``ClientAssertionError`` naming the first check that failed, or `cancelled`.
    public static func verify(
        jwt: String, certificates: [X509Certificate], expectedAudience: String, clientId: String, now: Date,
        allowedSkew: TimeInterval = 300
    ) async throws(ClientAssertionError) -> Verified {
        let token = try JWTText(jwt)
        let algorithm = try token.algorithm()
        let certificate = try token.certificate(among: certificates)
        try await SignatureCheck.verify(token, algorithm: algorithm, certificate: certificate)
        try token.claims.check(audience: expectedAudience, clientId: clientId, now: now, allowedSkew: allowedSkew)
        return Verified(algorithm: algorithm, header: token.header, claims: token.claims, certificate: certificate)
    }

    /// Verifies a client assertion against the certificates in PEM text (see
    /// ``verify(jwt:certificates:expectedAudience:clientId:now:allowedSkew:)``).
    /// - Throws: ``ClientAssertionError``; `unknownCertificate` when the PEM holds no valid certificate.
    public static func verify(
        jwt: String, certificatePEM: String, expectedAudience: String, clientId: String, now: Date,
        allowedSkew: TimeInterval = 300
    ) async throws(ClientAssertionError) -> Verified {
        let certificates: [X509Certificate]
        do { certificates = try X509Certificate.all(inPEM: certificatePEM) } catch {
            throw ClientAssertionError(.unknownCertificate, "the trusted certificate PEM is unusable: \(error.message)")
        }
        return try await verify(
            jwt: jwt, certificates: certificates, expectedAudience: expectedAudience, clientId: clientId, now: now,
            allowedSkew: allowedSkew)
    }
}

extension ClientAssertion.Claims {
    func check(audience expected: String, clientId: String, now: Date, allowedSkew: TimeInterval) throws(ClientAssertionError) {
        guard audience == expected else {
            throw ClientAssertionError(.wrongAudience, "the assertion's audience (aud) is '\(JWTText.shown(audience))', expected '\(expected)'")
        }
        guard issuer == clientId, subject == clientId else {
            throw ClientAssertionError(
                .wrongClient, "the assertion's iss ('\(JWTText.shown(issuer))') and sub ('\(JWTText.shown(subject))') must both be the client id '\(clientId)'")
        }
        if now.timeIntervalSince(expires) >= allowedSkew {
            throw ClientAssertionError(
                .expired, "the assertion expired at \(expires.ISO8601Format()) (now \(now.ISO8601Format()), \(Int(allowedSkew)) s skew allowed)")
        }
        if let notBefore, notBefore.timeIntervalSince(now) > allowedSkew {
            throw ClientAssertionError(
                .notYetValid, "the assertion is not valid before \(notBefore.ISO8601Format()) (now \(now.ISO8601Format()), \(Int(allowedSkew)) s skew allowed)")
        }
    }}

/// A compact JWT split into its parts, header and claims decoded.
struct JWTText {
    /// Longer tokens are refused before any decoding.
    static let sizeLimit = 64 * 1024

    /// A value from an untrusted token, shortened for a message.
    static func shown(_ value: String) -> String { value.count > 200 ? value.prefix(200) + "…" : value }

    let signingInput: Substring
    let header: ClientAssertion.Header
    let claims: ClientAssertion.Claims
    let signature: [UInt8]

    init(_ jwt: String) throws(ClientAssertionError) {
        guard jwt.utf8.count <= Self.sizeLimit else { throw Self.malformed("it is longer than \(Self.sizeLimit) bytes") }
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw Self.malformed("a compact JWT has 3 dot-separated parts, this has \(parts.count)") }
        header = try Self.decode(ClientAssertion.Header.self, parts[0], part: "header")
        claims = try Self.decode(ClientAssertion.Claims.self, parts[1], part: "claims")
        guard let signature = Base64URL.decode(parts[2]) else { throw Self.malformed("the signature is not base64url") }
        self.signature = signature
        signingInput = jwt[parts[0].startIndex..<parts[1].endIndex]
    }

    /// The algorithm, when it is one verification accepts.
    func algorithm() throws(ClientAssertionError) -> ClientAssertion.Algorithm {
        guard let algorithm = ClientAssertion.Algorithm(rawValue: header.alg) else {
            throw ClientAssertionError(
                .unsupportedAlgorithm, "the assertion's alg is '\(Self.shown(header.alg))'; only RS256 and PS256 are accepted")
        }
        guard !signature.isEmpty else { throw Self.malformed("the signature is empty") }
        return algorithm
    }

    /// The trusted certificate every thumbprint header names.
    func certificate(among certificates: [X509Certificate]) throws(ClientAssertionError) -> X509Certificate {
        guard header.x5t != nil || header.x5tS256 != nil else {
            throw ClientAssertionError(.unknownCertificate, "the assertion's header has neither x5t#S256 nor x5t to name its certificate")
        }
        let match = certificates.first { certificate in
            (header.x5t.map { $0 == certificate.x5t } ?? true) && (header.x5tS256.map { $0 == certificate.x5tS256 } ?? true)
        }
        guard let match else {
            let named = [header.x5tS256.map { "x5t#S256=\(Self.shown($0))" }, header.x5t.map { "x5t=\(Self.shown($0))" }].compactMap { $0 }
            throw ClientAssertionError(
                .unknownCertificate, "the assertion names a certificate (\(named.joined(separator: ", "))) not registered for this client")
        }
        return match
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: Substring, part: String) throws(ClientAssertionError) -> T {
        guard let bytes = Base64URL.decode(text) else { throw malformed("the \(part) is not base64url") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw malformed("the \(part) has no '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw malformed("the \(part)'s '\(context.codingPath.last?.stringValue ?? "?")' has the wrong type")
        } catch {
            throw malformed("the \(part) is not a JSON object")
        }
    }

    private static func malformed(_ reason: String) -> ClientAssertionError {
        ClientAssertionError(.malformed, "the client assertion is malformed: \(reason)")
    }

    // MARK: Writing

    /// `base64url(header) + "." + base64url(claims)`, the bytes that are signed.
    static func signingInput(header: ClientAssertion.Header, claims: ClientAssertion.Claims) -> String {
        var headerJSON = JSONObjectWriter()
        headerJSON.add("alg", header.alg)
        header.typ.map { headerJSON.add("typ", $0) }
        header.x5tS256.map { headerJSON.add("x5t#S256", $0) }
        header.x5t.map { headerJSON.add("x5t", $0) }
        header.x5c.map { headerJSON.add("x5c", $0) }
        var claimsJSON = JSONObjectWriter()
        claimsJSON.add("aud", claims.audience)
        claimsJSON.add("iss", claims.issuer)
        claimsJSON.add("sub", claims.subject)
        claimsJSON.add("jti", claims.id)
        claims.notBefore.map { claimsJSON.add("nbf", seconds($0)) }
        claims.issuedAt.map { claimsJSON.add("iat", seconds($0)) }
        claimsJSON.add("exp", seconds(claims.expires))
        return Base64URL.encode(headerJSON.json) + "." + Base64URL.encode(claimsJSON.json)
    }

    /// A JWT NumericDate: whole seconds since 1970.
    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }
}

/// Writes one flat JSON object, keys in the order added.
struct JSONObjectWriter {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]

    mutating func add(_ key: String, _ value: String) {
        addKey(key)
        appendString(value)
    }

    mutating func add(_ key: String, _ value: Int64) {
        addKey(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func add(_ key: String, _ values: [String]) {
        addKey(key)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendString(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// The finished object.
    var json: [UInt8] { bytes + [UInt8(ascii: "}")] }

    private mutating func addKey(_ key: String) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        appendString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func appendString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case 0x0A: bytes.append(contentsOf: #"\n"#.utf8)
            case 0x0D: bytes.append(contentsOf: #"\r"#.utf8)
            case 0x09: bytes.append(contentsOf: #"\t"#.utf8)
            case ..<0x20: bytes.append(contentsOf: "\\u00\(Digest.hex([byte]))".utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// Checks a signature with `openssl dgst -verify`, the certificate's public key and the signature
/// in a private temporary folder.
enum SignatureCheck {
    static func verify(
        _ token: JWTText, algorithm: ClientAssertion.Algorithm, certificate: X509Certificate
    ) async throws(ClientAssertionError) {
        let publicKey = try await OpenSSLProcess.run(["x509", "-pubkey", "-noout"], input: Array(certificate.pem.utf8))
        guard publicKey.succeeded, !publicKey.stdout.isEmpty else {
            throw ClientAssertionError(
                .verificationFailed, "openssl could not read the certificate's public key: \(publicKey.failureSummary)")
        }
        let folder = try PrivateFolder()
        defer { folder.remove() }
        let keyPath = try folder.write("public.pem", publicKey.stdout)
        let signaturePath = try folder.write("signature.bin", token.signature)
        let result = try await OpenSSLProcess.run(
            ["dgst", "-sha256", "-verify", keyPath, "-signature", signaturePath] + algorithm.signatureOptions,
            input: Array(token.signingInput.utf8))
        guard result.succeeded else {
            if result.timedOut {
                throw ClientAssertionError(.verificationFailed, "openssl did not verify the signature: \(result.failureSummary)")
            }
            throw ClientAssertionError(
                .invalidSignature,
                "the assertion's \(algorithm.rawValue) signature does not verify with the certificate x5t#S256=\(certificate.x5tS256)")
        }
    }
}

/// A fresh folder only this user can enter (`mkdtemp`, mode 0700), for files handed to `openssl`.
struct PrivateFolder {
    let path: String

    init() throws(ClientAssertionError) {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("hunt-assertion-XXXXXX").utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ClientAssertionError(.verificationFailed, "cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        path = String(cString: created)
    }

    /// Writes a new file with mode 0600; returns its path.
    func write(_ name: String, _ bytes: [UInt8]) throws(ClientAssertionError) -> String {
        let file = path + "/" + name
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ClientAssertionError(.verificationFailed, "cannot create \(file): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard ChildProcess.writeAll(bytes, to: fd) else {
            throw ClientAssertionError(.verificationFailed, "cannot write \(file): \(String(cString: strerror(errno)))")
        }
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

// MARK: - Running openssl

/// Runs `openssl` (through ``ChildProcess``), feeding input on stdin so that nothing secret is
/// ever on a command line.
enum OpenSSLProcess {
    /// How long `openssl` may take before it is killed.
    static let timeout: TimeInterval = 30

    /// Runs `openssl` with `arguments`, feeding `input` on stdin.
    /// - Throws: ``ClientAssertionError``: `opensslUnavailable` when openssl cannot be started or is
    ///   not on `PATH`, `cancelled` when the task is cancelled (the process is killed).
    static func run(_ arguments: [String], input: [UInt8]) async throws(ClientAssertionError) -> ChildProcess.Output {
        let output = await ChildProcess.run("/usr/bin/env", ["openssl"] + arguments, input: input, timeout: timeout)
        if let failure = output.launchFailure {
            if output.cancelled { throw ClientAssertionError(.cancelled, "cancelled before openssl started") }
            throw ClientAssertionError(.opensslUnavailable, "cannot start /usr/bin/env openssl: \(failure)")
        }
        if output.cancelled { throw ClientAssertionError(.cancelled, "cancelled while openssl was running") }
        // `env` exits 127 when it cannot find the program.
        if output.exitedNormally, output.status == 127 || output.status == 126 {
            throw ClientAssertionError(
                .opensslUnavailable,
                "openssl was not found on PATH; install OpenSSL (Debian/Ubuntu: apt-get install openssl) (\(output.failureSummary))")
        }
        return output
    }
}

extension ChildProcess.Output {
    /// Why openssl failed, in words, with `stderr` scrubbed of anything resembling key material.
    var failureSummary: String {
        if timedOut { return "openssl did not finish within \(Int(OpenSSLProcess.timeout)) s" }
        let detail = KeyMaterialScrubber.scrub(String(decoding: stderr, as: UTF8.self))
        let status = exitedNormally ? "exit status \(status)" : "killed by signal \(status)"
        return detail.isEmpty ? "openssl failed (\(status))" : "\(detail) (\(status))"
    }
}

/// Removes what could be key material from a tool's diagnostics before they reach a message:
/// PEM blocks, hex dumps, and long base64 runs. Also shortens the text.
enum KeyMaterialScrubber {
    static let limit = 600

    static func scrub(_ text: String) -> String {
        var kept: [String] = []
        var insideBlock = false
        for line in text.split(whereSeparator: \.isNewline) {
            if line.contains("-----BEGIN") { insideBlock = true; kept.append("[PEM block removed]") }
            if insideBlock {
                if line.contains("-----END") { insideBlock = false }
                continue
            }
            if isHexDump(line) { continue }
            kept.append(redactLongRuns(line))
        }
        let joined = kept.joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return joined.count > limit ? String(joined.prefix(limit)) + "…" : joined
    }

    /// `00:c3:4f:…` lines, as `openssl … -text` prints key components.
    private static func isHexDump(_ line: Substring) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count >= 8 && trimmed.allSatisfy { $0.isHexDigit || $0 == ":" } && trimmed.contains(":")
    }

    /// Replaces runs of 40 or more base64 characters with `[redacted]`.
    private static func redactLongRuns(_ line: Substring) -> String {
        var result = ""
        var run = ""
        func flush() {
            result += run.count >= 40 ? "[redacted]" : run
            run = ""
        }
        for character in line {
            if character.isASCII, character.isLetter || character.isNumber || "+/=".contains(character) {
                run.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }
}
