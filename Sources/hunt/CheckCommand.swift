import Foundation
import Hunting
import KQL

/// `hunt check [PATH…]`: loads every query file and reports what is wrong with each.
enum CheckCommand {
    static let spec = CommandSpec(
        name: "check",
        abstract: "Load query files and report problems with them.",
        discussion: """
            Prints one `path:line:col: error|warning: message` line per problem and a summary:
            loading problems, syntax errors, and what the linter finds (unknown tables, columns
            and functions, time filters, …). Silence a lint code in a file with
            `// @lint-disable: CODE`. Exits 0 when no file has errors, 1 otherwise (with --strict,
            warnings count too).
            """,
        positionalName: "path",
        positionalHelp: "Query files or folders, searched recursively for *.kql. (default: Queries)",
        options: [
            OptionSpec(name: "format", valueName: "format", allowed: ["text", "json"], defaultValue: "text", help: "Output format."),
            OptionSpec(name: "strict", valueName: nil, help: "Treat warnings as errors."),
            OptionSpec(
                name: "endpoint", valueName: "endpoint", allowed: ["graph", "defender"], defaultValue: "graph",
                help: "The API the queries will run on; defender (legacy) serves only Device* tables."),
        ])

    static func run(_ arguments: ParsedArguments) -> ExitCode {
        let paths = arguments.positionals.isEmpty ? ["Queries"] : arguments.positionals
        let endpoint: KQLLinter.Endpoint = arguments.value("endpoint") == "defender" ? .legacyDefender : .graph
        let catalog = QueryLoader().load(paths: paths).linted(endpoint: endpoint)
        let diagnostics = catalog.allDiagnostics
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        let failed = errors > 0 || (arguments.flags.contains("strict") && warnings > 0)
        if arguments.value("format") == "json" {
            Output.out(Output.json(Report(catalog: catalog, errors: errors, warnings: warnings)))
        } else {
            var text = ""
            // Syntax errors show the line and a caret under the column, as compilers do.
            let sources = Dictionary(catalog.queries.map { ($0.path, $0.text) }, uniquingKeysWith: { first, _ in first })
            for diagnostic in diagnostics {
                if Self.showsSource.contains(diagnostic.code), let path = diagnostic.path, let source = sources[path] {
                    // Line by line: a tab shows as `\t` in both the source and the caret line, which stay aligned.
                    text += diagnostic.rendered(with: source).split(separator: "\n", omittingEmptySubsequences: false)
                        .map { Terminal.sanitize(String($0)) }.joined(separator: "\n") + "\n"
                } else {
                    text += diagnostic.description + "\n"
                }
            }
            let loaded = catalog.queries.count
            let broken = catalog.files.count - loaded
            text += "Checked \(catalog.files.count) file\(catalog.files.count == 1 ? "" : "s"): \(loaded) loaded"
            if broken > 0 { text += ", \(broken) with errors" }
            text += "; \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s").\n"
            Output.out(text)
        }
        return failed ? .failure : .success
    }

    /// Diagnostics printed with their source line and a caret.
    static let showsSource: Set<String> = ["syntax-error", "nesting-too-deep"]

    /// The `--format json` document.
    struct Report: Encodable {
        struct File: Encodable {
            var id: String
            var path: String
            var loaded: Bool
            var title: String?
            var severity: String?
            var parameters: [String]?
        }

        struct Entry: Encodable {
            var path: String?
            var line: Int?
            var column: Int?
            var severity: String
            var code: String
            var message: String
        }

        var files: [File]
        var diagnostics: [Entry]
        var summary: [String: Int]

        init(catalog: QueryCatalog, errors: Int, warnings: Int) {
            files = catalog.files.map {
                File(
                    id: $0.id, path: $0.path, loaded: $0.query != nil, title: $0.query?.metadata.title,
                    severity: $0.query?.metadata.severity.rawValue, parameters: $0.query?.parameters.map(\.name))
            }
            diagnostics = catalog.allDiagnostics.map {
                Entry(
                    path: $0.path, line: $0.location?.line, column: $0.location?.column,
                    severity: $0.severity.rawValue, code: $0.code, message: $0.message)
            }
            summary = [
                "files": catalog.files.count, "loaded": catalog.queries.count, "errors": errors,
                "warnings": warnings,
            ]
        }
    }
}
