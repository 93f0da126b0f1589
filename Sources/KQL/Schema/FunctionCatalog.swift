/// Where a function may be called and what it gives back.
public enum FunctionKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A row-level function: `tostring(x)`, `ago(1d)`.
    case scalar
    /// An aggregation, valid in `summarize`, `make-series` and the like: `count()`, `make_set(x)`.
    case aggregate
    /// A scalar function over a serialized row set (`prev`, `row_number`, …): needs `serialize`
    /// or a sorted input.
    case window
    /// A function whose result is a table: `materialize(…)`, `table("T")`, and the advanced-hunting
    /// functions called with `invoke` (`FileProfile()`) or as a query source (`AssignedIPAddresses(…)`).
    case tabular
    /// A plugin called with `evaluate`: `bag_unpack(…)`, `pivot(…)`.
    case plugin

    /// The raw value.
    public var description: String { rawValue }
}

/// How many arguments a function takes.
public struct Arity: Sendable, Hashable, CustomStringConvertible {
    /// The fewest arguments.
    public let min: Int
    /// The most arguments; nil when the function takes any number (Kusto caps some variadic
    /// functions, such as `strcat` and `coalesce`, at 64).
    public let max: Int?

    /// Creates an arity.
    /// - Parameters:
    ///   - min: the fewest arguments.
    ///   - max: the most, or nil for any number.
    public init(_ min: Int, _ max: Int?) {
        self.min = min
        self.max = max
    }

    /// Whether a call with `count` arguments has an acceptable number of them.
    /// - Parameter count: the number of arguments in the call.
    /// - Returns: true when `min <= count <= max`.
    public func accepts(_ count: Int) -> Bool { count >= min && (max.map { count <= $0 } ?? true) }

    /// `1`, `2..3`, `1..` (no upper bound).
    public var description: String {
        switch max {
        case nil: "\(min).."
        case min?: "\(min)"
        case let upper?: "\(min)..\(upper)"
        }
    }
}

/// How `summarize` names the column of an aggregation that is not given a name.
public enum ResultNaming: Sendable, Hashable {
    /// The prefix, an underscore, then the first argument's column name when it is one:
    /// `dcount(DeviceId)` → `dcount_DeviceId`, `make_set(FileName)` → `set_FileName`,
    /// `count()` → `count_`.
    case prefixed(String)
    /// The first argument's column name: `take_anyif(FileName, x > 1)` → `FileName`.
    case firstArgument
    /// Depends on the arguments (`arg_max`, `take_any`, `percentiles`, …): one or several columns,
    /// named after the arguments and literal values. A linter should not guess.
    case argumentDependent
}

/// What the catalog knows about one function.
public struct FunctionInfo: Sendable, Hashable {
    /// The name, exactly as KQL spells it (names are case-sensitive).
    public let name: String
    /// Where it may be called.
    public let kind: FunctionKind
    /// How many arguments it takes in that role.
    public let arity: Arity
    /// For aggregations that also exist as a scalar function of the same name (`hll_merge`,
    /// `tdigest_merge`, `merge_tdigest`), the arity of the scalar form.
    public let scalarArity: Arity?
    /// For aggregations, how `summarize` names an unnamed result column.
    public let resultNaming: ResultNaming?
    /// Whether only Microsoft Defender advanced hunting has it (not Azure Data Explorer or Sentinel).
    public let isAdvancedHuntingOnly: Bool

    /// Creates an entry.
    public init(
        name: String, kind: FunctionKind, arity: Arity, scalarArity: Arity? = nil, resultNaming: ResultNaming? = nil,
        isAdvancedHuntingOnly: Bool = false
    ) {
        self.name = name
        self.kind = kind
        self.arity = arity
        self.scalarArity = scalarArity
        self.resultNaming = resultNaming
        self.isAdvancedHuntingOnly = isAdvancedHuntingOnly
    }

    /// The fewest arguments.
    public var minArguments: Int { arity.min }
    /// The most arguments; nil for any number.
    public var maxArguments: Int? { arity.max }
    /// The modern name, when this one is a deprecated alias (`makeset` → `make_set`).
    public var replacement: String? { FunctionCatalog.deprecatedAliases[name] }
}

