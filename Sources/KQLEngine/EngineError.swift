public import KQL

/// Why the offline engine could not answer a query. Never a wrong answer: what the engine does not
/// implement is reported as ``Kind-swift.enum/unsupported`` with where it is.
public struct KQLEngineError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Kind: String, Hashable, Sendable {
        /// The text does not parse; `message` holds the first syntax error.
        case syntax
        /// A feature the offline engine does not implement (an operator, a function, a plugin).
        case unsupported
        /// The query is wrong for its data: an unknown table or column, a bad argument, a type
        /// that does not fit.
        case semantic
    }

    /// What kind of failure.
    public var kind: Kind
    /// For `.unsupported`, the feature (`evaluate autocluster`, `series_decompose_anomalies()`);
    /// otherwise the sentence that explains it.
    public var message: String
    /// Where in the query, when known.
    public var location: SourceLocation?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
    }

    /// A feature the engine does not implement.
    public static func unsupported(_ feature: String, at location: SourceLocation? = nil) -> KQLEngineError {
        KQLEngineError(.unsupported, feature, at: location)
    }

    /// A mistake in the query for its data.
    public static func semantic(_ message: String, at location: SourceLocation? = nil) -> KQLEngineError {
        KQLEngineError(.semantic, message, at: location)
    }

    /// `not supported offline: <feature> (line:col)`, or the message with its place.
    public var description: String {
        let place = location.map { " (\($0.line):\($0.column))" } ?? ""
        switch kind {
        case .unsupported: return "not supported offline: \(message)\(place)"
        case .syntax, .semantic: return message + place
        }
    }
}

/// KQL's expression tree (Foundation also has a type of this name).
typealias Expression = KQL.Expression
