/// One element of a parsed template. Names are pre-split on dots; `[]` is the implicit iterator `.`.
indirect enum MustacheNode: Sendable {
    /// Literal text.
    case text(String)
    /// `{{name}}` (escaped) or `{{{name}}}` / `{{&name}}` (raw).
    case variable(path: [String], escaped: Bool)
    /// `{{#name}}…{{/name}}` or, inverted, `{{^name}}…{{/name}}`.
    case section(path: [String], inverted: Bool, children: [MustacheNode])
    /// `{{>name}}`; `indent` is the whitespace before a standalone tag, prefixed to every line of the partial.
    case partial(name: String, indent: String)
    /// `{{<name}}…{{/name}}`: renders the named template with these blocks overridden.
    case parent(name: String, indent: String, overrides: [String: [MustacheNode]])
    /// `{{$name}}default{{/name}}`: a slot a parent's child may override.
    case block(name: String, defaults: [MustacheNode])
}