/// Every documented Kusto scalar, window and aggregation function, the `evaluate` plugins, the
/// tabular functions hunting queries use and the functions only Defender advanced hunting has,
/// with their argument counts.
///
/// Sources: the function symbols of Kusto's own parser (microsoft/Kusto-Query-Language,
/// `Functions.cs`, `Aggregates.cs`, `PlugIns.cs`), the Kusto reference on learn.microsoft.com for
/// functions added since, and the Defender XDR advanced-hunting reference for `FileProfile()` and
/// the other service functions. Named arguments (`bag_unpack(x, columnsConflict='keep_source')`)
/// count like positional ones. A few functions take their variadic arguments in pairs
/// (`bag_pack`: key, value, …) or as pairs plus one (`case`: predicate, value, …, else); the arity
/// here only bounds the count.
public enum FunctionCatalog {
    /// Every entry, keyed by exact name.
    public static let functions: [String: FunctionInfo] = {
        var table: [String: FunctionInfo] = [:]
        for entry in entries {
            precondition(table[entry.name] == nil, "FunctionCatalog: \(entry.name) is listed twice")
            table[entry.name] = entry
        }
        return table
    }()

    private static let namesByLowercase: [String: String] = {
        var table: [String: String] = [:]
        for name in functions.keys.sorted() where table[name.lowercased()] == nil { table[name.lowercased()] = name }
        return table
    }()

    /// The function called exactly `name`.
    /// - Parameter name: a function name as written in the query.
    /// - Returns: the entry, or nil (also when only the case differs; see `caseInsensitiveMatch`).
    public static func lookup(_ name: String) -> FunctionInfo? { functions[name] }

    /// The function whose name equals `name` ignoring case, for "did you mean" hints when `lookup`
    /// finds nothing: `ToString` → `tostring`, `fileprofile` → `FileProfile`.
    /// - Parameter name: a function name as written in the query.
    /// - Returns: the entry, or nil when no name matches even ignoring case.
    public static func caseInsensitiveMatch(_ name: String) -> FunctionInfo? {
        namesByLowercase[name.lowercased()].flatMap { functions[$0] }
    }

    /// All names, sorted; candidates for `HuntingSchema.closestMatch(to:in:)`.
    public static let names: [String] = functions.keys.sorted()

    /// Deprecated function names and what to call instead, as the Kusto documentation ("Deprecated
    /// aliases") and Kusto's parser (obsolete symbols) mark them. Each old name is also in the
    /// catalog, so a call to it still gets its arity checked. `replace` takes its arguments in
    /// another order than `replace_regex` (regex, rewrite, text versus text, regex, rewrite);
    /// see `deprecationNotes`.
    public static let deprecatedAliases: [String: String] = [
        "makeset": "make_set", "makelist": "make_list", "make_dictionary": "make_bag",
        "argmax": "arg_max", "argmin": "arg_min", "any": "take_any", "anyif": "take_anyif", "cnt": "count",
        "parsejson": "parse_json", "todynamic": "parse_json", "toobject": "parse_json",
        "pack": "bag_pack", "pack_dictionary": "bag_pack", "replace": "replace_regex",
        "extractall": "extract_all", "base64_encodestring": "base64_encode_tostring",
        "base64_decodestring": "base64_decode_tostring", "totime": "totimespan",
        "parseurl": "parse_url", "parseurlquery": "parse_urlquery", "weekofyear": "week_of_year",
        "datepart": "datetime_part", "notnull": "isnotnull", "notempty": "isnotempty",
        "columnifexists": "column_ifexists", "arraylength": "array_length", "extentid": "extent_id",
        "current_cursor": "cursor_current", "to_utf8": "unicode_codepoints_from_string",
        "make_string": "unicode_codepoints_to_string", "ai_embed_text": "ai_embeddings",
    ]

    /// What a plain rename would get wrong, for the deprecated names where that is more than the name.
    public static let deprecationNotes: [String: String] = [
        "replace": "replace(regex, rewrite, text) becomes replace_regex(text, regex, rewrite); use replace_string(text, lookup, rewrite) when the pattern is plain text",
        "weekofyear": "week_of_year() follows ISO 8601, so weeks around New Year may number differently",
        "any": "take_any() names unnamed result columns after the argument, without the any_ prefix",
        "argmax": "arg_max() names the returned columns without the max_<column>_ prefix",
        "argmin": "arg_min() names the returned columns without the min_<column>_ prefix",
        "makelist": "make_list() returns up to 1048576 values by default (makelist: 128)",
        "makeset": "make_set() returns up to 1048576 values by default (makeset: 128)",
        "make_dictionary": "make_bag() returns up to 1048576 keys by default (make_dictionary: 128)",
    ]

