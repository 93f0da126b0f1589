import Foundation
import Hunting
@testable import HuntingReports
import KQL
import Testing
import TestSupport

/// The XSS vectors of `XSSVectors.txt`: one a line, `⟨U+XXXX⟩` standing for that scalar, lines
/// starting with `# ` and empty lines skipped.
enum XSSVectors {
    static let file = PackagePaths.root.appendingPathComponent("Tests/HuntingReportsTests/XSSVectors.txt")

    static let all: [String] = {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { !$0.hasPrefix("# ") }
            .map { decode(String($0)) }
    }()

    /// The line with every `⟨U+XXXX⟩` replaced by its scalar.
    static func decode(_ line: String) -> String {
        var out = ""
        var rest = line[...]
        while let open = rest.range(of: "⟨U+") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "⟩"),
                let value = UInt32(rest[open.upperBound..<close], radix: 16), let scalar = Unicode.Scalar(value)
            else { fatalError("XSSVectors.txt: bad escape in \(line)") }
            out.unicodeScalars.append(scalar)
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}

/// A nightly report with every vector in every place a report shows text: the report title and
/// generator; per vector a query whose title, description, tags, owner, key column and bound
/// parameter are the vector, whose result cells (string and dynamic) and resolved finding hold it,
/// whose second row is suppressed with the vector as reason, owner, rule and location, and which
/// fails in the second tenant with the vector as message, service code and request id; a query
/// with a row per vector (the sorted one), a query with a column named after each vector, expired
/// suppressions, tenant notes and run notes.
enum GauntletReport {
    static let started = ReportFixture.started
    static let lastNight = started.addingTimeInterval(-86_400)
    static let cellsId = "gauntlet/cells.kql"
    static let columnsId = "gauntlet/columns.kql"

    static func vectorId(_ index: Int) -> String { "gauntlet/v\(index).kql" }

    static func vectorQuery(_ index: Int, _ vector: String) -> HuntingQuery {
        var query = ReportFixture.query(vectorId(index), """
            // @title: placeholder
            let needle = "placeholder";
            DeviceEvents | where AdditionalFields has needle
            """)
        query.metadata.title = vector
        query.metadata.description = vector
        query.metadata.tags = [vector, "gauntlet"]
        query.metadata.owner = vector
        query.metadata.severity = QuerySeverity.allCases[index % QuerySeverity.allCases.count]
        if index % 2 == 0 { query.metadata.keys = [vector] }  // not a column: the report says so, naming it
        return query
    }

    static func suppression(_ vector: String, expires: Date) -> SuppressionNote {
        SuppressionNote(query: vector, tenant: vector, what: vector, reason: vector, owner: vector, expires: expires, expiresText: vector, location: vector)
    }

