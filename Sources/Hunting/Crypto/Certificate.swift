import Foundation
import Glibc

/// An X.509 certificate, public part only: its DER bytes and the thumbprints JWT headers carry.
public struct X509Certificate: Hashable, Sendable {
    /// The DER encoding, as thumbprints are computed over it.
    public let der: [UInt8]
    /// SHA-1 of ``der`` (20 bytes): the `x5t` thumbprint, shown as hex in the Azure portal.
    public let sha1Thumbprint: [UInt8]
    /// SHA-256 of ``der`` (32 bytes): the `x5t#S256` thumbprint.
    public let sha256Thumbprint: [UInt8]
    /// The subject public key's algorithm, read from the certificate.
    let keyAlgorithm: KeyAlgorithm

    /// Checks that `der` is shaped like an X.509 certificate and computes its thumbprints.
    /// - Parameter der: the DER bytes.
    /// - Throws: ``CertificateError`` (`malformedCertificate`) when the bytes are not a certificate.
    public init(der: [UInt8]) throws(CertificateError) {
        guard let algorithm = CertificateDER.publicKeyAlgorithm(der) else {
            throw CertificateError(.malformedCertificate, "the certificate is not valid DER-encoded X.509")
        }
        self.der = der
        self.keyAlgorithm = algorithm
        self.sha1Thumbprint = Digest.sha1(der)
        self.sha256Thumbprint = Digest.sha256(der)
    }

    /// Every `CERTIFICATE` block in PEM text, in order; other blocks (keys included) are skipped.
    /// - Parameter text: PEM text.
    /// - Returns: the certificates, possibly none.
    /// - Throws: ``CertificateError`` when a certificate block is unterminated or not a certificate.
    public static func all(inPEM text: String) throws(CertificateError) -> [X509Certificate] {
        let blocks: PEMScan
        do { blocks = try PEMScan(Array(text.utf8)) } catch { throw error.certificateError(path: nil) }
        return try blocks.certificates.map { block throws(CertificateError) in try block.parse(path: nil) }
    }

    /// The base64url SHA-1 thumbprint, for the `x5t` JWT header.
    public var x5t: String { Base64URL.encode(sha1Thumbprint) }

    /// The base64url SHA-256 thumbprint, for the `x5t#S256` JWT header.
    public var x5tS256: String { Base64URL.encode(sha256Thumbprint) }

    /// Standard base64 of ``der`` (with padding): one `x5c` JWT header entry.
    public var base64: String { Data(der).base64EncodedString() }

    /// The certificate as a PEM block.
    public var pem: String {
        let body = base64
        let lines = stride(from: 0, to: body.count, by: 64).map { offset -> Substring in
            let start = body.index(body.startIndex, offsetBy: offset)
            return body[start..<(body.index(start, offsetBy: 64, limitedBy: body.endIndex) ?? body.endIndex)]
        }
        return "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
    }
}

/// A client certificate for Entra ID: one PEM file holding the certificate (and its chain) and the
/// unencrypted private key, in any order (the Azure SDK's `AZURE_CLIENT_CERTIFICATE_PATH`).
///
/// Only the certificates are kept. The private key stays in the file: signing runs `openssl` on
/// the path, and the bytes read while looking for the certificates are overwritten with zeros.
public struct ClientCertificate: Hashable, Sendable {
    /// The PEM file's path, handed to `openssl` for signing.
    public let path: String
    /// Every certificate in the file, in file order; the first is the client's own (the leaf).
    public let chain: [X509Certificate]

    /// Reads the certificates from a PEM file and checks that it also holds one usable private key.
    /// - Parameter pemPath: the PEM file.
    /// - Throws: ``CertificateError`` when the file is missing or unreadable, is not PEM, has no
    ///   certificate, no private key, several keys, an encrypted key, or a key that is not RSA.
    public init(pemPath: String) throws(CertificateError) {
        let scan = try PEMFile.scan(path: pemPath)
        guard let leaf = scan.certificates.first else {
            throw CertificateError(.noCertificate, Self.noCertificateMessage(hasKey: !scan.keys.isEmpty), path: pemPath)
        }
        try Self.checkKeys(scan.keys, path: pemPath)
        let chain = try scan.certificates.map { block throws(CertificateError) in try block.parse(path: pemPath) }
        guard chain[0].keyAlgorithm.isRSA else {
            throw CertificateError(
                .unsupportedKey,
                "the certificate (line \(leaf.line)) has a \(chain[0].keyAlgorithm.name) key, but client assertions are "
                    + "signed with PS256 or RS256, which need RSA. Create an RSA certificate, for example: "
                    + "openssl req -x509 -newkey rsa:2048 -noenc -keyout key.pem -out cert.pem -subj /CN=hunt -days 365",
                path: pemPath)
        }
        self.path = pemPath
        self.chain = chain
    }

