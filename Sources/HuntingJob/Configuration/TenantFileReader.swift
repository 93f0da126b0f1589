import Foundation
import Hunting
import KQL

/// Reads the `tenants` array of `hunt.json`: each tenant's keys and types, unique names, and
/// whether the sign-in it asks for has what it needs.
struct TenantFileReader {
    /// The file's folder, for relative paths.
    let folder: String
    /// The backend of tenants that do not name one.
    let defaultBackend: ConfiguredBackend
    /// The names seen so far, lowercased (report folders may live on case-insensitive shares).
    private var names: [String: (keyPath: String, location: SourceLocation)] = [:]

    init(folder: String, defaultBackend: ConfiguredBackend) {
        self.folder = folder
        self.defaultBackend = defaultBackend
    }

    static let keys = [
        "name", "id", "cloud", "clientId", "credential", "secret", "certificate", "username", "password", "tokenCache", "backend",
        "region", "beta", "tables", "now", "width", "callsPerMinute",
    ]

    mutating func read(_ value: JSONValueReader) -> TenantConfiguration? {
        guard let object = value.object(keys: Self.keys, required: ["name"]) else { return nil }
        var tenant = TenantConfiguration(name: "")
        tenant.location = value.location
        if let member = object["name"], let name = member.string(nonEmpty: true) {
            tenant.name = name
            checkName(name, member, tenantPath: value.keyPath)
        }
        tenant.id = object.string("id", nonEmpty: true)
        if let member = object["cloud"], let text = member.string() {
            if let cloud = AzureCloud(name: text) {
                tenant.cloud = cloud
            } else {
                member.reportChoice(text, choices: AzureCloud.allCases.map(\.rawValue))
            }
        }
        if let member = object["clientId"], let text = member.string() {
            if UUID(uuidString: text) != nil {
                tenant.clientId = text
            } else {
                member.report("expected an application (client) id, a GUID such as 11111111-1111-4111-8111-111111111111, found '\(text)'")
            }
        }
        if let kind = object.choice("credential", CredentialKind.allCases.map(\.rawValue)) { tenant.credential = CredentialKind(rawValue: kind) }
        let variablePrefix = Self.variablePrefix(tenant.name)
        if let member = object["secret"] { tenant.secret = secretSource(member, example: variablePrefix + "_HUNT_SECRET") }
        if let member = object["password"] { tenant.password = secretSource(member, example: variablePrefix + "_PASSWORD") }
        tenant.certificate = object.string("certificate", nonEmpty: true).map(resolve)
        tenant.username = object.string("username", nonEmpty: true)
        tenant.tokenCache = object.string("tokenCache", nonEmpty: true).map(resolve)
        if let member = object["backend"] { tenant.backend = ConfigurationFileReader.backend(member) }
        if let member = object["region"], let text = member.string() {
            if DefenderBackend.regionalHosts.contains(text.lowercased()) {
                tenant.region = text.lowercased()
            } else {
                member.reportChoice(text, choices: DefenderBackend.regionalHosts)
            }
        }
        tenant.beta = object.bool("beta") ?? false
        tenant.tables = object.string("tables", nonEmpty: true).map(resolve)
        if let member = object["now"], let text = member.string() {
            if let now = LiteralSyntax.parseDateTime(text) {
                tenant.now = now
            } else {
                member.report("expected a datetime such as 2026-11-24T00:00:00Z, found '\(text)'")
            }
        }
        tenant.width = object.int("width", in: 1...ConcurrencySettings.maxWidth)
        tenant.callsPerMinute = object.int("callsPerMinute", in: 1...Int.max)
        checkSignIn(tenant, object)
        return tenant
    }

    private func resolve(_ path: String) -> String { ConfigurationPaths.resolve(path, against: folder) }

    private mutating func checkName(_ name: String, _ member: JSONValueReader, tenantPath: String) {
        let valid = name.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
        guard valid else {
            member.report("use only letters, digits, '.', '_' and '-' in a tenant name (it labels the report and names folders), found '\(name)'")
            return
        }
        if let first = names[name.lowercased()] {
            member.report(
                "'\(name)' is already the name of \(first.keyPath) (line \(first.location.line)); tenant names must be unique, ignoring case",
                code: "duplicate-name")
        } else {
            names[name.lowercased()] = (tenantPath, member.location)
        }
    }