    static func model(_ vectors: [String]) -> ReportModel {
        let endpoint = ReportFixture.endpoint
        var contoso: [QueryOutcome] = []
        var contosoReviews: [FindingReview] = []
        var fabrikam: [QueryOutcome] = []
        var fabrikamReviews: [FindingReview] = []
        for (index, vector) in vectors.enumerated() {
            let query = vectorQuery(index, vector)
            let bag = KQLDynamic.bag([(key: "k", value: .string(vector)), (key: vector, value: .array([.string(vector), .long(Int64(index))]))])
            let table = KQLTable(
                schema: [("Row", .long), ("Text", .string), ("Bag", .dynamic), ("Kind", .string)],
                rows: [[.long(Int64(index)), .string(vector), .dynamic(bag), .string("shown")],
                       [.long(Int64(index + 1000)), .string(vector), .dynamic(.array([.string(vector)])), .string("suppressed")]])
            let outcome = ReportFixture.outcome(query, .success(HuntingResult(table: table)), offset: Double(index), values: ["needle": vector])
            let previous = QueryState(
                tenant: "contoso", query: query.id, run: lastNight, status: .succeeded, keyColumns: ["Row"],
                findings: [RecordedFinding(key: "gone\(index)", firstSeen: lastNight, values: [vector, vector])])
            let note = suppression(vector, expires: started.addingTimeInterval(30 * 86_400))
            contoso.append(outcome)
            contosoReviews.append(FindingReview.review(
                outcome, tenant: "contoso", run: started, previous: previous,
                suppressor: { _, cell in cell(3) == "suppressed" ? note : nil }))

            let failure = ReportFixture.outcome(
                query, .failure(HuntingError(.badRequest, vector, status: 400, serviceCode: vector, requestId: vector)),
                offset: Double(index), values: ["needle": vector])
            fabrikam.append(failure)
            fabrikamReviews.append(FindingReview.review(failure, tenant: "fabrikam", run: started, previous: previous))
        }

        // One row per vector, the Row column descending so that sorting has work to do.
        let count = vectors.count
        let cells = ReportFixture.query(cellsId, "// @title: Every vector in a cell\nDeviceEvents | take 1")
        let cellsTable = KQLTable(
            schema: [("Row", .long), ("Text", .string), ("Json", .dynamic), ("List", .dynamic), ("Quoted", .string)],
            rows: vectors.enumerated().map { index, vector in
                [.long(Int64(count - index)), .string(vector), .dynamic(.bag([(key: "v", value: .string(vector))])),
                 .dynamic(.array([.string(vector), .null])), .string("cell \(index): \(vector)")]
            })
        let cellsOutcome = ReportFixture.outcome(cells, .success(HuntingResult(table: cellsTable)), offset: 10_000)
        contoso.append(cellsOutcome)
        contosoReviews.append(FindingReview.review(cellsOutcome, tenant: "contoso", run: started, previous: nil))

        // A column named after each vector, of three types, with the vector (or its index) in it.
        let columns = ReportFixture.query(columnsId, "// @title: Every vector as a column name\nDeviceEvents | take 1")
        let types: [KQLScalarType] = [.string, .long, .dynamic]
        let columnsTable = KQLTable(
            schema: vectors.enumerated().map { index, vector in (vector, types[index % types.count]) },
            rows: [vectors.enumerated().map { index, vector in
                switch types[index % types.count] {
                case .string: .string(vector)
                case .long: .long(Int64(index))
                default: .dynamic(.string(vector))
                }
            }])
        let columnsOutcome = ReportFixture.outcome(columns, .success(HuntingResult(table: columnsTable)), offset: 10_001)
        contoso.append(columnsOutcome)
        contosoReviews.append(FindingReview.review(columnsOutcome, tenant: "contoso", run: started, previous: nil))

        let finished = started.addingTimeInterval(600)
        let fabrikamEndpoint = HuntingEndpoint(kind: .graph, url: "https://graph.microsoft.com/v1.0/security/runHuntingQuery", tenant: "fabrikam.onmicrosoft.com")
        return ReportModel(
            tenants: [
                TenantRun(name: "contoso", result: RunResult(outcomes: contoso, endpoint: endpoint, started: started, finished: finished),
                          reviews: contosoReviews, notes: vectors),
                TenantRun(name: "fabrikam", result: RunResult(outcomes: fabrikam, endpoint: fabrikamEndpoint, started: started, finished: finished),
                          reviews: fabrikamReviews, notes: vectors),
            ],
            options: ReportOptions(title: vectors.joined(separator: " "), generator: "hunt (gauntlet) " + vectors.joined(separator: " ")),
            expiredSuppressions: vectors.map { suppression($0, expires: lastNight) },
            notes: vectors)
    }

    /// The same report with each vector replaced by harmless text of no special characters and the
    /// same length (so the same cells are shortened): what the hostile report's markup must be
    /// identical to.
    static func benignModel(_ vectors: [String]) -> ReportModel {
        model(vectors.enumerated().map { index, vector in
            let name = "benign\(index)"
            return name + String(repeating: "x", count: max(0, vector.count - name.count))
        })
    }
}

@Suite("Injection gauntlet: XSS vectors in every field of a report", .serialized)
struct InjectionGauntletTests {
    static let vectors = XSSVectors.all
    /// The report of ``GauntletReport/model(_:)`` and its benign twin, rendered once for every
    /// test; read them through ``reports()``.
    private static let model = GauntletReport.model(vectors)
    private static let hostile = ReportRenderer().render(model)
    private static let benign = ReportRenderer().render(GauntletReport.benignModel(vectors))

    /// The model and both reports, made on a thread of their own the first time: seconds of CPU in
    /// a debug build, which must not hold one of the cooperative pool's two threads (the emulator
    /// tests running beside these need them). The checks below run off the pool for the same reason.
    static func reports() async throws -> (model: ReportModel, hostile: [ReportFile], benign: [ReportFile]) {
        try await offPool { (Self.model, Self.hostile, Self.benign) }
    }