    /// The client's own certificate (the first in the file).
    public var certificate: X509Certificate { chain[0] }
    /// SHA-1 thumbprint of the client certificate (20 bytes).
    public var sha1Thumbprint: [UInt8] { certificate.sha1Thumbprint }
    /// SHA-256 thumbprint of the client certificate (32 bytes).
    public var sha256Thumbprint: [UInt8] { certificate.sha256Thumbprint }
    /// The `x5t` header value: base64url SHA-1 thumbprint.
    public var x5t: String { certificate.x5t }
    /// The `x5t#S256` header value: base64url SHA-256 thumbprint.
    public var x5tS256: String { certificate.x5tS256 }
    /// The `x5c` header value: standard base64 of each certificate's DER, leaf first.
    public var x5c: [String] { chain.map(\.base64) }

    private static func noCertificateMessage(hasKey: Bool) -> String {
        let what = hasKey ? "a private key but no certificate" : "no certificate and no private key"
        return "the file holds \(what). It must hold the certificate (-----BEGIN CERTIFICATE-----) and its "
            + "private key; add the certificate with: cat cert.pem >> <this file>"
    }

    private static func checkKeys(_ keys: [PEMScan.Key], path: String) throws(CertificateError) {
        guard let key = keys.first else {
            throw CertificateError(
                .noPrivateKey,
                "the file holds a certificate but no private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA "
                    + "PRIVATE KEY-----). Append the key, keeping the file private: cat key.pem >> <this file>; chmod 600 <this file>",
                path: path)
        }
        guard keys.count == 1 else {
            let lines = keys.map { String($0.line) }.joined(separator: ", ")
            throw CertificateError(
                .multiplePrivateKeys,
                "the file holds \(keys.count) private keys (lines \(lines)); keep only the one that belongs to the certificate",
                path: path)
        }
        if let kind = key.unsupportedKind {
            throw CertificateError(
                .unsupportedKey,
                "the private key (line \(key.line)) is \(kind); only RSA keys in PEM (PKCS#8 \"PRIVATE KEY\" or PKCS#1 "
                    + "\"RSA PRIVATE KEY\") can sign PS256/RS256 client assertions",
                path: path)
        }
        if key.encrypted { throw encryptedKeyError(path: path, line: key.line) }
    }

    private static func encryptedKeyError(path: String, line: Int) -> CertificateError {
        CertificateError(
            .encryptedPrivateKey,
            "the private key (line \(line)) is protected by a passphrase, which is not supported. Write an unencrypted "
                + "copy that only you can read and point the certificate path at it: umask 077; openssl pkey -in '\(path)' "
                + "-out client.pem (asks for the passphrase); sed -n '/-BEGIN CERTIFICATE-/,/-END CERTIFICATE-/p' '\(path)' >> client.pem",
            path: path)
    }
}

/// Why a certificate file could not be used. Messages say what to do and never contain key material.
public struct CertificateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable, Hashable, Codable {
        /// The file does not exist.
        case fileNotFound
        /// The file exists but cannot be read (permissions, a folder).
        case unreadable
        /// The file holds no PEM blocks (empty, PKCS#12/PFX, DER) or is far too large.
        case notPEM
        /// The file holds no certificate.
        case noCertificate
        /// The file holds no private key.
        case noPrivateKey
        /// The file holds more than one private key.
        case multiplePrivateKeys
        /// The private key is encrypted with a passphrase.
        case encryptedPrivateKey
        /// The key is not RSA (EC, DSA, Ed25519, OpenSSH format).
        case unsupportedKey
        /// A certificate block is not valid base64 or not an X.509 certificate.
        case malformedCertificate
    }

    /// The kind of problem.
    public var code: Code
    /// The file, when the problem is with one.
    public var path: String?
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String { path.map { "\($0): \(message)" } ?? message }
}

// MARK: - Reading the PEM file

/// Reads a PEM file that holds a private key, keeping only what is needed.
enum PEMFile {
    /// Larger files are not certificate files; reading them would only waste memory.
    static let sizeLimit = 1 << 20

    /// Scans the file's PEM blocks, then overwrites the bytes read with zeros.
    static func scan(path: String) throws(CertificateError) -> PEMScan {
        var bytes = try readFile(path: path)
        defer { bytes.withUnsafeMutableBytes { if let base = $0.baseAddress { explicit_bzero(base, $0.count) } } }
        let scan: PEMScan
        do { scan = try PEMScan(bytes) } catch { throw error.certificateError(path: path) }
        guard scan.sawPEM else { throw notPEM(path: path, size: bytes.count, firstByte: bytes.first) }
        return scan
    }

