import Foundation
import Hunting
import KQL

/// `hunt show FILE [--param NAME=VALUE…]`: a query's metadata, parameters and the exact text
/// that would be sent.
enum ShowCommand {
    static let spec = CommandSpec(
        name: "show",
        abstract: "Show a query's metadata, parameters and the exact text that would run.",
        discussion: """
            FILE is a .kql file, or a query id under Queries/ (execution/encoded-powershell).
            Each --param is parsed by the parameter's declared type and bound as an escaped
            literal; nothing else in the text changes.
            """,
        positionalName: "file",
        positionalHelp: "The query file or id.",
        positionalRequired: true,
        positionalRepeats: false,
        options: [
            OptionSpec(name: "param", valueName: "name=value", repeats: true, help: "Bind a parameter (repeatable)."),
            OptionSpec(name: "format", valueName: "format", allowed: ["text", "json", "query"], defaultValue: "text",
                       help: "Output format; 'query' prints only the bound text."),
        ])

    static func run(_ arguments: ParsedArguments) -> ExitCode {
        let given = arguments.positionals[0]
        var path = given
        var id = QueryLoader.id(forRelativePath: (given as NSString).lastPathComponent)
        if !FileManager.default.fileExists(atPath: path), FileManager.default.fileExists(atPath: "Queries/\(given).kql") {
            path = "Queries/\(given).kql"
            id = QueryLoader.id(forRelativePath: given)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            Output.err("error: \(given): no such file, and no query with that id under Queries/\n")
            return .failure
        }
        let values: [String: String]
        do {
            values = try arguments.parameterBindings(for: spec)
        } catch {
            return Hunt.usageError(error)
        }
        let file = QueryLoader().loadFile(atPath: path, id: id)
        for diagnostic in file.diagnostics { Output.err(diagnostic.description + "\n") }
        guard let query = file.query else { return .failure }
        let bound: BoundQuery
        do {
            bound = try query.bind(values)
        } catch {
            return Hunt.usageError(UsageError(message: error.problems.map(\.message).joined(separator: "\n       "), command: spec))
        }
        switch arguments.value("format") {
        case "json": Output.out(Output.json(Document(bound)))
        case "query": Output.out(bound.text.hasSuffix("\n") ? bound.text : bound.text + "\n")
        default: Output.out(text(bound))
        }
        return .success
    }

    static func text(_ bound: BoundQuery) -> String {
        let query = bound.query
        let m = query.metadata
        var rows: [(String, String)] = [
            ("Id", query.id), ("Path", query.path), ("Title", m.title), ("Severity", m.severity.rawValue),
        ]
        if !m.mitre.isEmpty { rows.append(("MITRE", m.mitre.joined(separator: ", "))) }
        if !m.tags.isEmpty { rows.append(("Tags", m.tags.joined(separator: ", "))) }
        if let owner = m.owner { rows.append(("Owner", owner)) }
        rows.append(("Timespan", m.timespan.map { "\($0.iso8601) (sent to Graph)" } ?? "not set (Graph default: 30 days)"))
        if !m.keys.isEmpty { rows.append(("Keys", m.keys.joined(separator: ", "))) }
        rows.append(("Enabled", m.enabled ? "yes" : "no"))
        var out = rows.map { "\($0.0):" + String(repeating: " ", count: 10 - $0.0.count) + $0.1 }.joined(separator: "\n") + "\n"
        if !m.description.isEmpty { out += "\n" + m.description + "\n" }
        out += "\nParameters:\n"
        if query.parameters.isEmpty {
            out += "  (none)\n"
        } else {
            var table = [["NAME", "TYPE", "DEFAULT", "VALUE", "DESCRIPTION"]]
            for (parameter, value) in zip(query.parameters, bound.values) {
                let current = bound.overridden.contains(parameter.name) ? value.value.kqlLiteral : "(default)"
                table.append([parameter.name, parameter.type.rawValue, parameter.defaultValue.kqlLiteral, current, parameter.documentation ?? ""])
            }
            let widths = (0..<4).map { column in table.map { $0[column].count }.max() ?? 0 }
            for row in table {
                var line = "  "
                for column in 0..<4 { line += row[column].padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0) }
                line += row[4]
                while line.last == " " { line.removeLast() }
                out += line + "\n"
            }
        }
        out += "\nQuery (as sent):\n"
        out += bound.text.hasSuffix("\n") ? bound.text : bound.text + "\n"
        return out
    }

    /// The `--format json` document.
    struct Document: Encodable {
        struct Parameter: Encodable {
            var name: String
            var type: String
            var defaultValue: String
            var value: String
            var bound: Bool
            var description: String?
        }

        var id: String
        var path: String
        var title: String
        var description: String
        var severity: String
        var tags: [String]
        var mitre: [String]
        var owner: String?
        var timespan: String?
        var keys: [String]
        var enabled: Bool
        var parameters: [Parameter]
        var query: String

        init(_ bound: BoundQuery) {
            let q = bound.query
            let m = q.metadata
            id = q.id
            path = q.path
            title = m.title
            description = m.description
            severity = m.severity.rawValue
            tags = m.tags
            mitre = m.mitre
            owner = m.owner
            timespan = m.timespan?.iso8601
            keys = m.keys
            enabled = m.enabled
            parameters = zip(q.parameters, bound.values).map { parameter, value in
                Parameter(
                    name: parameter.name, type: parameter.type.rawValue, defaultValue: parameter.defaultValue.kqlLiteral,
                    value: value.value.kqlLiteral, bound: bound.overridden.contains(parameter.name),
                    description: parameter.documentation)
            }
            query = bound.text
        }
    }
}
