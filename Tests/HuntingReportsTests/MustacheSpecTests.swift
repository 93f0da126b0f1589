import Foundation
import HuntingReports
import Testing

/// One test from the official Mustache spec files in `MustacheSpec/`.
struct SpecCase: Sendable {
    var template: String
    var data: MustacheValue
    var partials: [String: String]
    var expected: String

    /// Every case of every spec file, keyed `"file: name"`.
    static let all: [String: SpecCase] = {
        struct File: Decodable {
            struct Test: Decodable {
                var name: String
                var template: String
                var data: MustacheValue
                var partials: [String: String]?
                var expected: String
            }
            var tests: [Test]
        }
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("MustacheSpec")
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        var cases: [String: SpecCase] = [:]
        for url in files where url.pathExtension == "json" {
            guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data)
            else { fatalError("cannot read spec file \(url.path)") }
            for test in file.tests {
                cases["\(url.deletingPathExtension().lastPathComponent): \(test.name)"] = SpecCase(
                    template: test.template, data: test.data, partials: test.partials ?? [:], expected: test.expected)
            }
        }
        return cases
    }()
}

@Suite struct MustacheSpecTests {
    @Test func specFilesAreLoaded() {
        #expect(SpecCase.all.count >= 136)
    }

    @Test(arguments: SpecCase.all.keys.sorted())
    func spec(_ id: String) throws {
        let test = try #require(SpecCase.all[id])
        let template = try MustacheTemplate(test.template, name: id)
        let library = try MustacheLibrary(templates: test.partials)
        #expect(template.render(test.data, partials: library) == test.expected)
    }
}

@Suite struct MustacheInheritanceTests {
    let library: MustacheLibrary

    init() throws {
        library = try MustacheLibrary(templates: [
            "layout": "<h1>{{$title}}Default title{{/title}}</h1>\n<main>{{$body}}Default body{{/body}}</main>\n",
            "section": "{{<layout}}{{$body}}<section>{{$content}}nothing{{/content}}</section>{{/body}}{{/layout}}",
        ])
    }

    @Test func overridesOneBlockAndKeepsTheOthersDefault() throws {
        let page = try MustacheTemplate("{{<layout}}{{$title}}Hunt {{name}}{{/title}}{{/layout}}")
        #expect(
            page.render(["name": "T1059"], partials: library)
                == "<h1>Hunt T1059</h1>\n<main>Default body</main>\n")
    }

    @Test func rendersDefaultBlocksWithoutOverrides() throws {
        let page = try MustacheTemplate("{{<layout}}{{/layout}}")
        #expect(page.render(nil, partials: library) == "<h1>Default title</h1>\n<main>Default body</main>\n")
    }

    @Test func nestedParentsLetTheOutermostOverrideWin() throws {
        let page = try MustacheTemplate(
            """
            {{<section}}
              {{$title}}Report{{/title}}
              {{$content}}{{#rows}}[{{.}}]{{/rows}}{{/content}}
            {{/section}}
            """)
        #expect(
            page.render(["rows": [1, 2]], partials: library)
                == "<h1>Report</h1>\n<main><section>[1][2]</section></main>\n")
        let plain = try MustacheTemplate("{{<section}}{{/section}}")
        #expect(
            plain.render(nil, partials: library) == "<h1>Default title</h1>\n<main><section>nothing</section></main>\n")
    }

    @Test func blocksOutsideParentsRenderTheirDefaults() throws {
        #expect(try MustacheTemplate("a{{$b}}c{{/b}}d").render(nil) == "acd")
    }

    @Test func unknownPartialsAndParentsRenderNothing() throws {
        #expect(try MustacheTemplate("[{{>missing}}{{<gone}}{{$x}}y{{/x}}{{/gone}}]").render(nil) == "[]")
    }

    @Test func libraryLoadsADirectory() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mustache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "<b>{{$x}}x{{/x}}</b>".write(to: folder.appendingPathComponent("bold.mustache"), atomically: true, encoding: .utf8)
        try "ignored".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let loaded = try MustacheLibrary(directory: folder, extension: "mustache")
        #expect(loaded.names == ["bold"])
        #expect(try MustacheTemplate("{{<bold}}{{$x}}y{{/x}}{{/bold}}").render(nil, partials: loaded) == "<b>y</b>")
    }
}

