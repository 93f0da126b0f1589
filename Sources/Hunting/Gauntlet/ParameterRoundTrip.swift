public import KQL

/// The parameter gauntlet's check: a query file with a parameter of every type (one declared
/// twice, one negative, one of adjacent strings) is bound with values, through both ``HuntingQuery/bind(values:)``
/// and, with each value written as text, ``HuntingQuery/bind(_:)``; the bound text is parsed again,
/// and must give the unbound query's syntax tree except for the parameters' literals, each
/// literal must read back as exactly the value bound (`-0.0` and NaN included), and the query
/// file parser must find the same parameters with those values as defaults.
///
/// SPI for `hunt-bench params` and `ParameterGauntletTests`; see ``HostileValues``.
@_spi(Gauntlet) public struct ParameterRoundTrip: Sendable {
    /// The query file.
    public static let text = """
        // @title: Parameter gauntlet
        // @description: A parameter of every type; binding may replace only their literals.
        let text = "default";
        let quoted = 'single';
        let joined = "a" 'b';
        let flag = false;
        let small = int(3);
        let minCount = 5;
        let ratio = 0.5;
        let amount = decimal(1.5);
        let since = datetime(2024-01-01);
        let lookback = 7d;
        let back = -1d;
        let id = guid(00000000-0000-0000-0000-000000000000);
        let names = dynamic(["a.exe", "b.exe"]);
        let bag = dynamic({"k": "v", "n": [1, 2.5, null]});
        let minCount = 6;  // declared again: binding replaces both
        DeviceEvents
        | where Timestamp between (since .. (since + lookback)) and Timestamp > ago(-back)
        | where FileName in~ (names) and AdditionalFields has text and AdditionalFields !has joined
        | where tolong(ProcessId) > minCount and toint(Count) > small and toreal(Score) > ratio and Flag == flag
        | where DeviceId == tostring(id) and todecimal(Amount) > amount  // a comment after code
        | extend Bag = bag, Label = strcat(text, "|", quoted)
        | project-away Bag
        | take 10
        """

    /// One way a bound value failed the check.
    public struct Failure: Sendable, CustomStringConvertible {
        /// The parameter, when the failure is one parameter's.
        public var parameter: String?
        /// Its value.
        public var value: KQLValue?
        /// What went wrong.
        public var problem: String
        /// The bound text's line declaring the parameter (or the whole text).
        public var boundLine: String

        public var description: String {
            var text = ""
            if let parameter, let value {
                text += "\(parameter) (\(value.type)) = \(Self.show(value))\n  literal: \(Self.clip(value.kqlLiteral))\n"
            }
            return text + "  problem: \(problem)\n  bound:   \(Self.clip(boundLine))"
        }

        static func show(_ value: KQLValue) -> String {
            switch value {
            case .string(let s): clip(s.debugDescription)
            case .real(let v): "\(v) (bits \(String(v.bitPattern, radix: 16)))"
            default: clip(String(describing: value))
            }
        }

        static func clip(_ text: String) -> String {
            text.count > 400 ? String(text.prefix(400)) + "… (\(text.count) characters)" : text
        }
    }

    /// The query.
    public let query: HuntingQuery
    /// The unbound query's tree with the parameters' values masked.
    let masked: QueryScript
    /// The unbound query's parameter declarations, which a parameter left at its default keeps.
    let declarations: [String: [Statement]]
    let names: Set<String>

    /// Reads ``text``.
    public init() {
        guard let query = QueryFileParser.parse(Self.text, id: "gauntlet", path: "gauntlet.kql").query else {
            fatalError("the gauntlet's query file does not parse")
        }
        self.query = query
        names = Set(query.parameters.map(\.name))
        let unbound = KQLParser.parse(Self.text).script
        masked = Self.mask(unbound, names: names)
        var declarations: [String: [Statement]] = [:]
        for statement in unbound.statements {
            if case .let(let declaration) = statement.kind, names.contains(declaration.name.name) { declarations[declaration.name.name, default: []].append(statement) }
        }
        self.declarations = declarations
    }