    /// Names documented as equivalent to another function, not deprecated: no warning is due.
    public static let synonyms: [String: String] = [
        "iif": "iff", "extractjson": "extract_json", "toboolean": "tobool", "todouble": "toreal",
        "array_iif": "array_iff",
    ]

    /// Deprecated tabular-operator spellings and the current ones.
    public static let deprecatedOperatorAliases: [String: String] = ["mvexpand": "mv-expand", "mvapply": "mv-apply"]

    /// The number of entries of each kind.
    public static var countsByKind: [FunctionKind: Int] {
        functions.values.reduce(into: [:]) { counts, entry in counts[entry.kind, default: 0] += 1 }
    }

    // MARK: - Entries

    private static func scalar(_ name: String, _ min: Int, _ max: Int?) -> FunctionInfo {
        FunctionInfo(name: name, kind: .scalar, arity: Arity(min, max))
    }

    private static func window(_ name: String, _ min: Int, _ max: Int?) -> FunctionInfo {
        FunctionInfo(name: name, kind: .window, arity: Arity(min, max))
    }

    private static func tabular(_ name: String, _ min: Int, _ max: Int?, huntingOnly: Bool = false) -> FunctionInfo {
        FunctionInfo(name: name, kind: .tabular, arity: Arity(min, max), isAdvancedHuntingOnly: huntingOnly)
    }

    private static func plugin(_ name: String, _ min: Int, _ max: Int?) -> FunctionInfo {
        FunctionInfo(name: name, kind: .plugin, arity: Arity(min, max))
    }

    private static func aggregate(
        _ name: String, _ min: Int, _ max: Int?, _ naming: ResultNaming, scalar: Arity? = nil
    ) -> FunctionInfo {
        FunctionInfo(name: name, kind: .aggregate, arity: Arity(min, max), scalarArity: scalar, resultNaming: naming)
    }

    private static var entries: [FunctionInfo] {
        stringFunctions + conversionFunctions + dateTimeFunctions + dynamicFunctions + mathFunctions
            + seriesFunctions + ipAndHashFunctions + geoFunctions + otherScalarFunctions + windowFunctions
            + aggregateFunctions + tabularFunctions + plugins
    }

    private static let stringFunctions: [FunctionInfo] = [
        scalar("strcat", 1, nil), scalar("strcat_array", 2, 2), scalar("array_strcat", 2, 2),
        scalar("strcat_delim", 3, nil), scalar("strcmp", 2, 2), scalar("strrep", 2, 3), scalar("strlen", 1, 1),
        scalar("string_size", 1, 1), scalar("toupper", 1, 1), scalar("tolower", 1, 1), scalar("to_utf8", 1, 1),
        scalar("unicode_codepoints_from_string", 1, 1), scalar("unicode_codepoints_to_string", 1, nil),
        scalar("make_string", 1, nil), scalar("substring", 2, 3), scalar("regex_quote", 1, 1),
        scalar("indexof", 2, 5), scalar("indexof_regex", 2, 5), scalar("has_any_index", 2, 2),
        scalar("reverse", 1, 1), scalar("split", 2, 3), scalar("parse_command_line", 2, 2),
        scalar("extract", 3, 4), scalar("extractall", 2, 3), scalar("extract_all", 2, 3),
        scalar("extractjson", 2, 3), scalar("extract_json", 2, 3), scalar("replace", 3, 3),
        scalar("replace_regex", 3, 3), scalar("replace_string", 3, 3), scalar("replace_strings", 3, 3),
        scalar("trim", 2, 2), scalar("trim_start", 2, 2), scalar("trim_end", 2, 2), scalar("countof", 2, 3),
        scalar("translate", 3, 3), scalar("punycode_from_string", 1, 1), scalar("punycode_to_string", 1, 1),
        scalar("isempty", 1, 1), scalar("isnotempty", 1, 1), scalar("notempty", 1, 1), scalar("isascii", 1, 1),
        scalar("isutf8", 1, 1), scalar("url_encode", 1, 1), scalar("url_encode_component", 1, 1),
        scalar("url_decode", 1, 1), scalar("base64_encodestring", 1, 1), scalar("base64_encode_tostring", 1, 1),
        scalar("base64_decodestring", 1, 1), scalar("base64_decode_tostring", 1, 1),
        scalar("base64_decode_toarray", 1, 1), scalar("base64_decode_toguid", 1, 1),
        scalar("base64_encode_fromguid", 1, 1), scalar("base64_encode_fromarray", 1, 1),
        scalar("zlib_compress_to_base64_string", 1, 1), scalar("zlib_decompress_from_base64_string", 1, 1),
        scalar("gzip_compress_to_base64_string", 1, 1), scalar("gzip_decompress_from_base64_string", 1, 1),
        scalar("parse_csv", 1, 1), scalar("parsejson", 1, 1), scalar("parse_json", 1, 1), scalar("parse_xml", 1, 1),
        scalar("parseurl", 1, 1), scalar("parse_url", 1, 1), scalar("parseurlquery", 1, 1),
        scalar("parse_urlquery", 1, 1), scalar("parse_path", 1, 1), scalar("parse_user_agent", 1, 2),
        scalar("parse_version", 1, 1),
    ]

