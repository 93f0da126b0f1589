import Foundation

/// The tables and columns of Microsoft Defender XDR advanced hunting: what `hunt check` knows
/// about the data a query reads.
///
/// Two levels of knowledge: tables with a column list (from `tables.json`, shipped with the
/// package), and further tables the service has whose columns are not recorded here. A linter may
/// report unknown columns only on the first kind, and unknown tables only when a name is in neither.
public struct HuntingSchema: Sendable {
    /// The Defender XDR schema shipped with the package: the tables of `tables.json` plus the
    /// advanced-hunting tables it lacks, loaded once.
    public static let defender: HuntingSchema = {
        guard let url = Bundle.module.url(forResource: "tables", withExtension: "json") else {
            preconditionFailure("HuntingSchema: the KQL module's resource tables.json is missing from its bundle")
        }
        do {
            let tables = try HuntingSchema.decodeTables(Data(contentsOf: url))
            return HuntingSchema(tables: tables)
        } catch {
            preconditionFailure("HuntingSchema: cannot load \(url.path): \(error)")
        }
    }()

    /// The tables whose columns are known, sorted by name.
    public let tables: [TableSchema]
    /// Advanced-hunting tables whose columns are not known here, sorted by name.
    public let additionalTables: [AdditionalTable]
    /// Microsoft Sentinel (Log Analytics) tables that hunting queries sometimes name. They are not
    /// advanced-hunting tables: they answer only when a Sentinel workspace is onboarded to the
    /// Defender portal, and never through the legacy Defender for Endpoint API.
    public let sentinelTableNames: Set<String>

    private let tablesByName: [String: TableSchema]
    private let additionalByName: [String: AdditionalTable]

    /// Creates a schema.
    /// - Parameters:
    ///   - tables: the tables whose columns are known.
    ///   - additionalTables: tables the service has without a column list here; a name that is also
    ///     in `tables` is dropped from this list.
    ///   - sentinelTableNames: Sentinel tables that are not advanced-hunting tables.
    public init(
        tables: [TableSchema], additionalTables: [AdditionalTable] = HuntingSchema.defenderAdditionalTables,
        sentinelTableNames: Set<String> = HuntingSchema.defenderSentinelTableNames
    ) {
        var byName: [String: TableSchema] = [:]
        for table in tables { byName[table.name] = table }
        tablesByName = byName
        self.tables = byName.values.sorted { $0.name < $1.name }
        var additional: [String: AdditionalTable] = [:]
        for table in additionalTables where byName[table.name] == nil { additional[table.name] = table }
        additionalByName = additional
        self.additionalTables = additional.values.sorted { $0.name < $1.name }
        self.sentinelTableNames = sentinelTableNames
    }

    /// The table called exactly `name` (KQL names are case-sensitive), if its columns are known.
    /// - Parameter name: a table name as written in the query.
    /// - Returns: the table, or nil when the name is unknown or the table has no column list here.
    public func table(named name: String) -> TableSchema? { tablesByName[name] }

    /// The advanced-hunting table called exactly `name` whose columns are not known here.
    /// - Parameter name: a table name as written in the query.
    /// - Returns: what is known about the table, or nil.
    public func additionalTable(named name: String) -> AdditionalTable? { additionalByName[name] }

    /// Every advanced-hunting table name, with or without a column list, sorted.
    public var knownTableNames: [String] { (Array(tablesByName.keys) + additionalByName.keys).sorted() }

    /// Whether `name` is exactly the name of an advanced-hunting table (with or without columns).
    /// - Parameter name: a table name as written in the query.
    /// - Returns: true for tables of either kind; false for Sentinel tables and unknown names.
    public func isKnownTable(_ name: String) -> Bool {
        tablesByName[name] != nil || additionalByName[name] != nil
    }

    /// Whether the legacy Microsoft Defender for Endpoint API (`api.securitycenter.microsoft.com`)
    /// serves `name`. It knows only the endpoint tables, the ones whose names start with `Device`;
    /// email, identity, cloud-app and alert tables need the Microsoft Graph or Defender XDR API.
    /// - Parameter name: a table name as written in the query.
    /// - Returns: true for known `Device*` tables.
    public func isLegacyEndpointTable(_ name: String) -> Bool {
        name.hasPrefix("Device") && isKnownTable(name)
    }

