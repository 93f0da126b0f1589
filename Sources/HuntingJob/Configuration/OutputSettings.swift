public import HuntingReports

/// What the report looks like and which files it has.
public struct OutputSettings: Sendable, Hashable {
    /// The files written besides `manifest.json`.
    public var formats: Set<ReportFormat>
    /// Rows shown per query in the HTML and Markdown reports.
    public var rows: Int
    /// Whether CSV files start with a UTF-8 byte-order mark, for Excel.
    public var csvBom: Bool
    /// The report's heading.
    public var title: String

    /// Creates settings; the defaults are those of ``HuntingReports/ReportOptions``.
    public init(formats: Set<ReportFormat> = Set(ReportFormat.allCases), rows: Int = 500, csvBom: Bool = false, title: String = "Hunting report") {
        self.formats = formats
        self.rows = rows
        self.csvBom = csvBom
        self.title = title
    }

    /// Copies these settings into report options, leaving the options' other choices alone.
    /// - Parameter options: the options to change.
    public func apply(to options: inout ReportOptions) {
        options.formats = formats
        options.rowLimit = rows
        options.byteOrderMark = csvBom
        options.title = title
    }

    /// Reads a format name: `html`, `markdown` (or `md`), `csv`, `json`, in any case.
    /// - Parameter name: the name as written.
    /// - Returns: the format, or `nil` when the name is not one.
    public static func format(named name: String) -> ReportFormat? {
        let lowered = name.lowercased()
        return lowered == "md" ? .markdown : ReportFormat(rawValue: lowered)
    }

    /// The format names accepted, for errors.
    static let formatNames = ReportFormat.allCases.map(\.rawValue) + ["md"]
}
