import Foundation

/// One option a command takes.
struct OptionSpec: Sendable {
    /// Long name without dashes (`format`).
    var name: String
    /// Optional one-letter name (`h`).
    var short: Character?
    /// The value's placeholder (`format`), or `nil` for a flag.
    var valueName: String?
    /// Whether it may be given several times.
    var repeats = false
    /// Allowed values, when fixed.
    var allowed: [String]? = nil
    /// Default shown in help.
    var defaultValue: String? = nil
    /// One line of help.
    var help: String

    var isFlag: Bool { valueName == nil }

    var synopsis: String {
        var text = "--\(name)"
        if let valueName { text += " <\(valueName)>" }
        return text
    }
}

/// What a command accepts and how to explain it, in the shape of swift-argument-parser's help.
struct CommandSpec: Sendable {
    var name: String
    var abstract: String
    var discussion: String? = nil
    var positionalName: String? = nil
    var positionalHelp: String? = nil
    var positionalRequired = false
    var positionalRepeats = true
    var options: [OptionSpec]

    static let helpOption = OptionSpec(name: "help", short: "h", valueName: nil, help: "Show help information.")

    var commandPath: String { name.isEmpty ? "hunt" : "hunt \(name)" }

    var usage: String {
        var parts = [commandPath]
        if let positionalName {
            var p = "<\(positionalName)>"
            if positionalRepeats { p += " ..." }
            parts.append(positionalRequired ? p : "[\(p)]")
        }
        for option in options {
            let rendered = option.synopsis + (option.repeats ? " ..." : "")
            parts.append("[\(rendered)]")
        }
        return parts.joined(separator: " ")
    }

    var help: String {
        var text = "OVERVIEW: \(abstract)\n"
        if let discussion { text += "\n" + discussion + "\n" }
        text += "\nUSAGE: \(usage)\n"
        if let positionalName {
            text += "\nARGUMENTS:\n" + Self.row("<\(positionalName)>", positionalHelp ?? "")
        }
        text += "\nOPTIONS:\n"
        for option in options + [Self.helpOption] {
            var label = option.short.map { "-\($0), " } ?? ""
            label += option.synopsis
            var line = option.help
            if let allowed = option.allowed { line += " (values: \(allowed.joined(separator: ", ")))" }
            if let defaultValue = option.defaultValue { line += " (default: \(defaultValue))" }
            text += Self.row(label, line)
        }
        return text
    }

    static func row(_ label: String, _ help: String) -> String {
        let padded = "  " + label
        if padded.count < 26 {
            return padded + String(repeating: " ", count: 26 - padded.count) + help + "\n"
        }
        return padded + "\n" + String(repeating: " ", count: 26) + help + "\n"
    }
}

/// The arguments of one command, parsed.
struct ParsedArguments {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []
    var wantsHelp = false

    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The `--param NAME=VALUE` bindings, by name.
    /// - Throws: ``UsageError`` for a binding without a name or `=`.
    func parameterBindings(for command: CommandSpec) throws(UsageError) -> [String: String] {
        var bindings: [String: String] = [:]
        for binding in all("param") {
            guard let equals = binding.firstIndex(of: "="), equals != binding.startIndex else {
                throw UsageError(message: "Expected NAME=VALUE for '--param', got '\(binding)'", command: command)
            }
            bindings[String(binding[..<equals])] = String(binding[binding.index(after: equals)...])
        }
        return bindings
    }
}

/// A mistake in how the command was called: shown with the usage line, exit 64.
struct UsageError: Error {
    var message: String
    var command: CommandSpec
}

extension CommandSpec {
    /// Parses `arguments` (after the subcommand name): `--name value`, `--name=value`, flags,
    /// `-h`, `--` to end options, and positionals anywhere.
    func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        // Help wins over every other mistake on the line, as in swift-argument-parser.
        if arguments.prefix(while: { $0 != "--" }).contains(where: { $0 == "-h" || $0 == "--help" }) {
            parsed.wantsHelp = true
            return parsed
        }
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            var name: String
            var inlineValue: String?
            if argument.hasPrefix("--") {
                name = String(argument.dropFirst(2))
                if let equals = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
            } else {
                guard argument.count == 2, let option = options.first(where: { $0.short == argument.last }) else {
                    throw UsageError(message: "Unknown option '\(argument)'", command: self)
                }
                name = option.name
            }
            guard let option = options.first(where: { $0.name == name }) else {
                throw UsageError(message: "Unknown option '--\(name)'", command: self)
            }
            if option.isFlag {
                guard inlineValue == nil else {
                    throw UsageError(message: "The flag '--\(name)' does not take a value", command: self)
                }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else {
                    throw UsageError(message: "Missing value for '--\(name) <\(option.valueName!)>'", command: self)
                }
                value = arguments[index]
                index += 1
            }
            if let allowed = option.allowed, !allowed.contains(value) {
                throw UsageError(
                    message: "The value '\(value)' is invalid for '--\(name) <\(option.valueName!)>'; use one of: \(allowed.joined(separator: ", "))",
                    command: self)
            }
            if !option.repeats, parsed.values[name] != nil {
                throw UsageError(message: "'--\(name)' can only be given once", command: self)
            }
            parsed.values[name, default: []].append(value)
        }
        if positionalName == nil, let extra = parsed.positionals.first {
            throw UsageError(message: "Unexpected argument '\(extra)'", command: self)
        }
        if let positionalName, positionalRequired, parsed.positionals.isEmpty {
            throw UsageError(message: "Missing expected argument '<\(positionalName)>'", command: self)
        }
        if !positionalRepeats, parsed.positionals.count > 1 {
            throw UsageError(message: "Unexpected argument '\(parsed.positionals[1])'", command: self)
        }
        return parsed
    }
}
