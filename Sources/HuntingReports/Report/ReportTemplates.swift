public import Foundation

/// The templates a report renders through: the built-in set (a copy of the package's `Templates/`
/// folder compiled into the program) with a team's own folder laid over it.
///
/// Every built-in template is also reachable as `default/<name>`, so an override can extend the
/// default instead of copying it: a `report.html.mustache` holding
/// `{{<default/report.html}}{{$style}}…{{/style}}{{/default/report.html}}` restyles the report and
/// keeps the rest.
public enum ReportTemplates {
    /// The name of the HTML report's template.
    public static let html = "report.html"
    /// The name of the Markdown report's template.
    public static let markdown = "report.md"

    /// The built-in templates.
    public static let builtin: MustacheLibrary = {
        do {
            return try MustacheLibrary(templates: layered(overrides: [:]))
        } catch {
            preconditionFailure("the built-in templates do not parse: \(error)")
        }
    }()

    /// The built-in templates with every `*.mustache` file directly inside `directory` laid over them;
    /// a file's name without `.mustache` is its template name (`query.html.mustache` → `query.html`).
    /// - Throws: ``ReportTemplateError`` naming the file when the folder or a file cannot be read or a
    ///   template does not parse (with its line and column).
    public static func library(overriding directory: URL) throws(ReportTemplateError) -> MustacheLibrary {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "mustache" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw ReportTemplateError(path: directory.path, message: "cannot read the templates folder: \(error.localizedDescription)")
        }
        var overrides: [String: (text: String, path: String)] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw ReportTemplateError(path: file.path, message: "cannot read the file")
            }
            guard let text = String(validating: data, as: UTF8.self) else {
                throw ReportTemplateError(path: file.path, message: "the file is not UTF-8")
            }
            overrides[file.deletingPathExtension().lastPathComponent] = (text, file.path)
        }
        do {
            var parsed: [String: MustacheTemplate] = [:]
            for (name, source) in layered(overrides: overrides.mapValues(\.text)) {
                parsed[name] = try MustacheTemplate(source, name: overrides[name]?.path ?? "Templates/\(name).mustache")
            }
            return MustacheLibrary(parsed: parsed)
        } catch {
            throw ReportTemplateError(path: error.name, message: error.message, line: error.line, column: error.column)
        }
    }

    /// Built-ins under their names and under `default/`, then the overrides.
    private static func layered(overrides: [String: String]) -> [String: String] {
        var all: [String: String] = [:]
        for (name, text) in BuiltinTemplates.files {
            all[name] = text
            all["default/\(name)"] = text
        }
        all.merge(overrides) { _, override in override }
        return all
    }
}

/// A templates folder that cannot be used.
public struct ReportTemplateError: Error, Sendable, CustomStringConvertible {
    /// The file or folder.
    public var path: String
    /// What is wrong.
    public var message: String
    /// Where in the file, when known.
    public var line: Int?
    public var column: Int?

    public var description: String {
        if let line, let column { return "\(path):\(line):\(column): error: \(message)" }
        return "\(path): error: \(message)"
    }
}
