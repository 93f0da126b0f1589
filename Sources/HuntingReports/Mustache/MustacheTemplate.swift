/// A Mustache template, parsed once into an immutable tree that any number of tasks may render.
///
/// Supports the core spec (interpolation, sections, inverted sections, comments, partials,
/// set delimiters, standalone lines) and template inheritance (`{{<parent}}` with `{{$block}}`s).
/// Lambdas are not supported.
public struct MustacheTemplate: Sendable {
    /// The name used in error messages.
    public let name: String
    let nodes: [MustacheNode]

    /// Parses `text`.
    /// - Parameters:
    ///   - text: The template source.
    ///   - name: What errors call this template, e.g. its file name.
    /// - Throws: `MustacheError` with the line and column of an unclosed tag or section, a mismatched
    ///   section end, an empty tag or a bad delimiter change.
    public init(_ text: String, name: String = "template") throws(MustacheError) {
        var parser = MustacheParser(text, name: name)
        self.name = name
        nodes = try parser.parse()
    }

    /// Renders the template against `context`.
    /// - Parameters:
    ///   - context: The data; names are looked up in it and in the values of enclosing sections.
    ///   - partials: Templates `{{>name}}` and `{{<name}}` refer to; an unknown name renders as nothing,
    ///     and so does an inclusion nested more than 64 deep (a template that includes itself).
    ///   - escape: How `{{name}}` values are escaped.
    /// - Returns: The rendered text.
    public func render(_ context: MustacheValue, partials: MustacheLibrary? = nil, escape: MustacheEscaping = .html)
        -> String
    {
        var renderer = MustacheRenderer(library: partials, escaping: escape)
        renderer.render(nodes, stack: [context], blocks: [:])
        return renderer.output
    }
}

/// The mutable state of one render: the output so far and the indentation of standalone partials.
struct MustacheRenderer {
    let library: MustacheLibrary?
    let escaping: MustacheEscaping
    var output = ""
    /// How deeply partials and parents may include one another; deeper inclusions render nothing,
    /// so a template that includes itself ends instead of exhausting the stack.
    static let maxInclusionDepth = 64
    /// Partials and parents being rendered, outermost first.
    private var depth = 0
    /// Written before each line a partial's template (not its data) starts.
    private var indent = ""
    private var atLineStart = false

    init(library: MustacheLibrary?, escaping: MustacheEscaping) {
        self.library = library
        self.escaping = escaping
    }

    /// Renders `nodes` with `stack` as the context stack (innermost last) and `blocks` as the overrides in force.
    mutating func render(_ nodes: [MustacheNode], stack: [MustacheValue], blocks: [String: [MustacheNode]]) {
        for node in nodes {
            switch node {
            case .text(let text):
                write(text)
            case .variable(let path, let escaped):
                let value = Self.lookup(path, in: stack).interpolated
                guard !value.isEmpty else { continue }
                writeIndent()
                output += escaped ? escaping.escape(value) : value
            case .section(let path, let inverted, let children):
                let value = Self.lookup(path, in: stack)
                if inverted {
                    if !value.isTruthy { render(children, stack: stack, blocks: blocks) }
                } else if case .array(let elements) = value {
                    for element in elements { render(children, stack: stack + [element], blocks: blocks) }
                } else if value.isTruthy {
                    render(children, stack: stack + [value], blocks: blocks)
                }
            case .partial(let name, let partialIndent):
                guard let template = library?[name], depth < Self.maxInclusionDepth else { continue }
                depth += 1
                renderIndented(template.nodes, by: partialIndent, stack: stack, blocks: blocks)
                depth -= 1
            case .parent(let name, let partialIndent, let overrides):
                guard let template = library?[name], depth < Self.maxInclusionDepth else { continue }
                // Overrides from further out win: a child's block beats its parent's override of a grandparent.
                let merged = blocks.merging(overrides) { outer, _ in outer }
                depth += 1
                renderIndented(template.nodes, by: partialIndent, stack: stack, blocks: merged)
                depth -= 1
            case .block(let name, let defaults):
                guard let override = blocks[name] else {
                    render(defaults, stack: stack, blocks: blocks)
                    continue
                }
                // Inside its own override a block of the same name is the default again, not the
                // override (which would recurse forever).
                var inner = blocks
                inner[name] = nil
                render(override, stack: stack, blocks: inner)
            }
        }
    }

    private mutating func renderIndented(
        _ nodes: [MustacheNode], by extra: String, stack: [MustacheValue], blocks: [String: [MustacheNode]]
    ) {
        guard !extra.isEmpty else { return render(nodes, stack: stack, blocks: blocks) }
        let saved = indent
        indent += extra
        atLineStart = true
        render(nodes, stack: stack, blocks: blocks)
        indent = saved
    }

    private mutating func write(_ text: String) {
        guard !indent.isEmpty else { return output += text }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.offset > 0 {
                output += "\n"
                atLineStart = true
            }
            if !line.element.isEmpty {
                writeIndent()
                output += line.element
            }
        }
    }

    private mutating func writeIndent() {
        if atLineStart, !indent.isEmpty { output += indent }
        atLineStart = false
    }

    /// Finds the first name of `path` in the innermost context that has it, then the rest inside that value only.
    static func lookup(_ path: [String], in stack: [MustacheValue]) -> MustacheValue {
        guard let first = path.first else { return stack.last ?? .null }
        guard let found = stack.reversed().lazy.compactMap({ $0[first] }).first else { return .null }
        return path.dropFirst().reduce(found) { value, key in value[key] ?? .null }
    }
}