    private static let conversionFunctions: [FunctionInfo] = [
        scalar("tostring", 1, 1), scalar("tohex", 1, 2), scalar("todynamic", 1, 1), scalar("toobject", 1, 1),
        scalar("tolong", 1, 1), scalar("toint", 1, 1), scalar("toreal", 1, 1), scalar("todouble", 1, 1),
        scalar("todatetime", 1, 1), scalar("totimespan", 1, 1), scalar("totime", 1, 1), scalar("tobool", 1, 1),
        scalar("toboolean", 1, 1), scalar("todecimal", 1, 1), scalar("toguid", 1, 1), scalar("gettype", 1, 1),
        scalar("dynamic_to_json", 1, 1),
    ]

    private static let dateTimeFunctions: [FunctionInfo] = [
        scalar("ago", 1, 1), scalar("now", 0, 1), scalar("format_datetime", 2, 2), scalar("format_timespan", 2, 2),
        scalar("make_datetime", 1, 6), scalar("make_timespan", 1, 4), scalar("datetime_add", 3, 3),
        scalar("datetime_diff", 3, 3), scalar("datetime_part", 2, 2), scalar("datepart", 2, 2),
        scalar("datetime_local_to_utc", 2, 2), scalar("datetime_utc_to_local", 2, 2),
        scalar("datetime_list_timezones", 0, 0), scalar("dayofweek", 1, 1), scalar("dayofmonth", 1, 1),
        scalar("dayofyear", 1, 1), scalar("hourofday", 1, 1), scalar("weekofyear", 1, 1),
        scalar("week_of_year", 1, 1), scalar("monthofyear", 1, 1), scalar("getyear", 1, 1), scalar("getmonth", 1, 1),
        scalar("startofday", 1, 2), scalar("startofweek", 1, 2), scalar("startofmonth", 1, 2),
        scalar("startofyear", 1, 2), scalar("endofday", 1, 2), scalar("endofweek", 1, 2), scalar("endofmonth", 1, 2),
        scalar("endofyear", 1, 2), scalar("unixtime_seconds_todatetime", 1, 1),
        scalar("unixtime_milliseconds_todatetime", 1, 1), scalar("unixtime_microseconds_todatetime", 1, 1),
        scalar("unixtime_nanoseconds_todatetime", 1, 1), scalar("bin", 2, 2), scalar("floor", 2, 2),
        scalar("bin_at", 3, 3),
    ]

    private static let dynamicFunctions: [FunctionInfo] = [
        scalar("array_length", 1, 1), scalar("arraylength", 1, 1), scalar("array_reverse", 1, 1),
        scalar("array_concat", 1, nil), scalar("array_iff", 3, 3), scalar("array_iif", 3, 3),
        scalar("array_index_of", 2, 5), scalar("array_slice", 3, 3), scalar("array_split", 2, 2),
        scalar("array_shift_left", 2, 3), scalar("array_shift_right", 2, 3), scalar("array_rotate_left", 2, 2),
        scalar("array_rotate_right", 2, 2), scalar("array_sort_asc", 1, nil), scalar("array_sort_desc", 1, nil),
        scalar("array_sum", 1, 1), scalar("bag_has_key", 2, 2), scalar("bag_keys", 1, 1), scalar("bag_merge", 2, nil),
        scalar("bag_pack", 2, nil), scalar("bag_pack_columns", 1, nil), scalar("bag_remove_keys", 2, 2),
        scalar("bag_set_key", 3, 3), scalar("bag_zip", 2, 2), scalar("pack", 2, nil), scalar("pack_dictionary", 2, nil),
        scalar("pack_all", 0, 1), scalar("pack_array", 1, nil), scalar("jaccard_index", 2, 2), scalar("repeat", 2, 2),
        scalar("range", 2, 3), scalar("set_difference", 2, nil), scalar("set_has_element", 2, 2),
        scalar("set_intersect", 2, nil), scalar("set_union", 2, nil), scalar("treepath", 1, 1), scalar("zip", 2, nil),
    ]

