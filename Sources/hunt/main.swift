import Foundation
import Hunting

/// The `hunt` command line tool: parses arguments, runs a subcommand, returns its exit code.
enum Hunt {
    static let version = "0.1.0"

    static let root = CommandSpec(
        name: "",
        abstract: "Run Microsoft Defender advanced hunting queries and report what they find.",
        discussion: """
            Queries live in .kql files with a `// @key: value` header and `let` parameters; see the
            README for the format.
            """,
        options: [OptionSpec(name: "version", valueName: nil, help: "Show the version.")])

    static let subcommands: [(spec: CommandSpec, run: @Sendable (ParsedArguments) -> ExitCode)] = [
        (CheckCommand.spec, CheckCommand.run),
        (ShowCommand.spec, ShowCommand.run),
        (RunCommand.spec, RunCommand.run),
        (ReportCommand.spec, ReportCommand.run),
        (EmulatorCommand.spec, EmulatorCommand.run),
    ]

    static var rootHelp: String {
        var text = root.help.replacingOccurrences(of: "USAGE: hunt [--version]", with: "USAGE: hunt <subcommand>")
        text += "\nSUBCOMMANDS:\n"
        for (spec, _) in subcommands { text += CommandSpec.row(spec.name, spec.abstract) }
        text += "\n  See 'hunt help <subcommand>' for detailed help.\n"
        return text
    }

    static func main(_ arguments: [String]) -> ExitCode {
        guard let first = arguments.first else {
            Output.out(rootHelp)
            return .success
        }
        switch first {
        case "-h", "--help":
            Output.out(rootHelp)
            return .success
        case "--version":
            Output.out(version + "\n")
            return .success
        case "help":
            guard let name = arguments.dropFirst().first else {
                Output.out(rootHelp)
                return .success
            }
            guard let command = subcommands.first(where: { $0.spec.name == name }) else {
                return usageError(UsageError(message: "Unknown subcommand '\(name)'", command: root))
            }
            Output.out(command.spec.help)
            return .success
        default:
            break
        }
        guard let command = subcommands.first(where: { $0.spec.name == first }) else {
            let message = first.hasPrefix("-") ? "Unknown option '\(first)'" : "Unknown subcommand '\(first)'"
            return usageError(UsageError(message: message, command: root))
        }
        do {
            let parsed = try command.spec.parse(Array(arguments.dropFirst()))
            if parsed.wantsHelp {
                Output.out(command.spec.help)
                return .success
            }
            return command.run(parsed)
        } catch {
            return usageError(error)
        }
    }

    /// `Error: …`, the usage line, a pointer to help; exit 64 (as swift-argument-parser does).
    static func usageError(_ error: UsageError) -> ExitCode {
        let usage = error.command.name.isEmpty ? "hunt <subcommand>" : error.command.usage
        let helpHint = error.command.name.isEmpty ? "hunt --help" : "hunt \(error.command.name) --help"
        Output.err("Error: \(error.message)\nUsage: \(usage)\n  See '\(helpHint)' for more information.\n")
        return .usage
    }
}

exit(Hunt.main(Array(CommandLine.arguments.dropFirst())).rawValue)
