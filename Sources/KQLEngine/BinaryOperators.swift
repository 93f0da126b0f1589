import Foundation
import KQL

extension ExpressionCompiler {
    func compileBinary(_ op: BinaryOperator, _ lhs: Expression, _ rhs: Expression, at: SourceLocation) throws(KQLEngineError) -> CompiledExpression {
        if op.takesList { return try compileSetOperator(op, lhs, rhs, at: at) }
        let left = try compile(lhs), right = try compile(rhs)
        switch op {
        case .and, .or:
            return logical(op, left, right)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            if left.type == .string || right.type == .string, op == .equal || op == .notEqual,
               left.type == right.type || left.type == .dynamic || right.type == .dynamic
            {
                if let fast = stringOperator(op, left, right) { return fast }
            }
            if let fast = numericComparison(op, left, right) { return fast }
            return rowwise(type: .bool, [left, right]) { values in
                Self.compareValues(op, values[0], values[1])
            }
        case .add, .subtract, .multiply, .divide, .modulo:
            guard let type = ValueSemantics.arithmeticType(op, left.type, right.type) else {
                throw .semantic("cannot apply \(op.rawValue) to \(left.type) and \(right.type)", at: at)
            }
            let resultType = type == .dynamic ? KQLScalarType.real : type
            return rowwise(type: resultType, [left, right]) { values in
                ValueSemantics.arithmetic(op, values[0], values[1])
            }
        case .matchesRegex:
            guard let pattern = right.constant.map({ ValueSemantics.unwrap($0).kqlString }) else {
                throw .unsupported("matches regex with a pattern that is not a constant", at: at)
            }
            let regex: NSRegularExpression
            do { regex = try NSRegularExpression(pattern: pattern) } catch {
                throw .semantic("invalid regular expression \(KQLLiteralFormatter.string(pattern))", at: rhs.range.start)
            }
            // Rows without the literal every match contains are skipped without running the regex.
            let prefilter = RegexPrefilter.requiredLiteral(pattern).map { StringMatcher(.contains, needle: $0.text, caseSensitive: !$0.ignoreCase) }
            return stringPredicate(left) { text in
                if let prefilter, !prefilter.matches(text) { return false }
                let s = String(decoding: text, as: UTF8.self)
                return regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
            }
        case .like, .notLike, .likeCS, .notLikeCS:
            throw .unsupported("the \(op.rawValue) operator", at: at)
        default:
            if let fast = stringOperator(op, left, right) { return fast }
            guard let (matcherKind, caseSensitive, negated) = Self.stringSpec(op) else {
                throw .unsupported("the \(op.rawValue) operator", at: at)
            }
            return rowwise(type: .bool, [left, right]) { values in
                let matcher = StringMatcher(matcherKind, needle: ValueSemantics.unwrap(values[1]).kqlString, caseSensitive: caseSensitive)
                return .bool(matcher.matches(ValueSemantics.unwrap(values[0]).kqlString) != negated)
            }
        }
    }

    static func stringSpec(_ op: BinaryOperator) -> (StringMatcher.Kind, Bool, Bool)? {
        guard let (matcher, negated) = StringMatcher.forOperator(op, needle: "") else { return nil }
        return (matcher.kind, matcher.caseSensitive, negated)
    }

    static func compareValues(_ op: BinaryOperator, _ a: KQLValue, _ b: KQLValue) -> KQLValue {
        switch op {
        case .equal, .notEqual:
            let an = ValueSemantics.unwrap(a).isNull, bn = ValueSemantics.unwrap(b).isNull
            let equal: Bool? = an || bn ? (an && bn ? nil : false) : ValueSemantics.equals(a, b)
            guard let equal else { return .null(.bool) }
            return .bool(op == .equal ? equal : !equal)
        default:
            guard let c = ValueSemantics.compare(a, b) else { return .null(.bool) }
            switch op {
            case .less: return .bool(c < 0)
            case .lessOrEqual: return .bool(c <= 0)
            case .greater: return .bool(c > 0)
            default: return .bool(c >= 0)
            }
        }
    }

    /// `and` / `or` with Kusto's three-valued logic: `false and null` is false, `true or null` true.
    private func logical(_ op: BinaryOperator, _ left: CompiledExpression, _ right: CompiledExpression) -> CompiledExpression {
        let isAnd = op == .and
        func combine(_ a: Bool?, _ b: Bool?) -> Bool? {
            if isAnd {
                if a == false || b == false { return false }
                return a == nil || b == nil ? nil : true
            }
            if a == true || b == true { return true }
            return a == nil || b == nil ? nil : false
        }
        if let a = left.constant, let b = right.constant {
            return CompiledExpression(constant: combine(ValueSemantics.truth(a), ValueSemantics.truth(b)).map(KQLValue.bool) ?? .null(.bool))
        }
        return CompiledExpression(type: .bool) { batch throws(KQLEngineError) in
            let a = try Truth(left(batch))
            let b = try Truth(right(batch))
            var bits = [Bool](repeating: false, count: batch.count)
            var nulls = NullMask()
            for row in 0..<batch.count {
                if let value = combine(a[row], b[row]) { bits[row] = value } else { nulls.setNull(row) }
            }
            return .column(.bool(bits, nulls))
        }
    }