    private static let mathFunctions: [FunctionInfo] = [
        scalar("abs", 1, 1), scalar("acos", 1, 1), scalar("asin", 1, 1), scalar("atan", 1, 1), scalar("atan2", 2, 2),
        scalar("beta_cdf", 3, 3), scalar("beta_inv", 3, 3), scalar("beta_pdf", 3, 3), scalar("ceiling", 1, 1),
        scalar("cos", 1, 1), scalar("cot", 1, 1), scalar("degrees", 1, 1), scalar("erf", 1, 1), scalar("erfc", 1, 1),
        scalar("exp", 1, 1), scalar("exp2", 1, 1), scalar("exp10", 1, 1), scalar("gamma", 1, 1),
        scalar("isfinite", 1, 1), scalar("isinf", 1, 1), scalar("isnan", 1, 1), scalar("log", 1, 1),
        scalar("log2", 1, 1), scalar("log10", 1, 1), scalar("loggamma", 1, 1), scalar("pi", 0, 0), scalar("pow", 2, 2),
        scalar("radians", 1, 1), scalar("rand", 0, 1), scalar("round", 1, 2), scalar("sign", 1, 1),
        scalar("sin", 1, 1), scalar("sqrt", 1, 1), scalar("tan", 1, 1), scalar("welch_test", 6, 6),
        scalar("binary_and", 2, 2), scalar("binary_or", 2, 2), scalar("binary_xor", 2, 2), scalar("binary_not", 1, 1),
        scalar("binary_shift_left", 2, 2), scalar("binary_shift_right", 2, 2), scalar("bitset_count_ones", 1, 1),
        scalar("convert_angle", 3, 3), scalar("convert_energy", 3, 3), scalar("convert_force", 3, 3),
        scalar("convert_length", 3, 3), scalar("convert_mass", 3, 3), scalar("convert_speed", 3, 3),
        scalar("convert_temperature", 3, 3), scalar("convert_volume", 3, 3),
    ]

    private static let seriesFunctions: [FunctionInfo] = {
        let unary = [
            "abs", "acos", "asin", "atan", "ceiling", "cos", "exp", "floor", "log", "sign", "sin", "tan", "magnitude",
            "sum", "fit_line", "fit_line_dynamic", "fit_2lines", "fit_2lines_dynamic",
        ]
        let binary = [
            "add", "subtract", "multiply", "divide", "pow", "greater", "greater_equals", "less", "less_equals", "equals",
            "not_equals", "pearson_correlation", "cosine_similarity", "dot_product",
        ]
        return unary.map { scalar("series_" + $0, 1, 1) } + binary.map { scalar("series_" + $0, 2, 2) } + [
            scalar("series_decompose", 1, 5), scalar("series_decompose_anomalies", 1, 7),
            scalar("series_decompose_forecast", 2, 5), scalar("series_fft", 1, 2), scalar("series_ifft", 1, 2),
            scalar("series_fill_backward", 1, 2), scalar("series_fill_forward", 1, 2), scalar("series_fill_const", 1, 3),
            scalar("series_fill_linear", 1, 4), scalar("series_fir", 2, 4), scalar("series_fit_poly", 1, 3),
            scalar("series_iir", 3, 3), scalar("series_outliers", 1, 6), scalar("series_periods_detect", 4, 4),
            scalar("series_periods_validate", 2, 17), scalar("series_seasonal", 1, 3), scalar("series_stats", 1, 2),
            scalar("series_stats_dynamic", 1, 2), scalar("dcount_hll", 1, 1), scalar("percentile_tdigest", 2, 3),
            scalar("percentile_array_tdigest", 2, nil), scalar("percentiles_array_tdigest", 2, nil),
            scalar("percentrank_tdigest", 2, 2), scalar("rank_tdigest", 2, 2),
        ]
    }()