    static func file(_ files: [ReportFile], _ path: String) throws -> String {
        String(decoding: try #require(files.first { $0.path == path }, "no \(path)").bytes, as: UTF8.self)
    }

    static func entry(_ model: ReportModel, _ id: String, tenant: String = "contoso") throws -> ReportModel.Entry {
        try #require(model.entries.first { $0.outcome.query.query.id == id && $0.tenant == tenant })
    }

    // MARK: the vectors themselves

    @Test func thereAreEnoughVectorsAndEachOneTriesToRunSomething() {
        #expect(Self.vectors.count >= 120, "\(Self.vectors.count) vectors")
        #expect(Set(Self.vectors).count == Self.vectors.count, "a vector is listed twice")
        let actions = ["alert", "&#97;&#108;&#101;&#114;&#116;", "&#x61;&#x6C;&#x65;&#x72;&#x74;", "'al'+'ert'", "confirm", "print()", "document.title", "YWxlcnQ", "PHNjcmlwdD5hbGVydC", "PHN2Zy", "tpircs", "contentSecurityPolicy", "-2+3+cmd"]
        for vector in Self.vectors {
            #expect(actions.contains { vector.contains($0) }, "this vector would run nothing the probe notices: \(vector.debugDescription)")
        }
    }

    // MARK: HTML, as text

    /// Every tag of a page in order (`div`, `/div`, `!` for a comment or doctype, …): `<` followed
    /// by a letter, `/` and a letter, or `!`.
    static func tags(_ html: String) -> [String] {
        let bytes = Array(html.utf8)
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        var tags: [String] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count else { index += 1; continue }
            var end = index + 1
            if bytes[end] == UInt8(ascii: "!") {
                tags.append("!")
                index = end
                continue
            }
            if bytes[end] == UInt8(ascii: "/") { end += 1 }
            guard end < bytes.count, isLetter(bytes[end]) else { index += 1; continue }
            while end < bytes.count, isLetter(bytes[end]) || (bytes[end] >= 0x30 && bytes[end] <= 0x39) || bytes[end] == UInt8(ascii: "-") { end += 1 }
            tags.append(String(decoding: bytes[(index + 1)..<end], as: UTF8.self))
            index = end
        }
        return tags
    }

    /// Each vector everywhere gives exactly the markup of harmless text: the same tags in the same
    /// order (no element, attribute breakout or comment from data), and nowhere a raw `<` from data.
    @Test func htmlHasTheMarkupOfABenignReport() async throws {
        let (_, hostileFiles, benignFiles) = try await Self.reports()
        let hostile = try Self.file(hostileFiles, "report.html")
        let benign = try Self.file(benignFiles, "report.html")
        let facts = try await offPool { () -> (difference: String?, tags: (Int, Int), scripts: Int, policies: (String?, String?), counts: [(String, Int, Int)]) in
            let (hostileTags, benignTags) = (Self.tags(hostile), Self.tags(benign))
            let difference = zip(hostileTags, benignTags).enumerated().first { $0.element.0 != $0.element.1 }.map { first, _ in
                "tag \(first) differs: \(hostileTags[first]) where a benign report has \(benignTags[first]); around it: \(hostileTags[max(0, first - 5)..<min(hostileTags.count, first + 5)])"
            }
            let policy = { (page: String) in page.firstMatch(of: /content="(default-src[^"]*)"/).map { String($0.1) } }
            // Escaped data has no raw `<`, `"` or `'`: as many as a benign report means no tag and no
            // attribute (quoted or not) came from data.
            let counts = ["<", "\"", "'"].map { character in
                let count = { (page: String) in page.utf8.reduce(0) { $0 + ($1 == character.utf8.first! ? 1 : 0) } }
                return (character, count(hostile), count(benign))
            }
            return (difference, (hostileTags.count, benignTags.count), hostile.occurrences(of: "<script"), (policy(hostile), policy(benign)), counts)
        }
        if let difference = facts.difference { Issue.record("\(difference)") }
        #expect(facts.tags.0 == facts.tags.1)
        #expect(facts.scripts == 1, "the page's own script is its only one")
        // The policy is the benign one: data added no inline script or style to allow.
        #expect(facts.policies.0 != nil && facts.policies.0 == facts.policies.1)
        for (character, hostileCount, benignCount) in facts.counts {
            #expect(hostileCount == benignCount, "a raw \(character) from data")
        }
    }

