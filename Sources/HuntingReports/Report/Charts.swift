import Foundation
import KQL

/// The geometry of the report's SVG charts, computed here so templates only place shapes.
enum Charts {
    /// Coordinates with one decimal, the same on every machine.
    static func number(_ value: Double) -> MustacheValue {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? .int(Int(rounded)) : .string(String(format: "%.1f", rounded))
    }

    /// One bar of the findings chart.
    struct FindingBar {
        var label: String
        var anchor: String
        var rows: Int
        var severity: String
    }

    /// The horizontal bar chart of findings per query: the `limit` largest, largest first.
    static func findings(_ bars: [FindingBar], limit: Int = 20) -> MustacheValue {
        let shown = bars.enumerated().sorted { a, b in
            a.element.rows != b.element.rows ? a.element.rows > b.element.rows : a.offset < b.offset
        }.prefix(limit).map(\.element)
        let rowHeight = 22.0
        let labelWidth = 250.0
        let barArea = 300.0
        let peak = Double(shown.map(\.rows).max() ?? 1)
        let items: [MustacheValue] = shown.enumerated().map { i, bar in
            let y = Double(i) * rowHeight
            let width = max(2, barArea * Double(bar.rows) / peak)
            return [
                "label": .string(ReportText.shortened(bar.label, to: 38).text),
                "title": .string(bar.label),
                "anchor": .string(bar.anchor),
                "rows": .int(bar.rows),
                "rowsText": .string(ReportText.grouped(bar.rows)),
                "rowCountText": .string(ReportText.count(bar.rows, "row")),
                "severity": .string(bar.severity),
                "labelX": number(labelWidth - 8),
                "textY": number(y + rowHeight / 2 + 4),
                "barX": number(labelWidth),
                "barY": number(y + 4),
                "barWidth": number(width),
                "barHeight": number(rowHeight - 8),
                "countX": number(labelWidth + width + 6),
            ]
        }
        return [
            "bars": .array(items),
            "width": 640,
            "height": number(max(rowHeight, Double(shown.count) * rowHeight)),
            "more": .int(max(0, bars.count - shown.count)),
            "hasMore": .bool(bars.count > shown.count),
        ]
    }

    /// Bucket widths the histogram picks from, smallest first.
    static let bucketWidths: [Int64] = [
        KQLTimespan.minute, 5 * KQLTimespan.minute, 15 * KQLTimespan.minute, 30 * KQLTimespan.minute, KQLTimespan.hour,
        3 * KQLTimespan.hour, 6 * KQLTimespan.hour, 12 * KQLTimespan.hour, KQLTimespan.day, 7 * KQLTimespan.day,
        30 * KQLTimespan.day, 365 * KQLTimespan.day,
    ]

    /// `1-hour`, `15-minute`, `7-day`: the bucket size as an adjective ("1-hour buckets").
    static func bucketLabel(_ ticks: Int64) -> String {
        if ticks % KQLTimespan.day == 0 { return "\(ticks / KQLTimespan.day)-day" }
        if ticks % KQLTimespan.hour == 0 { return "\(ticks / KQLTimespan.hour)-hour" }
        return "\(ticks / KQLTimespan.minute)-minute"
    }

    /// The counts as a line of block characters (`▁▃█`), a blank for an empty bucket.
    static func sparkline(_ counts: [Int]) -> String {
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let peak = max(1, counts.max() ?? 1)
        return String(counts.map { count in
            count == 0 ? " " : blocks[min(blocks.count - 1, (count * blocks.count - 1) / peak)]
        })
    }

    /// The histogram of rows over time for a table with a datetime `Timestamp` column, over all its rows;
    /// `nil` when there is no such column or no non-null value.
    static func histogram(_ table: KQLTable, maxBuckets: Int = 48) -> MustacheValue? {
        guard let index = table.columnIndex(named: "Timestamp"),
            case .datetime(let ticks, let nulls, _) = table.columns[index].storage
        else { return nil }
        var low = Int64.max
        var high = Int64.min
        var present = 0
        for row in 0..<ticks.count where !nulls.isNull(row) {
            low = min(low, ticks[row])
            high = max(high, ticks[row])
            present += 1
        }
        guard present > 0 else { return nil }
        let span = high - low
        let width = bucketWidths.first { span / $0 < Int64(maxBuckets) } ?? bucketWidths[bucketWidths.count - 1]
        let start = low - low % width
        let bucketCount = Int((high - start) / width) + 1
        var counts = [Int](repeating: 0, count: bucketCount)
        for row in 0..<ticks.count where !nulls.isNull(row) {
            counts[min(bucketCount - 1, Int((ticks[row] - start) / width))] += 1
        }
        let chartWidth = 480.0
        let chartHeight = 60.0
        let peak = Double(counts.max() ?? 1)
        let slot = chartWidth / Double(bucketCount)
        let bars: [MustacheValue] = counts.enumerated().compactMap { i, count in
            guard count > 0 else { return nil }
            let height = max(1.5, chartHeight * Double(count) / peak)
            let from = KQLDateTime(ticks: start + Int64(i) * width)
            return [
                "x": number(Double(i) * slot + (slot > 3 ? 0.5 : 0)),
                "y": number(chartHeight - height),
                "width": number(max(0.5, slot > 3 ? slot - 1 : slot)),
                "height": number(height),
                "rows": .int(count),
                "title": .string("\(ReportText.display(from)): \(ReportText.count(count, "row"))"),
            ]
        }
        return [
            "bars": .array(bars),
            "width": number(chartWidth),
            "height": number(chartHeight),
            "from": .string(ReportText.display(KQLDateTime(ticks: low))),
            "to": .string(ReportText.display(KQLDateTime(ticks: high))),
            "bucket": .string(bucketLabel(width)),
            "sparkline": .string(sparkline(counts)),
            "peak": .int(Int(peak)),
            "rows": .int(present),
        ]
    }
}