    private static let ipAndHashFunctions: [FunctionInfo] = [
        scalar("parse_ipv4", 1, 1), scalar("parse_ipv4_mask", 2, 2), scalar("parse_ipv6", 1, 1),
        scalar("parse_ipv6_mask", 2, 2), scalar("format_ipv4", 1, 2), scalar("format_ipv4_mask", 1, 2),
        scalar("ipv4_compare", 2, 3), scalar("ipv4_is_match", 2, 3), scalar("ipv4_is_in_range", 2, 2),
        scalar("ipv4_is_in_any_range", 2, nil), scalar("ipv4_is_private", 1, 1), scalar("ipv4_netmask_suffix", 1, 1),
        scalar("ipv4_range_to_cidr_list", 2, 2), scalar("ipv6_compare", 2, 3), scalar("ipv6_is_match", 2, 3),
        scalar("ipv6_is_in_range", 2, 2), scalar("ipv6_is_in_any_range", 2, nil), scalar("has_ipv4", 2, 2),
        scalar("has_ipv4_prefix", 2, 2), scalar("has_any_ipv4", 2, nil), scalar("has_any_ipv4_prefix", 2, nil),
        scalar("geo_info_from_ip_address", 1, 1), scalar("hash", 1, 2), scalar("hash_xxhash64", 1, 2),
        scalar("hash_md5", 1, 1), scalar("hash_sha1", 1, 1), scalar("hash_sha256", 1, 1),
        scalar("hash_combine", 2, nil), scalar("hash_many", 1, nil),
    ]

    private static let geoFunctions: [FunctionInfo] = [
        scalar("geo_distance_2points", 4, 4), scalar("geo_distance_point_to_line", 3, 3),
        scalar("geo_distance_point_to_polygon", 3, 3), scalar("geo_point_in_circle", 5, 5),
        scalar("geo_point_in_polygon", 3, 3), scalar("geo_intersects_2lines", 2, 2),
        scalar("geo_intersects_2polygons", 2, 2), scalar("geo_intersects_line_with_polygon", 2, 2),
        scalar("geo_intersection_2lines", 2, 2), scalar("geo_intersection_2polygons", 2, 2),
        scalar("geo_intersection_line_with_polygon", 2, 2), scalar("geo_point_buffer", 3, 4),
        scalar("geo_line_buffer", 2, 3), scalar("geo_polygon_buffer", 2, 3), scalar("geo_line_centroid", 1, 1),
        scalar("geo_line_densify", 1, 3), scalar("geo_line_length", 1, 1), scalar("geo_line_simplify", 1, 2),
        scalar("geo_line_to_s2cells", 1, 3), scalar("geo_polygon_area", 1, 1), scalar("geo_polygon_centroid", 1, 1),
        scalar("geo_polygon_densify", 1, 3), scalar("geo_polygon_perimeter", 1, 1),
        scalar("geo_polygon_simplify", 1, 2), scalar("geo_polygon_to_s2cells", 1, 3),
        scalar("geo_simplify_polygons_array", 1, 2), scalar("geo_union_lines_array", 1, 1),
        scalar("geo_union_polygons_array", 1, 1), scalar("geo_point_to_geohash", 2, 3),
        scalar("geo_point_to_s2cell", 2, 3), scalar("geo_point_to_h3cell", 2, 3),
        scalar("geo_geohash_to_central_point", 1, 1), scalar("geo_geohash_to_polygon", 1, 1),
        scalar("geo_geohash_neighbors", 1, 1), scalar("geo_s2cell_to_central_point", 1, 1),
        scalar("geo_s2cell_to_polygon", 1, 1), scalar("geo_s2cell_neighbors", 1, 1),
        scalar("geo_h3cell_to_central_point", 1, 1), scalar("geo_h3cell_to_polygon", 1, 1),
        scalar("geo_h3cell_neighbors", 1, 1), scalar("geo_h3cell_children", 1, 2), scalar("geo_h3cell_parent", 1, 2),
        scalar("geo_h3cell_rings", 2, 2), scalar("geo_h3cell_level", 1, 1),
    ]

