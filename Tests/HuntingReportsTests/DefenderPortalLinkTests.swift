import Foundation
import Testing

@testable import HuntingReports

/// Tests are synchronous on purpose: `Process.waitUntilExit()` blocks, and blocking inside async tests
/// can starve the small cooperative pool.
@Suite("Defender portal link")
struct DefenderPortalLinkTests {
    // MARK: Inputs

    /// A deterministic linear congruential generator (Numerical Recipes constants).
    struct LCG {
        var state: UInt32
        mutating func next() -> UInt32 {
            state = state &* 1_664_525 &+ 1_013_904_223
            return state
        }
    }

    static let kqlQuery = """
        // Suspicious PowerShell — ünïcödé comment ☃
        DeviceProcessEvents
        | where Timestamp > ago(7d)
        | where FileName in~ ("powershell.exe", "pwsh.exe")
        | where ProcessCommandLine has_any ("-enc", "-EncodedCommand", "FromBase64String")
        | summarize Count = count(), Devices = dcount(DeviceId) by AccountName, bin(Timestamp, 1h)
        | order by Count desc
        | take 100
        """

    static func utf16LE(_ text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }

    /// About 200 KB of text made of repeated words in pseudo-random order.
    static func wordText(bytes: Int = 200_000) -> [UInt8] {
        let words = [
            "DeviceProcessEvents", "where", "Timestamp", "summarize", "count", "by", "DeviceName", "project",
            "AccountName", "powershell", "the", "of", "and", "hunting", "query", "alert", "InitiatingProcess",
            "FileName", "SHA256", "RemoteIP", "|", "==", "ago(7d)", "take", "100",
        ]
        var rng = LCG(state: 42)
        var out: [UInt8] = []
        out.reserveCapacity(bytes + 32)
        while out.count < bytes {
            out.append(contentsOf: words[Int(rng.next() >> 16) % words.count].utf8)
            out.append(rng.next() >> 28 == 0 ? UInt8(ascii: "\n") : UInt8(ascii: " "))
        }
        return out
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var rng = LCG(state: 7)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next() >> 24) }
    }

    static func input(named name: String) -> [UInt8] {
        switch name {
        case "empty": []
        case "a": Array("a".utf8)
        case "words200KB": wordText()
        case "random100KB": randomBytes(100_000)
        case "run100KB": [UInt8](repeating: 0x41, count: 100_000)
        case "kqlUTF16LE": utf16LE(kqlQuery)
        default: fatalError("unknown input \(name)")
        }
    }

    // MARK: Helpers

    /// Decompresses with the system `gzip -dc`, the reference inflater.
    static func systemGunzip(_ compressed: [UInt8]) throws -> [UInt8] {
        let gzipPath = try #require(
            ["/bin/gzip", "/usr/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "no gzip binary found")
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("DefenderPortalLinkTests-\(UUID().uuidString).gz")
        try Data(compressed).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: gzipPath)
        process.arguments = ["-dc", file.path]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Drain before waiting, or a large output fills the pipe and both sides block.
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "gzip -dc exited with \(process.terminationStatus)")
        return [UInt8](output)
    }

    /// Recovers the query text from a link: percent-decode, base64-decode, gunzip, UTF-16LE decode.
    static func decodeQuery(fromLink link: String) throws -> String {
        let components = try #require(URLComponents(string: link))
        let encoded = try #require(components.percentEncodedQueryItems?.first { $0.name == "query" }?.value)
        let base64 = try #require(encoded.removingPercentEncoding)
        let gzipped = try #require(Data(base64Encoded: base64))
        let bytes = try systemGunzip([UInt8](gzipped))
        #expect(bytes.count % 2 == 0)
        let units = stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
        return String(decoding: units, as: UTF16.self)
    }

    // MARK: CRC-32

    @Test func crc32KnownVectors() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum("The quick brown fox jumps over the lazy dog".utf8) == 0x414F_A339)
    }

    // MARK: Gzip

    @Test(arguments: ["empty", "a", "words200KB", "random100KB", "run100KB", "kqlUTF16LE"])
    func gzipRoundTripThroughSystemGzip(input name: String) throws {
        let original = Self.input(named: name)
        let compressed = Gzip.compress(original)
        #expect(Array(compressed.prefix(10)) == [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF])
        let restored = try Self.systemGunzip(compressed)
        #expect(restored.count == original.count)
        #expect(restored == original)
    }

    @Test func gzipActuallyCompresses() {
        let repetitive = Array(String(repeating: "DeviceProcessEvents | where FileName == \"cmd.exe\"\n", count: 2_000).utf8)
            .prefix(100_000)
        let compressed = Gzip.compress(Array(repetitive))
        #expect(compressed.count * 10 < repetitive.count, "\(compressed.count) bytes from \(repetitive.count)")

        let words = Self.wordText()
        #expect(Gzip.compress(words).count * 2 < words.count)
    }

    @Test func gzipIsDeterministic() {
        let text = Self.wordText(bytes: 50_000)
        #expect(Gzip.compress(text) == Gzip.compress(text))
        #expect(Gzip.compress([]) == Gzip.compress([]))
    }

    // MARK: Links

    @Test func linkHasPortalPathAndTimeRange() {
        let link = DefenderPortalLink.url(query: "DeviceInfo | take 10")
        #expect(link.hasPrefix("https://security.microsoft.com/v2/advanced-hunting?query="))
        #expect(link.hasSuffix("&timeRangeId=week"))
        #expect(!link.contains("&tid="))

        let daily = DefenderPortalLink.url(query: "DeviceInfo", portalHost: "security.microsoft.us", timeRange: .day)
        #expect(daily.hasPrefix("https://security.microsoft.us/v2/advanced-hunting?query="))
        #expect(daily.hasSuffix("&timeRangeId=day"))
        #expect(DefenderPortalLink.url(query: "x", timeRange: .month).hasSuffix("&timeRangeId=month"))
    }

    @Test func queryParameterIsURLSafe() throws {
        let link = DefenderPortalLink.url(query: Self.kqlQuery)
        let start = try #require(link.range(of: "query="))
        let end = try #require(link.range(of: "&timeRangeId="))
        let q = link[start.upperBound..<end.lowerBound]
        #expect(!q.isEmpty)
        #expect(q.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "%") })
    }

    @Test func queryDecodesBackWithNonASCIIText() throws {
        let query = "DeviceProcessEvents | where FileName =~ \"pöwershell.exe\" // ☃"
        #expect(try Self.decodeQuery(fromLink: DefenderPortalLink.url(query: query)) == query)
        #expect(try Self.decodeQuery(fromLink: DefenderPortalLink.url(query: Self.kqlQuery)) == Self.kqlQuery)
        #expect(try Self.decodeQuery(fromLink: DefenderPortalLink.url(query: "")) == "")
    }

    @Test func tenantIsAppendedPercentEncoded() {
        let guid = "72f988bf-86f1-41af-91ab-2d7cd011db47"
        let link = DefenderPortalLink.url(query: "DeviceInfo", tenant: guid)
        #expect(link.hasSuffix("&timeRangeId=week&tid=\(guid)"))

        let odd = DefenderPortalLink.url(query: "DeviceInfo", tenant: "contoso.onmicrosoft.com&x=1 é")
        #expect(odd.hasSuffix("&tid=contoso.onmicrosoft.com%26x%3D1%20%C3%A9"))
    }

    @Test(arguments: [
        ("https://graph.microsoft.com/v1.0/security/runHuntingQuery", "security.microsoft.com"),
        ("https://graph.microsoft.us/v1.0/security/runHuntingQuery", "security.microsoft.us"),
        ("https://dod-graph.microsoft.us/v1.0/security/runHuntingQuery", "security.apps.mil"),
        ("https://api-gcc.securitycenter.microsoft.us/api/advancedqueries/run", "security.microsoft.us"),
        ("https://api.security.microsoft.com/api/advancedhunting/run", "security.microsoft.com"),
        ("http://127.0.0.1:8080", "security.microsoft.com"),
        ("http://127.0.0.1:8080/v1.0/security/runHuntingQuery", "security.microsoft.com"),
        ("HTTPS://Graph.Microsoft.US:443/v1.0", "security.microsoft.us"),
    ])
    func portalHostForEndpoint(endpoint: String, expected: String) {
        #expect(DefenderPortalLink.portalHost(forEndpointURL: endpoint) == expected)
    }
}
