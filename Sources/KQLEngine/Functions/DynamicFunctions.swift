import Foundation
import KQL

/// Functions over dynamic arrays and property bags, `range()`, `zip()` and `extract_json()`.
enum DynamicFunctions {
    static let all: [ScalarFunction] = arrays + sets + bags + [extractJSON, extractJSON.renamed("extractjson"), range]

    // MARK: Arrays

    static let arrays: [ScalarFunction] = {
        let length = ScalarFunction("array_length", arity: 1...1, returns: .long) { args, _ in
            Arguments.array(args[0]).map { .long(Int64($0.count)) } ?? .null(.long)
        }
        return [
            length, length.renamed("arraylength"),
            ScalarFunction("pack_array", arity: 1...1024, returns: .dynamic) { args, _ in
                .dynamic(.array(args.map(Arguments.dynamic)))
            },
            ScalarFunction("array_concat", arity: 1...64, returns: .dynamic) { args, _ in
                var items: [KQLDynamic] = []
                for arg in args {
                    guard let array = Arguments.array(arg) else { return .dynamic(.null) }
                    items += array
                }
                return .dynamic(.array(items))
            },
            ScalarFunction("array_reverse", arity: 1...1, returns: .dynamic) { args, _ in
                Arguments.array(args[0]).map { .dynamic(.array($0.reversed())) } ?? .dynamic(.null)
            },
            ScalarFunction("array_slice", arity: 3...3, returns: .dynamic) { args, _ throws(KQLFunctionError) in
                guard let items = Arguments.array(args[0]) else { return .dynamic(.null) }
                guard var start = try Arguments.integer(args[1], "array_slice"), var end = try Arguments.integer(args[2], "array_slice")
                else { return .dynamic(.null) }
                let n = Int64(items.count)
                if start < 0 { start += n }
                if end < 0 { end += n }
                // Out-of-bounds indices are ignored.
                start = max(start, 0)
                end = min(end, n - 1)
                guard start <= end else { return .dynamic(.array([])) }
                return .dynamic(.array(Array(items[Int(start)...Int(end)])))
            },
            ScalarFunction("array_index_of", arity: 2...5, returns: .long) { args, _ throws(KQLFunctionError) in
                guard let items = Arguments.array(args[0]) else { return .null(.long) }
                if args[1].isNull { return .null(.long) }
                let wanted = Arguments.dynamic(args[1])
                var start: Int64 = 0, length: Int64 = -1, occurrence: Int64 = 1
                if args.count > 2 {
                    guard let n = try Arguments.integer(args[2], "array_index_of") else { return .null(.long) }
                    start = n
                }
                if args.count > 3 {
                    guard let n = try Arguments.integer(args[3], "array_index_of") else { return .null(.long) }
                    length = n
                }
                if args.count > 4 {
                    guard let n = try Arguments.integer(args[4], "array_index_of") else { return .null(.long) }
                    occurrence = n
                }
                guard occurrence >= 0, length >= -1 else { return .null(.long) }
                guard occurrence > 0 else { throw KQLFunctionError("array_index_of() with occurrence 0", unsupported: true) }
                let n = Int64(items.count)
                if start < 0 { start = max(0, n + start) }
                guard start < n else { return .long(-1) }
                let end = length == -1 ? n : min(n, start + length)
                var seen: Int64 = 0
                for i in Int(start)..<Int(end) where items[i] == wanted {
                    seen += 1
                    if seen == occurrence { return .long(Int64(i)) }
                }
                return .long(-1)
            },
            sort("array_sort_asc", descending: false),
            sort("array_sort_desc", descending: true),
            ScalarFunction("array_sum", arity: 1...1, returns: .real) { args, _ in
                guard let items = Arguments.array(args[0]) else { return .null(.real) }
                var sum = 0.0
                for item in items {
                    switch item {
                    case .long(let v): sum += Double(v)
                    case .real(let v): sum += v
                    default: return .null(.real)  // "If the array contains elements of non-numeric types, the result is null."
                    }
                }
                return .real(sum)
            },
            ScalarFunction("strcat_array", arity: 2...2, returns: .string) { args, _ in
                guard let items = Arguments.array(args[0]) else { return .string("") }
                return .string(items.map(KQLFormat.string(of:)).joined(separator: args[1].kqlString))
            },
            ScalarFunction("zip", arity: 2...16, returns: .dynamic) { args, _ in
                var arrays: [[KQLDynamic]] = []
                for arg in args {
                    guard let items = Arguments.array(arg) else { return .dynamic(.null) }
                    arrays.append(items)
                }
                let count = arrays.map(\.count).max() ?? 0
                // Shorter arrays are padded with null.
                let rows = (0..<count).map { i in KQLDynamic.array(arrays.map { i < $0.count ? $0[i] : .null }) }
                return .dynamic(.array(rows))
            },
            ScalarFunction("repeat", arity: 2...2, returns: .dynamic) { args, _ throws(KQLFunctionError) in
                guard let count = try Arguments.integer(args[1], "repeat") else { return .dynamic(.null) }
                guard count >= 0 else { throw KQLFunctionError("repeat() with a negative count", unsupported: true) }
                guard count <= 1 << 20 else { throw KQLFunctionError("repeat() of more than 1048576 values", unsupported: true) }
                return .dynamic(.array(Array(repeating: Arguments.dynamic(args[0]), count: Int(count))))
            },
            rotate("array_rotate_left", left: true),
            rotate("array_rotate_right", left: false),
        ]
    }()