    private static let otherScalarFunctions: [FunctionInfo] = [
        scalar("iff", 3, 3), scalar("iif", 3, 3), scalar("case", 3, nil), scalar("coalesce", 2, nil),
        scalar("max_of", 2, nil), scalar("min_of", 2, nil), scalar("not", 1, 1), scalar("isnull", 1, 1),
        scalar("isnotnull", 1, 1), scalar("notnull", 1, 1), scalar("column_ifexists", 2, 2),
        scalar("columnifexists", 2, 2), scalar("around", 3, 3), scalar("assert", 2, 2), scalar("new_guid", 0, 0),
        scalar("format_bytes", 1, 3), scalar("toscalar", 1, 1), scalar("current_cluster_endpoint", 0, 0),
        scalar("current_database", 0, 0), scalar("current_principal", 0, 0), scalar("current_principal_details", 0, 0),
        scalar("current_principal_is_member_of", 1, nil), scalar("cursor_after", 1, 1),
        scalar("cursor_before_or_at", 1, 1), scalar("cursor_current", 0, 0), scalar("current_cursor", 0, 0),
        scalar("estimate_data_size", 1, nil), scalar("extent_id", 0, 0), scalar("extentid", 0, 0),
        scalar("extent_tags", 0, 0), scalar("ingestion_time", 0, 0),
    ]

    private static let windowFunctions: [FunctionInfo] = [
        window("prev", 1, 3), window("next", 1, 3), window("row_number", 0, 2), window("row_cumsum", 1, 2),
        window("row_rank", 1, 1), window("row_rank_dense", 1, 2), window("row_rank_min", 1, 2),
        window("row_window_session", 3, 4),
    ]

    private static let aggregateFunctions: [FunctionInfo] = [
        aggregate("count", 0, 1, .prefixed("count")), aggregate("cnt", 0, 0, .prefixed("cnt")),
        aggregate("countif", 1, 1, .prefixed("countif")), aggregate("count_distinct", 1, 1, .prefixed("count_distinct")),
        aggregate("count_distinctif", 2, 2, .prefixed("count_distinctif")), aggregate("dcount", 1, 2, .prefixed("dcount")),
        aggregate("dcountif", 2, 3, .prefixed("dcountif")), aggregate("sum", 1, 1, .prefixed("sum")),
        aggregate("sumif", 2, 2, .prefixed("sumif")), aggregate("avg", 1, 1, .prefixed("avg")),
        aggregate("avgif", 2, 2, .prefixed("avgif")), aggregate("min", 1, 1, .prefixed("min")),
        aggregate("minif", 2, 2, .prefixed("minif")), aggregate("max", 1, 1, .prefixed("max")),
        aggregate("maxif", 2, 2, .prefixed("maxif")), aggregate("stdev", 1, 1, .prefixed("stdev")),
        aggregate("stdevif", 2, 2, .prefixed("stdevif")), aggregate("stdevp", 1, 1, .prefixed("stdevp")),
        aggregate("variance", 1, 1, .prefixed("variance")), aggregate("varianceif", 2, 2, .prefixed("varianceif")),
        aggregate("variancep", 1, 1, .prefixed("variancep")), aggregate("variancepif", 2, 2, .prefixed("variancepif")),
        aggregate("covariance", 2, 2, .argumentDependent), aggregate("covarianceif", 3, 3, .argumentDependent),
        aggregate("covariancep", 2, 2, .argumentDependent), aggregate("covariancepif", 3, 3, .argumentDependent),
        aggregate("make_list", 1, 2, .prefixed("list")), aggregate("makelist", 1, 2, .prefixed("list")),
        aggregate("make_list_if", 2, 3, .prefixed("list")), aggregate("make_list_with_nulls", 1, 1, .prefixed("list")),
        aggregate("make_set", 1, 2, .prefixed("set")), aggregate("makeset", 1, 2, .prefixed("set")),
        aggregate("make_set_if", 2, 3, .prefixed("set")), aggregate("make_bag", 1, 2, .prefixed("bag")),
        aggregate("make_bag_if", 2, 3, .prefixed("bag")), aggregate("make_dictionary", 1, 2, .prefixed("dictionary")),
        aggregate("buildschema", 1, 1, .prefixed("schema")), aggregate("arg_max", 2, nil, .argumentDependent),
        aggregate("arg_min", 2, nil, .argumentDependent), aggregate("argmax", 1, nil, .argumentDependent),
        aggregate("argmin", 1, nil, .argumentDependent), aggregate("take_any", 1, nil, .argumentDependent),
        aggregate("take_anyif", 2, 2, .firstArgument), aggregate("any", 1, nil, .argumentDependent),
        aggregate("anyif", 2, 2, .prefixed("anyif")), aggregate("percentile", 2, 2, .argumentDependent),
        aggregate("percentiles", 2, nil, .argumentDependent), aggregate("percentiles_array", 2, nil, .argumentDependent),
        aggregate("percentilew", 3, 3, .argumentDependent), aggregate("percentilesw", 3, nil, .argumentDependent),
        aggregate("percentilesw_array", 3, nil, .argumentDependent), aggregate("tdigest", 1, 2, .prefixed("tdigest")),
        aggregate("tdigest_merge", 1, 1, .prefixed("merge_tdigests"), scalar: Arity(2, 16)),
        aggregate("merge_tdigest", 1, 1, .prefixed("merge_tdigests"), scalar: Arity(2, 16)),
        aggregate("hll", 1, 2, .prefixed("hll")), aggregate("hll_if", 2, 3, .prefixed("hll_if")),
        aggregate("hll_merge", 1, 1, .prefixed("hll_merge"), scalar: Arity(2, 16)),
        aggregate("binary_all_and", 1, 1, .firstArgument), aggregate("binary_all_or", 1, 1, .firstArgument),
        aggregate("binary_all_xor", 1, 1, .firstArgument),
    ]

