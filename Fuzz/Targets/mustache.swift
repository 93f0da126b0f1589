// fuzz-about: MustacheTemplate parsing, then rendering with .html and .markdown escaping against a fixed context and partial library (includes self-recursive partials)
// fuzz-max-len: 8192
// fuzz-seeds: mustache
// fuzz-dict: mustache
//
// A template that does not parse (MustacheError) is fine. One that parses is rendered three
// times: with HTML escaping and the partial library, with Markdown escaping and the library, and
// with no library. The library has a data-bounded recursive partial (`tree`), a parent with blocks
// (`layout`) and a child of it (`child`), and two unboundedly self-recursive templates (`loop`:
// `{{>loop}}`, `parentloop`: `{{<parentloop}}{{/parentloop}}`). Whatever a template does with them,
// the process must not die (e.g. of a stack overflow).
//
// To keep fuzzing the rest while a known bug is open, FUZZ_MUSTACHE_SKIP (comma-separated) leaves
// parts of the library out:
//   self-recursion  `loop` and `parentloop`
//   parents         every template with blocks or a parent tag (`layout`, `child`, `parentloop`)
import Foundation
import HuntingReports

private let context: MustacheValue = [
    "title": "Report <&> \"quoted\" 'single' | * _ [x] `code` \\",
    "name": "world",
    "count": 3,
    "ratio": 2.5,
    "big": 1e300,
    "negative": -7,
    "flag": true,
    "off": false,
    "none": nil,
    "empty": [],
    "blank": "",
    "multiline": "line one\nline two\r\n# heading\r",
    "unicode": "héllo \u{1F600} \u{202E}rtl\u{0000}nul",
    "items": [
        ["name": "a", "count": 1, "flag": true],
        ["name": "b|c", "count": 2, "flag": false, "tags": ["x", "y"]],
    ],
    "nested": ["a": ["b": ["c": "deep", "list": [1, 2]]]],
    "children": [
        ["name": "root", "children": [["name": "leaf", "children": []]]],
    ],
]

private let skipped = Set(
    (ProcessInfo.processInfo.environment["FUZZ_MUSTACHE_SKIP"] ?? "").split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespaces)
    })

private let library: MustacheLibrary = {
    var templates = [
        "item": "{{name}} ({{count}})\n",
        "indented": "  {{>item}}\n  {{#flag}}on{{/flag}}\n",
        // Recursion bounded by the data: the leaf's `children` is an empty list.
        "tree": "{{#children}}<{{name}}>{{>tree}}</{{name}}>{{/children}}",
        "delims": "{{=<% %>=}}<% name %><%={{ }}=%>{{name}}",
    ]
    if !skipped.contains("parents") {
        templates["layout"] = "<h1>{{$title}}Default title{{/title}}</h1>\n{{$body}}default body{{/body}}\n{{>item}}"
        templates["child"] = "{{<layout}}{{$title}}Child {{name}}{{/title}}{{$body}}{{#items}}{{>item}}{{/items}}{{/body}}{{/layout}}"
    }
    if !skipped.contains("self-recursion") {
        // Unbounded recursion: every render of these recurses until something stops it.
        templates["loop"] = "{{>loop}}"
        if !skipped.contains("parents") { templates["parentloop"] = "{{<parentloop}}{{/parentloop}}" }
    }
    return try! MustacheLibrary(templates: templates)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMustache(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    let template: MustacheTemplate
    do {
        template = try MustacheTemplate(text, name: "fuzz")
    } catch {
        _ = error.description
        return 0
    }
    _ = template.render(context, partials: library, escape: .html)
    _ = template.render(context, partials: library, escape: .markdown)
    _ = template.render(context, escape: .none)
    return 0
}
