import HuntingReports
import Testing

/// Inputs the `mustache` fuzz target (Fuzz/Targets/mustache.swift) crashed on, fed to the same API.
///
/// Each crashed the whole process with a stack overflow in `MustacheRenderer.render`
/// (Sources/HuntingReports/Mustache/MustacheTemplate.swift) before inclusions were limited to 64
/// levels and a block's override stopped resolving to itself. Returning is the test.
@Suite("Fuzz regressions: Mustache")
struct MustacheFuzzRegressionTests {
    /// Renders `input` as a template against `partials`, as the fuzz target does.
    @discardableResult
    static func render(_ input: [UInt8], partials: [String: String]) -> String? {
        guard let library = try? MustacheLibrary(templates: partials),
            let template = try? MustacheTemplate(String(decoding: input, as: UTF8.self), name: "fuzz")
        else { return nil }
        return template.render(["name": "world"], partials: library, escape: .html)
    }

    /// `{{>loop}}` where the partial `loop` is `{{>loop}}`: `.partial` → `renderIndented` → `render`
    /// forever (MustacheTemplate.swift:72-74, 89). Fuzz input crash-450a6343725fb47414af976a7e70248df1460d49.
    @Test
    func selfRecursivePartial() {
        let input: [UInt8] = [0x7B, 0x7B, 0x3E, 0x6C, 0x6F, 0x6F, 0x70, 0x7D, 0x7D]  // "{{>loop}}"
        #expect(Self.render(input, partials: ["loop": "{{>loop}}x"]) == String(repeating: "x", count: 64))
    }

    /// The same through a parent tag: `parentloop` is `{{<parentloop}}{{/parentloop}}`
    /// (MustacheTemplate.swift:75-79, 89). In `hunt run --templates`, an override
    /// `report.html.mustache` that extends `report.html` instead of `default/report.html` does this.
    @Test
    func selfRecursiveParent() {
        let input = Array("{{<parentloop}}{{/parentloop}}".utf8)
        Self.render(input, partials: ["parentloop": "{{<parentloop}}{{/parentloop}}"])
    }

    /// A block override that contains a block of the same name: rendering `{{$body}}` in the parent
    /// renders the override, whose inner `{{$body}}` looks up `blocks["body"]` again, which is the
    /// override itself (MustacheTemplate.swift:80-81). No recursive partial is needed: any parent
    /// with a block will do. With `ReportTemplates.builtin`, an override `report.html.mustache` of
    /// `{{<default/report.html}}{{$title}}{{$title}}{{/title}} (custom){{/title}}{{/default/report.html}}`
    /// (the extension pattern ReportTemplates documents) crashes `hunt run --templates` the same way.
    /// Fuzz input minimized-from-5984bad6aead0e4b021f05160a4eb53d379269b4 (from
    /// crash-9020d1a8ad88786c6d274ff824fd50d7feecb0f4).
    @Test
    func blockOverrideContainingItsOwnBlock() {
        // "{{<layout}}{{$body}}{{$body}}{{/body}} {{/body}}{{/layout}}"
        let input: [UInt8] = [
            0x7B, 0x7B, 0x3C, 0x6C, 0x61, 0x79, 0x6F, 0x75, 0x74, 0x7D, 0x7D, 0x7B, 0x7B, 0x24, 0x62, 0x6F,
            0x64, 0x79, 0x7D, 0x7D, 0x7B, 0x7B, 0x24, 0x62, 0x6F, 0x64, 0x79, 0x7D, 0x7D, 0x7B, 0x7B, 0x2F,
            0x62, 0x6F, 0x64, 0x79, 0x7D, 0x7D, 0x20, 0x7B, 0x7B, 0x2F, 0x62, 0x6F, 0x64, 0x79, 0x7D, 0x7D,
            0x7B, 0x7B, 0x2F, 0x6C, 0x61, 0x79, 0x6F, 0x75, 0x74, 0x7D, 0x7D,
        ]
        let output = Self.render(input, partials: ["layout": "<h1>{{$title}}Default title{{/title}}</h1>\n{{$body}}default body{{/body}}\n"])
        // Inside its own override a block of the same name renders its own (here empty) content.
        #expect(output == "<h1>Default title</h1>\n \n")
    }
}
