import Testing

@testable import KQL

/// Compact, fully parenthesized renderings of trees, so a test can state the shape it expects.
enum Shape {
    static func of(_ e: Expression) -> String {
        switch e.kind {
        case .literal(let literal): return literal.text
        case .name(let name): return name.isBracketed ? "[\(name.name)]" : name.name
        case .wildcard: return "*"
        case .member(let base, let name): return "(. \(of(base)) \(name.name))"
        case .index(let base, let index): return "([] \(of(base)) \(of(index)))"
        case .call(let call):
            let target = call.target.map { of($0) + "." } ?? ""
            let arguments = call.arguments.map { ($0.name.map { $0.name + "=" } ?? "") + of($0.value) }
            return "\(target)\(call.name)(\(arguments.joined(separator: ", ")))"
        case .unary(let op, let operand): return "(\(op.rawValue) \(of(operand)))"
        case .binary(let op, let left, let right, _): return "(\(op.rawValue) \(of(left)) \(of(right)))"
        case .between(let subject, let lower, let upper, let negated, _):
            return "(\(negated ? "!between" : "between") \(of(subject)) \(of(lower)) \(of(upper)))"
        case .list(let elements): return "[" + elements.map(of).joined(separator: ", ") + "]"
        case .parenthesized(let inner): return "{\(of(inner))}"
        case .tabular(let tabular): return "<" + KQLPrinter.print(tabular).replacingOccurrences(of: "\n", with: " ") + ">"
        case .missing: return "?"
        }
    }
}

/// Parsing helpers for tests.
enum ParseHelper {
    /// Parses text that must have no errors.
    static func clean(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> QueryScript {
        let parsed = KQLParser.parse(text)
        #expect(parsed.errors.isEmpty, "\(parsed.errors.map(\.description))", sourceLocation: sourceLocation)
        return parsed.script
    }

    /// The single query of text that must have no errors.
    static func query(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> TabularExpression {
        let script = clean(text, sourceLocation: sourceLocation)
        return try #require(script.queries.last, sourceLocation: sourceLocation)
    }

    /// The last operator of the single query of text.
    static func lastOperator(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> PipeOperator {
        let query = try query(text, sourceLocation: sourceLocation)
        if let last = query.operators.last { return last }
        guard case .operator(let op)? = query.source else {
            Issue.record("no operator in \(text)", sourceLocation: sourceLocation)
            throw ParseHelperError.noOperator
        }
        return op
    }

    /// Whether text prints, reparses and compares equal.
    static func roundTrips(_ script: QueryScript) -> (ok: Bool, printed: String) {
        let printed = KQLPrinter.print(script)
        let reparsed = KQLParser.parse(printed)
        return (!reparsed.hasErrors && reparsed.script == script, printed)
    }

    enum ParseHelperError: Error { case noOperator }
}
