import Foundation
import Testing
import TestSupport

@testable import Hunting

// MARK: - Helpers

/// A test precondition that failed, with a message that says what to do.
struct TestSetupError: Error, CustomStringConvertible {
    var description: String
}

/// What a tool run printed.
struct ToolResult {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String

    var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs `openssl` for the tests, independently of the code under test: stdin, stdout and stderr
/// are files in the test's folder, and the caller awaits the termination handler.
func openssl(_ arguments: [String], input: [UInt8] = [], in folder: TemporaryFolder) async throws -> ToolResult {
    let id = UUID().uuidString
    let inputPath = try folder.write("io/\(id).in", bytes: input)
    let outputPath = try folder.write("io/\(id).out", bytes: [])
    let errorPath = try folder.write("io/\(id).err", bytes: [])
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl"] + arguments
    process.standardInput = FileHandle(forReadingAtPath: inputPath)
    process.standardOutput = FileHandle(forWritingAtPath: outputPath)
    process.standardError = FileHandle(forWritingAtPath: errorPath)
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        process.terminationHandler = { _ in continuation.resume() }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    let result = ToolResult(
        status: process.terminationStatus, stdout: Array(try Data(contentsOf: URL(fileURLWithPath: outputPath))),
        stderr: try String(contentsOfFile: errorPath, encoding: .utf8))
    if result.status == 127 {
        throw TestSetupError(description: "openssl is not on PATH; these tests need it (CI installs it: apt-get install openssl)")
    }
    return result
}

/// Like ``openssl(_:input:in:)`` but fails the test unless the exit status is 0.
@discardableResult
func opensslOK(_ arguments: [String], input: [UInt8] = [], in folder: TemporaryFolder) async throws -> ToolResult {
    let result = try await openssl(arguments, input: input, in: folder)
    guard result.status == 0 else {
        throw TestSetupError(description: "openssl \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
    }
    return result
}

/// A throwaway RSA key and self-signed certificate in a temporary folder.
struct TestIdentity {
    let folder: TemporaryFolder
    let name: String

    var keyPath: String { folder.path + "/\(name)-key.pem" }
    var certificatePath: String { folder.path + "/\(name)-cert.pem" }
    /// Certificate first, then key.
    var combinedPath: String { folder.path + "/\(name)-client.pem" }
    /// Key first, then certificate.
    var keyFirstPath: String { folder.path + "/\(name)-key-first.pem" }

    var key: String { get throws { try String(contentsOfFile: keyPath, encoding: .utf8) } }
    var certificatePEM: String { get throws { try String(contentsOfFile: certificatePath, encoding: .utf8) } }

    /// Generates the key and certificate with `openssl req -x509`, plus the combined files.
    static func make(_ name: String = "a", in folder: TemporaryFolder, extra: [String] = ["-newkey", "rsa:2048"]) async throws
        -> TestIdentity
    {
        let identity = TestIdentity(folder: folder, name: name)
        try await opensslOK(
            ["req", "-x509"] + extra + ["-nodes", "-keyout", identity.keyPath, "-out", identity.certificatePath,
             "-subj", "/CN=test-\(name)", "-days", "1"], in: folder)
        let key = try identity.key
        let certificate = try identity.certificatePEM
        try folder.write("\(name)-client.pem", certificate + key)
        try folder.write("\(name)-key-first.pem", key + certificate)
        return identity
    }

    /// The key's base64 body lines, to check that no message ever contains them.
    var keyBodyLines: [String] {
        get throws { try key.split(separator: "\n").filter { !$0.hasPrefix("-----") }.map(String.init) }
    }
}

/// The `CertificateError` a load throws, or `nil`.
func loadError(_ path: String) -> CertificateError? {
    do {
        _ = try ClientCertificate(pemPath: path)
        return nil
    } catch {
        return error
    }
}

/// The `ClientAssertionError` a verification throws, or `nil` when it passes.
func verifyError(
    _ jwt: String, _ certificates: [X509Certificate], audience: String = CryptoAssertionTests.audience,
    clientId: String = CryptoAssertionTests.clientId, now: Date = CryptoAssertionTests.now
) async -> ClientAssertionError? {
    do {
        _ = try await ClientAssertion.verify(
            jwt: jwt, certificates: certificates, expectedAudience: audience, clientId: clientId, now: now)
        return nil
    } catch {
        return error
    }
}

func hexFromFingerprint(_ line: String) -> String {
    String(line.split(separator: "=").last ?? "").replacingOccurrences(of: ":", with: "")
        .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
}

// MARK: - Digests

@Suite("Crypto: SHA-1 and SHA-256")
struct CryptoDigestTests {
    static let vectors: [(name: String, input: [UInt8], sha1: String, sha256: String)] = [
        ("empty", [], "da39a3ee5e6b4b0d3255bfef95601890afd80709",
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", Array("abc".utf8), "a9993e364706816aba3e25717850c26c9cd0d89d",
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("448 bits", Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
         "84983e441c3bd26ebaae4aa1f95129e5e54670f1", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("896 bits",
         Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8),
         "a49b2446a02c645bf419f995b67091253a04a259", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ("one million a", [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
         "34aa973cd4c4daa4f61eeb2bdbad27316534016f", "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    @Test(arguments: vectors.indices)
    func nistVectors(_ index: Int) {
        let vector = Self.vectors[index]
        #expect(Digest.hex(Digest.sha1(vector.input)) == vector.sha1, "\(vector.name)")
        #expect(Digest.hex(Digest.sha256(vector.input)) == vector.sha256, "\(vector.name)")
    }

    @Test func nonContiguousCollectionsHashTheSame() {
        let million = repeatElement(UInt8(ascii: "a"), count: 1_000_000)
        #expect(Digest.hex(Digest.sha256(million)) == Self.vectors[4].sha256)
        #expect(Digest.hex(Digest.sha1("abc".utf8.lazy.map { $0 })) == Self.vectors[1].sha1)
    }

    @Test func streamingInAnyChunksEqualsOneShot() {
        var random = SplitMix64(seed: 7)
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4099] {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            var sha256 = Digest.SHA256()
            var sha1 = Digest.SHA1()
            var offset = 0
            while offset < length {
                let size = Int.random(in: 1...130, using: &random)
                let chunk = message[offset..<min(length, offset + size)]
                sha256.update(chunk)
                sha1.update(chunk)
                offset += size
            }
            #expect(sha256.finalize() == Digest.sha256(message), "length \(length)")
            #expect(sha1.finalize() == Digest.sha1(message), "length \(length)")
        }
    }

    @Test func finalizeLeavesTheHasherUsable() {
        var hasher = Digest.SHA256()
        hasher.update("ab".utf8)
        #expect(Digest.hex(hasher.finalize()) == Digest.hex(Digest.sha256("ab".utf8)))
        hasher.update("c".utf8)
        #expect(Digest.hex(hasher.finalize()) == Self.vectors[1].sha256)
    }

    @Test func hexText() {
        #expect(Digest.hex([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(Digest.hex([0x00, 0x0F, 0xA0, 0xFF], uppercase: true) == "000FA0FF")
        #expect(Digest.hex([UInt8]()) == "")
    }

    @Test(arguments: ["sha1", "sha256"])
    func randomInputsMatchOpenSSL(_ algorithm: String) async throws {
        let folder = try TemporaryFolder()
        var random = SplitMix64(seed: algorithm == "sha1" ? 1 : 256)
        let lengths = [0, 1, 3, 55, 56, 57, 63, 64, 65, 127, 128, 1000, 4096 + 17, 100_003]
            + (0..<20).map { _ in Int.random(in: 0...5000, using: &random) }
        var expected: [String: String] = [:]
        for (index, length) in lengths.enumerated() {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let path = try folder.write("input-\(index).bin", bytes: bytes)
            expected[path] = Digest.hex(algorithm == "sha1" ? Digest.sha1(bytes) : Digest.sha256(bytes))
        }
        let result = try await opensslOK(["dgst", "-\(algorithm)", "-r"] + expected.keys.sorted(), in: folder)
        let lines = result.text.split(separator: "\n")
        #expect(lines.count == expected.count)
        for line in lines {
            let fields = line.split(separator: " ", maxSplits: 1)
            let path = String(fields[1].dropFirst())  // "*path" in binary mode
            #expect(expected[path] == String(fields[0]), "\(path)")
        }
    }
}

// MARK: - Base64url

@Suite("Crypto: base64url")
struct CryptoBase64URLTests {
    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(_ plain: String, _ encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test func urlAlphabetWithoutPadding() {
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.encode([0xFB, 0xEF, 0xBE]) == "----")
        #expect(Base64URL.encode([0xFF, 0xFF, 0xFF]) == "____")
    }

    @Test func decodeIsTolerantOfPaddingAndTheStandardAlphabet() {
        #expect(Base64URL.decode("+/8=") == [0xFB, 0xFF])
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64URL.decode("Zg==") == Array("f".utf8))
        #expect(Base64URL.decode("Zm8=") == Array("fo".utf8))
    }

    @Test(arguments: ["Z", "Zm9vY", "Zm9v!", "Zg=a", "Zm 9v", "Zm9v\n", "é"])
    func decodeRejects(_ text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func randomRoundTripsAgreeWithFoundation() {
        var random = SplitMix64(seed: 64)
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let encoded = Base64URL.encode(bytes)
            let standard = Data(bytes).base64EncodedString()
            let expected = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(encoded == expected)
            #expect(Base64URL.decode(encoded) == bytes)
            #expect(Base64URL.decode(standard) == bytes)
        }
    }

    @Test func specThumbprintExample() throws {
        // Spec §3.3: hex 84E05C1D…5534 → hOBcHZi846VCHSJbFAs26Go9VTQ.
        let bytes = try #require(Base64URL.decode("hOBcHZi846VCHSJbFAs26Go9VTQ"))
        #expect(bytes.count == 20)
        #expect(Digest.hex(bytes, uppercase: true).hasPrefix("84E05C1D"))
        #expect(Digest.hex(bytes, uppercase: true).hasSuffix("5534"))
        #expect(Base64URL.encode(bytes) == "hOBcHZi846VCHSJbFAs26Go9VTQ")
    }
}

// MARK: - Certificates

@Suite("Crypto: client certificate files")
struct CryptoCertificateTests {
    @Test func loadsCertificateFirstAndKeyFirstFiles() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let der = try await opensslOK(["x509", "-in", identity.certificatePath, "-outform", "DER"], in: folder).stdout
        for path in [identity.combinedPath, identity.keyFirstPath] {
            let certificate = try ClientCertificate(pemPath: path)
            #expect(certificate.path == path)
            #expect(certificate.chain.count == 1)
            #expect(certificate.certificate.der == der)
            #expect(certificate.x5c == [Data(der).base64EncodedString()])
        }
    }

    @Test func thumbprintsMatchOpenSSLFingerprints() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let certificate = try ClientCertificate(pemPath: identity.combinedPath)
        let sha1 = try await opensslOK(["x509", "-in", identity.certificatePath, "-noout", "-fingerprint", "-sha1"], in: folder)
        let sha256 = try await opensslOK(["x509", "-in", identity.certificatePath, "-noout", "-fingerprint", "-sha256"], in: folder)
        #expect(Digest.hex(certificate.sha1Thumbprint) == hexFromFingerprint(sha1.text))
        #expect(Digest.hex(certificate.sha256Thumbprint) == hexFromFingerprint(sha256.text))
        #expect(certificate.x5t == Base64URL.encode(certificate.sha1Thumbprint))
        #expect(certificate.x5tS256 == Base64URL.encode(certificate.sha256Thumbprint))
        #expect(certificate.x5t.count == 27 && certificate.x5tS256.count == 43)
    }

    @Test func keepsTheWholeChainLeafFirst() async throws {
        let folder = try TemporaryFolder()
        let leaf = try await TestIdentity.make("leaf", in: folder)
        let issuer = try await TestIdentity.make("issuer", in: folder)
        let path = try folder.write("chain.pem", try leaf.key + leaf.certificatePEM + issuer.certificatePEM)
        let certificate = try ClientCertificate(pemPath: path)
        #expect(certificate.chain.count == 2)
        #expect(try certificate.chain.map(\.der) == X509Certificate.all(inPEM: leaf.certificatePEM + issuer.certificatePEM).map(\.der))
        #expect(certificate.x5tS256 == certificate.chain[0].x5tS256)
        #expect(certificate.x5c.count == 2)
    }

    @Test func pemOfACertificateReadsBack() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let certificate = try ClientCertificate(pemPath: identity.combinedPath).certificate
        #expect(try X509Certificate.all(inPEM: certificate.pem) == [certificate])
        let normalized = try await opensslOK(["x509"], input: Array(certificate.pem.utf8), in: folder)
        #expect(normalized.text == (try identity.certificatePEM))
    }

    @Test func missingFileAndFolder() throws {
        let folder = try TemporaryFolder()
        #expect(loadError(folder.path + "/nope.pem")?.code == .fileNotFound)
        #expect(loadError(folder.path + "/nope.pem")?.description.hasPrefix(folder.path + "/nope.pem: no such file") == true)
        #expect(loadError(folder.path)?.code == .unreadable)
        #expect(loadError(try folder.write("empty.pem", ""))?.code == .notPEM)
    }

    @Test func certificateWithoutKeyAndKeyWithoutCertificate() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let noKey = loadError(identity.certificatePath)
        #expect(noKey?.code == .noPrivateKey)
        #expect(noKey?.message.contains("cat key.pem >>") == true)
        let noCertificate = loadError(identity.keyPath)
        #expect(noCertificate?.code == .noCertificate)
        try expectNoKeyMaterial(noCertificate, identity)
    }

    @Test func encryptedKeysAreRefusedWithInstructions() async throws {
        let folder = try TemporaryFolder()
        let identity = TestIdentity(folder: folder, name: "enc")
        try await opensslOK(
            ["req", "-x509", "-newkey", "rsa:2048", "-keyout", identity.keyPath, "-out", identity.certificatePath,
             "-subj", "/CN=enc", "-days", "1", "-passout", "pass:correct horse"], in: folder)
        let path = try folder.write("enc-client.pem", try identity.certificatePEM + identity.key)
        let error = try #require(loadError(path))
        #expect(error.code == .encryptedPrivateKey)
        #expect(error.message.contains("openssl pkey -in '\(path)' -out client.pem"))
        #expect(error.message.contains("umask 077"))
        try expectNoKeyMaterial(error, identity)

        let traditional = """
            -----BEGIN RSA PRIVATE KEY-----
            Proc-Type: 4,ENCRYPTED
            DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF

            bm90IGEgcmVhbCBrZXkgYnV0IGl0IGRvZXMgbm90IG1hdHRlcg==
            -----END RSA PRIVATE KEY-----

            """
        let traditionalPath = try folder.write("traditional.pem", traditional + (try identity.certificatePEM))
        #expect(loadError(traditionalPath)?.code == .encryptedPrivateKey)
    }

    @Test func nonRSAKeysAreRefused() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(
            "ec", in: folder, extra: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
        let error = try #require(loadError(identity.combinedPath))
        #expect(error.code == .unsupportedKey)
        #expect(error.message.contains("EC key"))
        let ecLabel = try folder.write("ec-label.pem", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n")
        #expect(loadError(ecLabel)?.code == .noCertificate)
        let rsaCertificate = try await TestIdentity.make("rsa", in: folder)
        let mixed = try folder.write(
            "mixed.pem", (try rsaCertificate.certificatePEM) + "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n")
        #expect(loadError(mixed)?.code == .unsupportedKey)
    }

    @Test func pfxAndDERFilesGetAConversionHint() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let der = try await opensslOK(["x509", "-in", identity.certificatePath, "-outform", "DER"], in: folder).stdout
        let error = try #require(loadError(try folder.write("client.pfx", bytes: der)))
        #expect(error.code == .notPEM)
        #expect(error.message.contains("openssl pkcs12"))
    }

    @Test func twoKeysAreAmbiguous() async throws {
        let folder = try TemporaryFolder()
        let a = try await TestIdentity.make("a", in: folder)
        let b = try await TestIdentity.make("b", in: folder)
        let path = try folder.write("two.pem", try a.certificatePEM + a.key + b.key)
        let error = try #require(loadError(path))
        #expect(error.code == .multiplePrivateKeys)
        try expectNoKeyMaterial(error, a)
        try expectNoKeyMaterial(error, b)
    }

    @Test func brokenCertificateBlocks() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let unterminated = try folder.write("cut.pem", try identity.key + "-----BEGIN CERTIFICATE-----\nMIIB\n")
        #expect(loadError(unterminated)?.code == .malformedCertificate)
        let beginLine = try identity.key.split(separator: "\n").count + 1
        #expect(loadError(unterminated)?.message.contains("block at line \(beginLine) has no -----END CERTIFICATE-----") == true)
        let garbage = try folder.write("garbage.pem", try identity.key + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        #expect(loadError(garbage)?.code == .malformedCertificate)
        #expect(throws: CertificateError.self) { try X509Certificate(der: [0x30, 0x03, 0x02, 0x01, 0x00]) }
    }

    @Test func crlfLineEndingsAreFine() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let crlf = (try identity.key + identity.certificatePEM).replacingOccurrences(of: "\n", with: "\r\n")
        let certificate = try ClientCertificate(pemPath: try folder.write("crlf.pem", crlf))
        #expect(certificate.chain.count == 1)
    }

