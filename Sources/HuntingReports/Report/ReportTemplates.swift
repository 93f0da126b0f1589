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

    /// The built-in templates, each under its name and under `default/<name>`.
    public static let builtin: MustacheLibrary = {
        var all: [String: String] = [:]
        for (name, text) in BuiltinTemplates.files {
            all[name] = text
            all["default/\(name)"] = text
        }
        do {
            return try MustacheLibrary(templates: all)
        } catch {
            preconditionFailure("the built-in templates do not parse: \(error)")
        }
    }()

    /// The built-in templates with every `*.mustache` file directly inside `directory` laid over them;
    /// a file's name without `.mustache` is its template name (`query.html.mustache` → `query.html`).
    /// - Throws: ``ReportTemplateError`` naming the file when the folder or a file cannot be read or a
    ///   template does not parse (with its line and column).
    public static func library(overriding directory: URL) throws(ReportTemplateError) -> MustacheLibrary {
        do {
            return builtin.merging(try MustacheLibrary(directory: directory))
        } catch let error as MustacheError {
            throw ReportTemplateError(path: error.name, message: error.message, line: error.line, column: error.column)
        } catch {
            throw ReportTemplateError(path: directory.path, message: "cannot read the templates: \(error.localizedDescription)")
        }
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