    /// The seed of iteration `index` of a run seeded `seed`: the `index`-th output of SplitMix64
    /// seeded `seed`, so neighbouring iterations draw unrelated values and any one can be replayed
    /// alone (`hunt-bench params --seed S --from I 1`, whichever caller found it).
    public static func seed(_ seed: UInt64, iteration index: Int) -> UInt64 {
        var z = seed &+ (UInt64(index) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value for every parameter, by its type.
    public func randomValues(using g: inout some RandomNumberGenerator) -> [String: KQLValue] {
        var values: [String: KQLValue] = [:]
        for parameter in query.parameters { values[parameter.name] = HostileValues.value(of: parameter.type, using: &g) }
        return values
    }

    /// Binds `values` and checks the result.
    /// - Returns: every failure; empty when all is well.
    public func check(_ values: [String: KQLValue]) -> [Failure] {
        do {
            return check(try query.bind(values: values), values: values)
        } catch {
            return [Failure(problem: "bind(values:) refused: \(error)", boundLine: "")]
        }
    }

    /// Checks a bound text against the values it should hold (the oracle alone, so tests can show
    /// it rejects a naive binder).
    /// - Returns: every failure; empty when all is well.
    public func check(_ bound: BoundQuery, values: [String: KQLValue]) -> [Failure] {
        var failures: [Failure] = []
        func fail(_ name: String?, _ problem: String) {
            failures.append(Failure(parameter: name, value: name.flatMap { values[$0] }, problem: problem, boundLine: line(declaring: name, in: bound.text)))
        }

        // The same values written as text, as `--param` and configuration files give them.
        var texts: [String: String] = [:]
        for (name, value) in values {
            guard let parameter = query.parameter(named: name), let text = Self.text(of: value, listDefault: parameter.defaultValue) else { continue }
            texts[name] = text
        }
        do {
            let fromText = try query.bind(texts)
            for (name, value) in fromText.values where texts[name] != nil {
                if let expected = values[name], value != expected {
                    fail(name, "bound as text \(Failure.clip(texts[name]!.debugDescription)) it reads as \(Failure.show(value))")
                }
            }
        } catch {
            for problem in error.problems { fail(problem.name, "bind(_:) refused the value as text \(Failure.clip(texts[problem.name]?.debugDescription ?? "")): \(problem.message)") }
        }

        let parsed = KQLParser.parse(bound.text)
        if let error = parsed.errors.first {
            fail(parameter(at: error.location?.offset, in: bound), "syntax error: \(error.message)")
            return failures
        }
        if Self.mask(parsed.script, names: names) != masked {
            fail(nil, "the syntax tree changed:\n\(Self.firstDifference(Self.mask(parsed.script, names: names), masked))")
        }
        var seen: [String: Int] = [:]
        for statement in parsed.script.statements {
            guard case .let(let declaration) = statement.kind, names.contains(declaration.name.name) else { continue }
            let name = declaration.name.name
            let occurrence = seen[name, default: 0]
            seen[name] = occurrence + 1
            guard let expected = values[name] else {
                let original = declarations[name] ?? []
                if occurrence >= original.count || statement != original[occurrence] {
                    fail(name, "a parameter left at its default changed: \(KQLPrinter.print(statement))")
                }
                continue
            }
            guard case .expression(let expression) = declaration.value, case .literal(let literal) = expression.kind else {
                fail(name, "the value is no longer one literal: \(KQLPrinter.print(statement))")
                continue
            }
            if !Self.identical(literal.value, expected) {
                fail(name, "the literal reads back as \(literal.value.map(Failure.show) ?? "nothing")")
            }
        }
        let reread = QueryFileParser.parse(bound.text, id: "gauntlet", path: "gauntlet.kql").query
        if let reread {
            if reread.parameters.map(\.name) != query.parameters.map(\.name) || reread.parameters.map(\.type) != query.parameters.map(\.type)
                || reread.parameters.map(\.literalRanges.count) != query.parameters.map(\.literalRanges.count) {
                fail(nil, "the query file parser finds other parameters: \(reread.parameters.map { "\($0.name): \($0.type)" })")
            } else {
                for parameter in reread.parameters {
                    let expected = values[parameter.name] ?? query.parameter(named: parameter.name)!.defaultValue
                    if !Self.identical(parameter.defaultValue, expected) {
                        fail(parameter.name, "the query file parser reads it back as \(Failure.show(parameter.defaultValue))")
                    }
                }
            }
        } else {
            fail(nil, "the query file parser rejects the bound text")
        }
        return failures
    }

    /// The smallest repro of a failure of `values` found by binding one parameter at a time and
    /// cutting down its value (scalars off a string, elements off a dynamic value) while it fails.
    public func minimize(_ values: [String: KQLValue]) -> Failure? {
        guard let first = check(values).first else { return nil }
        for name in values.keys.sorted() {
            guard var value = values[name], !check([name: value]).isEmpty else { continue }
            var shrinking = true
            while shrinking {
                shrinking = false
                for candidate in Self.smaller(value) where !check([name: candidate]).isEmpty {
                    value = candidate
                    shrinking = true
                    break
                }
            }
            return check([name: value]).first
        }
        return first
    }

    /// Values a step smaller than `value`: halves and single scalars off a string, an element or
    /// member off a dynamic value, or one of its parts.
    static func smaller(_ value: KQLValue) -> [KQLValue] {
        switch value {
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            var out: [KQLValue] = []
            var chunk = scalars.count / 2
            while chunk >= 1 {
                for start in stride(from: 0, to: scalars.count, by: chunk) {
                    var rest = scalars
                    rest.removeSubrange(start..<min(start + chunk, scalars.count))
                    var text = ""
                    text.unicodeScalars.append(contentsOf: rest)
                    out.append(.string(text))
                }
                chunk /= 2
            }
            return out
        case .dynamic(let d): return smaller(d).map(KQLValue.dynamic)
        default: return []
        }
    }

    static func smaller(_ value: KQLDynamic) -> [KQLDynamic] {
        switch value {
        case .array(let items):
            return items + items.indices.map { i in .array(items.enumerated().filter { $0.offset != i }.map(\.element)) }
                + items.indices.flatMap { i in smaller(items[i]).map { item in .array(items.enumerated().map { $0.offset == i ? item : $0.element }) } }
        case .bag(let pairs):
            return pairs.map(\.value) + pairs.indices.map { i in .bag(pairs.enumerated().filter { $0.offset != i }.map(\.element)) }
                + pairs.indices.flatMap { i in
                    smaller(KQLValue.string(pairs[i].key)).compactMap { candidate -> KQLDynamic? in
                        guard case .string(let key) = candidate, !pairs.contains(where: { $0.key == key }) else { return nil }
                        return .bag(pairs.enumerated().map { $0.offset == i ? (key: key, value: $0.element.value) : $0.element })
                    }
                }
        case .string(let s): return smaller(KQLValue.string(s)).compactMap { if case .string(let t) = $0 { KQLDynamic.string(t) } else { nil } }
        default: return []
        }
    }

    // MARK: comparing

    /// `script` with the value of every `let` of a parameter replaced by a placeholder.
    static func mask(_ script: QueryScript, names: Set<String>) -> QueryScript {
        var script = script
        script.statements = script.statements.map { statement in
            guard case .let(var declaration) = statement.kind, names.contains(declaration.name.name) else { return statement }
            declaration.value = .expression(Expression(.missing))
            return Statement(.let(declaration), range: statement.range)
        }
        return script
    }

    /// The first statement where two trees differ, printed.
    static func firstDifference(_ a: QueryScript, _ b: QueryScript) -> String {
        if a.statements.count != b.statements.count { return "\(a.statements.count) statements instead of \(b.statements.count): \(KQLPrinter.print(a))" }
        for (x, y) in zip(a.statements, b.statements) where x != y {
            return "  got      \(KQLPrinter.print(x))\n  expected \(KQLPrinter.print(y))"
        }
        return "(no difference found)"
    }

    /// Whether two values are the same, bit for bit where `==` is lenient: `-0.0` is not `0.0`
    /// (NaNs of any payload are the same NaN, as KQL has one).
    public static func identical(_ a: KQLValue?, _ b: KQLValue) -> Bool {
        switch (a, b) {
        case let (.real(x)?, .real(y)): identical(x, y)
        case let (.dynamic(x)?, .dynamic(y)): identical(x, y)
        case let (a?, b): a == b
        case (nil, _): false
        }
    }

    static func identical(_ x: Double, _ y: Double) -> Bool { x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN) }

    static func identical(_ a: KQLDynamic, _ b: KQLDynamic) -> Bool {
        switch (a, b) {
        case let (.real(x), .real(y)): identical(x, y)
        case let (.array(x), .array(y)): x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case let (.bag(x), .bag(y)): x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && identical($0.value, $1.value) }
        default: a == b
        }
    }

