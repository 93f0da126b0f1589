import Foundation
import Testing
import TestSupport

@testable import KQL

@Suite("Hunting schema")
struct SchemaTests {
    let schema = HuntingSchema.defender

    /// The raw resource, read independently of the loader.
    static func rawTables() throws -> [String: [[String: Any]]] {
        let url = PackagePaths.root.appendingPathComponent("Sources/KQL/Resources/tables.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try #require(object as? [String: [[String: Any]]])
    }

    @Test func tablesJSONLoadsEveryTableAndColumn() throws {
        let raw = try Self.rawTables()
        #expect(raw.count == 13)
        #expect(schema.tables.count == raw.count)
        for (name, columns) in raw {
            let table = try #require(schema.table(named: name), "\(name) missing")
            #expect(table.columns.count == columns.count, "\(name)")
            #expect(table.columnNames == columns.map { $0["name"] as? String ?? "" }, "\(name)")
        }
    }

    @Test func columnTypesMapToScalarTypes() throws {
        for (name, columns) in try Self.rawTables() {
            let table = try #require(schema.table(named: name))
            for raw in columns {
                let column = try #require(table.column(named: raw["name"] as? String ?? ""))
                #expect(KQLScalarType(kqlName: raw["type"] as? String ?? "") == column.type, "\(name).\(column.name)")
            }
        }
        let events = try #require(schema.table(named: "DeviceProcessEvents"))
        #expect(events.column(named: "Timestamp")?.type == .datetime)
        #expect(events.column(named: "DeviceName")?.type == .string)
        #expect(events.column(named: "ProcessId")?.type == .long)
        #expect(events.column(named: "Timestamp")?.description.isEmpty == false)
        let types = Set(schema.tables.flatMap { $0.columns.map(\.type) })
        #expect(types.isSuperset(of: [.bool, .datetime, .dynamic, .int, .long, .string]))
    }

    @Test func namesAreCaseSensitive() {
        #expect(schema.table(named: "deviceprocessevents") == nil)
        #expect(schema.table(named: "DeviceProcessEvents")?.column(named: "timestamp") == nil)
        #expect(!schema.isKnownTable("deviceinfo"))
    }

    @Test(arguments: [
        "DeviceTvmSoftwareVulnerabilities", "DeviceTvmSoftwareVulnerabilitiesKB",
        "DeviceTvmSecureConfigurationAssessment", "DeviceTvmSecureConfigurationAssessmentKB",
        "DeviceTvmSoftwareInventory", "DeviceTvmInfoGathering", "DeviceTvmInfoGatheringKB", "DeviceTvmCertificateInfo",
        "DeviceTvmHardwareFirmware", "DeviceTvmBrowserExtensions", "DeviceTvmBrowserExtensionsKB",
        "DeviceFileCertificateInfo", "DeviceBaselineComplianceAssessment", "IdentityAccountInfo", "IdentityInfo",
        "IdentityQueryEvents", "IdentityDirectoryEvents", "IdentityEvents", "EmailAttachmentInfo", "EmailUrlInfo",
        "EmailPostDeliveryEvents", "UrlClickEvents", "CloudAppEvents", "CloudAuditEvents", "CloudProcessEvents",
        "ExposureGraphNodes", "ExposureGraphEdges", "BehaviorInfo", "BehaviorEntities", "AADSignInEventsBeta",
        "AADSpnSignInEventsBeta", "OAuthAppInfo", "DeviceAlertEvents",
    ])
    func additionalTablesAreKnownWithoutColumns(name: String) {
        #expect(schema.isKnownTable(name))
        #expect(schema.table(named: name) == nil)
        #expect(schema.additionalTable(named: name)?.name == name)
        #expect(schema.knownTableNames.contains(name))
    }

    @Test func additionalTablesDoNotRepeatTablesWithColumns() {
        #expect(schema.additionalTables.count >= 45)
        #expect(schema.additionalTables.allSatisfy { schema.table(named: $0.name) == nil })
        #expect(schema.additionalTable(named: "DeviceNetworkInfo") == nil)
        #expect(schema.knownTableNames.count == schema.tables.count + schema.additionalTables.count)
        #expect(schema.knownTableNames == schema.knownTableNames.sorted())
    }

    @Test func retiredTablesNameTheirReplacement() {
        #expect(schema.additionalTable(named: "DeviceAlertEvents")?.status == .deprecated(replacement: "AlertInfo"))
        #expect(schema.additionalTable(named: "AADSignInEventsBeta")?.status == .deprecated(replacement: "EntraIdSignInEvents"))
        #expect(schema.additionalTable(named: "CloudAppEvents")?.status == .available)
        #expect(schema.additionalTable(named: "OAuthAppInfo")?.status == .preview)
        for table in schema.additionalTables {
            if case .deprecated(let replacement?) = table.status {
                #expect(schema.isKnownTable(replacement), "\(table.name) → \(replacement)")
            }
        }
    }

    @Test func sentinelTablesAreNotHuntingTables() {
        for name in ["ThreatIntelligenceIndicator", "Usage", "SigninLogs"] {
            #expect(schema.sentinelTableNames.contains(name))
            #expect(!schema.isKnownTable(name))
        }
        #expect(schema.sentinelTableNames.isDisjoint(with: schema.knownTableNames))
    }

    @Test func legacyEndpointAPIServesOnlyDeviceTables() {
        #expect(schema.isLegacyEndpointTable("DeviceProcessEvents"))
        #expect(schema.isLegacyEndpointTable("DeviceNetworkInfo"))
        #expect(schema.isLegacyEndpointTable("DeviceTvmSoftwareInventory"))
        #expect(!schema.isLegacyEndpointTable("EmailEvents"))
        #expect(!schema.isLegacyEndpointTable("AlertInfo"))
        #expect(!schema.isLegacyEndpointTable("IdentityLogonEvents"))
        #expect(!schema.isLegacyEndpointTable("DeviceDoesNotExist"))
    }

    @Test(arguments: [
        ("DeviceProcesEvents", "DeviceProcessEvents"),
        ("deviceprocessevents", "DeviceProcessEvents"),
        ("DEVICEINFO", "DeviceInfo"),
        ("DeviceNetwrokEvents", "DeviceNetworkEvents"),
        ("EmailEvent", "EmailEvents"),
        ("DeviceProcessEvents", "DeviceProcessEvents"),
    ])
    func closestTableMatch(word: String, expected: String) {
        #expect(HuntingSchema.closestMatch(to: word, in: schema.knownTableNames) == expected)
    }

    @Test func closestMatchRejectsDistantWords() {
        #expect(HuntingSchema.closestMatch(to: "Foo", in: schema.knownTableNames) == nil)
        #expect(HuntingSchema.closestMatch(to: "abc", in: [String]()) == nil)
        #expect(HuntingSchema.closestMatch(to: "Processes", in: ["DeviceProcessEvents"]) == nil)
    }

    @Test func closestMatchPrefersTheNearestThenTheFirstByName() {
        #expect(HuntingSchema.closestMatch(to: "tostrin", in: ["tostring", "tostrin_"]) == "tostrin_")
        #expect(HuntingSchema.closestMatch(to: "FileNme", in: ["FolderPath", "FileName", "FileSize"]) == "FileName")
        #expect(HuntingSchema.closestMatch(to: "ab", in: ["ba", "ac"]) == "ac")
        // A case-only difference always matches, even for very short names.
        #expect(HuntingSchema.closestMatch(to: "IP", in: ["ip", "xy"]) == "ip")
    }

    @Test func damerauCountsASwapOnce() {
        func distance(_ a: String, _ b: String) -> Int {
            HuntingSchema.optimalStringAlignmentDistance(Array(a.unicodeScalars), Array(b.unicodeScalars))
        }
        #expect(distance("DeviceName", "DeviecName") == 1)
        #expect(distance("kitten", "sitting") == 3)
        #expect(distance("", "abc") == 3)
        #expect(distance("ca", "abc") == 3)
    }

    @Test func customSchemasWork() {
        let custom = HuntingSchema(
            tables: [TableSchema(name: "T", columns: [ColumnSchema(name: "A", type: .long), ColumnSchema(name: "A", type: .string)])],
            additionalTables: [AdditionalTable(name: "T"), AdditionalTable(name: "U")], sentinelTableNames: [])
        #expect(custom.table(named: "T")?.column(named: "A")?.type == .long)
        #expect(custom.additionalTables.map(\.name) == ["U"])
        #expect(custom.knownTableNames == ["T", "U"])
    }
}

@Suite("Function catalog")
struct FunctionCatalogSchemaTests {
    @Test(arguments: [
        ("ago", 1, 1), ("strcat", 1, nil), ("iff", 3, 3), ("iif", 3, 3), ("extract", 3, 4), ("bin", 2, 2),
        ("dcount", 1, 2), ("arg_max", 2, nil), ("arg_min", 2, nil), ("make_set", 1, 2), ("make_list", 1, 2),
        ("countif", 1, 1), ("count", 0, 1), ("percentile", 2, 2), ("percentiles", 2, nil), ("datetime_diff", 3, 3),
        ("datetime_add", 3, 3), ("format_datetime", 2, 2), ("split", 2, 3), ("replace_string", 3, 3),
        ("replace_regex", 3, 3), ("substring", 2, 3), ("parse_path", 1, 1), ("ipv4_is_private", 1, 1),
        ("ipv4_is_in_range", 2, 2), ("tostring", 1, 1), ("parse_json", 1, 1), ("isnotempty", 1, 1), ("case", 3, nil),
        ("pack_array", 1, nil), ("bag_pack", 2, nil), ("now", 0, 1), ("array_length", 1, 1), ("coalesce", 2, nil),
        ("startofday", 1, 2), ("round", 1, 2), ("hash", 1, 2), ("indexof", 2, 5), ("trim", 2, 2), ("prev", 1, 3),
        ("row_number", 0, 2), ("make_set_if", 2, 3), ("dcountif", 2, 3), ("sumif", 2, 2), ("take_anyif", 2, 2),
        ("series_decompose_anomalies", 1, 7), ("geo_info_from_ip_address", 1, 1), ("format_bytes", 1, 3),
        ("column_ifexists", 2, 2), ("pack_all", 0, 1), ("new_guid", 0, 0), ("materialize", 1, 1), ("toscalar", 1, 1),
        ("bag_unpack", 1, 4), ("pivot", 1, nil), ("narrow", 0, 0), ("FileProfile", 0, 2), ("SeenBy", 0, 1),
        ("DeviceFromIP", 0, 2), ("AssignedIPAddresses", 1, 2), ("max_of", 2, nil), ("set_difference", 2, nil),
        ("extract_all", 2, 3), ("parse_url", 1, 1), ("base64_decode_tostring", 1, 1),
    ] as [(String, Int, Int?)])
    func arity(name: String, min: Int, max: Int?) throws {
        let info = try #require(FunctionCatalog.lookup(name), "\(name) is not in the catalog")
        #expect(info.minArguments == min, "\(name)")
        #expect(info.maxArguments == max, "\(name)")
        #expect(info.arity.accepts(min))
        #expect(!info.arity.accepts(min - 1))
        if let max { #expect(!info.arity.accepts(max + 1)) }
    }

    @Test(arguments: [
        ("ago", FunctionKind.scalar), ("count", .aggregate), ("arg_max", .aggregate), ("prev", .window),
        ("row_number", .window), ("materialize", .tabular), ("FileProfile", .tabular), ("bag_unpack", .plugin),
        ("toscalar", .scalar),
    ])
    func kind(name: String, kind: FunctionKind) {
        #expect(FunctionCatalog.lookup(name)?.kind == kind)
    }

    @Test func aggregationsSayHowTheirColumnIsNamed() {
        #expect(FunctionCatalog.lookup("count")?.resultNaming == .prefixed("count"))
        #expect(FunctionCatalog.lookup("dcount")?.resultNaming == .prefixed("dcount"))
        #expect(FunctionCatalog.lookup("make_set")?.resultNaming == .prefixed("set"))
        #expect(FunctionCatalog.lookup("arg_max")?.resultNaming == .argumentDependent)
        #expect(FunctionCatalog.lookup("tostring")?.resultNaming == nil)
        let aggregates = FunctionCatalog.functions.values.filter { $0.kind == .aggregate }
        #expect(aggregates.allSatisfy { $0.resultNaming != nil })
        #expect(FunctionCatalog.lookup("hll_merge")?.scalarArity == Arity(2, 16))
    }

    @Test func huntingOnlyFunctions() {
        let names = Set(FunctionCatalog.functions.values.filter(\.isAdvancedHuntingOnly).map(\.name))
        #expect(names.isSuperset(of: ["FileProfile", "SeenBy", "DeviceFromIP", "AssignedIPAddresses"]))
        #expect(FunctionCatalog.lookup("strcat")?.isAdvancedHuntingOnly == false)
    }

    @Test func lookupIsCaseSensitiveWithACaseInsensitiveFallback() {
        #expect(FunctionCatalog.lookup("ToString") == nil)
        #expect(FunctionCatalog.caseInsensitiveMatch("ToString")?.name == "tostring")
        #expect(FunctionCatalog.caseInsensitiveMatch("fileprofile")?.name == "FileProfile")
        #expect(FunctionCatalog.caseInsensitiveMatch("tostring")?.name == "tostring")
        #expect(FunctionCatalog.caseInsensitiveMatch("nosuchfunction") == nil)
        #expect(HuntingSchema.closestMatch(to: "tostrng", in: FunctionCatalog.names) == "tostring")
        #expect(HuntingSchema.closestMatch(to: "make_sett", in: FunctionCatalog.names) == "make_set")
    }

    @Test func deprecatedAliasesPointAtCurrentFunctions() throws {
        for (old, modern) in FunctionCatalog.deprecatedAliases {
            let oldInfo = try #require(FunctionCatalog.lookup(old), "\(old) is not in the catalog")
            let modernInfo = try #require(FunctionCatalog.lookup(modern), "\(modern) is not in the catalog")
            #expect(FunctionCatalog.deprecatedAliases[modern] == nil, "\(modern) is itself deprecated")
            #expect(oldInfo.kind == modernInfo.kind, "\(old) and \(modern)")
            #expect(oldInfo.replacement == modern)
        }
        for (old, expected) in [
            ("makeset", "make_set"), ("makelist", "make_list"), ("argmax", "arg_max"), ("argmin", "arg_min"),
            ("parsejson", "parse_json"), ("todynamic", "parse_json"), ("base64_decodestring", "base64_decode_tostring"),
            ("base64_encodestring", "base64_encode_tostring"), ("pack", "bag_pack"), ("any", "take_any"),
            ("replace", "replace_regex"),
        ] {
            #expect(FunctionCatalog.deprecatedAliases[old] == expected)
        }
        #expect(FunctionCatalog.deprecationNotes.keys.allSatisfy { FunctionCatalog.deprecatedAliases[$0] != nil })
        #expect(FunctionCatalog.lookup("make_set")?.replacement == nil)
        #expect(FunctionCatalog.deprecatedOperatorAliases == ["mvexpand": "mv-expand", "mvapply": "mv-apply"])
    }

    @Test func synonymsAreNotDeprecated() throws {
        for (name, canonical) in FunctionCatalog.synonyms {
            let info = try #require(FunctionCatalog.lookup(name))
            let canonicalInfo = try #require(FunctionCatalog.lookup(canonical))
            #expect(info.arity == canonicalInfo.arity, "\(name)")
            #expect(FunctionCatalog.deprecatedAliases[name] == nil)
        }
    }

    @Test func catalogIsLarge() {
        let counts = FunctionCatalog.countsByKind
        #expect(FunctionCatalog.functions.count >= 400)
        #expect(counts[.scalar, default: 0] >= 300)
        #expect(counts[.aggregate, default: 0] >= 50)
        #expect(counts[.plugin, default: 0] >= 30)
        #expect(FunctionCatalog.names == FunctionCatalog.names.sorted())
        #expect(FunctionCatalog.functions.allSatisfy { name, info in name == info.name && (info.arity.max ?? .max) >= info.arity.min })
    }

    /// Every function the usage study (spec/kql-usage.md, "Functions") found in the corpus, apart
    /// from literal constructors (`dynamic`, `datetime`, `int`, `typeof`) and `view`, a keyword.
    @Test func everyFunctionOfTheUsageStudyIsKnown() {
        let studied = [
            "ago", "tostring", "parse_json", "isnotempty", "arg_max", "count", "dcount", "bin", "make_set", "case",
            "split", "iff", "pack_array", "extract", "now", "strcat", "array_length", "max", "todynamic", "toint",
            "min", "makeset", "tolower", "isempty", "dcountif", "todatetime", "sum", "countof", "not", "any",
            "datetime_diff", "parse_url", "startofday", "extractjson", "materialize", "replace", "strlen", "toscalar",
            "abs", "countif", "avg", "iif", "round", "substring", "FileProfile", "geo_info_from_ip_address", "hash",
            "isnotnull", "isnull", "series_decompose_anomalies", "array_index_of", "indexof", "ipv4_is_private",
            "make_list", "pack", "parse_path", "todouble", "trim", "base64_decode_tostring", "coalesce", "strcat_array",
            "SeenBy", "argmax", "array_slice", "datetime_add", "format_datetime", "make_set_if", "makelist", "next",
            "parsejson", "prev", "set_has_element", "url_decode", "argmin", "base64_decodestring", "indexof_regex",
            "ipv4_is_in_range", "make_bag", "pack_all", "parse_csv", "parse_xml", "range", "replace_regex", "sumif",
            "tobool", "toupper", "arg", "arg_min", "bag_keys", "base64_decode_toarray", "base64_encode_tostring",
            "column_ifexists", "extract_all", "extract_json", "format_bytes", "format_timespan", "hourofday",
            "ingestion_time", "make_string", "max_of", "new_guid", "notempty", "parse_version", "rand",
            "replace_string", "row_number", "set_difference", "stdev", "take_anyif", "tolong", "toreal", "url_encode",
        ]
        #expect(studied.count == 112)
        let missing = studied.filter { FunctionCatalog.lookup($0) == nil }
        #expect(missing.isEmpty, "not in the catalog: \(missing)")
    }

    /// Names called as functions in the public corpus: an identifier right before `(`, found with
    /// the lexer so strings and comments do not count. Left out: KQL's own words (except those that
    /// are also functions), literal constructors, table names, join kinds and hint values, the key of
    /// `partition by Key (…)`, and names the same file defines with `let`. What remains are built-in
    /// functions, stored functions the authors had in their workspace, and typos; at least 98% must
    /// be in the catalog.
    @Test func catalogCoversTheCorpus() throws {
        let schema = HuntingSchema.defender
        let functionKeywords: Set<String> = ["count", "materialize", "toscalar", "range"]
        let notFunctions: Set<String> = [
            "inner", "innerunique", "leftouter", "rightouter", "fullouter", "leftanti", "rightanti", "leftsemi",
            "rightsemi", "anti", "semi", "leftantisemi", "rightantisemi", "shuffle", "broadcast", "local", "remote",
            "left", "right", "auto", "typeof", "view",
        ]
        var called: [String: Set<String>] = [:]
        for file in PackagePaths.corpusFiles {
            let tokens = Lexer.lex(bytes: Array(try Data(contentsOf: file))).tokens
            var defined: Set<String> = []
            for (index, token) in tokens.enumerated().dropLast() where token.is("let") {
                if let name = tokens[index + 1].name { defined.insert(name) }
            }
            for (index, token) in tokens.enumerated().dropLast() where tokens[index + 1].is("(") {
                guard token.kind == .identifier || (token.kind == .keyword && functionKeywords.contains(token.text)),
                    let name = token.name,
                    // `partition by Column ( subquery )`
                    !(index >= 2 && tokens[index - 1].is("by") && tokens[index - 2].is("partition"))
                else { continue }
                if defined.contains(name) || notFunctions.contains(name) || KQLWords.literalTypeNames[name] != nil
                    || KQLScalarType(kqlName: name) != nil || schema.isKnownTable(name)
                    || schema.sentinelTableNames.contains(name)
                {
                    continue
                }
                called[name, default: []].insert(file.lastPathComponent)
            }
        }
        let missing = called.keys.filter { FunctionCatalog.lookup($0) == nil }.sorted()
        let coverage = Double(called.count - missing.count) / Double(max(called.count, 1))
        let report = missing.isEmpty ? "none" : missing.map { "\($0) (\(called[$0]!.sorted().first!))" }.joined(separator: ", ")
        print("FunctionCatalog covers \(called.count - missing.count) of \(called.count) names called in the corpus; missing: \(report)")
        #expect(called.count > 100)
        #expect(coverage >= 0.98, "missing: \(report)")
    }
}
