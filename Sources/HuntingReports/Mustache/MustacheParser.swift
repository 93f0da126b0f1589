/// Turns template text into a `MustacheNode` tree in one pass, applying the spec's standalone-line rules.
struct MustacheParser {
    /// A section, inverted section, parent or block still waiting for its `{{/name}}`.
    private struct Frame {
        var sigil: Character
        var name: String
        var offset: Int
        var indent = ""
        var nodes: [MustacheNode] = []
    }

    private let name: String
    private var cursor: MustacheCursor
    private var open = Array("{{".utf8)
    private var close = Array("}}".utf8)
    private var frames: [Frame] = [Frame(sigil: " ", name: "", offset: 0)]

    init(_ text: String, name: String) {
        self.name = name
        cursor = MustacheCursor(text)
    }

    mutating func parse() throws(MustacheError) -> [MustacheNode] {
        while true {
            let (text, found) = cursor.read(until: open)
            guard found else {
                append(text)
                break
            }
            try parseTag(after: text)
        }
        if let unclosed = frames.last, frames.count > 1 {
            throw error("unclosed section '\(unclosed.name)': expected \(tag("/", unclosed.name))", at: unclosed.offset)
        }
        return frames[0].nodes
    }

    /// Parses the tag under the cursor; `text` is the literal text read before it on the way.
    private mutating func parseTag(after text: ArraySlice<UInt8>) throws(MustacheError) {
        let start = cursor.index
        cursor.advance(by: open.count)
        let sigil = cursor.current.map { Character(Unicode.Scalar($0)) }
        var terminator = close
        switch sigil {
        case "{": terminator = Array("}".utf8) + close
        case "=": terminator = Array("=".utf8) + close
        default: break
        }
        let kind = sigil.flatMap { "#^/!><$=&{".contains($0) ? $0 : nil }
        if kind != nil { cursor.advance() }
        let (raw, found) = cursor.read(until: terminator)
        guard found else {
            throw error("unclosed tag: expected '\(String(decoding: terminator, as: UTF8.self))'", at: start)
        }
        cursor.advance(by: terminator.count)
        let content = String(decoding: raw, as: UTF8.self).trimmingWhitespace()

        // A standalone tag's line disappears from the output: its indentation and its line ending.
        var text = text
        var indent = ""
        if let kind, kind != "&", kind != "{", let width = cursor.indentation(before: start),
            let next = cursor.lineEnd(after: cursor.index)
        {
            indent = String(decoding: text.suffix(width), as: UTF8.self)
            text = text.dropLast(width)
            cursor.move(to: next)
        }
        append(text)

        if kind != "!", kind != "=", content.isEmpty {
            throw error("empty tag: expected a name after '\(String(decoding: open, as: UTF8.self))\(kind.map(String.init) ?? "")'", at: start)
        }
        switch kind {
        case "!": break
        case "=": try changeDelimiters(content, at: start)
        case "#", "^", "$": frames.append(Frame(sigil: kind!, name: content, offset: start))
        case "<": frames.append(Frame(sigil: "<", name: content, offset: start, indent: indent))
        case "/": try closeSection(content, at: start)
        case ">": frames[frames.count - 1].nodes.append(.partial(name: content, indent: indent))
        case "&", "{": frames[frames.count - 1].nodes.append(.variable(path: Self.path(content), escaped: false))
        default: frames[frames.count - 1].nodes.append(.variable(path: Self.path(content), escaped: true))
        }
    }

    private mutating func closeSection(_ closing: String, at offset: Int) throws(MustacheError) {
        guard frames.count > 1, let frame = frames.popLast() else {
            throw error("unexpected section end \(tag("/", closing)): no section is open", at: offset)
        }
        guard frame.name == closing else {
            let (line, column) = cursor.position(of: frame.offset)
            throw error(
                "mismatched section end \(tag("/", closing)): \(tag(frame.sigil, frame.name)) opened at \(line):\(column) must be closed first",
                at: offset)
        }
        let node: MustacheNode =
            switch frame.sigil {
            case "$": .block(name: frame.name, defaults: frame.nodes)
            case "<":
                // Only the blocks inside a parent tag mean anything: they override the parent's blocks.
                .parent(
                    name: frame.name, indent: frame.indent,
                    overrides: Dictionary(
                        frame.nodes.compactMap { node in
                            if case .block(let name, let nodes) = node { (name, nodes) } else { nil }
                        }, uniquingKeysWith: { _, last in last }))
            default: .section(path: Self.path(frame.name), inverted: frame.sigil == "^", children: frame.nodes)
            }
        frames[frames.count - 1].nodes.append(node)
    }

    private mutating func changeDelimiters(_ content: String, at offset: Int) throws(MustacheError) {
        let parts = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard parts.count == 2, !parts.contains(where: { $0.contains("=") }) else {
            throw error("bad delimiter change '\(content)': expected two delimiters without '=' or spaces, as in {{=<% %>=}}", at: offset)
        }
        open = Array(parts[0].utf8)
        close = Array(parts[1].utf8)
    }

    private mutating func append(_ text: ArraySlice<UInt8>) {
        guard !text.isEmpty else { return }
        frames[frames.count - 1].nodes.append(.text(String(decoding: text, as: UTF8.self)))
    }

    private func tag(_ sigil: Character, _ name: String) -> String {
        "'\(String(decoding: open, as: UTF8.self))\(sigil)\(name)\(String(decoding: close, as: UTF8.self))'"
    }

    private func error(_ message: String, at offset: Int) -> MustacheError {
        let (line, column) = cursor.position(of: offset)
        return MustacheError(name: name, line: line, column: column, message: message)
    }

    /// `"a.b"` → `["a", "b"]`; `"."` → `[]`, the current context.
    private static func path(_ name: String) -> [String] {
        name == "." ? [] : name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