    /// `array_sort_asc(array [, nulls_last])`: numbers, datetimes and timespans first, then strings,
    /// then GUIDs, then everything else; nulls last unless `nulls_last` is false.
    static func sort(_ name: String, descending: Bool) -> ScalarFunction {
        ScalarFunction(name, arity: 1...3, returns: .dynamic) { args, _ throws(KQLFunctionError) in
            var nullsLast = true
            var arrays = args[...]
            if args.count > 1, case .bool(let b) = Arguments.unwrap(args[args.count - 1]) {
                nullsLast = b
                arrays = args.dropLast()
            }
            guard arrays.count == 1 else {
                throw KQLFunctionError("\(name)() of several arrays (its result is several columns)", unsupported: true)
            }
            guard let items = Arguments.array(args[0]) else { return .dynamic(.null) }
            func rank(_ d: KQLDynamic) -> Int {
                switch d {
                case .long, .real: 0
                case .datetime: 1
                case .timespan: 2
                case .string: 3
                case .guid: 4
                default: 5
                }
            }
            let ranks = Set(items.map(rank).filter { $0 < 3 })
            guard ranks.count <= 1 else {
                throw KQLFunctionError("\(name)() of an array mixing numbers, datetimes and timespans", unsupported: true)
            }
            let nulls = items.filter { $0 == .null }
            let values = items.filter { $0 != .null }
            let sorted = values.enumerated().sorted { a, b in
                let ra = rank(a.element), rb = rank(b.element)
                if ra != rb { return ra < rb }
                let order = compareElements(a.element, b.element)
                if order != 0 { return descending ? order > 0 : order < 0 }
                return a.offset < b.offset
            }.map(\.element)
            return .dynamic(.array(nullsLast ? sorted + nulls : nulls + sorted))
        }
    }

    /// Orders two array elements of the same rank; elements that do not order keep their places.
    static func compareElements(_ a: KQLDynamic, _ b: KQLDynamic) -> Int {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (a, b) {
        case let (.long(x), .long(y)): return sign(x, y)
        case let (.long(x), .real(y)): return sign(Double(x), y)
        case let (.real(x), .long(y)): return sign(x, Double(y))
        case let (.real(x), .real(y)): return sign(x, y)
        case let (.datetime(x), .datetime(y)): return sign(x, y)
        case let (.timespan(x), .timespan(y)): return sign(x, y)
        case let (.string(x), .string(y)): return x == y ? 0 : (x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1)
        case let (.guid(x), .guid(y)): return sign(x.uuidString.lowercased(), y.uuidString.lowercased())
        default: return 0
        }
    }

    /// `array_rotate_left(array, n)`: elements move `n` places left, wrapping around.
    static func rotate(_ name: String, left: Bool) -> ScalarFunction {
        ScalarFunction(name, arity: 2...2, returns: .dynamic) { args, _ throws(KQLFunctionError) in
            guard let items = Arguments.array(args[0]) else { return .dynamic(.null) }
            guard let n = try Arguments.integer(args[1], name) else { return .dynamic(.null) }
            guard !items.isEmpty else { return .dynamic(.array([])) }
            let count = Int64(items.count)
            var shift = (left ? n : -n) % count
            if shift < 0 { shift += count }
            return .dynamic(.array(Array(items[Int(shift)...] + items[..<Int(shift)])))
        }
    }