    private static func notPEM(path: String, size: Int, firstByte: UInt8?) -> CertificateError {
        guard size > 0 else {
            return CertificateError(.notPEM, "the file is empty; it must hold the certificate and its private key in PEM", path: path)
        }
        let binaryHint = firstByte == 0x30
            ? "It looks like a PKCS#12 (.pfx/.p12) or DER file. Convert it to PEM: umask 077; openssl pkcs12 -in <file.pfx> -out client.pem -noenc (OpenSSL 1.1: -nodes)"
            : "It must hold -----BEGIN CERTIFICATE----- and -----BEGIN PRIVATE KEY----- blocks"
        return CertificateError(.notPEM, "the file holds no PEM blocks. " + binaryHint, path: path)
    }

    private static func readFile(path: String) throws(CertificateError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw openError(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw openError(path: path, errno: errno) }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw CertificateError(.unreadable, "this is a folder; give the PEM file inside it", path: path)
        }
        guard info.st_size <= sizeLimit else {
            throw CertificateError(
                .notPEM, "the file is \(info.st_size) bytes, far more than a certificate file; check the path", path: path)
        }
        return try readAll(fd, capacity: Int(info.st_size), path: path)
    }

    private static func readAll(_ fd: Int32, capacity: Int, path: String) throws(CertificateError) -> [UInt8] {
        // One allocation, never grown, so no stale copy of the key is left behind by reallocation.
        var bytes = [UInt8](repeating: 0, count: max(capacity, 1))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                bytes.withUnsafeMutableBytes { explicit_bzero($0.baseAddress!, $0.count) }
                throw openError(path: path, errno: code)
            }
            filled += count
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    private static func openError(path: String, errno code: Int32) -> CertificateError {
        switch code {
        case ENOENT, ENOTDIR:
            return CertificateError(
                .fileNotFound, "no such file; the certificate path must name a PEM file holding the certificate and its private key",
                path: path)
        case EACCES, EPERM:
            return CertificateError(
                .unreadable, "permission denied; the file must be readable by this user (and by no one else: chmod 600)",
                path: path)
        default:
            return CertificateError(.unreadable, "cannot be read: \(String(cString: strerror(code)))", path: path)
        }
    }
}

/// The PEM blocks of a file: certificate bodies decoded, private keys only noted (label, line).
struct PEMScan {
    /// A `CERTIFICATE` block.
    struct Certificate {
        var der: [UInt8]
        /// The 1-based line of its BEGIN line.
        var line: Int

        func parse(path: String?) throws(CertificateError) -> X509Certificate {
            do { return try X509Certificate(der: der) } catch {
                throw CertificateError(.malformedCertificate, "the certificate at line \(line) is not valid X.509 DER", path: path)
            }
        }
    }

    /// A `… PRIVATE KEY` block; its body is never copied.
    struct Key {
        var label: String
        var encrypted: Bool
        var line: Int

        /// A description of key formats that cannot sign RS256/PS256 here, or `nil` for RSA/PKCS#8.
        var unsupportedKind: String? {
            switch label {
            case "PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY": nil
            case "EC PRIVATE KEY": "an EC key"
            case "DSA PRIVATE KEY": "a DSA key"
            case "OPENSSH PRIVATE KEY": "in OpenSSH format"
            default: "of an unknown kind (\(label))"
            }
        }
    }

    /// A block that could not be read; carries no content from the file.
    enum Failure: Error {
        case unterminated(label: String, line: Int)
        case badBase64(line: Int)

        func certificateError(path: String?) -> CertificateError {
            switch self {
            case .unterminated(let label, let line):
                CertificateError(.malformedCertificate, "the \(label) block at line \(line) has no -----END \(label)----- line", path: path)
            case .badBase64(let line):
                CertificateError(.malformedCertificate, "the certificate at line \(line) is not valid base64", path: path)
            }
        }
    }

    private(set) var certificates: [Certificate] = []
    private(set) var keys: [Key] = []
    /// Whether any BEGIN line was seen.
    private(set) var sawPEM = false

    private static let begin = Array("-----BEGIN ".utf8)
    private static let end = Array("-----END ".utf8)
    private static let dashes = Array("-----".utf8)

    init(_ bytes: [UInt8]) throws(Failure) {
        var open: (label: String, line: Int, body: [UInt8], encrypted: Bool)?
        for (number, line) in Self.lines(bytes).enumerated() {
            if var block = open {
                if line.starts(with: Self.end) {
                    finish(label: block.label, line: block.line, body: block.body, encrypted: block.encrypted)
                    open = nil
                } else if line.contains(UInt8(ascii: ":")) {
                    block.encrypted = block.encrypted || Self.contains(line, "ENCRYPTED")
                    open = block
                } else if Self.isCertificate(block.label) {
                    block.body.append(contentsOf: line)
                    open = block
                }
            } else if let label = Self.beginLabel(line) {
                sawPEM = true
                open = (label, number + 1, [], label.contains("ENCRYPTED"))
            }
        }
        if let block = open { throw .unterminated(label: block.label, line: block.line) }
        if let bad = certificates.first(where: { $0.der.isEmpty }) { throw .badBase64(line: bad.line) }
    }