    /// A custom template that puts the policy after a text field still gets it in its meta element,
    /// however the data mentions the placeholder.
    @Test func dataNamingThePolicyPlaceholderCannotStealThePolicy() throws {
        let template = """
            <!DOCTYPE html><html><head><title>{{title}}</title>
            <meta http-equiv="Content-Security-Policy" content="{{contentSecurityPolicy}}"></head>
            <body><script>'use strict';</script></body></html>
            """
        let library = ReportTemplates.builtin.merging(try MustacheLibrary(templates: [ReportTemplates.html: template]))
        let model = ReportModel(
            run: ReportFixture.run(),
            options: ReportOptions(title: "x \(ContentSecurityPolicy.placeholder) <script>alert(1)</script>", formats: [.html]))
        let html = try Self.file(ReportRenderer(templates: library).render(model), "report.html")
        let meta = try #require(html.firstMatch(of: /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/))
        #expect(meta.1.hasPrefix("default-src 'none'; script-src 'sha256-"), "\(meta.1)")
        #expect(html.contains("<title>x \(ContentSecurityPolicy.placeholder) &lt;script&gt;"), "the title keeps the text as given")
    }

    // MARK: Markdown

    /// For each line of a Markdown text: whether it is inside (or opens or closes) a fenced code
    /// block, by CommonMark's rule (up to three spaces, then three or more backticks or tildes;
    /// closed by a run of the same character at least as long).
    static func fencedLines(_ lines: [Substring]) -> [Bool] {
        var open: (character: Character, length: Int)?
        return lines.map { line in
            let trimmed = line.drop { $0 == " " }
            let indent = line.count - trimmed.count
            guard indent <= 3, let first = trimmed.first, first == "`" || first == "~" else { return open != nil }
            let run = trimmed.prefix { $0 == first }.count
            guard run >= 3 else { return open != nil }
            if let current = open {
                if first == current.character, run >= current.length, trimmed.dropFirst(run).allSatisfy({ $0 == " " }) { open = nil }
                return true
            }
            if first == "`", trimmed.dropFirst(run).contains("`") { return false }  // not a fence: an inline code span
            open = (first, run)
            return true
        }
    }

    /// The `|` of a line that are not backslash-escaped.
    static func unescapedPipes(_ line: Substring) -> Int {
        var count = 0
        var escaped = false
        for character in line {
            if escaped { escaped = false; continue }
            if character == "\\" { escaped = true } else if character == "|" { count += 1 }
        }
        return count
    }

