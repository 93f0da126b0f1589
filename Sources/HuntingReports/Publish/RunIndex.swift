import Foundation
import KQL

/// `index.html` of the publish folder: the runs, newest first, each with what its `manifest.json`
/// says (title, start time, counts, sample data), rendered through the `index.html` template.
struct RunIndex {
    /// The template's name in a ``MustacheLibrary``.
    static let templateName = "index.html"
    /// Larger manifests are listed as unreadable instead of being read into memory.
    static let manifestSizeLimit = 64 * 1024 * 1024

    /// What the index shows of one run's `manifest.json`. Every key is optional, and a key of the
    /// wrong type counts as missing.
    struct Summary: Decodable, Equatable {
        struct Counts: Decodable, Equatable {
            var queries, withFindings, failed, rows, newFindings, resolved, suppressed: Int?

            private enum Key: String, CodingKey { case queries, withFindings, failed, rows, newFindings, resolved, suppressed }

            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: Key.self)
                queries = try? c.decodeIfPresent(Int.self, forKey: .queries)
                withFindings = try? c.decodeIfPresent(Int.self, forKey: .withFindings)
                failed = try? c.decodeIfPresent(Int.self, forKey: .failed)
                rows = try? c.decodeIfPresent(Int.self, forKey: .rows)
                newFindings = try? c.decodeIfPresent(Int.self, forKey: .newFindings)
                resolved = try? c.decodeIfPresent(Int.self, forKey: .resolved)
                suppressed = try? c.decodeIfPresent(Int.self, forKey: .suppressed)
            }
        }

        var started: String?
        var sampleData: Bool?
        var notice: String?
        var title: String?
        var counts: Counts?

        private enum Key: String, CodingKey { case started, sampleData, notice, title, counts }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            started = try? c.decodeIfPresent(String.self, forKey: .started)
            sampleData = try? c.decodeIfPresent(Bool.self, forKey: .sampleData)
            notice = try? c.decodeIfPresent(String.self, forKey: .notice)
            title = try? c.decodeIfPresent(String.self, forKey: .title)
            counts = try? c.decodeIfPresent(Counts.self, forKey: .counts)
        }

        /// The summary of the manifest at `path`, or `nil` when it cannot be read or is not a JSON object.
        static func read(_ path: String) -> Summary? {
            guard let bytes = FileSystem.readFile(path, limit: RunIndex.manifestSizeLimit) else { return nil }
            return try? JSONDecoder().decode(Summary.self, from: Data(bytes))
        }
    }

    /// One listed run.
    struct Entry {
        /// The folder name.
        var name: String
        /// The page the name links to, relative to the publish folder.
        var href: String
        /// The manifest, or `nil` when it is unreadable.
        var summary: Summary?
        /// Whether `latest` shows this run.
        var isLatest: Bool
    }

    /// The runs to list, in the order given.
    var entries: [Entry]

    /// Reads the manifests of `runs` (folder names in `directory`, newest first).
    init(runs: [String], in directory: String, latest: String?) {
        entries = runs.map { name in
            Entry(
                name: name, href: Self.page(of: directory + "/" + name, relative: name),
                summary: Summary.read(directory + "/" + name + "/manifest.json"), isLatest: name == latest)
        }
    }

    /// The report page inside `folder`: `report.html`, else `report.md`, else the folder itself.
    static func page(of folder: String, relative: String) -> String {
        for page in ["report.html", "report.md"] where FileSystem.kind(folder + "/" + page) == .file {
            return "\(relative)/\(page)"
        }
        return "\(relative)/"
    }

    /// The data the template renders.
    func context(latestHref: String?) -> MustacheValue {
        let runs: [MustacheValue] = entries.map { entry in
            let fromName = RunFolder.parse(entry.name).flatMap { Self.date(ofMinute: $0.minute) }
            var run: [String: MustacheValue] = [
                "name": .string(entry.name),
                "href": .string(entry.href),
                "latest": .bool(entry.isLatest),
                "readable": .bool(entry.summary != nil),
                "sampleData": .bool(entry.summary?.sampleData == true),
                "notice": entry.summary?.notice.map(MustacheValue.string) ?? .null,
                "title": entry.summary?.title.map(MustacheValue.string) ?? .null,
            ]
            // The manifest's time when it has one; the folder name's minute otherwise.
            if let text = entry.summary?.started {
                if let time = LiteralSyntax.parseDateTime(text) {
                    run["started"] = .string(time.iso8601)
                    run["startedText"] = .string(ReportText.display(time))
                } else {
                    run["started"] = .null
                    run["startedText"] = .string(text)
                }
            } else {
                run["started"] = fromName.map { .string($0.iso8601) } ?? .null
                run["startedText"] = fromName.map { .string(ReportText.display($0)) } ?? .null
            }
            let counts = entry.summary?.counts
            let failed = counts?.failed ?? 0
            run["failedAlert"] = .bool(failed > 0)
            run["counts"] = [
                "queries": Self.number(counts?.queries),
                "withFindings": Self.number(counts?.withFindings),
                "failed": Self.number(counts?.failed),
                "rows": Self.number(counts?.rows),
                "newFindings": Self.number(counts?.newFindings),
                "resolved": Self.number(counts?.resolved),
                "suppressed": Self.number(counts?.suppressed),
            ]
            return .dictionary(run)
        }
        return [
            "title": "Advanced hunting reports",
            "runs": .array(runs),
            "hasRuns": .bool(!runs.isEmpty),
            "hasSampleRuns": .bool(entries.contains { $0.summary?.sampleData == true }),
            "runCountText": .string(ReportText.count(runs.count, "run")),
            "latestReport": latestHref.map { ["href": .string($0)] } ?? .null,
        ]
    }

    /// The rendered `index.html`, or `nil` when `templates` has no `index.html` template.
    func render(templates: MustacheLibrary, latestHref: String?) -> [UInt8]? {
        guard let template = templates[Self.templateName] ?? ReportTemplates.builtin[Self.templateName] else { return nil }
        var context = context(latestHref: latestHref)
        if case .dictionary(var members) = context {
            members["contentSecurityPolicy"] = .string(ContentSecurityPolicy.placeholder)
            context = .dictionary(members)
        }
        let page = template.render(context, partials: templates, escape: .html)
        return Array(ContentSecurityPolicy.fill(page).utf8)
    }

    /// `1,234`, or `—` for a count the manifest does not have.
    private static func number(_ value: Int?) -> MustacheValue {
        .string(value.map(ReportText.grouped) ?? "—")
    }

    /// The start of the minute `2025-11-25_0200`.
    private static func date(ofMinute minute: String) -> KQLDateTime? {
        let digits = minute.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.map { Int($0 - UInt8(ascii: "0")) }
        guard digits.count == 12 else { return nil }
        func value(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        return KQLDateTime(year: value(0..<4), month: value(4..<6), day: value(6..<8), hour: value(8..<10), minute: value(10..<12))
    }
}
