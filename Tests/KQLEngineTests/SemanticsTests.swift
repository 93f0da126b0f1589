import Foundation
import KQL
import KQLEngine
import Testing
import TestSupport

// Table-driven semantics tests: each case in `Semantics/*.kqltest` is a self-contained query and
// the table the Kusto documentation says it returns. The format is described in
// `Semantics/README.md`.

// MARK: - Fixture model

/// What a case expects: a table, or a failure of some kind.
enum SemanticsExpectation: Sendable {
    /// A table; `ordered` compares rows in sequence, otherwise as a multiset.
    case table(columns: [(name: String, type: KQLScalarType)], rows: [[String]], ordered: Bool)
    /// The query fails; `kind` nil means any kind of `KQLEngineError`.
    case error(kind: KQLEngineError.Kind?)
}

/// One fixture case.
struct SemanticsCase: Sendable, CustomTestStringConvertible {
    /// The fixture file name, without folder.
    var file: String
    /// The `###` title.
    var title: String
    /// The line of the `###` title in the file (1-based).
    var line: Int
    /// The documentation page the case is taken from (the case's own `# Source:` or the file's).
    var source: String?
    /// The query text.
    var query: String
    /// The pinned `now()`.
    var now: KQLDateTime
    /// Relative tolerance for reals (and numbers inside dynamic values).
    var tolerance: Double
    /// Whether arrays inside dynamic cells compare as multisets (`# arrays: unordered`), for
    /// functions whose element order Kusto leaves undetermined (`make_set`, `bag_keys`).
    var unorderedArrays = false
    /// What the query must return.
    var expectation: SemanticsExpectation
    /// A problem found while reading the case; the case fails with it.
    var fixtureError: String?

    var testDescription: String { "\(file):\(title)" }
    var location: String { "\(file):\(line)" }
}

// MARK: - Loading

enum SemanticsFixtures {
    static let folder = PackagePaths.root.appendingPathComponent("Tests/KQLEngineTests/Semantics")
    static let defaultNow = KQLDateTime(year: 2026, month: 11, day: 24)!
    static let defaultTolerance = 1e-9

