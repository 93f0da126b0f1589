/// Choices that shape a rendered report.
public struct ReportOptions: Sendable {
    /// The report's heading and page title.
    public var title: String
    /// Rows shown per query in the HTML and Markdown reports; the CSV and JSON files hold them all.
    public var rowLimit: Int
    /// Characters a cell shows in the HTML report before it is shortened with `…`.
    public var htmlCellLimit: Int
    /// Characters a cell shows in the Markdown report before it is shortened with `…`.
    public var markdownCellLimit: Int
    /// Whether CSV files start with a UTF-8 byte-order mark (Excel then reads them as UTF-8).
    public var byteOrderMark: Bool
    /// The program and version written into every file (`hunt 0.1.0`).
    public var generator: String
    /// The time range the "Open in Defender" links ask the portal for.
    public var portalTimeRange: DefenderPortalLink.TimeRange
    /// Which files to write.
    public var formats: Set<ReportFormat>

    /// Creates options; the defaults are the ones `hunt` uses.
    public init(
        title: String = "Hunting report", rowLimit: Int = 500, htmlCellLimit: Int = 1000, markdownCellLimit: Int = 120,
        byteOrderMark: Bool = false, generator: String = "hunt", portalTimeRange: DefenderPortalLink.TimeRange = .week,
        formats: Set<ReportFormat> = Set(ReportFormat.allCases)
    ) {
        self.title = title
        self.rowLimit = max(0, rowLimit)
        self.htmlCellLimit = max(1, htmlCellLimit)
        self.markdownCellLimit = max(1, markdownCellLimit)
        self.byteOrderMark = byteOrderMark
        self.generator = generator
        self.portalTimeRange = portalTimeRange
        self.formats = formats
    }
}

/// The kinds of file a report is made of. `manifest.json` is always written.
public enum ReportFormat: String, Sendable, CaseIterable, Hashable, Codable {
    /// `report.html`: the self-contained page.
    case html
    /// `report.md`: GitHub-flavoured Markdown.
    case markdown
    /// `queries/<name>.csv`: every row of each result.
    case csv
    /// `queries/<name>.json`: schema and every row of each result.
    case json
}
