public import KQL

/// Why a configuration cannot be used: every problem found, each as
/// `hunt.json:12:5: error: tenants[0].cloud: expected global, gcc, gcc-high, dod or china, found 'globl'; did you mean 'global'?`.
///
/// Problems in the file come in the order they are written; problems in environment variables,
/// which have no place in a file, come after them.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every problem found, errors only.
    public var diagnostics: [Diagnostic]
    /// Whether the configuration file does not exist (the only problem then), so a caller can
    /// fall back to the defaults when the user did not name the file.
    public var isFileMissing: Bool

    /// Creates an error from its problems.
    /// - Parameters:
    ///   - diagnostics: the problems, at least one.
    ///   - isFileMissing: whether the file does not exist.
    public init(_ diagnostics: [Diagnostic], isFileMissing: Bool = false) {
        self.diagnostics = diagnostics
        self.isFileMissing = isFileMissing
    }

    /// Creates an error with one problem.
    /// - Parameters:
    ///   - message: what is wrong and what to do.
    ///   - code: a kebab-case identifier of the kind of problem.
    ///   - path: the file it is in, if any.
    ///   - location: where in the file, if anywhere.
    public init(_ message: String, code: String = "configuration", path: String? = nil, at location: SourceLocation? = nil) {
        self.init([.error(code, message, at: location, path: path)])
    }

    /// The first problem's message, for callers that re-attribute a problem to another place.
    var firstMessage: String { diagnostics.first?.message ?? "invalid configuration" }

    /// One problem per line, `path:line:col: error: message`.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Where relative paths in a file are resolved: against the file's folder.
enum ConfigurationPaths {
    /// The folder of a file's path; empty for a bare file name.
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `path` when absolute (or `folder` is empty), else `folder/path`.
    static func resolve(_ path: String, against folder: String) -> String {
        if path.hasPrefix("/") || folder.isEmpty { return path }
        return folder.hasSuffix("/") ? folder + path : folder + "/" + path
    }
}