    /// The candidate most like `word`, for "did you mean" hints.
    ///
    /// Compares case-insensitively by Damerau–Levenshtein distance (optimal string alignment: an
    /// insertion, deletion, substitution or swap of two neighbours costs 1). A candidate that differs
    /// from `word` only in case always matches; otherwise the distance must be at most a third of the
    /// shorter length (at least 1). Ties go to the alphabetically first candidate, so sets give
    /// stable answers.
    /// - Parameters:
    ///   - word: the name that was not found.
    ///   - candidates: the names it may have meant.
    /// - Returns: the closest candidate within the threshold, or nil.
    public static func closestMatch(to word: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(word.lowercased().unicodeScalars)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let other = Array(candidate.lowercased().unicodeScalars)
            let limit = max(1, min(target.count, other.count) / 3)
            if abs(target.count - other.count) > limit { continue }
            let distance = optimalStringAlignmentDistance(target, other)
            guard distance <= limit else { continue }
            if let current = best, current.distance < distance || (current.distance == distance && current.name <= candidate) {
                continue
            }
            best = (candidate, distance)
        }
        return best?.name
    }

    /// Damerau–Levenshtein distance restricted to non-overlapping swaps; three rolling rows.
    static func optimalStringAlignmentDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
            }
            swap(&previousPrevious, &previous)
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Decodes `{ "Table": [ {"name", "type", "description"}, … ], … }`.
    /// - Throws: `SchemaError` when the JSON is malformed or names a type KQL does not have.
    static func decodeTables(_ data: Data) throws -> [TableSchema] {
        struct RawColumn: Decodable {
            var name: String
            var type: String
            var description: String?
        }
        let raw: [String: [RawColumn]]
        do {
            raw = try JSONDecoder().decode([String: [RawColumn]].self, from: data)
        } catch {
            throw SchemaError(message: "tables.json is not a JSON object of tables to column lists: \(error)")
        }
        return try raw.keys.sorted().map { tableName in
            let columns = try raw[tableName, default: []].map { column in
                guard let type = KQLScalarType(kqlName: column.type) else {
                    throw SchemaError(message: "\(tableName).\(column.name) has type '\(column.type)', which is not a KQL scalar type")
                }
                return ColumnSchema(name: column.name, type: type, description: column.description ?? "")
            }
            return TableSchema(name: tableName, columns: columns)
        }
    }
}

/// Why a schema file could not be read.
struct SchemaError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// One table whose columns are known.
public struct TableSchema: Sendable, Hashable {
    /// The table name, exactly as KQL spells it.
    public let name: String
    /// The columns, in schema order.
    public let columns: [ColumnSchema]
    private let indexByName: [String: Int]

    /// Creates a table; when two columns share a name, the first wins in `column(named:)`.
    /// - Parameters:
    ///   - name: the table name.
    ///   - columns: its columns, in order.
    public init(name: String, columns: [ColumnSchema]) {
        self.name = name
        self.columns = columns
        var index: [String: Int] = [:]
        for (offset, column) in columns.enumerated() where index[column.name] == nil { index[column.name] = offset }
        indexByName = index
    }

    /// The column called exactly `name` (KQL names are case-sensitive).
    /// - Parameter name: a column name as written in the query.
    /// - Returns: the column, or nil.
    public func column(named name: String) -> ColumnSchema? { indexByName[name].map { columns[$0] } }

    /// The column names, in schema order.
    public var columnNames: [String] { columns.map(\.name) }
}

/// One column of a table.
public struct ColumnSchema: Sendable, Hashable {
    /// The column name.
    public let name: String
    /// Its KQL type.
    public let type: KQLScalarType
    /// What it holds, in a few words (may be empty).
    public let description: String

    /// Creates a column.
    public init(name: String, type: KQLScalarType, description: String = "") {
        self.name = name
        self.type = type
        self.description = description
    }
}

/// An advanced-hunting table whose columns are not recorded here.
public struct AdditionalTable: Sendable, Hashable {
    /// Where the table stands in the service.
    public enum Status: Sendable, Hashable {
        /// Generally available.
        case available
        /// Documented as preview (or beta).
        case preview
        /// Retired or being retired; `replacement` names what to query instead, when there is one.
        case deprecated(replacement: String?)
    }

    /// The table name, exactly as KQL spells it.
    public let name: String
    /// Whether it is current, preview or deprecated.
    public let status: Status

    /// Creates an entry.
    public init(name: String, status: Status = .available) {
        self.name = name
        self.status = status
    }
}

