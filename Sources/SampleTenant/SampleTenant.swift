public import KQL

/// A synthetic Microsoft Defender tenant: every advanced-hunting table of the schema, filled with
/// deterministic benign activity and (optionally) attack stories that trip the starter queries.
///
/// Tables are generated on demand, each from its own seed (the base seed mixed with the table
/// name), so they are independent of each other and of the order they are asked for. Rows are
/// sorted by `Timestamp` ascending.
public struct SampleTenant: Sendable {
    /// The configuration the tenant was generated from.
    public let configuration: SampleTenantConfiguration
    let world: World

    /// Creates a tenant; the fixed world (devices, users, files) is built now, tables on request.
    /// - Parameter configuration: size, seed, window and whether attack stories are planted.
    public init(_ configuration: SampleTenantConfiguration = SampleTenantConfiguration()) {
        self.configuration = configuration
        world = World(seed: configuration.seed, deviceCount: configuration.devices, userCount: configuration.users)
    }

    /// The names of the generated tables, as in the hunting schema.
    public var tableNames: [String] { HuntingSchema.defender.tables.map(\.name) }

    /// Generates one table.
    /// - Parameter name: a table name of the schema (exact spelling).
    /// - Returns: the table, or `nil` when the schema has no such table.
    public func table(named name: String) -> KQLTable? {
        var generator = Generator(world: world, config: configuration, table: name)
        return generator.generate()
    }

    /// Generates every table at once (memory grows with all of them; prefer `table(named:)`).
    /// - Returns: the tables by name.
    public func tables() -> [String: KQLTable] {
        var result: [String: KQLTable] = [:]
        for name in tableNames { result[name] = table(named: name) }
        return result
    }

    /// The device names, in the world's order (servers first).
    public var deviceNames: [String] { world.devices.map(\.name) }
}