    // MARK: Sets

    static let sets: [ScalarFunction] = [
        ScalarFunction("set_has_element", arity: 2...2, returns: .bool) { args, _ in
            guard let items = Arguments.array(args[0]) else { return .null(.bool) }
            let wanted = Arguments.dynamic(args[1])
            return .bool(items.contains(wanted))
        },
        setFunction("set_union") { first, rest in first + rest.flatMap { $0 } },
        setFunction("set_intersect") { first, rest in
            let others = rest.map(Set.init)
            return first.filter { item in others.allSatisfy { $0.contains(item) } }
        },
        setFunction("set_difference") { first, rest in
            let others = Set(rest.flatMap { $0 })
            return first.filter { !others.contains($0) }
        },
    ]

    /// A set operation over arrays: the distinct values of `body`'s result, in first-seen order.
    static func setFunction(
        _ name: String, _ body: @escaping @Sendable ([KQLDynamic], [[KQLDynamic]]) -> [KQLDynamic]
    ) -> ScalarFunction {
        ScalarFunction(name, arity: 2...64, returns: .dynamic) { args, _ in
            var arrays: [[KQLDynamic]] = []
            for arg in args {
                guard let items = Arguments.array(arg) else { return .dynamic(.null) }
                arrays.append(items)
            }
            var seen = Set<KQLDynamic>()
            let distinct = body(arrays[0], Array(arrays.dropFirst())).filter { seen.insert($0).inserted }
            return .dynamic(.array(distinct))
        }
    }

    // MARK: Property bags

    static let bags: [ScalarFunction] = [
        ScalarFunction("bag_keys", arity: 1...1, returns: .dynamic) { args, _ in
            Arguments.bag(args[0]).map { .dynamic(.array($0.map { .string($0.key) })) } ?? .dynamic(.null)
        },
        ScalarFunction("bag_pack", arity: 2...128, returns: .dynamic) { args, _ throws(KQLFunctionError) in
            guard args.count % 2 == 0 else {
                throw KQLFunctionError("bag_pack() takes pairs of key and value: got \(args.count) arguments")
            }
            var pairs: [(key: String, value: KQLDynamic)] = []
            var i = 0
            while i < args.count {
                let key = args[i].kqlString
                let value = Arguments.dynamic(args[i + 1])
                if let existing = pairs.firstIndex(where: { $0.key == key }) {
                    pairs[existing].value = value
                } else {
                    pairs.append((key, value))
                }
                i += 2
            }
            return .dynamic(.bag(pairs))
        },
        ScalarFunction("bag_has_key", arity: 2...2, returns: .bool) { args, _ throws(KQLFunctionError) in
            guard case .dynamic(let bag) = args[0], case .bag = bag else { return .null(.bool) }
            let path = try JSONPath.keys(args[1].kqlString, "bag_has_key")
            return .bool(JSONPath.lookup(bag, path) != nil)
        },
        ScalarFunction("bag_merge", arity: 2...64, returns: .dynamic) { args, _ throws(KQLFunctionError) in
            var pairs: [(key: String, value: KQLDynamic)] = []
            var keys = Set<String>()
            for arg in args {
                if arg.isNull { continue }
                guard let bag = Arguments.bag(arg) else { throw Arguments.mismatch("bag_merge", "a property bag", arg) }
                // A key in several bags keeps its first value (the documented example).
                for pair in bag where keys.insert(pair.key).inserted { pairs.append(pair) }
            }
            return .dynamic(.bag(pairs))
        },
        ScalarFunction("bag_remove_keys", arity: 2...2, returns: .dynamic) { args, _ throws(KQLFunctionError) in
            guard case .dynamic(var bag) = args[0], case .bag = bag else { return .dynamic(.null) }
            guard let keys = Arguments.array(args[1]) else { return .dynamic(bag) }
            for key in keys {
                guard case .string(let text) = key else { continue }
                JSONPath.remove(&bag, try JSONPath.keys(text, "bag_remove_keys")[...])
            }
            return .dynamic(bag)
        },
        ScalarFunction("bag_set_key", arity: 3...3, returns: .dynamic) { args, _ throws(KQLFunctionError) in
            guard case .dynamic(var bag) = args[0], case .bag = bag else { return .dynamic(.null) }
            JSONPath.set(&bag, try JSONPath.keys(args[1].kqlString, "bag_set_key")[...], Arguments.dynamic(args[2]))
            return .dynamic(bag)
        },
    ]

