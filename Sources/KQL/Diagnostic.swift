/// A problem found in a query, template or configuration file, with where it is and what to do.
///
/// Recoverable problems are collected as diagnostics instead of thrown, so one bad file or one bad
/// token never hides the others.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How bad a diagnostic is.
    public enum Severity: String, Hashable, Sendable, Comparable, CaseIterable {
        /// The file cannot be used as written.
        case error
        /// The file works but probably not as intended.
        case warning
        /// Extra information attached to another diagnostic.
        case note

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .note: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// How bad it is.
    public var severity: Severity
    /// A stable, kebab-case identifier of the kind of problem (`unterminated-string`), for tools and
    /// for silencing one kind per file.
    public var code: String
    /// The human sentence: what is wrong and, where it helps, what to do.
    public var message: String
    /// The file it is in, when it comes from a file.
    public var path: String?
    /// Where in the file, when it points at a place.
    public var location: SourceLocation?

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, code: String, message: String, path: String? = nil,
        location: SourceLocation? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.path = path
        self.location = location
    }

    /// Creates an error.
    public static func error(
        _ code: String, _ message: String, at location: SourceLocation? = nil, path: String? = nil
    ) -> Diagnostic {
        Diagnostic(.error, code: code, message: message, path: path, location: location)
    }

    /// Creates a warning.
    public static func warning(
        _ code: String, _ message: String, at location: SourceLocation? = nil, path: String? = nil
    ) -> Diagnostic {
        Diagnostic(.warning, code: code, message: message, path: path, location: location)
    }

    /// The same diagnostic attributed to a file.
    public func inFile(_ path: String) -> Diagnostic {
        var copy = self
        copy.path = path
        return copy
    }

    /// `path:line:col: severity: message`, the form compilers use so editors can jump to it.
    public var description: String {
        var prefix = ""
        if let path { prefix += path + ":" }
        if let location { prefix += "\(location.line):\(location.column):" }
        if !prefix.isEmpty { prefix += " " }
        return "\(prefix)\(severity.rawValue): \(message)"
    }
}

extension Array where Element == Diagnostic {
    /// Whether any of the diagnostics is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }
}

extension Array where Element == Diagnostic {
    /// The diagnostics by their position in the source (stable: ties keep their order; those
    /// without a location come first).
    public func inSourceOrder() -> [Diagnostic] {
        enumerated().sorted {
            let a = $0.element.location?.offset ?? -1
            let b = $1.element.location?.offset ?? -1
            return a != b ? a < b : $0.offset < $1.offset
        }.map(\.element)
    }
}
