import KQL

/// Generates one table: benign noise from the world, then the story rows, sorted by time.
struct Generator {
    var world: World
    let config: SampleTenantConfiguration
    let table: String
    var g: SplitMix64
    let start: Int64
    let end: Int64
    var set = EventSet()
    /// Table-specific text pools, indexed by `Event.item` or `Event.action`.
    var actions: [String] = []
    var pools: [String: [String]] = [:]
    /// Whether each process kind runs as SYSTEM (looked up per cell, so kept flat).
    let systemProcess: [Bool]

    static let tick = KQLDateTime.ticksPerSecond
    static let hour = 3600 * KQLDateTime.ticksPerSecond
    static let minute = 60 * KQLDateTime.ticksPerSecond
    /// Hours of the day weighted by activity: office hours are busiest.
    static let hours: [Int64] = {
        let weights = [1, 1, 1, 1, 1, 1, 2, 4, 9, 10, 10, 9, 6, 9, 10, 10, 8, 5, 3, 2, 2, 2, 1, 1]
        return weights.enumerated().flatMap { h, w in Array(repeating: Int64(h), count: w) }
    }()

    init(world: World, config: SampleTenantConfiguration, table: String) {
        self.world = world
        self.config = config
        self.table = table
        systemProcess = world.processes.map(\.runsAsSystem)
        g = SplitMix64(seed: SplitMix64.derive(config.seed, table))
        end = config.end.ticks
        start = end - Int64(config.days) * KQLDateTime.ticksPerDay
    }

    /// The events in time order, ties kept in the order they were made: a stable LSD radix sort
    /// of (time, index) keys, 11 bits a pass, skipping the passes where every key has the same
    /// digit; then each event is moved once.
    static func sortedByTime(_ events: [Event]) -> [Event] {
        guard events.count > 1, let low = events.lazy.map(\.time).min() else { return events }
        var keys = events.map { UInt64(bitPattern: $0.time &- low) }
        var order = Array(0..<events.count)
        var nextKeys = keys, nextOrder = order
        let maxKey = keys.max() ?? 0
        var shift: UInt64 = 0
        while shift < 64, maxKey >> shift != 0 {
            var counts = [Int](repeating: 0, count: 2049)
            for key in keys { counts[Int((key >> shift) & 2047) + 1] += 1 }
            if counts[1...].contains(events.count) { shift += 11; continue }
            for i in 1..<2049 { counts[i] += counts[i - 1] }
            for i in 0..<keys.count {
                let digit = Int((keys[i] >> shift) & 2047)
                let at = counts[digit]
                counts[digit] += 1
                nextKeys[at] = keys[i]
                nextOrder[at] = order[i]
            }
            swap(&keys, &nextKeys)
            swap(&order, &nextOrder)
            shift += 11
        }
        return order.map { events[$0] }
    }

    /// A time in the window with the daily rhythm.
    mutating func randomTime() -> Int64 {
        let day = Int64(g.below(config.days))
        let hour = Self.hours[g.below(Self.hours.count)]
        return start + day * KQLDateTime.ticksPerDay + hour * Self.hour + Int64(g.below(3600 * 10_000_000))
    }

    /// Events per device-day scaled by the configuration.
    func perDeviceDay(_ base: Double) -> Int {
        Int((base * config.eventScale * Double(config.days) * Double(world.devices.count)).rounded())
    }

    mutating func randomDevice() -> Int { g.below(world.devices.count) }

    /// The user working on a device: its primary user, or a random admin on servers.
    mutating func userOf(device d: Int) -> Int {
        let p = world.devices[d].primaryUser
        if p >= 0 { return p }
        let admins = max(world.users.count / 10, 1)
        return g.below(admins)
    }

    mutating func pick<T>(_ weighted: [(T, Int)]) -> T {
        let total = weighted.reduce(0) { $0 + $1.1 }
        var r = g.below(total)
        for (v, w) in weighted {
            if r < w { return v }
            r -= w
        }
        return weighted[0].0
    }

    func p(_ name: String) -> Int32 { Int32(world.process(name)) }

    func actionIndex(_ name: String) -> Int16 { Int16(actions.firstIndex(of: name)!) }

    mutating func generate() -> KQLTable? {
        guard let schema = HuntingSchema.defender.table(named: table) else { return nil }
        switch table {
        case "DeviceProcessEvents": processNoise()
        case "DeviceNetworkEvents": networkNoise()
        case "DeviceFileEvents": fileNoise()
        case "DeviceImageLoadEvents": imageLoadNoise()
        case "DeviceRegistryEvents": registryNoise()
        case "DeviceEvents": deviceEventNoise()
        case "DeviceLogonEvents": logonNoise()
        case "DeviceInfo": deviceInfoNoise()
        case "DeviceNetworkInfo": networkInfoNoise()
        case "EmailEvents": emailNoise()
        case "AlertInfo", "AlertEvidence": alertNoise()
        case "IdentityLogonEvents": identityNoise()
        default: break
        }
        if config.attackStories {
            let stories = Stories(world: world, end: end)
            stories.plant(into: &self)
        }
        set.events = Self.sortedByTime(set.events)
        return set.build(schema: schema) { getter(for: $0) }
    }
}