    /// What follows each `](` whose `]` is not backslash-escaped, up to a space or `)`: the
    /// targets of the line's inline links and images.
    static func linkTargets(_ line: Substring) -> [String] {
        var targets: [String] = []
        var escaped = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            let next = line.index(after: index)
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "]", next < line.endIndex, line[next] == "(" {
                let rest = line[line.index(after: next)...].drop { $0 == " " || $0 == "<" }
                targets.append(String(rest.prefix { $0 != " " && $0 != ")" && $0 != ">" }))
            }
            index = next
        }
        return targets
    }

    /// The raw HTML the Markdown templates write themselves; anything else starting with `<` and a
    /// letter, `/`, `!` or `?` came from data.
    static var markdownTags: Regex<Substring> { /<(?:br|details|\/details|summary|\/summary|\/a|a id="[a-z0-9._-]+")>/ }

    /// Every way the Markdown report `hostile` differs in structure from `benign`.
    static func markdownProblems(_ hostile: String, benign: String) -> [String] {
        let lines = hostile.split(separator: "\n", omittingEmptySubsequences: false)
        let benignLines = benign.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == benignLines.count else {
            return ["a vector added or removed lines: \(lines.count) lines, \(benignLines.count) in a benign report"]
        }
        let fenced = Self.fencedLines(lines)
        let benignFenced = Self.fencedLines(benignLines)
        var problems: [String] = []
        for (number, line) in lines.enumerated() {
            let where_ = "report.md:\(number + 1): \(line.prefix(160))"
            if fenced[number] != benignFenced[number] {
                problems.append("\(where_): \(fenced[number] ? "inside" : "outside") a code block, unlike the benign report")
                continue
            }
            if fenced[number] { continue }  // query text in a fence: shown, never interpreted
            if Self.unescapedPipes(line) != Self.unescapedPipes(benignLines[number]) {
                problems.append("\(where_): \(Self.unescapedPipes(line)) unescaped | where a benign report has \(Self.unescapedPipes(benignLines[number]))")
            }
            var rest = line[...]
            while let open = rest.firstIndex(of: "<") {
                let after = rest[rest.index(after: open)...]
                if let next = after.first, next.isLetter || next == "/" || next == "!" || next == "?",
                    rest[open...].prefixMatch(of: Self.markdownTags) == nil {
                    problems.append("\(where_): raw HTML \(rest[open...].prefix(40))")
                }
                rest = after
            }
            for target in Self.linkTargets(line) {
                let lowered = target.lowercased()
                if !(lowered.hasPrefix("#") || lowered.hasPrefix("https://") || lowered.hasPrefix("queries/")) {
                    problems.append("\(where_): link to \(target)")
                }
            }
            if line.firstMatch(of: /^\s{0,3}(?:>\s*)*\[[^\]]*\]:/) != nil { problems.append("\(where_): a link reference definition") }
        }
        return problems
    }

    @Test func markdownKeepsEveryVectorInert() async throws {
        let (_, hostileFiles, benignFiles) = try await Self.reports()
        let hostile = try Self.file(hostileFiles, "report.md")
        let benign = try Self.file(benignFiles, "report.md")
        let problems = try await offPool { Self.markdownProblems(hostile, benign: benign) }
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.prefix(30).joined(separator: "\n"))")
        // Every vector's visible part is still there, escaped: a report that dropped them would pass the rest.
        #expect(hostile.contains("&lt;SCRIPT&gt;alert(1)&lt;/SCRIPT&gt;"))
    }

    // MARK: CSV and JSON

    /// RFC 4180 fields of a CSV text (quoted fields with `""`, CRLF row ends).
    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var atFieldStart = true
        var characters = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = characters.next()
        while let c = pending {
            pending = characters.next()
            if quoted {
                if c == "\"" {
                    if pending == "\"" { field.unicodeScalars.append("\""); pending = characters.next() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where atFieldStart: quoted = true; atFieldStart = false
            case ",": row.append(field); field = ""; atFieldStart = true
            case "\r" where pending == "\n":
                pending = characters.next()
                row.append(field); rows.append(row); row = []; field = ""; atFieldStart = true
            default: field.unicodeScalars.append(c); atFieldStart = false
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    /// A CSV file without the sample-data comment line before its header.
    static func withoutNotice(_ csv: String) -> String {
        guard csv.hasPrefix("# "), let end = csv.range(of: "\r\n") else { return csv }
        return String(csv[end.upperBound...])
    }

    /// What a spreadsheet must get for a text cell: the text, with `'` before one it would run as a formula.
    static func guarded(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    @Test func csvCellsAndHeadersAreFormulaGuardedAndJSONStaysInert() async throws {
        let (model, files, _) = try await Self.reports()
        let cells = try Self.entry(model, GauntletReport.cellsId)
        let body = Self.csvRows(Self.withoutNotice(try Self.file(files, ReportModel.csvPath(cells))))
        try #require(body.count == Self.vectors.count + 1, "\(body.count) CSV rows")
        #expect(body[0].prefix(5) == ["Row", "Text", "Json", "List", "Quoted"])  // then the finding's status and key
        for (index, vector) in Self.vectors.enumerated() {
            let row = body[index + 1]
            try #require(row.count == body[0].count, "row \(index) has \(row.count) fields: \(row)")
            #expect(row[1] == Self.guarded(vector), "Text of vector \(index): \(row[1].debugDescription)")
            #expect(row[2] == Self.guarded(KQLDynamic.bag([(key: "v", value: .string(vector))]).json))
            #expect(row[4] == "cell \(index): \(vector)")
        }
        let columns = try Self.entry(model, GauntletReport.columnsId)
        let header = try #require(Self.csvRows(Self.withoutNotice(try Self.file(files, ReportModel.csvPath(columns)))).first)
        #expect(Array(header.prefix(Self.vectors.count)) == Self.vectors.map(Self.guarded), "column names are guarded like cells")
        for row in body.dropFirst() {
            for field in row {
                if let first = field.unicodeScalars.first { #expect(!"=+-@\t\r".unicodeScalars.contains(first) || field.hasPrefix("-") && Int(field) != nil) }
            }
        }

        // JSON: parses, reads back the vectors exactly, and has no raw < > & that an HTML page embedding it could trip on.
        let json = try Self.file(files, ReportModel.jsonPath(cells))
        #expect(!json.contains("<") && !json.contains(">") && !json.contains("&"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let results = try #require(object["results"] as? [[String: Any]])
        #expect(results.compactMap { $0["Text"] as? String } == Self.vectors)
        _ = try JSONSerialization.jsonObject(with: Data(try Self.file(files, "manifest.json").utf8))
    }

    // MARK: in headless Chromium

    /// Runs first in the page: records every way a vector could show it ran (alert, confirm,
    /// prompt, print, window.open, setting document.title), script and resource errors, and
    /// Content-Security-Policy violations.
    static let probe = """
        window.__hunt = { alerts: [], errors: [], violations: [] };
        (function () {
          var record = function (kind) { return function (m) { window.__hunt.alerts.push(kind + ': ' + String(m)); }; };
          window.alert = record('alert'); window.confirm = record('confirm'); window.prompt = record('prompt');
          window.print = record('print'); window.open = record('open');
          var title = Object.getOwnPropertyDescriptor(Document.prototype, 'title');
          Object.defineProperty(document, 'title', { configurable: true,
            get: function () { return title.get.call(document); },
            set: function (v) { window.__hunt.alerts.push('document.title: ' + String(v)); } });
        })();
        window.addEventListener('error', function (e) {
          window.__hunt.errors.push(e.message ? String(e.message) : 'failed to load ' + (e.target && e.target.tagName));
        }, true);
        document.addEventListener('securitypolicyviolation', function (e) { window.__hunt.violations.push(e.violatedDirective + ' ' + e.blockedURI); });
        """

    /// Runs last in the page, configured by `CONFIG`: sorts the table of section `CONFIG.section`
    /// by column `CONFIG.column` and filters it, lists every element whose tag a benign report does
    /// not have (`CONFIG.tags`), every event-handler attribute and every URL that is not a
    /// fragment, https or a report file, reads the text of the elements `CONFIG.texts`, then (after
    /// timers had their chance) writes it all as base64 JSON into the DOM for `--dump-dom`.
    static let driver = """
        (function () {
          var out = { sorted: null };
          try {
            if (CONFIG.section) {
              var section = document.getElementById(CONFIG.section);
              var table = section.querySelector('table.rows');
              var column = function () {
                return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return r.cells[CONFIG.column].textContent.trim(); });
              };
              out.before = column().slice(0, 3);
              table.tHead.rows[0].cells[CONFIG.column].querySelector('button').click();
              var sorted = column().map(Number);
              out.after = sorted.slice(0, 3);
              out.sorted = sorted.length === CONFIG.rows && sorted.every(function (v, i) { return i === 0 || sorted[i - 1] < v; });
              var filter = section.querySelector('input[type="search"]');
              filter.value = CONFIG.needle;
              filter.dispatchEvent(new Event('input', { bubbles: true }));
              out.visibleAfterFilter = Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return !r.hidden; }).length;
            }
          } catch (e) { out.driverError = String(e); }
          out.unexpectedElements = []; out.handlers = []; out.urls = [];
          var urlAttributes = ['href', 'src', 'srcset', 'srcdoc', 'action', 'formaction', 'xlink:href', 'data', 'background', 'poster', 'codebase'];
          Array.prototype.forEach.call(document.getElementsByTagName('*'), function (element) {
            var name = element.tagName.toLowerCase();
            if (CONFIG.tags.indexOf(name) < 0) out.unexpectedElements.push(name);
            Array.prototype.forEach.call(element.attributes, function (a) {
              var attribute = a.name.toLowerCase();
              if (attribute.indexOf('on') === 0) out.handlers.push(name + ' ' + attribute + '=' + a.value);
              if (urlAttributes.indexOf(attribute) >= 0 && !/^(#|https:\\/\\/|queries\\/|([0-9][0-9_-]*|latest)\\/report\\.(html|md)$)/.test(a.value)) out.urls.push(name + ' ' + attribute + '=' + a.value);
            });
          });
          out.scripts = document.scripts.length;
          out.texts = CONFIG.texts.map(function (id) { var e = document.getElementById(id); return e ? e.textContent : null; });
          setTimeout(function () {
            out.alerts = window.__hunt.alerts; out.errors = window.__hunt.errors; out.violations = window.__hunt.violations;
            var pre = document.createElement('pre');
            pre.id = 'hunt-test-result';
            pre.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(out))));
            document.body.appendChild(pre);
          }, 500);
        })();
        """

    struct BrowserCheck: Sendable {
        var section: String?
        var column = 0
        var rows = 0
        var needle = ""
        var texts: [String] = []
    }

    /// `html` with the probe first in `<head>` and the driver last in `<body>`. With `policy`, the
    /// page's Content-Security-Policy is recomputed to allow exactly those two scripts besides the
    /// page's own; without, the meta element goes, so only escaping stands between data and script.
    static func instrument(_ html: String, policy: Bool, config: String) throws -> String {
        var html = html
        let meta = try #require(html.range(of: #"<meta http-equiv="Content-Security-Policy" content="[^"]*">"#, options: .regularExpression))
        let head = policy ? "<meta http-equiv=\"Content-Security-Policy\" content=\"\(ContentSecurityPolicy.placeholder)\">" : ""
        html.replaceSubrange(meta, with: head + "<script>\(probe)</script>")
        let end = try #require(html.range(of: "</body>", options: .backwards))
        html.replaceSubrange(end, with: "<script>var CONFIG = \(config);\n\(driver)</script></body>")
        return policy ? ContentSecurityPolicy.fill(html) : html
    }

    /// Opens the page in headless Chromium and returns what the driver saw.
    static func open(_ html: String, policy: Bool, check: BrowserCheck, tags: Set<String>, quietConsole: Bool = true) async throws -> [String: Any] {
        var config: [String: Any] = ["column": check.column, "rows": check.rows, "needle": check.needle, "texts": check.texts, "tags": tags.sorted()]
        config["section"] = check.section ?? NSNull()
        let configJSON = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
        let folder = try TemporaryFolder()
        let path = folder.path + "/report.html"
        try await offPool { try Data(try instrument(html, policy: policy, config: configJSON).utf8).write(to: URL(fileURLWithPath: path)) }
        let (dom, log) = try await BrowserTests.chromium(["--virtual-time-budget=5000", "--enable-logging=stderr", "--v=0", "--dump-dom", "file://\(folder.path)/report.html"])
        let marker = try #require(dom.range(of: "<pre id=\"hunt-test-result\">"), "the driver wrote no result; chromium said:\n\(log.suffix(3000))")
        let rest = dom[marker.upperBound...]
        let encoded = String(rest[..<(rest.range(of: "</pre>")?.lowerBound ?? rest.endIndex)])
        let data = try #require(Data(base64Encoded: encoded), "not base64: \(encoded.prefix(200))")
        let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let consoleErrors = log.split(separator: "\n").filter { $0.contains(":CONSOLE(") && !$0.contains(":INFO:") }
        #expect(!quietConsole || consoleErrors.isEmpty, "console:\n\(consoleErrors.prefix(20).joined(separator: "\n"))")
        return result
    }

    /// The tag names of the elements a benign page has, plus the test's own `script` and `pre`
    /// (script elements are counted separately).
    static func allowedTags(_ html: String) -> Set<String> {
        Set(tags(html).filter { !$0.hasPrefix("/") && !$0.hasPrefix("!") }.map { $0.lowercased() }).union(["script", "pre", "html", "head", "body"])
    }

    static func expectInert(_ result: [String: Any], page: String, scripts: Int) {
        #expect(result["driverError"] == nil, "\(page): \(result["driverError"] ?? "")")
        #expect(result["alerts"] as? [String] == [], "\(page): a vector ran: \(result["alerts"] ?? "")")
        #expect(result["errors"] as? [String] == [], "\(page): errors: \(result["errors"] ?? "")")
        #expect(result["violations"] as? [String] == [], "\(page): policy violations: \(result["violations"] ?? "")")
        #expect(result["unexpectedElements"] as? [String] == [], "\(page): elements from data: \(result["unexpectedElements"] ?? "")")
        #expect(result["handlers"] as? [String] == [], "\(page): event handlers from data: \(result["handlers"] ?? "")")
        #expect(result["urls"] as? [String] == [], "\(page): URLs from data: \(result["urls"] ?? "")")
        #expect(result["scripts"] as? Int == scripts, "\(page): \(result["scripts"] ?? "") script elements")
    }

    /// The text an HTML parser makes of `text` in an element's content: CR and CRLF become LF,
    /// NUL is dropped.
    static func parsedText(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            if scalar == "\0" { continue }
            if scalar == "\n", previous == "\r" { continue }
            out.append(scalar == "\r" ? "\n" : scalar)
        }
        return String(out)
    }

    @Test(
        .enabled(if: BrowserTests.chromium != nil, "SKIPPED: no headless Chromium (install Debian's chromium, or set HUNT_CHROMIUM)"),
        arguments: [true, false])
    func noVectorRunsInChromium(policy: Bool) async throws {
        let (model, hostile, benign) = try await Self.reports()
        let html = try Self.file(hostile, "report.html")
        let tags = try await offPool { Self.allowedTags(try Self.file(benign, "report.html")) }
        let cells = try Self.entry(model, GauntletReport.cellsId)
        let titleIds = try Self.vectors.indices.map { "q-\(try Self.entry(model, GauntletReport.vectorId($0)).slug)-title" }
        let check = BrowserCheck(section: "q-\(cells.slug)", column: 1, rows: Self.vectors.count, needle: "cell 42:", texts: titleIds)
        let result = try await Self.open(html, policy: policy, check: check, tags: tags)
        let page = policy ? "report.html" : "report.html without its policy"
        Self.expectInert(result, page: page, scripts: 3)
        #expect(result["sorted"] as? Bool == true, "\(page): the page's script no longer sorts: \(result["before"] ?? "") → \(result["after"] ?? "")")
        #expect(result["visibleAfterFilter"] as? Int == 1, "\(page): filtering: \(result["visibleAfterFilter"] ?? "")")
        // Each title shows as the text it is, character for character.
        let texts = try #require(result["texts"] as? [Any])
        for (index, vector) in Self.vectors.enumerated() {
            let shown = (texts[index] as? String).map { $0.drop { $0 != " " }.dropFirst() }.map(String.init)
            #expect(shown == Self.parsedText(vector), "\(page): vector \(index) shows as \(shown.debugDescription)")
        }
    }

    /// The control: the same probe and driver do see vectors that reach the page unescaped, so the
    /// tests above pass because nothing ran, not because nothing was watched.
    @Test(.enabled(if: BrowserTests.chromium != nil, "SKIPPED: no headless Chromium (install Debian's chromium, or set HUNT_CHROMIUM)"))
    func theProbeSeesAVectorThatIsNotEscaped() async throws {
        let live = ["<script>alert(1)</script>", "<img src=x onerror=confirm(2)>", "<svg onload=print()></svg>",
                    "<details open ontoggle=\"document.title='pwned'\"><summary>x</summary></details>", "<a href=\"javascript:alert(3)\">x</a>"]
        let html = try Self.file(ReportRenderer().render(ReportModel(run: ReportFixture.run())), "report.html")
            .replacingOccurrences(of: "<main>", with: "<main>" + live.joined())
        let tags = Self.allowedTags(try Self.file(ReportRenderer().render(ReportModel(run: ReportFixture.run())), "report.html"))
        let result = try await Self.open(html, policy: false, check: BrowserCheck(), tags: tags, quietConsole: false)
        let alerts = try #require(result["alerts"] as? [String])
        #expect(Set(alerts) == ["alert: 1", "confirm: 2", "print: undefined", "document.title: pwned"], "\(alerts)")
        #expect(result["unexpectedElements"] as? [String] == ["img"], "\(result["unexpectedElements"] ?? "")")
        #expect((result["handlers"] as? [String])?.count == 3)
        #expect(result["urls"] as? [String] == ["img src=x", "a href=javascript:alert(3)"])
        #expect(result["scripts"] as? Int == 4)
    }

    /// The publish folder's `index.html` lists each run's title from its manifest.
    @Test(.enabled(if: BrowserTests.chromium != nil, "SKIPPED: no headless Chromium (install Debian's chromium, or set HUNT_CHROMIUM)"))
    func noVectorRunsInThePublishedIndex() async throws {
        let (model, hostileFiles, benignFiles) = try await Self.reports()
        @Sendable func publishedIndex(_ files: [ReportFile]) throws -> String {
            let folder = try TemporaryFolder()
            let publisher = Publisher(settings: PublishSettings(directory: URL(fileURLWithPath: folder.path), latest: .copy))
            _ = try publisher.publish(files, started: model.started)
            return try String(contentsOfFile: folder.path + "/index.html", encoding: .utf8)
        }
        let (hostile, benign) = try await offPool { (try publishedIndex(hostileFiles), try publishedIndex(benignFiles)) }
        #expect(Self.tags(hostile) == Self.tags(benign))
        let result = try await Self.open(hostile, policy: true, check: BrowserCheck(), tags: Self.allowedTags(benign))
        Self.expectInert(result, page: "index.html", scripts: benign.occurrences(of: "<script") + 2)
    }
}

extension String {
    /// How often `needle` occurs (not overlapping).
    fileprivate func occurrences(of needle: String) -> Int {
        components(separatedBy: needle).count - 1
    }
}
