import Foundation
public import KQL

/// A query with its parameters bound: the exact text that is sent.
public struct BoundQuery: Hashable, Sendable {
    /// The query it came from.
    public var query: HuntingQuery
    /// Every parameter's effective value, in declaration order (defaults where nothing was bound).
    public var values: [(name: String, value: KQLValue)]
    /// The names whose value was given rather than defaulted.
    public var overridden: Set<String>
    /// The file's text with only the parameters' literal tokens replaced.
    public var text: String

    public static func == (lhs: BoundQuery, rhs: BoundQuery) -> Bool {
        lhs.query == rhs.query && lhs.text == rhs.text && lhs.overridden == rhs.overridden
            && lhs.values.map(\.name) == rhs.values.map(\.name) && lhs.values.map(\.value) == rhs.values.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(query.id)
        hasher.combine(text)
    }
}

/// Why parameter values could not be bound; lists every problem at once.
public struct ParameterBindingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One problem with one value.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// The parameter name as given.
        public var name: String
        /// What is wrong, starting with the name: `lookback: expected a timespan like 7d or 1.12:00:00, got "abc"`.
        public var message: String
        public var description: String { message }
    }

    /// The query's path, for the message.
    public var path: String
    /// Every problem found.
    public var problems: [Problem]

    public var description: String {
        problems.map { "\(path): \($0.message)" }.joined(separator: "\n")
    }
}

extension HuntingQuery {
    /// Binds parameter values given as text (`--param lookback=3d`, config files): each is parsed by
    /// its parameter's declared type and written back as an escaped KQL literal.
    /// - Parameter values: parameter name → value text.
    /// - Returns: the bound query.
    /// - Throws: ``ParameterBindingError`` listing unknown names and values that are not of their type.
    public func bind(_ values: [String: String]) throws(ParameterBindingError) -> BoundQuery {
        var typed: [String: KQLValue] = [:]
        var problems: [ParameterBindingError.Problem] = []
        for (name, text) in values.sorted(by: { $0.key < $1.key }) {
            guard let parameter = parameter(named: name) else {
                problems.append(unknownParameter(name))
                continue
            }
            do {
                typed[name] = try KQLValue(parameterText: text, as: parameter.type, default: parameter.defaultValue)
            } catch {
                problems.append(.init(name: name, message: "\(name): \(error.message)"))
            }
        }
        guard problems.isEmpty else { throw ParameterBindingError(path: path, problems: problems) }
        return try bind(values: typed)
    }

    /// Binds typed values. A value of another type than declared is converted when that is exact
    /// (an `int` for a `long`, a `long` for a `real`), and refused otherwise.
    /// - Throws: ``ParameterBindingError`` for unknown names and mismatched types.
    public func bind(values: [String: KQLValue]) throws(ParameterBindingError) -> BoundQuery {
        var problems: [ParameterBindingError.Problem] = []
        var effective: [(name: String, value: KQLValue)] = []
        var replacements: [(range: Range<Int>, literal: String)] = []
        for name in values.keys.sorted() where parameter(named: name) == nil {
            problems.append(unknownParameter(name))
        }
        for parameter in parameters {
            guard let given = values[parameter.name] else {
                effective.append((parameter.name, parameter.defaultValue))
                continue
            }
            guard let value = given.converted(to: parameter.type) else {
                problems.append(.init(
                    name: parameter.name,
                    message: "\(parameter.name): expected \(parameter.type.example), got a \(given.type) (\(given.kqlLiteral))"))
                continue
            }
            effective.append((parameter.name, value))
            for range in parameter.literalRanges { replacements.append((range, value.kqlLiteral)) }
        }
        guard problems.isEmpty else { throw ParameterBindingError(path: path, problems: problems) }
        var bytes = Array(text.utf8)
        for replacement in replacements.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            bytes.replaceSubrange(replacement.range, with: Array(replacement.literal.utf8))
        }
        return BoundQuery(
            query: self, values: effective, overridden: Set(values.keys),
            text: String(decoding: bytes, as: UTF8.self))
    }

    /// The query with every parameter at its default.
    public var unbound: BoundQuery {
        BoundQuery(query: self, values: parameters.map { ($0.name, $0.defaultValue) }, overridden: [], text: text)
    }

    private func unknownParameter(_ name: String) -> ParameterBindingError.Problem {
        let declared = parameters.map(\.name)
        var message = "unknown parameter '\(name)'"
        if let suggestion = HuntingSchema.closestMatch(to: name, in: declared) { message += "; did you mean '\(suggestion)'?" }
        message += declared.isEmpty ? " (this query declares no parameters)" : " (declared: \(declared.joined(separator: ", ")))"
        return .init(name: name, message: message)
    }
}

extension KQLValue {
    /// Reads a parameter value given as text, by the parameter's type: as ``KQLValue/init(text:as:)``,
    /// and a list parameter also takes comma-separated items (`certutil.exe,mshta.exe`) — unless
    /// the text is JSON's `[…]`, `{…}` or `null`.
    /// - Throws: ``KQLLiteralError`` saying what was expected and what came.
    public init(parameterText text: String, as type: KQLScalarType, default defaultValue: KQLValue? = nil) throws(KQLLiteralError) {
        if type == .dynamic, case .dynamic(.array) = defaultValue {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.hasPrefix("["), !trimmed.hasPrefix("{"), trimmed != "null" {
                self = .dynamic(.array(trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }.map(KQLDynamic.string)))
                return
            }
        }
        self = try KQLValue(text: text, as: type)
    }
}