    private static let tabularFunctions: [FunctionInfo] = [
        tabular("materialize", 1, 1), tabular("table", 1, 2), tabular("database", 1, 1), tabular("cluster", 1, 1),
        tabular("external_table", 1, 2), tabular("materialized_view", 1, 2), tabular("stored_query_result", 1, 1),
        // Cross-service queries from Azure Data Explorer; advanced hunting does not allow them.
        tabular("arg", 1, 1), tabular("adx", 1, 1),
        // Advanced-hunting functions: enrichment functions called with `invoke` on the rows so far,
        // and AssignedIPAddresses(), which starts a query.
        tabular("FileProfile", 0, 2, huntingOnly: true), tabular("SeenBy", 0, 1, huntingOnly: true),
        tabular("DeviceFromIP", 0, 2, huntingOnly: true), tabular("AssignedIPAddresses", 1, 2, huntingOnly: true),
        tabular("GetAnomalousBehaviorsAbout", 1, 1, huntingOnly: true),
        tabular("GetAnomalousBehaviorsByKind", 1, 2, huntingOnly: true),
        tabular("GetAnomalousBehaviorsByValue", 1, 2, huntingOnly: true),
        tabular("GetFirstSeenBehaviors", 0, 0, huntingOnly: true),
        tabular("GetHighVolumeAnomalyBehaviors", 0, 0, huntingOnly: true),
        tabular("GetUncommonValueBehaviors", 0, 0, huntingOnly: true),
    ]

    private static let plugins: [FunctionInfo] = [
        plugin("bag_unpack", 1, 4), plugin("pivot", 1, nil), plugin("narrow", 0, 0), plugin("autocluster", 0, nil),
        plugin("basket", 0, nil), plugin("diffpatterns", 3, nil), plugin("dcount_intersect", 2, nil),
        plugin("active_users_count", 8, nil), plugin("activity_counts_metrics", 5, nil),
        plugin("activity_engagement", 4, nil), plugin("activity_metrics", 2, nil), plugin("new_activity_metrics", 5, nil),
        plugin("funnel_sequence", 8, 8), plugin("funnel_sequence_completion", 8, 8), plugin("rolling_percentile", 5, nil),
        plugin("rows_near", 2, 3), plugin("sequence_detect", 4, nil), plugin("session_count", 6, nil),
        plugin("sliding_window_counts", 6, nil), plugin("schema_merge", 1, 1), plugin("preview", 1, 1),
        plugin("estimate_rows_count", 0, 0), plugin("infer_storage_schema", 1, 1),
        plugin("infer_storage_schema_with_suggestions", 1, 1), plugin("ipv4_lookup", 3, nil), plugin("ipv6_lookup", 3, 4),
        plugin("geo_polygon_lookup", 4, 8), plugin("geo_line_lookup", 5, 8), plugin("http_request", 1, 3),
        plugin("http_request_post", 1, 4), plugin("sql_request", 2, 4), plugin("mysql_request", 2, 4),
        plugin("postgresql_request", 2, 4), plugin("cosmosdb_sql_request", 2, 4),
        plugin("azure_digital_twins_query_request", 2, 2), plugin("execute_query", 2, 2),
        plugin("execute_show_command", 2, 2), plugin("external_datatable", 0, 0), plugin("python", 2, 4),
        plugin("r", 2, 3), plugin("ai_embeddings", 2, 4), plugin("ai_embed_text", 2, 4), plugin("ai_chat_completion", 2, 4),
        plugin("ai_chat_completion_prompt", 2, 4),
    ]
}