    private mutating func finish(label: String, line: Int, body: [UInt8], encrypted: Bool) {
        if Self.isCertificate(label) {
            certificates.append(Certificate(der: Base64URL.decode(symbols: body) ?? [], line: line))
        } else if label.hasSuffix("PRIVATE KEY") {
            keys.append(Key(label: label, encrypted: encrypted, line: line))
        }
    }

    private static func isCertificate(_ label: String) -> Bool { label == "CERTIFICATE" || label == "X509 CERTIFICATE" }

    private static func beginLabel(_ line: ArraySlice<UInt8>) -> String? {
        guard line.starts(with: begin), line.count > begin.count + dashes.count, line.suffix(dashes.count).elementsEqual(dashes)
        else { return nil }
        return String(decoding: line.dropFirst(begin.count).dropLast(dashes.count), as: UTF8.self)
    }

    private static func contains(_ line: ArraySlice<UInt8>, _ word: String) -> Bool {
        let needle = Array(word.utf8)
        return line.indices.contains { line[$0...].starts(with: needle) }
    }

    /// The lines without their line ending and surrounding blanks.
    private static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            guard let first = line.firstIndex(where: { !isBlank($0) }), let last = line.lastIndex(where: { !isBlank($0) })
            else { return line[line.startIndex..<line.startIndex] }
            return line[first...last]
        }
    }
}

// MARK: - Reading the certificate's DER

/// The public key algorithm of a certificate.
enum KeyAlgorithm: Hashable, Sendable {
    case rsa, rsaPSS
    case other(String)

    var isRSA: Bool { self == .rsa || self == .rsaPSS }

    var name: String {
        switch self {
        case .rsa: "RSA"
        case .rsaPSS: "RSA-PSS"
        case .other(let name): name
        }
    }

    init(oid: ArraySlice<UInt8>) {
        switch Array(oid) {
        case [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]: self = .rsa
        case [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A]: self = .rsaPSS
        case [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]: self = .other("EC")
        case [0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01]: self = .other("DSA")
        case [0x2B, 0x65, 0x70]: self = .other("Ed25519")
        case [0x2B, 0x65, 0x71]: self = .other("Ed448")
        default: self = .other("unknown (OID bytes \(Digest.hex(oid)))")
        }
    }
}

/// Just enough DER to find a certificate's subject public key algorithm.
enum CertificateDER {
    /// The algorithm of `subjectPublicKeyInfo`, or `nil` when the bytes are not a certificate.
    static func publicKeyAlgorithm(_ der: [UInt8]) -> KeyAlgorithm? {
        var outer = DERReader(der[...])
        guard let certificate = outer.read(tag: 0x30), outer.isAtEnd else { return nil }
        var fields = DERReader(certificate)
        guard let tbs = fields.read(tag: 0x30), fields.read(tag: 0x30) != nil, fields.read(tag: 0x03) != nil else { return nil }
        var tbsFields = DERReader(tbs)
        if tbsFields.peekTag == 0xA0 { _ = tbsFields.read(tag: 0xA0) }  // version
        guard tbsFields.read(tag: 0x02) != nil else { return nil }  // serial number
        for _ in 0..<4 {  // signature algorithm, issuer, validity, subject
            guard tbsFields.read(tag: 0x30) != nil else { return nil }
        }
        guard let spki = tbsFields.read(tag: 0x30) else { return nil }
        var spkiFields = DERReader(spki)
        guard let algorithm = spkiFields.read(tag: 0x30) else { return nil }
        var algorithmFields = DERReader(algorithm)
        guard let oid = algorithmFields.read(tag: 0x06) else { return nil }
        return KeyAlgorithm(oid: oid)
    }
}

/// Reads DER tag-length-value items one after another.
struct DERReader {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { bytes.isEmpty }
    var peekTag: UInt8? { bytes.first }

    /// The next item's content when its tag is `tag`; `nil` (consuming nothing) otherwise.
    mutating func read(tag: UInt8) -> ArraySlice<UInt8>? {
        var rest = bytes
        guard rest.popFirst() == tag, let first = rest.popFirst() else { return nil }
        var length = Int(first)
        if first >= 0x80 {
            let count = Int(first & 0x7F)
            guard (1...4).contains(count), rest.count >= count else { return nil }
            length = rest.prefix(count).reduce(0) { $0 << 8 | Int($1) }
            rest = rest.dropFirst(count)
        }
        guard rest.count >= length else { return nil }
        bytes = rest.dropFirst(length)
        return rest.prefix(length)
    }
}