extension HuntingSchema {
    /// Advanced-hunting tables of the Defender XDR schema reference (learn.microsoft.com
    /// `advanced-hunting-schema-tables`, February 2026) that `tables.json` has no columns for, plus
    /// retired names that old queries still use.
    public static let defenderAdditionalTables: [AdditionalTable] = [
        .init(name: "AADSignInEventsBeta", status: .deprecated(replacement: "EntraIdSignInEvents")),
        .init(name: "AADSpnSignInEventsBeta", status: .deprecated(replacement: "EntraIdSpnSignInEvents")),
        .init(name: "AIAgentsInfo", status: .preview),
        .init(name: "BehaviorEntities", status: .preview),
        .init(name: "BehaviorInfo", status: .preview),
        .init(name: "CampaignInfo", status: .preview),
        .init(name: "CloudAppEvents"),
        .init(name: "CloudAuditEvents", status: .preview),
        .init(name: "CloudDnsEvents", status: .preview),
        .init(name: "CloudProcessEvents", status: .preview),
        .init(name: "CloudStorageAggregatedEvents", status: .preview),
        .init(name: "DataSecurityBehaviors", status: .preview),
        .init(name: "DataSecurityEvents", status: .preview),
        .init(name: "DeviceBaselineComplianceAssessment", status: .preview),
        .init(name: "DeviceBaselineComplianceAssessmentKB", status: .preview),
        .init(name: "DeviceBaselineComplianceProfiles", status: .preview),
        .init(name: "DeviceFileCertificateInfo"),
        .init(name: "DeviceTvmBrowserExtensions", status: .preview),
        .init(name: "DeviceTvmBrowserExtensionsKB", status: .preview),
        .init(name: "DeviceTvmCertificateInfo", status: .preview),
        .init(name: "DeviceTvmHardwareFirmware"),
        .init(name: "DeviceTvmInfoGathering"),
        .init(name: "DeviceTvmInfoGatheringKB"),
        .init(name: "DeviceTvmSecureConfigurationAssessment"),
        .init(name: "DeviceTvmSecureConfigurationAssessmentKB"),
        .init(name: "DeviceTvmSoftwareEvidenceBeta", status: .preview),
        .init(name: "DeviceTvmSoftwareInventory"),
        .init(name: "DeviceTvmSoftwareVulnerabilities"),
        .init(name: "DeviceTvmSoftwareVulnerabilitiesKB"),
        .init(name: "DisruptionAndResponseEvents", status: .preview),
        .init(name: "EmailAttachmentInfo"),
        .init(name: "EmailPostDeliveryEvents"),
        .init(name: "EmailUrlInfo"),
        .init(name: "EntraIdSignInEvents", status: .preview),
        .init(name: "EntraIdSpnSignInEvents", status: .preview),
        .init(name: "ExposureGraphEdges"),
        .init(name: "ExposureGraphNodes"),
        .init(name: "FileMaliciousContentInfo", status: .preview),
        .init(name: "GraphApiAuditEvents"),
        .init(name: "IdentityAccountInfo"),
        .init(name: "IdentityDirectoryEvents"),
        .init(name: "IdentityEvents", status: .preview),
        .init(name: "IdentityInfo"),
        .init(name: "IdentityQueryEvents"),
        .init(name: "MessageEvents"),
        .init(name: "MessagePostDeliveryEvents"),
        .init(name: "MessageUrlInfo"),
        .init(name: "OAuthAppInfo", status: .preview),
        .init(name: "UrlClickEvents"),
        // Retired tables that published queries still name.
        .init(name: "AppFileEvents", status: .deprecated(replacement: "CloudAppEvents")),
        .init(name: "DeviceAlertEvents", status: .deprecated(replacement: "AlertInfo")),
        .init(name: "DeviceTvmSoftwareInventoryVulnerabilities", status: .deprecated(replacement: "DeviceTvmSoftwareVulnerabilities")),
    ]

    /// Sentinel / Log Analytics tables seen in published hunting queries or common beside them.
    public static let defenderSentinelTableNames: Set<String> = [
        "AuditLogs", "AzureActivity", "AzureDiagnostics", "CommonSecurityLog", "Event", "Heartbeat",
        "OfficeActivity", "SecurityAlert", "SecurityEvent", "SecurityIncident", "SigninLogs", "Syslog",
        "ThreatIntelIndicators", "ThreatIntelligenceIndicator", "Usage",
    ]
}
