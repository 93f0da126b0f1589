public import Foundation

/// Named templates, parsed once, that templates include as partials (`{{>name}}`) or extend as
/// parents (`{{<name}}…{{/name}}`).
public struct MustacheLibrary: Sendable {
    private var templates: [String: MustacheTemplate]

    /// Parses each template; the dictionary key is the name partial tags use.
    /// - Parameter templates: Template source by name.
    /// - Throws: The first `MustacheError` any template raises, named after its key.
    public init(templates: [String: String]) throws(MustacheError) {
        var parsed: [String: MustacheTemplate] = [:]
        for (name, text) in templates.sorted(by: { $0.key < $1.key }) {
            parsed[name] = try MustacheTemplate(text, name: name)
        }
        self.templates = parsed
    }

    /// Loads every `*.<extension>` file directly inside `directory` (not its subfolders); a template's
    /// name is its file name without the extension, so `layouts/page.mustache` is `{{>page}}`.
    /// - Parameters:
    ///   - directory: The folder holding the templates.
    ///   - extension: The file extension to load, without the dot.
    /// - Throws: A Foundation error if the folder or a file cannot be read (or is not UTF-8); a
    ///   `MustacheError` naming the file's path if a template does not parse.
    public init(directory: URL, extension: String = "mustache") throws {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var parsed: [String: MustacheTemplate] = [:]
        for file in files where file.pathExtension == `extension` {
            let text = try String(contentsOf: file, encoding: .utf8)
            parsed[file.deletingPathExtension().lastPathComponent] = try MustacheTemplate(text, name: file.path)
        }
        templates = parsed
    }

    /// This library with `overrides` laid over it: a template of `overrides` replaces the one of
    /// the same name here.
    public func merging(_ overrides: MustacheLibrary) -> MustacheLibrary {
        var merged = self
        merged.templates.merge(overrides.templates) { _, override in override }
        return merged
    }

    /// The names of the templates, sorted.
    public var names: [String] { templates.keys.sorted() }

    /// The template called `name`, if there is one.
    public subscript(name: String) -> MustacheTemplate? { templates[name] }
}