    // MARK: text

    /// How a user writes `value` for `--param`: strings as they are, numbers, dates and durations
    /// as `hunt` prints them, dynamic values as JSON; `nil` for a dynamic value JSON cannot
    /// write (datetimes, timespans, GUIDs, non-finite or negative-zero reals inside), or one a list
    /// parameter (`listDefault` an array) would read as comma-separated items instead.
    static func text(of value: KQLValue, listDefault: KQLValue) -> String? {
        switch value {
        case .null: return "null"
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let v): return String(v)
        case .long(let v): return String(v)
        case .real(let v): return v.isNaN ? "nan" : v.isInfinite ? (v < 0 ? "-inf" : "inf") : v.description
        case .decimal(let d): return d.description
        case .datetime(let d): return d.iso8601
        case .timespan(let t): return t.constantFormat
        case .guid(let g): return g.uuidString
        case .dynamic(let d):
            guard isJSON(d) else { return nil }
            if case .dynamic(.array) = listDefault {
                switch d {
                case .array, .bag, .null: break
                default: return nil
                }
            }
            return d.json
        }
    }

    static func isJSON(_ d: KQLDynamic) -> Bool {
        switch d {
        case .null, .bool, .long, .string: true
        case .real(let v): v.isFinite && !(v == 0 && v.sign == .minus)
        case .array(let items): items.allSatisfy(isJSON)
        case .bag(let pairs): pairs.allSatisfy { isJSON($0.value) }
        case .datetime, .timespan, .guid: false
        }
    }

    /// The parameter whose literal holds byte `offset` of the bound text.
    func parameter(at offset: Int?, in bound: BoundQuery) -> String? {
        guard let offset else { return nil }
        let bytes = Array(bound.text.utf8)
        var lineStart = min(offset, bytes.count)
        while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        let line = String(decoding: bytes[lineStart..<min(bytes.count, lineStart + 200)], as: UTF8.self)
        return names.first { line.hasPrefix("let \($0) =") }
    }

    /// The bound text's line declaring `name`, or the whole text.
    func line(declaring name: String?, in text: String) -> String {
        guard let name else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).first { $0.hasPrefix("let \(name) =") }.map(String.init) ?? text
    }
}