@Suite struct MustacheEscapingTests {
    @Test(arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        ("Tom & 'Jerry'", "Tom &amp; &#39;Jerry&#39;"),
    ])
    func htmlEscapesHostileValues(value: String, expected: String) throws {
        let template = try MustacheTemplate("<td title=\"{{v}}\">{{v}}</td>")
        #expect(template.render(["v": .string(value)]) == "<td title=\"\(expected)\">\(expected)</td>")
        #expect(try MustacheTemplate("{{{v}}}{{&v}}").render(["v": .string(value)]) == value + value)
    }

    @Test(arguments: [
        ("a|b", "a\\|b"),
        ("C:\\Windows\\cmd.exe", "C:\\\\Windows\\\\cmd.exe"),
        ("`rm -rf`", "\\`rm -rf\\`"),
        ("*bold* _it_", "\\*bold\\* \\_it\\_"),
        ("[link](http://x)", "\\[link\\](http://x)"),
        ("<script>", "&lt;script&gt;"),
        ("# title\n## sub", "\\# title<br>\\## sub"),
        ("issue #3", "issue #3"),
        ("line1\r\nline2", "line1<br>line2"),
    ])
    func markdownEscapesTableBreakingText(value: String, expected: String) throws {
        let row = try MustacheTemplate("| {{v}} |")
        #expect(row.render(["v": .string(value)], escape: .markdown) == "| \(expected) |")
    }

    @Test func noneWritesValuesVerbatim() throws {
        #expect(try MustacheTemplate("{{v}}").render(["v": "<a|b>"], escape: .none) == "<a|b>")
    }
}

@Suite struct MustacheErrorTests {
    @Test(arguments: [
        ("ab\n  {{name", 2, 3, "unclosed tag"),
        ("{{#a}}\n{{b}}\n", 1, 1, "unclosed section 'a'"),
        ("x\n{{#a}}\n  {{/b}}", 3, 3, "mismatched section end '{{/b}}': '{{#a}}' opened at 2:1"),
        ("{{/a}}", 1, 1, "unexpected section end '{{/a}}'"),
        ("é {{=<% %>}}", 1, 3, "unclosed tag"),
        ("{{= <% =}}", 1, 1, "bad delimiter change"),
        ("{{{x}}", 1, 1, "unclosed tag: expected '}}}'"),
        ("a {{ }}", 1, 3, "empty tag"),
    ])
    func reportsLineAndColumn(source: String, line: Int, column: Int, message: String) {
        #expect {
            try MustacheTemplate(source, name: "report.mustache")
        } throws: { error in
            guard let error = error as? MustacheError else { return false }
            return error.name == "report.mustache" && error.line == line && error.column == column
                && error.message.hasPrefix(message)
                && error.description.hasPrefix("report.mustache:\(line):\(column): \(message)")
        }
    }

    @Test func libraryErrorsNameTheTemplate() {
        #expect(throws: MustacheError.self) { try MustacheLibrary(templates: ["ok": "{{a}}", "broken": "{{#a}}"]) }
        do {
            _ = try MustacheLibrary(templates: ["broken": "{{#a}}"])
        } catch {
            #expect(error.description == "broken:1:1: unclosed section 'a': expected '{{/a}}'")
        }
    }
}

@Suite struct MustacheConcurrencyTests {
    @Test func aParsedTemplateRendersIdenticallyFromManyTasks() async throws {
        let library = try MustacheLibrary(templates: ["row": "| {{name}} | {{count}} |\n"])
        let template = try MustacheTemplate("{{#rows}}{{>row}}{{/rows}}{{^rows}}none{{/rows}}")
        let rows: MustacheValue = .array((0..<50).map { ["name": .string("host-\($0)"), "count": .int($0)] })
        let expected = template.render(["rows": rows], partials: library, escape: .markdown)
        let outputs = await withTaskGroup(of: String.self) { group in
            for _ in 0..<200 {
                group.addTask { template.render(["rows": rows], partials: library, escape: .markdown) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outputs.count == 200)
        #expect(outputs.allSatisfy { $0 == expected })
        #expect(expected.hasPrefix("| host-0 | 0 |\n| host-1 | 1 |\n"))
    }
}