    // MARK: extract_json

    /// `extract_json(path, json [, typeof(T)])`: the element at a JSONPath (`$.a.b[0]`, `$['a']`),
    /// as text or converted to `T` (see ``TypeArgument``).
    static let extractJSON = ScalarFunction(
        "extract_json", arity: 2...3, resultType: { $0.count == 3 ? TypeArgument.resultType($0[2]) : .string }
    ) { args, _ throws(KQLFunctionError) in
        let target = args.count == 3 ? try TypeArgument.target(args[2], "extract_json") : .string
        let steps = try JSONPath.parse(args[0].kqlString, "extract_json")
        let document: KQLDynamic
        switch args[1] {
        case .dynamic(let d): document = d
        default:
            guard let parsed = JSONReader.parse(args[1].kqlString) else { return .null(of: target) }
            document = parsed
        }
        guard let found = JSONPath.lookup(document, steps) else { return .null(of: target) }
        if target == .dynamic { return .dynamic(found) }
        return try Conversion.convert(.string(KQLFormat.string(of: found)), to: target)
    }

    // MARK: range

    /// `range(start, stop [, step])`: numbers (step 1), datetimes or timespans (step 1h), at most
    /// 1,048,576 values.
    static let range = ScalarFunction("range", arity: 2...3, returns: .dynamic) { args, _ throws(KQLFunctionError) in
        if args.contains(where: \.isNull) { return .dynamic(.null) }
        let limit = 1 << 20
        let start = Arguments.unwrap(args[0]), stop = Arguments.unwrap(args[1])
        switch (start, stop) {
        case (.datetime, .datetime), (.timespan, .timespan):
            let step = args.count == 3 ? try Arguments.timespan(args[2], "range") : KQLTimespan.hours(1)
            guard let step, step.ticks != 0 else { return .dynamic(.null) }
            let isDate: Bool
            let a: Int64, b: Int64
            switch (start, stop) {
            case let (.datetime(x), .datetime(y)): (a, b, isDate) = (x.ticks, y.ticks, true)
            case let (.timespan(x), .timespan(y)): (a, b, isDate) = (x.ticks, y.ticks, false)
            default: return .dynamic(.null)
            }
            var items: [KQLDynamic] = []
            var t = a
            while (step.ticks > 0 ? t <= b : t >= b), items.count < limit {
                items.append(isDate ? .datetime(KQLDateTime(ticks: t)) : .timespan(KQLTimespan(ticks: t)))
                let (next, overflow) = t.addingReportingOverflow(step.ticks)
                if overflow || (isDate && !(0...KQLDateTime.max.ticks).contains(next)) { break }
                t = next
            }
            return .dynamic(.array(items))
        default:
            let stepValue = args.count == 3 ? Arguments.unwrap(args[2]) : .long(1)
            func isInteger(_ v: KQLValue) -> Bool {
                switch v {
                case .int, .long: true
                default: false
                }
            }
            if isInteger(start), isInteger(stop), isInteger(stepValue),
                let a = try Arguments.integer(start, "range"), let b = try Arguments.integer(stop, "range"),
                let step = try Arguments.integer(stepValue, "range")
            {
                guard step != 0 else { return .dynamic(.null) }
                var items: [KQLDynamic] = []
                var v = a
                while (step > 0 ? v <= b : v >= b), items.count < limit {
                    items.append(.long(v))
                    let (next, overflow) = v.addingReportingOverflow(step)
                    if overflow { break }
                    v = next
                }
                return .dynamic(.array(items))
            }
            guard let a = try Arguments.real(start, "range"), let b = try Arguments.real(stop, "range"),
                let step = try Arguments.real(stepValue, "range")
            else { return .dynamic(.null) }
            guard step != 0, step.isFinite, a.isFinite, b.isFinite else { return .dynamic(.null) }
            var items: [KQLDynamic] = []
            var i = 0.0
            while items.count < limit {
                let v = a + i * step
                guard step > 0 ? v <= b : v >= b else { break }
                items.append(.real(v))
                i += 1
            }
            return .dynamic(.array(items))
        }
    }
}

