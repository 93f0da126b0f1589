public import KQL

extension KQLValue {
    /// The value as Kusto's `tostring()` writes it: strings as they are, nulls as `""`, dynamic
    /// values as compact JSON (a dynamic string without quotes).
    public var kqlString: String {
        switch self {
        case .null: ""
        case .bool(let v): v ? "true" : "false"
        case .int(let v): String(v)
        case .long(let v): String(v)
        case .real(let v): String(v)
        case .decimal(let v): v.description
        case .string(let v): v
        case .datetime(let v): v.iso8601
        case .timespan(let v): v.constantFormat
        case .guid(let v): v.uuidString.lowercased()
        case .dynamic(.string(let s)): s
        case .dynamic(.null): ""
        case .dynamic(let v): v.json
        }
    }
}