    // MARK: Strings

    /// A boolean column from a byte predicate over the left side's strings.
    func stringPredicate(_ left: CompiledExpression, negated: Bool = false, _ predicate: @escaping (UnsafeBufferPointer<UInt8>) -> Bool) -> CompiledExpression {
        if let constant = left.constant {
            var text = ValueSemantics.unwrap(constant).kqlString
            let result = text.withUTF8 { predicate($0) } != negated
            return CompiledExpression(constant: .bool(result))
        }
        return CompiledExpression(type: .bool) { batch throws(KQLEngineError) in
            let strings = try Self.strings(left(batch), count: batch.count)
            var bits = [Bool](repeating: false, count: batch.count)
            strings.bytes.withUnsafeBufferPointer { all in
                strings.ends.withUnsafeBufferPointer { ends in
                    var start = 0
                    for row in 0..<ends.count {
                        let end = Int(ends[row])
                        bits[row] = predicate(UnsafeBufferPointer(rebasing: all[start..<end])) != negated
                        start = end
                    }
                }
            }
            return .column(.bool(bits, NullMask()))
        }
    }

    /// The fast path for a string operator with a constant needle.
    private func stringOperator(_ op: BinaryOperator, _ left: CompiledExpression, _ right: CompiledExpression) -> CompiledExpression? {
        guard let needleValue = right.constant else { return nil }
        let unwrapped = ValueSemantics.unwrap(needleValue)
        if op == .equal || op == .notEqual {
            // Equality with a null or a non-string is not a string comparison.
            guard case .string = unwrapped, left.type == .string || left.type == .dynamic else { return nil }
            if left.type == .dynamic { return nil }
        }
        guard let (matcher, negated) = StringMatcher.forOperator(op, needle: unwrapped.kqlString) else { return nil }
        return stringPredicate(left, negated: negated) { matcher.matches($0) }
    }

    /// Any vector as strings, the way `tostring()` writes each value.
    static func strings(_ vector: Vector, count: Int) -> StringColumn {
        if case .column(.string(let column)) = vector { return column }
        var out = StringColumn()
        for row in 0..<count { out.append(ValueSemantics.unwrap(vector[row]).kqlString) }
        return out
    }

    // MARK: Numbers and times

    /// The fast path for a numeric, datetime or timespan column compared with a constant.
    private func numericComparison(_ op: BinaryOperator, _ left: CompiledExpression, _ right: CompiledExpression) -> CompiledExpression? {
        guard left.constant == nil, var constant = right.constant.map(ValueSemantics.unwrap), !constant.isNull else { return nil }
        if case .int(let small) = constant { constant = .long(Int64(small)) }
        let test: (Int) -> Bool = switch op {
        case .equal: { $0 == 0 }
        case .notEqual: { $0 != 0 }
        case .less: { $0 < 0 }
        case .lessOrEqual: { $0 <= 0 }
        case .greater: { $0 > 0 }
        default: { $0 >= 0 }
        }
        func loop<T>(_ values: [T], _ nulls: NullMask, _ compare: @escaping (T) -> Int) -> Vector {
            var bits = [Bool](repeating: false, count: values.count)
            values.withUnsafeBufferPointer { v in
                for i in 0..<v.count { bits[i] = test(compare(v[i])) }
            }
            guard nulls.hasNulls, op == .equal || op == .notEqual else { return .column(.bool(bits, nulls)) }
            // A null cell is unequal to a value (ordering with null stays null).
            for i in 0..<values.count where nulls.isNull(i) { bits[i] = op == .notEqual }
            return .column(.bool(bits, NullMask()))
        }
        func cmp<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
        /// Row by row, for vectors that are not the expected column (a constant at run time).
        func fallback(_ vector: Vector, _ count: Int) -> Vector {
            var builder = KQLColumnBuilder(type: .bool)
            for row in 0..<count { builder.append(Self.compareValues(op, vector[row], constant)) }
            return .column(builder.finish())
        }
        switch (left.type, constant) {
        case (.datetime, .datetime(let d)):
            let ticks = d.ticks
            return CompiledExpression(type: .bool) { batch throws(KQLEngineError) in
                let vector = try left(batch)
                guard case .column(.datetime(let v, let n, _)) = vector else { return fallback(vector, batch.count) }
                return loop(v, n) { cmp($0, ticks) }
            }
        case (.timespan, .timespan(let t)):
            let ticks = t.ticks
            return CompiledExpression(type: .bool) { batch throws(KQLEngineError) in
                let vector = try left(batch)
                guard case .column(.timespan(let v, let n)) = vector else { return fallback(vector, batch.count) }
                return loop(v, n) { cmp($0, ticks) }
            }
        case (.long, .long(let c)):
            return CompiledExpression(type: .bool) { batch throws(KQLEngineError) in
                let vector = try left(batch)
                guard case .column(.long(let v, let n)) = vector else { return fallback(vector, batch.count) }
                return loop(v, n) { cmp($0, c) }
            }
        case (.int, .long(let c)):
            return CompiledExpression(type: .bool) { batch throws(KQLEngineError) in
                let vector = try left(batch)
                guard case .column(.int(let v, let n)) = vector else { return fallback(vector, batch.count) }
                return loop(v, n) { cmp(Int64($0), c) }
            }
        case (.real, _):
            guard let c = ValueSemantics.number(constant) else { return nil }
            return CompiledExpression(type: .bool) { batch throws(KQLEngineError) in
                let vector = try left(batch)
                guard case .column(.real(let v, let n)) = vector else { return fallback(vector, batch.count) }
                return loop(v, n) { cmp($0, c) }
            }
        default:
            return nil
        }
    }