/// The subset of JSONPath Kusto's functions take: `$`, `.name`, `['name']`, `["name"]` and
/// `[index]`.
enum JSONPath {
    enum Step: Hashable {
        case key(String)
        case index(Int)
    }

    static func parse(_ path: String, _ function: String) throws(KQLFunctionError) -> [Step] {
        let bytes = Array(path.utf8)
        func fail() -> KQLFunctionError {
            KQLFunctionError("\(function)(): unsupported or invalid JSONPath \(KQLLiteralFormatter.string(path))")
        }
        guard bytes.first == UInt8(ascii: "$") else { throw fail() }
        var steps: [Step] = []
        var i = 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "."):
                i += 1
                let start = i
                while i < bytes.count, bytes[i] != UInt8(ascii: "."), bytes[i] != UInt8(ascii: "[") { i += 1 }
                guard i > start else { throw fail() }
                let name = String(decoding: bytes[start..<i], as: UTF8.self)
                guard name != "*" else { throw fail() }
                steps.append(.key(name))
            case UInt8(ascii: "["):
                i += 1
                guard i < bytes.count else { throw fail() }
                let quote = bytes[i]
                if quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") {
                    i += 1
                    let start = i
                    while i < bytes.count, bytes[i] != quote { i += 1 }
                    guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "]") else { throw fail() }
                    steps.append(.key(String(decoding: bytes[start..<i], as: UTF8.self)))
                    i += 2
                } else {
                    let start = i
                    while i < bytes.count, ASCII.isDigit(bytes[i]) { i += 1 }
                    guard i > start, i < bytes.count, bytes[i] == UInt8(ascii: "]"),
                        let index = Int(String(decoding: bytes[start..<i], as: UTF8.self))
                    else { throw fail() }
                    steps.append(.index(index))
                    i += 1
                }
            default: throw fail()
            }
        }
        return steps
    }

    /// Keys for the bag functions: a JSONPath (`$.a.b`), or a plain top-level key.
    static func keys(_ text: String, _ function: String) throws(KQLFunctionError) -> [Step] {
        guard text.hasPrefix("$") else { return [.key(text)] }
        let steps = try parse(text, function)
        guard !steps.isEmpty, steps.allSatisfy({ if case .key = $0 { true } else { false } }) else {
            throw KQLFunctionError("\(function)(): array indexing is not supported in \(KQLLiteralFormatter.string(text))")
        }
        return steps
    }

    static func lookup(_ value: KQLDynamic, _ steps: [Step]) -> KQLDynamic? {
        var current = value
        for step in steps {
            switch (step, current) {
            case let (.key(name), .bag(pairs)):
                guard let found = pairs.first(where: { $0.key == name }) else { return nil }
                current = found.value
            case let (.index(i), .array(items)):
                guard items.indices.contains(i) else { return nil }
                current = items[i]
            default: return nil
            }
        }
        return current
    }

    static func remove(_ value: inout KQLDynamic, _ steps: ArraySlice<Step>) {
        guard case .key(let name) = steps.first, case .bag(var pairs) = value else { return }
        guard let index = pairs.firstIndex(where: { $0.key == name }) else { return }
        if steps.count == 1 {
            pairs.remove(at: index)
        } else {
            remove(&pairs[index].value, steps.dropFirst())
        }
        value = .bag(pairs)
    }

    static func set(_ value: inout KQLDynamic, _ steps: ArraySlice<Step>, _ newValue: KQLDynamic) {
        guard case .key(let name) = steps.first else { return }
        var pairs: [(key: String, value: KQLDynamic)]
        if case .bag(let existing) = value { pairs = existing } else { pairs = [] }
        if let index = pairs.firstIndex(where: { $0.key == name }) {
            if steps.count == 1 { pairs[index].value = newValue } else { set(&pairs[index].value, steps.dropFirst(), newValue) }
        } else {
            var child = KQLDynamic.bag([])
            if steps.count == 1 { child = newValue } else { set(&child, steps.dropFirst(), newValue) }
            pairs.append((name, child))
        }
        value = .bag(pairs)
    }
}
