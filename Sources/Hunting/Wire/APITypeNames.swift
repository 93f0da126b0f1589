public import KQL

/// The .NET-style type names the advanced-hunting APIs write in `schema[].type` (spec §6).
extension KQLScalarType {
    /// The KQL type for a column type name from a response, compared without regard to case.
    ///
    /// Besides the names in spec §6 (`String`, `Int32`, `Int64`, `Double`, `Boolean`, `DateTime`,
    /// `Guid`, `TimeSpan`, `Object`, `Decimal`), this reads the rest of the legacy Power BI map
    /// (`Int16`, `UInt16`, `Byte` → `int`; `UInt32`, `UInt64` → `long`; `Single` → `real`;
    /// `SByte` → `bool`, the legacy name for boolean columns), `Dynamic`, `SqlDecimal`,
    /// `DateTimeOffset`, a `System.` prefix, and KQL's own names (`long`, `bool`, …).
    /// An unknown name gives `string`: the decoder keeps such cells as text and never fails on a type.
    ///
    /// `UInt64` maps to `long`, so a cell above `Int64.max` decodes as null rather than losing
    /// digits; the service emits such values only for unsigned .NET sources, which hunting tables
    /// do not have.
    /// - Parameter apiTypeName: the name as the response spells it.
    public init(apiTypeName: some StringProtocol) {
        var name = apiTypeName.lowercased()
        if name.hasPrefix("system.") { name.removeFirst("system.".count) }
        switch name {
        case "string": self = .string
        case "datetime", "datetimeoffset": self = .datetime
        case "int32", "int16", "uint16", "byte": self = .int
        case "int64", "uint32", "uint64": self = .long
        case "double", "single": self = .real
        case "boolean", "sbyte": self = .bool
        case "guid": self = .guid
        case "timespan": self = .timespan
        case "object", "dynamic": self = .dynamic
        case "decimal", "sqldecimal": self = .decimal
        default: self = KQLScalarType(kqlName: name) ?? .string
        }
    }

    /// The type name our emulator writes in `schema[].type` for this KQL type (spec §6 table).
    public var apiTypeName: String {
        switch self {
        case .string: "String"
        case .int: "Int32"
        case .long: "Int64"
        case .real: "Double"
        case .bool: "Boolean"
        case .datetime: "DateTime"
        case .guid: "Guid"
        case .timespan: "TimeSpan"
        case .dynamic: "Object"
        case .decimal: "Decimal"
        }
    }
}