    // MARK: Sets

    private func compileSetOperator(_ op: BinaryOperator, _ lhs: Expression, _ rhs: Expression, at: SourceLocation) throws(KQLEngineError) -> CompiledExpression {
        let left = try compile(lhs)
        let elements = try setElements(rhs)
        switch op {
        case .hasAny, .hasAll:
            let matchers = elements.map { StringMatcher(.has, needle: ValueSemantics.unwrap($0).kqlString, caseSensitive: false) }
            if op == .hasAny {
                return stringPredicate(left) { text in matchers.contains { $0.matches(text) } }
            }
            return stringPredicate(left) { text in matchers.allSatisfy { $0.matches(text) } }
        default:
            let negated = op == .notIn || op == .notInTilde
            let ignoreCase = op == .inTilde || op == .notInTilde
            let strings = elements.map(ValueSemantics.unwrap).compactMap { value -> String? in
                if case .string(let s) = value { return s }
                return nil
            }
            if left.type == .string, strings.count == elements.count {
                var table = ByteStringTable(capacity: strings.count)
                for string in strings {
                    var needle = ignoreCase ? string.lowercased() : string
                    _ = needle.withUTF8 { table.insert($0) }
                }
                let set = table
                let anyNonASCII = strings.contains { $0.utf8.contains { $0 >= 0x80 } }
                return stringPredicate(left, negated: negated) { text in
                    if !ignoreCase { return set.find(text) != nil }
                    if anyNonASCII || text.contains(where: { $0 >= 0x80 }) {
                        var lowered = String(decoding: text, as: UTF8.self).lowercased()
                        return lowered.withUTF8 { set.find($0) != nil }
                    }
                    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(text.count, 1)) { buffer in
                        for i in 0..<text.count { buffer[i] = StringMatcher.fold(text[i]) }
                        return set.find(UnsafeBufferPointer(rebasing: buffer[0..<text.count])) != nil
                    }
                }
            }
            return rowwise(type: .bool, [left]) { values in
                let value = ValueSemantics.unwrap(values[0])
                if value.isNull { return .bool(negated) }
                let found = elements.contains { element in
                    if ignoreCase {
                        return ValueSemantics.unwrap(element).kqlString.lowercased() == value.kqlString.lowercased()
                    }
                    return ValueSemantics.equals(value, element) == true
                }
                return .bool(found != negated)
            }
        }
    }

    /// The values on the right of a set operator: a list, a dynamic array (expanded), or a
    /// table's first column.
    private func setElements(_ rhs: Expression) throws(KQLEngineError) -> [KQLValue] {
        var expressions: [Expression]
        if case .list(let items) = rhs.kind { expressions = items } else { expressions = [rhs] }
        if expressions.count == 1, case .parenthesized(let inner) = expressions[0].kind { expressions = [inner] }
        var values: [KQLValue] = []
        for expression in expressions {
            if let table = try evaluator.tableIfTabular(expression, scope: scope) {
                if let column = table.columns.first {
                    for row in 0..<table.rowCount { values.append(column[row]) }
                }
                continue
            }
            let compiled = try compile(expression)
            guard let value = compiled.constant else {
                throw .unsupported("a set operator with values that depend on the row", at: expression.range.start)
            }
            if case .dynamic(.array(let items)) = value {
                values.append(contentsOf: items.map { DynamicAccess.value(from: $0) })
            } else {
                values.append(value)
            }
        }
        return values
    }
}

/// A vector read as conditions.
struct Truth {
    private let vector: Vector
    init(_ vector: Vector) { self.vector = vector }

    subscript(row: Int) -> Bool? {
        if case .column(.bool(let bits, let nulls)) = vector { return nulls.isNull(row) ? nil : bits[row] }
        return ValueSemantics.truth(vector[row])
    }
}