    /// The fixture files, sorted.
    static let files: [URL] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".kqltest") }.sorted().map { folder.appendingPathComponent($0) }
    }()

    /// Every case of every fixture file, in file order.
    static let all: [SemanticsCase] = files.flatMap { url -> [SemanticsCase] in
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            return [SemanticsCase(
                file: url.lastPathComponent, title: "(unreadable)", line: 0, source: nil, query: "",
                now: defaultNow, tolerance: defaultTolerance, expectation: .error(kind: nil),
                fixtureError: "cannot read \(url.path) as UTF-8")]
        }
        return parse(text, file: url.lastPathComponent)
    }

    /// Reads the cases of one fixture file.
    static func parse(_ text: String, file: String) -> [SemanticsCase] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        var fileSource: String?
        var cases: [SemanticsCase] = []
        var index = 0
        // Preamble: comments, the file's `# Source:`.
        while index < lines.count, !lines[index].hasPrefix("###") {
            if let value = directive(lines[index], "source") { fileSource = value }
            index += 1
        }
        while index < lines.count {
            let titleLine = index
            let title = lines[index].dropFirst(3).trimmingCharacters(in: .whitespaces)
            index += 1
            var end = index
            while end < lines.count, !lines[end].hasPrefix("###") { end += 1 }
            cases.append(parseCase(
                Array(lines[index..<end]), file: file, title: title, line: titleLine + 1, fileSource: fileSource))
            index = end
        }
        return cases
    }

    /// `# name: value` → value (name matched case-insensitively).
    static func directive(_ line: String, _ name: String) -> String? {
        guard line.hasPrefix("#"), !line.hasPrefix("##") else { return nil }
        let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
        guard let colon = body.firstIndex(of: ":"),
            body[..<colon].trimmingCharacters(in: .whitespaces).lowercased() == name
        else { return nil }
        return body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    static func parseCase(_ body: [String], file: String, title: String, line: Int, fileSource: String?) -> SemanticsCase {
        var result = SemanticsCase(
            file: file, title: title, line: line, source: fileSource, query: "", now: defaultNow,
            tolerance: defaultTolerance, expectation: .error(kind: nil), fixtureError: nil)
        func fail(_ message: String) -> SemanticsCase {
            result.fixtureError = message
            return result
        }
        if title.isEmpty { return fail("a case needs a title after ###") }
        guard let separator = body.firstIndex(where: { $0.hasPrefix("---") }) else {
            return fail("no '---' line between the query and the expected result")
        }
        var queryLines: [String] = []
        for text in body[..<separator] {
            if text.hasPrefix("#") {
                if let value = directive(text, "source") {
                    result.source = value
                } else if let value = directive(text, "now") {
                    guard let now = LiteralSyntax.parseDateTime(value) else { return fail("bad '# now:' value \(value)") }
                    result.now = now
                } else if let value = directive(text, "tolerance") {
                    guard let tolerance = Double(value), tolerance >= 0 else { return fail("bad '# tolerance:' value \(value)") }
                    result.tolerance = tolerance
                } else if let value = directive(text, "arrays") {
                    guard value == "unordered" else { return fail("bad '# arrays:' value \(value) (only 'unordered')") }
                    result.unorderedArrays = true
                }
                continue  // any other `#` line is a comment
            }
            queryLines.append(text)
        }
        result.query = queryLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if result.query.isEmpty { return fail("empty query") }

        let marker = body[separator].dropFirst(3).split(separator: " ").map { $0.lowercased() }
        var expected = body[(separator + 1)...].filter {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#")
        }
        switch marker.first {
        case "error"?:
            guard expected.isEmpty else { return fail("an '--- error' case has no expected table") }
            guard marker.count <= 2 else { return fail("write '--- error' or '--- error <kind>'") }
            if marker.count == 2 {
                guard let kind = KQLEngineError.Kind(rawValue: marker[1]) else {
                    return fail("unknown error kind '\(marker[1])' (syntax, unsupported, semantic)")
                }
                result.expectation = .error(kind: kind)
            } else {
                result.expectation = .error(kind: nil)
            }
            return result
        case nil, "ordered"?:
            guard marker.count <= 1 else { return fail("unknown words after '---': \(marker.joined(separator: " "))") }
        case let word?:
            return fail("unknown marker '--- \(word)' (use '---', '--- ordered' or '--- error [kind]')")
        }
        guard !expected.isEmpty else { return fail("no header line after '---'") }
        let header = expected.removeFirst()
        var columns: [(name: String, type: KQLScalarType)] = []
        for cell in splitCells(header) {
            guard let colon = cell.lastIndex(of: ":"),
                let type = KQLScalarType(kqlName: cell[cell.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            else { return fail("header cell '\(cell)' is not Name:type") }
            let name = cell[..<colon].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return fail("header cell '\(cell)' has no name") }
            columns.append((name, type))
        }
        var rows: [[String]] = []
        for text in expected {
            let cells = splitCells(text)
            guard cells.count == columns.count else {
                return fail("row '\(text)' has \(cells.count) cells for \(columns.count) columns")
            }
            for (cell, column) in zip(cells, columns) {
                if case .failure(let error) = decode(cell, as: column.type) {
                    return fail("row '\(text)', column \(column.name): \(error.message)")
                }
            }
            rows.append(cells)
        }
        result.expectation = .table(columns: columns, rows: rows, ordered: marker.first == "ordered")
        return result
    }

    /// Splits a row on unescaped `|`, unescapes `\|`, and trims each cell.
    static func splitCells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var iterator = line.makeIterator()
        while let c = iterator.next() {
            if c == "\\" {
                if let next = iterator.next() {
                    if next == "|" || next == "#" { current.append(next) } else { current.append(c); current.append(next) }
                } else {
                    current.append(c)
                }
            } else if c == "|" {
                cells.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        cells.append(current)
        return cells.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    struct CellError: Error { var message: String }

    /// The value an expected cell stands for. Strings are verbatim, except a cell written as a JSON
    /// string literal (`"…"`), which is decoded (for the empty string, spaces at the ends, `\n`).
    static func decode(_ cell: String, as type: KQLScalarType) -> Result<KQLValue, CellError> {
        if type == .string {
            if cell.count >= 2, cell.hasPrefix("\""), cell.hasSuffix("\"") {
                guard case .string(let s)? = try? KQLDynamic(parsing: cell) else {
                    return .failure(CellError(message: "bad quoted string \(cell)"))
                }
                return .success(.string(s))
            }
            return .success(.string(cell))
        }
        do {
            return .success(try KQLValue(text: cell, as: type))
        } catch {
            return .failure(CellError(message: error.message))
        }
    }
}

// MARK: - Comparing

enum SemanticsCompare {
    /// Whether an actual cell equals an expected one: exact for every type but reals (relative
    /// tolerance, NaN equals NaN) and dynamic (JSON equality: bag keys in any order, numbers by
    /// value within the tolerance, a datetime/timespan/guid equal to the string that names it).
    struct Options {
        var tolerance: Double
        var unorderedArrays: Bool
    }

    static func matches(_ actual: KQLValue, _ expected: KQLValue, _ options: Options) -> Bool {
        switch (actual, expected) {
        case let (.real(a), .real(e)): return close(a, e, options.tolerance)
        case let (.dynamic(a), .dynamic(e)): return matches(a, e, options)
        default: return actual == expected
        }
    }

    static func close(_ a: Double, _ e: Double, _ tolerance: Double) -> Bool {
        if a.isNaN || e.isNaN { return a.isNaN && e.isNaN }
        if a.isInfinite || e.isInfinite { return a == e }
        return abs(a - e) <= max(tolerance * max(abs(a), abs(e)), 1e-12)
    }

    static func number(_ d: KQLDynamic) -> Double? {
        switch d {
        case .long(let v): Double(v)
        case .real(let v): v
        default: nil
        }
    }

    static func matches(_ a: KQLDynamic, _ e: KQLDynamic, _ options: Options) -> Bool {
        if let x = number(a), let y = number(e) { return close(x, y, options.tolerance) }
        switch (a, e) {
        case let (.array(x), .array(y)):
            guard x.count == y.count else { return false }
            if !options.unorderedArrays { return zip(x, y).allSatisfy { matches($0, $1, options) } }
            var unmatched = Array(x.indices)
            for item in y {
                guard let position = unmatched.firstIndex(where: { matches(x[$0], item, options) }) else { return false }
                unmatched.remove(at: position)
            }
            return true
        case let (.bag(x), .bag(y)):
            guard x.count == y.count else { return false }
            return x.allSatisfy { pair in
                y.contains { $0.key == pair.key && matches(pair.value, $0.value, options) }
            }
        case let (.datetime(x), .string(s)), let (.string(s), .datetime(x)):
            return LiteralSyntax.parseDateTime(s) == x
        case let (.timespan(x), .string(s)), let (.string(s), .timespan(x)):
            return LiteralSyntax.parseTimespan(s) == x
        case let (.guid(x), .string(s)), let (.string(s), .guid(x)):
            return LiteralSyntax.parseGuid(s) == x
        default:
            return a == e
        }
    }

    /// Compares a result with the expected table; returns the differences (empty when equal).
    static func differences(
        actual: KQLTable, columns: [(name: String, type: KQLScalarType)], rows: [[String]], ordered: Bool,
        options: Options
    ) -> [String] {
        let actualSchema = actual.columns.map { "\($0.name):\($0.type)" }
        let expectedSchema = columns.map { "\($0.name):\($0.type)" }
        guard actualSchema == expectedSchema else {
            return ["columns differ: expected \(expectedSchema.joined(separator: " | ")), got \(actualSchema.joined(separator: " | "))"]
        }
        let expectedRows: [[KQLValue]] = rows.map { row in
            zip(row, columns).map { cell, column in
                (try? SemanticsFixtures.decode(cell, as: column.type).get()) ?? .null(of: column.type)
            }
        }
        let actualRows = (0..<actual.rowCount).map { actual.row($0) }
        func rowMatches(_ a: [KQLValue], _ e: [KQLValue]) -> Bool {
            zip(a, e).allSatisfy { matches($0, $1, options) }
        }
        if ordered {
            var problems: [String] = []
            if actualRows.count != expectedRows.count {
                problems.append("expected \(expectedRows.count) rows, got \(actualRows.count)")
            }
            for i in 0..<min(actualRows.count, expectedRows.count) where !rowMatches(actualRows[i], expectedRows[i]) {
                problems.append("row \(i + 1): expected \(render(expectedRows[i])), got \(render(actualRows[i]))")
            }
            return problems
        }
        var unmatched = Array(actualRows.indices)
        var missing: [[KQLValue]] = []
        for expectedRow in expectedRows {
            if let position = unmatched.firstIndex(where: { rowMatches(actualRows[$0], expectedRow) }) {
                unmatched.remove(at: position)
            } else {
                missing.append(expectedRow)
            }
        }
        return missing.map { "missing row: \(render($0))" } + unmatched.map { "unexpected row: \(render(actualRows[$0]))" }
    }

    // MARK: rendering, in the fixture syntax

    static func render(_ row: [KQLValue]) -> String { row.map(render).joined(separator: " | ") }

    static func render(_ value: KQLValue) -> String {
        let text: String
        switch value {
        case .null: return "null"
        case .bool(let v): text = v ? "true" : "false"
        case .int(let v): text = String(v)
        case .long(let v): text = String(v)
        case .real(let v): text = v.isNaN ? "nan" : v.isInfinite ? (v < 0 ? "-inf" : "inf") : "\(v)"
        case .decimal(let v): text = "\(v)"
        case .string(let s):
            let needsQuotes = s.isEmpty || s != s.trimmingCharacters(in: .whitespaces) || s.contains("\n")
                || s.contains("\r") || (s.hasPrefix("\"") && s.hasSuffix("\"") && s.count >= 2) || s.hasPrefix("#")
            if needsQuotes {
                var out = ""
                KQLDynamic.writeJSONString(s, to: &out)
                return out.replacingOccurrences(of: "|", with: "\\|")
            }
            text = s
        case .datetime(let v): text = v.iso8601
        case .timespan(let v): text = v.constantFormat
        case .guid(let v): text = v.uuidString.lowercased()
        case .dynamic(let v): text = v.json
        }
        return text.replacingOccurrences(of: "|", with: "\\|")
    }

    static func render(_ table: KQLTable) -> String {
        var lines = [table.columns.map { "\($0.name):\($0.type)" }.joined(separator: " | ")]
        for r in 0..<table.rowCount { lines.append(render(table.row(r))) }
        return lines.joined(separator: "\n")
    }
}

// MARK: - Tests

@Suite("Semantics (Kusto documentation examples)")
struct SemanticsTests {
    /// A broken loader (wrong folder, a parser that drops cases) must not pass vacuously.
    @Test func fixturesArePresent() {
        #expect(SemanticsFixtures.files.count >= 15, "fixture files found: \(SemanticsFixtures.files.count)")
        #expect(SemanticsFixtures.all.count >= 150, "fixture cases found: \(SemanticsFixtures.all.count)")
    }

    /// Every fixture reads cleanly, cites its source and has a title unique in its file.
    @Test func fixturesAreWellFormed() {
        var seen: Set<String> = []
        for c in SemanticsFixtures.all {
            if let error = c.fixtureError { Issue.record(Comment(rawValue: "\(c.location): \(error)")) }
            if c.source == nil { Issue.record(Comment(rawValue: "\(c.location): no '# Source:' for this case or its file")) }
            if !seen.insert(c.testDescription).inserted {
                Issue.record(Comment(rawValue: "\(c.location): duplicate case title '\(c.title)'"))
            }
        }
    }

    @Test(arguments: SemanticsFixtures.all)
    func semantics(_ c: SemanticsCase) {
        if let error = c.fixtureError {
            Issue.record(Comment(rawValue: "\(c.location): bad fixture: \(error)"))
            return
        }
        let engine = KQLEngine(tables: [:], now: c.now)
        let context = "\(c.location) — \(c.title)\n\(c.query)\n"
        let outcome: Result<KQLTable, KQLEngineError>
        do {
            outcome = .success(try engine.run(c.query))
        } catch {
            outcome = .failure(error)
        }
        switch (c.expectation, outcome) {
        case (.error(let kind), .failure(let error)):
            if let kind, error.kind != kind {
                Issue.record(Comment(rawValue: "\(context)expected a \(kind) error, got \(error.kind): \(error)"))
            }
        case (.error(let kind), .success(let table)):
            Issue.record(Comment(rawValue: "\(context)expected \(kind.map { "a \($0) error" } ?? "an error"), got:\n\(SemanticsCompare.render(table))"))
        case (.table, .failure(let error)):
            Issue.record(Comment(rawValue: "\(context)failed with \(error.kind): \(error)"))
        case (.table(let columns, let rows, let ordered), .success(let table)):
            let problems = SemanticsCompare.differences(
                actual: table, columns: columns, rows: rows, ordered: ordered,
                options: .init(tolerance: c.tolerance, unorderedArrays: c.unorderedArrays))
            if !problems.isEmpty {
                let expected = ([columns.map { "\($0.name):\($0.type)" }.joined(separator: " | ")]
                    + rows.map { $0.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") })
                    .joined(separator: "\n")
                Issue.record(Comment(rawValue: """
                    \(context)\(problems.joined(separator: "\n"))
                    --- expected\(ordered ? " (ordered)" : "")
                    \(expected)
                    --- actual
                    \(SemanticsCompare.render(table))
                    """))
            }
        }
    }
}
