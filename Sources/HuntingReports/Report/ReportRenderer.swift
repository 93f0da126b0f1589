import Foundation
import Hunting
import KQL

/// One file of a rendered report.
public struct ReportFile: Sendable, Equatable {
    /// The path inside the report folder (`report.html`, `queries/x.csv`).
    public var path: String
    /// The content.
    public var bytes: [UInt8]

    /// Creates a file.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// Renders a ``ReportModel`` into the report's files: `report.html`, `report.md`, a CSV and a JSON
/// file per successful query, and `manifest.json`. Rendering is pure: the same model gives the
/// same bytes (every time in it comes from the run).
public struct ReportRenderer: Sendable {
    /// The templates.
    public let templates: MustacheLibrary

    /// Creates a renderer.
    public init(templates: MustacheLibrary = ReportTemplates.builtin) {
        self.templates = templates
    }

    /// Every file of the report, `manifest.json` last.
    public func render(_ model: ReportModel) -> [ReportFile] {
        let formats = model.options.formats
        var files: [ReportFile] = []
        if formats.contains(.html), let template = templates[ReportTemplates.html] {
            var context = model.context(for: .html)
            if case .dictionary(var members) = context {
                members["contentSecurityPolicy"] = .string(ContentSecurityPolicy.placeholder)
                context = .dictionary(members)
            }
            let page = template.render(context, partials: templates, escape: .html)
            files.append(ReportFile(path: "report.html", bytes: Array(ContentSecurityPolicy.fill(page).utf8)))
        }
        if formats.contains(.markdown), let template = templates[ReportTemplates.markdown] {
            let page = template.render(model.context(for: .markdown), partials: templates, escape: .markdown)
            files.append(ReportFile(path: "report.md", bytes: Array(page.utf8)))
        }
        let notice = model.sampleDataNotice
        for entry in model.entries {
            guard let result = try? entry.outcome.result.get(), let table = ReportModel.exportTable(entry) else { continue }
            if formats.contains(.csv) {
                var bytes = CSVWriter(byteOrderMark: model.options.byteOrderMark).bytes(table)
                if let notice {
                    // A comment line before the header: spreadsheets show it, and nobody mistakes the rows for real ones.
                    let prefix = model.options.byteOrderMark ? 3 : 0
                    bytes.insert(contentsOf: Array("# \(notice)\r\n".utf8), at: prefix)
                }
                files.append(ReportFile(path: ReportModel.csvPath(entry), bytes: bytes))
            }
            if formats.contains(.json) {
                var header: [(name: String, json: String)] = [
                    ("query", JSONTableWriter.quoted(entry.outcome.query.query.id)),
                    ("title", JSONTableWriter.quoted(entry.outcome.query.query.metadata.title)),
                ]
                if let tenant = entry.tenant { header.append(("tenant", JSONTableWriter.quoted(tenant))) }
                header.append(("sampleData", model.tenants[entry.tenantIndex].result.endpoint.isSampleData ? "true" : "false"))
                if let notice { header.append(("notice", JSONTableWriter.quoted(notice))) }
                header.append(("truncated", result.truncated ? "true" : "false"))
                files.append(ReportFile(path: ReportModel.jsonPath(entry), bytes: JSONTableWriter().bytes(table, header: header)))
            }
        }
        files.append(ReportFile(path: "manifest.json", bytes: RunManifest(model: model, files: files).json()))
        return files
    }
}

/// The HTML report's Content-Security-Policy: nothing may load, and only the page's own `<script>`
/// and `<style>` elements (by SHA-256 hash) may run or apply. The hashes are taken from the rendered
/// page, so a team's templates get a correct policy without computing anything.
enum ContentSecurityPolicy {
    /// What the template's `{{contentSecurityPolicy}}` renders before the hashes are known.
    static let placeholder = "hunt-content-security-policy-pending"

    /// `page` with the placeholder replaced by the policy for its inline scripts and styles: the
    /// first one that is a whole quoted attribute value (`content="…"`), else the first one.
    ///
    /// Data can name the placeholder too (a title, a cell), but escaped data never has a raw `"` or
    /// `'`, so a quoted placeholder is the template's own, wherever the template puts its `<meta>`.
    static func fill(_ page: String) -> String {
        let range = ["\"", "'"].lazy.compactMap { quote -> Range<String.Index>? in
            guard let quoted = page.range(of: quote + placeholder + quote) else { return nil }
            return page.index(after: quoted.lowerBound)..<page.index(before: quoted.upperBound)
        }.min { $0.lowerBound < $1.lowerBound } ?? page.range(of: placeholder)
        guard let range else { return page }
        return page.replacingCharacters(in: range, with: policy(for: page))
    }

    /// The policy allowing exactly the inline `<script>` and `<style>` elements of `page`.
    static func policy(for page: String) -> String {
        let scripts = hashes(of: "script", in: page)
        let styles = hashes(of: "style", in: page)
        let scriptSource = scripts.isEmpty ? "'none'" : scripts.map { "'sha256-\($0)'" }.joined(separator: " ")
        let styleSource = styles.isEmpty ? "'none'" : styles.map { "'sha256-\($0)'" }.joined(separator: " ")
        return "default-src 'none'; script-src \(scriptSource); style-src \(styleSource); img-src data:; "
            + "base-uri 'none'; form-action 'none'; object-src 'none'"
    }

    /// The base64 SHA-256 of the content of every `<name …>…</name>` element, in order, without repeats.
    static func hashes(of name: String, in page: String) -> [String] {
        var found: [String] = []
        var rest = page[...]
        while let open = rest.range(of: "<\(name)", options: .caseInsensitive) {
            guard let tagEnd = rest[open.upperBound...].firstIndex(of: ">") else { break }
            let afterName = rest[open.upperBound]
            guard afterName == ">" || afterName == " " || afterName == "\n" || afterName == "\t" else {
                rest = rest[open.upperBound...]
                continue
            }
            let contentStart = rest.index(after: tagEnd)
            guard let close = rest[contentStart...].range(of: "</\(name)", options: .caseInsensitive) else { break }
            let hash = Data(Digest.sha256(Array(rest[contentStart..<close.lowerBound].utf8))).base64EncodedString()
            if !found.contains(hash) { found.append(hash) }
            rest = rest[close.upperBound...]
        }
        return found
    }
}