    func expectNoKeyMaterial(_ error: CertificateError?, _ identity: TestIdentity) throws {
        let text = error.map(\.description) ?? ""
        for line in try identity.keyBodyLines {
            #expect(!text.contains(line.prefix(20)), "the message contains key material")
        }
    }
}

// MARK: - Client assertions

@Suite("Crypto: client assertions")
struct CryptoAssertionTests {
    static let audience = "https://login.microsoftonline.com/00000000-1111-2222-3333-444444444444/oauth2/v2.0/token"
    static let clientId = "8b1a6e1f-7f6c-4a5e-9d3b-2c1f0e9d8c7b"
    static let now = Date(timeIntervalSince1970: 1_767_225_600.75)  // 2026-01-01T00:00:00.75Z
    static let jti = UUID(uuidString: "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0")!

    func assertion(_ identity: TestIdentity, _ algorithm: ClientAssertion.Algorithm, chain: Bool = false) throws -> ClientAssertion {
        ClientAssertion(
            certificate: try ClientCertificate(pemPath: identity.combinedPath), clientId: Self.clientId,
            audience: Self.audience, algorithm: algorithm, sendsCertificateChain: chain)
    }

    func decodedPart(_ jwt: String, _ index: Int) throws -> String {
        let part = jwt.split(separator: ".", omittingEmptySubsequences: false)[index]
        return String(decoding: try #require(Base64URL.decode(part)), as: UTF8.self)
    }

    func replacingPart(_ jwt: String, _ index: Int, with json: String) -> String {
        var parts = jwt.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        parts[index] = Base64URL.encode(Array(json.utf8))
        return parts.joined(separator: ".")
    }

    @Test(arguments: ClientAssertion.Algorithm.allCases)
    func signedAssertionsVerify(_ algorithm: ClientAssertion.Algorithm) async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let builder = try assertion(identity, algorithm)
        let jwt = try await builder.signed(now: Self.now, id: Self.jti)
        let verified = try await ClientAssertion.verify(
            jwt: jwt, certificates: [builder.certificate.certificate], expectedAudience: Self.audience,
            clientId: Self.clientId, now: Self.now)
        #expect(verified.algorithm == algorithm)
        #expect(verified.certificate == builder.certificate.certificate)
        #expect(verified.claims.audience == Self.audience)
        #expect(verified.claims.issuer == Self.clientId && verified.claims.subject == Self.clientId)
        #expect(verified.claims.id == "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
        #expect(verified.claims.notBefore == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(verified.claims.issuedAt == verified.claims.notBefore)
        #expect(verified.claims.expires == Date(timeIntervalSince1970: 1_767_225_600 + 600))
        let thumbprint = algorithm == .ps256
            ? #""x5t#S256":"\#(builder.certificate.x5tS256)""# : #""x5t":"\#(builder.certificate.x5t)""#
        #expect(try decodedPart(jwt, 0) == #"{"alg":"\#(algorithm.rawValue)","typ":"JWT",\#(thumbprint)}"#)
        #expect(try decodedPart(jwt, 1) == """
            {"aud":"\(Self.audience)","iss":"\(Self.clientId)","sub":"\(Self.clientId)",\
            "jti":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","nbf":1767225600,"iat":1767225600,"exp":1767226200}
            """)
    }

    @Test(arguments: ClientAssertion.Algorithm.allCases)
    func signaturesCheckOutWithOpenSSLDirectly(_ algorithm: ClientAssertion.Algorithm) async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let jwt = try await assertion(identity, algorithm).signed(now: Self.now, id: Self.jti)
        let parts = jwt.split(separator: ".")
        let signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        let signature = try #require(Base64URL.decode(parts[2]))
        #expect(signature.count == 256)
        let publicKey = try await opensslOK(["x509", "-in", identity.certificatePath, "-pubkey", "-noout"], in: folder)
        let keyPath = try folder.write("pub.pem", bytes: publicKey.stdout)
        let signaturePath = try folder.write("sig.bin", bytes: signature)
        let options = algorithm == .ps256 ? ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"] : []
        let verified = try await openssl(
            ["dgst", "-sha256", "-verify", keyPath, "-signature", signaturePath] + options, input: signingInput, in: folder)
        #expect(verified.status == 0, "\(verified.stderr)")
        if algorithm == .rs256 {  // PKCS#1 v1.5 is deterministic
            let expected = try await opensslOK(["dgst", "-sha256", "-sign", identity.keyPath], input: signingInput, in: folder)
            #expect(expected.stdout == signature)
        }
    }

    @Test func certificateChainGoesIntoX5c() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let builder = try assertion(identity, .ps256, chain: true)
        let jwt = try await builder.signed(now: Self.now)
        let verified = try await ClientAssertion.verify(
            jwt: jwt, certificatePEM: try identity.certificatePEM, expectedAudience: Self.audience,
            clientId: Self.clientId, now: Self.now)
        #expect(verified.header.x5c == builder.certificate.x5c)
        #expect(try decodedPart(jwt, 0).contains(#""x5c":[""#))
    }

    @Test func tamperedClaimsFailTheSignature() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let builder = try assertion(identity, .ps256)
        let jwt = try await builder.signed(now: Self.now, id: Self.jti)
        let claims = try decodedPart(jwt, 1).replacingOccurrences(of: "1767226200", with: "1767229800")
        let error = await verifyError(replacingPart(jwt, 1, with: claims), [builder.certificate.certificate])
        #expect(error?.code == .invalidSignature)
        var flipped = Array(jwt.utf8)
        flipped[flipped.count - 2] = flipped[flipped.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let flippedError = await verifyError(String(decoding: flipped, as: UTF8.self), [builder.certificate.certificate])
        #expect(flippedError?.code == .invalidSignature)
    }

    @Test func claimsAreChecked() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let builder = try assertion(identity, .rs256)
        let jwt = try await builder.signed(now: Self.now)
        let trusted = [builder.certificate.certificate]
        let otherTenant = Self.audience.replacingOccurrences(of: "00000000", with: "99999999")
        #expect(await verifyError(jwt, trusted, audience: otherTenant)?.code == .wrongAudience)
        #expect(await verifyError(jwt, trusted, clientId: UUID().uuidString.lowercased())?.code == .wrongClient)
        #expect(await verifyError(jwt, trusted, clientId: Self.clientId.uppercased())?.code == .wrongClient)
    }

    @Test func validityWindowAllowsFiveMinutesOfSkew() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let builder = try assertion(identity, .ps256)
        let jwt = try await builder.signed(now: Self.now)
        let trusted = [builder.certificate.certificate]
        let issued = Self.now.timeIntervalSince1970.rounded(.down)
        let at = { (offset: TimeInterval) in Date(timeIntervalSince1970: issued + offset) }
        #expect(await verifyError(jwt, trusted, now: at(600 + 299)) == nil)
        #expect(await verifyError(jwt, trusted, now: at(600 + 300))?.code == .expired)
        #expect(await verifyError(jwt, trusted, now: at(86_400))?.code == .expired)
        #expect(await verifyError(jwt, trusted, now: at(-300)) == nil)
        #expect(await verifyError(jwt, trusted, now: at(-301))?.code == .notYetValid)
        let message = await verifyError(jwt, trusted, now: at(86_400))?.message ?? ""
        #expect(message.contains("2026-01-01T00:10:00Z"))
    }

    @Test func aDifferentCertificateIsRefused() async throws {
        let folder = try TemporaryFolder()
        let signer = try await TestIdentity.make("signer", in: folder)
        let other = try await TestIdentity.make("other", in: folder)
        let otherCertificate = try ClientCertificate(pemPath: other.combinedPath).certificate
        let jwt = try await assertion(signer, .ps256).signed(now: Self.now)
        #expect(await verifyError(jwt, [otherCertificate])?.code == .unknownCertificate)
        #expect(await verifyError(jwt, [])?.code == .unknownCertificate)

        // The other certificate's thumbprint in the header, but the signer's key signing.
        let impostorPath = try folder.write("impostor.pem", try other.certificatePEM + signer.key)
        let impostor = ClientAssertion(
            certificate: try ClientCertificate(pemPath: impostorPath), clientId: Self.clientId, audience: Self.audience)
        let forged = try await impostor.signed(now: Self.now)
        let error = await verifyError(forged, [otherCertificate])
        #expect(error?.code == .invalidSignature)
        let signerCertificate = try ClientCertificate(pemPath: signer.combinedPath).certificate
        #expect(await verifyError(jwt, [otherCertificate, signerCertificate]) == nil)
    }

    @Test func algNoneAndOtherAlgorithmsAreRefused() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let builder = try assertion(identity, .ps256)
        let jwt = try await builder.signed(now: Self.now)
        let trusted = [builder.certificate.certificate]
        let x5t = builder.certificate.x5tS256
        let none = replacingPart(jwt, 0, with: #"{"alg":"none","typ":"JWT","x5t#S256":"\#(x5t)"}"#)
        let unsigned = none.split(separator: ".", omittingEmptySubsequences: false).prefix(2).joined(separator: ".") + "."
        #expect(await verifyError(unsigned, trusted)?.code == .unsupportedAlgorithm)
        #expect(await verifyError(none, trusted)?.code == .unsupportedAlgorithm)
        let hs256 = replacingPart(jwt, 0, with: #"{"alg":"HS256","typ":"JWT","x5t#S256":"\#(x5t)"}"#)
        #expect(await verifyError(hs256, trusted)?.code == .unsupportedAlgorithm)
        // Switching PS256 to RS256 changes the signed bytes and the padding: refused either way.
        let swapped = replacingPart(jwt, 0, with: #"{"alg":"RS256","typ":"JWT","x5t#S256":"\#(x5t)"}"#)
        #expect(await verifyError(swapped, trusted)?.code == .invalidSignature)
        let emptySignature = jwt.split(separator: ".").prefix(2).joined(separator: ".") + "."
        #expect(await verifyError(emptySignature, trusted)?.code == .malformed)
    }

    @Test(arguments: [
        "", "a.b", "a.b.c.d", "!!!.e30.AAAA", "e30.e30.AAAA", "bm90IGpzb24.e30.AAAA",
        #"eyJhbGciOiJQUzI1NiJ9.eyJhdWQiOjF9.AAAA"#,
    ])
    func malformedTokens(_ jwt: String) async throws {
        let error = await verifyError(jwt, [])
        #expect(error?.code == .malformed, "\(error?.message ?? "no error")")
    }

    @Test func missingThumbprintHeader() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let builder = try assertion(identity, .ps256)
        let jwt = try await builder.signed(now: Self.now)
        let bare = replacingPart(jwt, 0, with: #"{"alg":"PS256","typ":"JWT"}"#)
        #expect(await verifyError(bare, [builder.certificate.certificate])?.code == .unknownCertificate)
    }

    @Test func signingFailsClearlyWhenTheKeyFileIsGone() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let builder = try assertion(identity, .ps256)
        try FileManager.default.removeItem(atPath: identity.combinedPath)
        do {
            _ = try await builder.signed(now: Self.now)
            Issue.record("signing without a key file succeeded")
        } catch {
            #expect(error.code == .signingFailed)
            #expect(error.message.contains(identity.combinedPath))
        }
    }

    @Test func manyAssertionsAtOnce() async throws {
        let folder = try TemporaryFolder()
        let identity = try await TestIdentity.make(in: folder)
        let builder = try assertion(identity, .ps256)
        let trusted = [builder.certificate.certificate]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                group.addTask {
                    let jwt = try await builder.signed(now: Self.now.addingTimeInterval(Double(index)))
                    let verified = try await ClientAssertion.verify(
                        jwt: jwt, certificates: trusted, expectedAudience: Self.audience, clientId: Self.clientId,
                        now: Self.now)
                    #expect(verified.claims.notBefore == Date(timeIntervalSince1970: 1_767_225_600 + Double(index)))
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func cancellationStopsOpenSSL() async throws {
        // `openssl speed` keeps running until it is stopped (its SIGALRM stays blocked, see
        // `withTerminationSignalUnblocked`); without cancellation only the 30 s timeout would end it.
        let started = ContinuousClock.now
        let task = Task { try await OpenSSLProcess.run(["speed", "-seconds", "5", "sha256"], input: []) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        do {
            let output = try await task.value
            Issue.record("not cancelled: status \(output.status)")
        } catch {
            #expect((error as? ClientAssertionError)?.code == .cancelled, "\(error)")
        }
        // The error kind proves the cancellation path ended it (the 30 s timeout would end it as
        // `timedOut`); the bound only catches a hang, with room for a fully loaded machine, where
        // the exit notice and the resumption can wait long for a thread.
        #expect(ContinuousClock.now - started < .seconds(120))
    }

    @Test func aCancelledTaskNeverStartsOpenSSL() async throws {
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await OpenSSLProcess.run(["version"], input: [])
        }
        await #expect(throws: ClientAssertionError(.cancelled, "cancelled before openssl started")) { try await task.value }
    }

    @Test func scrubberRemovesKeyMaterial() {
        let stderr = """
            unable to load key
            -----BEGIN PRIVATE KEY-----
            MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDM
            -----END PRIVATE KEY-----
                00:c3:4f:9a:11:22:33:44:55
            modulus=C34F9A1122334455C34F9A1122334455C34F9A1122334455C34F9A11 rest
            40C78CAAC87F0000:error:1E08010C:DECODER routines::unsupported
            """
        let scrubbed = KeyMaterialScrubber.scrub(stderr)
        #expect(!scrubbed.contains("MIIEvQ"))
        #expect(!scrubbed.contains("00:c3:4f"))
        #expect(!scrubbed.contains("C34F9A1122334455C34F"))
        #expect(scrubbed.contains("unable to load key"))
        #expect(scrubbed.contains("DECODER routines::unsupported"))
        #expect(KeyMaterialScrubber.scrub(String(repeating: "x y ", count: 1000)).count <= KeyMaterialScrubber.limit + 1)
    }
}