    /// A secret's source: `{"env": NAME}` or `{"file": PATH}`; a literal string is refused without
    /// repeating it, since it is a secret.
    private func secretSource(_ member: JSONValueReader, example variable: String) -> SecretSource? {
        switch member.value.content {
        case .string:
            member.report(
                "secrets never go in hunt.json; say where to read it instead: {\"env\": \"\(variable)\"} for an environment variable, or {\"file\": \"/etc/hunt/\(variable.lowercased()).secret\"} for a file only its owner can read (chmod 600)",
                code: "literal-secret")
            return nil
        case .object:
            guard let object = member.object(keys: ["env", "file"]) else { return nil }
            let env = object["env"], file = object["file"]
            if env != nil, file != nil {
                member.report("give either 'env' or 'file', not both")
                return nil
            }
            if let env, let name = env.string(nonEmpty: true) {
                guard Self.isVariableName(name) else {
                    env.report("'\(name)' is not an environment variable name; use letters, digits and '_', such as \(variable)")
                    return nil
                }
                return .environment(name)
            }
            if let file, let path = file.string(nonEmpty: true) { return .file(resolve(path)) }
            if env == nil, file == nil {
                member.report("say where the secret is: {\"env\": \"\(variable)\"} or {\"file\": \"/etc/hunt/\(variable.lowercased()).secret\"}", code: "missing-key")
            }
            return nil
        default:
            member.reportType(expected: "{\"env\": …} or {\"file\": …}")
            return nil
        }
    }

    /// What a sign-in needs, checked once per tenant after its keys are read.
    private func checkSignIn(_ tenant: TenantConfiguration, _ object: JSONObjectReader) {
        let backend = tenant.backend ?? defaultBackend
        if backend != .local {
            for key in ["tables", "now"] where object.has(key) {
                object.warnKey(key, "only the local backend reads it; this tenant uses \(backend)", code: "unused-key")
            }
        }
        if backend != .defender, object.has("region") {
            object.warnKey("region", "only the defender backend uses a region; this tenant uses \(backend)", code: "unused-key")
        }
        guard backend != .local else { return }
        let kind = tenant.effectiveCredential
        if !object.has("id"), kind.map({ !TenantConfiguration.kindsWithoutTenant.contains($0) }) ?? true {
            object.value.report("missing 'id', the tenant id or domain to sign in to (such as contoso.onmicrosoft.com)", code: "missing-key")
        }
        guard let kind else { return }
        let needs: [String] =
            switch kind {
            case .clientSecret: ["clientId", "secret"]
            case .certificate: ["clientId", "certificate"]
            case .deviceCode: ["clientId"]
            case .password: ["clientId", "username", "password"]
            case .managedIdentity, .azureCLI, .staticToken: []
            }
        let missing = needs.filter { !object.has($0) }
        if !missing.isEmpty {
            let list = missing.map { "'\($0)'" }
            let names = list.count == 1 ? list[0] : list.dropLast().joined(separator: ", ") + " and " + list[list.count - 1]
            object.value.report("the \(kind.rawValue) sign-in needs \(names)", code: "missing-key")
        }
        let uses: [String: Set<CredentialKind>] = [
            "secret": [.clientSecret, .staticToken], "certificate": [.certificate], "username": [.password], "password": [.password],
            "tokenCache": [.deviceCode],
        ]
        for (key, kinds) in uses.sorted(by: { $0.key < $1.key }) where object.has(key) && !kinds.contains(kind) {
            object.warnKey(key, "not used by the \(kind.rawValue) sign-in", code: "unused-key")
        }
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_")
        }
    }

    /// `CONTOSO` for `contoso`, `EU_WEST` for `eu-west`: an example variable name for this tenant.
    static func variablePrefix(_ name: String) -> String {
        let cleaned = String(name.uppercased().unicodeScalars.map { scalar -> Character in
            (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))) ? Character(scalar) : "_"
        })
        return cleaned.isEmpty || cleaned.first?.isNumber == true ? "TENANT" + (cleaned.isEmpty ? "" : "_" + cleaned) : cleaned
    }
}
