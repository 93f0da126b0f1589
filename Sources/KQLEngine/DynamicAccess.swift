import KQL

/// Reading inside `dynamic` values: `d.key`, `d['key']`, `d[0]`, `d[-1]`, and moving between
/// plain values and dynamic ones.
enum DynamicAccess {
    /// `value.key`: the property of a bag; null for anything else.
    static func member(_ value: KQLValue, _ key: String) -> KQLDynamic {
        guard case .dynamic(.bag(let pairs)) = value else { return .null }
        return pairs.first { $0.key == key }?.value ?? .null
    }

    /// `value[index]`: an array element (negative counts from the end) or a bag property.
    static func index(_ value: KQLValue, _ index: KQLValue) -> KQLDynamic {
        guard case .dynamic(let d) = value else { return .null }
        switch (d, ValueSemantics.unwrap(index)) {
        case (.array(let items), let i) where ValueSemantics.integer(i) != nil:
            var n = Int(ValueSemantics.integer(i)!)
            if n < 0 { n += items.count }
            return items.indices.contains(n) ? items[n] : .null
        case (.bag, .string(let key)):
            return member(value, key)
        default:
            return .null
        }
    }

    /// A plain value as a dynamic one (for `make_set`, `pack_all`, `bag_pack`).
    static func dynamic(from value: KQLValue) -> KQLDynamic { KQLDynamic(value) }

    /// A dynamic scalar as a plain value; arrays and bags stay dynamic.
    static func value(from dynamic: KQLDynamic) -> KQLValue {
        ValueSemantics.unwrap(.dynamic(dynamic))
    }
}
