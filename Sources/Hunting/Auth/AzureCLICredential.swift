public import Foundation

/// Sign-in borrowed from the Azure CLI: runs `az account get-access-token --resource <resource>
/// --output json [--tenant T]` and reads the token from its output (spec §3.9).
///
/// CLI tokens are delegated tokens of the CLI's own first-party app: a convenience for trying the
/// tool as a signed-in analyst, not for automation. The token (the command's stdout) is never
/// logged or put into a message; only the command's stderr is, scrubbed and shortened.
public struct AzureCLICredential: TokenCredential {
    /// The `az` executable run.
    public var executablePath: String
    /// The tenant to ask the CLI for (`--tenant`), or `nil` for the CLI's default.
    public var tenant: String?
    /// Seconds before `az` is stopped.
    public var timeout: TimeInterval

    /// Creates the credential.
    /// - Parameters:
    ///   - executablePath: the `az` to run; `nil` finds `az` on `searchPath`.
    ///   - tenant: the tenant id or domain to pass as `--tenant`.
    ///   - searchPath: a `PATH`-style list of folders to look for `az` in.
    ///   - timeout: seconds before `az` is stopped (it can be slow to start).
    /// - Throws: ``CredentialError`` `.configuration` when `az` is not found or the tenant is not a
    ///   tenant id or domain.
    public init(
        executablePath: String? = nil, tenant: String? = nil,
        searchPath: String? = ProcessInfo.processInfo.environment["PATH"], timeout: TimeInterval = 30
    ) throws(CredentialError) {
        let tenant = tenant.flatMap { $0.isEmpty ? nil : $0 }
        if let tenant, !Self.isPlainName(tenant) {
            throw CredentialError(.configuration, "'\(tenant)' is not a tenant id or domain name")
        }
        if let executablePath {
            guard FileManager.default.isExecutableFile(atPath: executablePath) else {
                throw CredentialError(.configuration, "the Azure CLI at \(executablePath) is not an executable file; check the az path")
            }
            self.executablePath = executablePath
        } else {
            guard let found = Self.locate("az", searchPath: searchPath) else { throw Self.notInstalled }
            self.executablePath = found
        }
        self.tenant = tenant
        self.timeout = timeout
    }

    public var displayName: String { "Azure CLI (\(executablePath))\(tenant.map { " for tenant \($0)" } ?? "")" }

    public func fetchToken(for scope: TokenScope) async throws(CredentialError) -> AccessToken {
        var arguments = ["account", "get-access-token", "--resource", scope.resource, "--output", "json"]
        if let tenant { arguments += ["--tenant", tenant] }
        var environment = ProcessInfo.processInfo.environment
        environment["AZURE_CORE_NO_COLOR"] = "true"
        environment["AZURE_CORE_ONLY_SHOW_ERRORS"] = "true"
        let output = await ChildProcess.run(executablePath, arguments, environment: environment, timeout: timeout)
        guard output.succeeded else { throw failure(output) }
        return try Self.token(fromOutput: Data(output.stdout))
    }

    /// Reads the JSON `az account get-access-token` prints: `accessToken`, and the expiry from
    /// `expires_on` (POSIX seconds), or else from `expiresOn` (local time, `YYYY-MM-DD HH:MM:SS.ffffff`).
    /// - Parameters:
    ///   - output: the command's stdout.
    ///   - timeZone: the zone `expiresOn` is written in (this machine's).
    /// - Returns: the token.
    /// - Throws: ``CredentialError`` `.unavailable` when the output is not such a JSON object.
    public static func token(fromOutput output: Data, timeZone: TimeZone = .current) throws(CredentialError) -> AccessToken {
        let json = (try? JSONSerialization.jsonObject(with: output)) as? [String: Any]
        guard let value = json?["accessToken"] as? String, !value.isEmpty else {
            throw CredentialError(.unavailable, "the output of `az account get-access-token` has no accessToken; update the Azure CLI")
        }
        if let seconds = EntraTokenEndpoint.number(json?["expires_on"]) {
            return AccessToken(value, expiresOn: Date(timeIntervalSince1970: seconds))
        }
        if let text = json?["expiresOn"] as? String, let date = localTime(text, timeZone: timeZone) {
            return AccessToken(value, expiresOn: date)
        }
        throw CredentialError(.unavailable, "the output of `az account get-access-token` has no readable expiry (expires_on or expiresOn); update the Azure CLI")
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff]` in `timeZone`.
    static func localTime(_ text: String, timeZone: TimeZone) -> Date? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: " ")
        guard parts.count == 2 else { return nil }
        let day = parts[0].split(separator: "-").compactMap { Int($0) }
        let clock = parts[1].split(separator: ":")
        guard day.count == 3, clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]),
            let seconds = Double(clock[2]), seconds >= 0, seconds < 61
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: day[0], month: day[1], day: day[2], hour: hour, minute: minute, second: Int(seconds))
        guard let whole = calendar.date(from: components) else { return nil }
        return whole.addingTimeInterval(seconds - seconds.rounded(.down))
    }

    /// A failed run as a message that says what to do.
    private func failure(_ output: ChildProcess.Output) -> CredentialError {
        if let reason = output.launchFailure {
            if output.cancelled { return CredentialError(.unavailable, "cancelled before the Azure CLI ran") }
            return CredentialError(.configuration, "cannot run the Azure CLI at \(executablePath): \(reason)")
        }
        if output.cancelled { return CredentialError(.unavailable, "cancelled while the Azure CLI was running") }
        if output.timedOut {
            return CredentialError(.unavailable, "the Azure CLI did not answer within \(Int(timeout)) s; run `az account get-access-token` yourself to see why")
        }
        let stderr = Self.summary(output.stderr)
        let login = "run `az login`" + (tenant.map { " (az login --tenant \($0))" } ?? "")
        if stderr.localizedCaseInsensitiveContains("az login") {
            return CredentialError(.interactionRequired, "the Azure CLI is not signed in, or its sign-in expired: \(login), then try again")
        }
        let status = output.exitedNormally ? "exit status \(output.status)" : "killed by signal \(output.status)"
        if let code = EntraTokenEndpoint.aadsts(in: stderr) {
            return CredentialError(.invalidCredential, "the Azure CLI could not get a token (\(status)): \(stderr). If the sign-in is stale, \(login)", aadsts: code)
        }
        return CredentialError(.unavailable, "`az account get-access-token` failed (\(status))\(stderr.isEmpty ? "" : ": " + stderr)")
    }

    /// The CLI's stderr on one line, shortened; ``CredentialError`` scrubs it further.
    private static func summary(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: " ")
        return text.count > 400 ? String(text.prefix(400)) + "…" : text
    }

    private static let notInstalled = CredentialError(
        .configuration,
        "the Azure CLI (az) was not found on PATH; install it (https://aka.ms/installazurecli) and run `az login`, give its path, or choose another credential")

    /// The first executable file named `name` in the folders of a `PATH`-style list.
    static func locate(_ name: String, searchPath: String?) -> String? {
        for folder in (searchPath ?? "").split(separator: ":") where !folder.isEmpty {
            let candidate = String(folder) + "/" + name
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isFolder), !isFolder.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        return nil
    }

    /// Whether a tenant is a GUID or domain: letters, digits, `.`, `-`, `_`, not starting with `-`.
    private static func isPlainName(_ text: String) -> Bool {
        !text.hasPrefix("-") && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }
    }
}
