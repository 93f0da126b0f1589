public import KQL
import Hunting

/// Writes a result table as JSON in the shape of a Graph `runHuntingQuery` answer — `schema`
/// (`name`, `type`) and `results` (one object per row, one line per row) — so the file reads
/// back with the same decoder that reads the service, and `jq` can walk it.
public struct JSONTableWriter: Sendable {
    /// Creates a writer.
    public init() {}

    /// The table as a UTF-8 JSON document; `header` members (already JSON values) come first.
    /// - Parameter header: Extra top-level members, in order, as `(name, JSON text)`.
    public func bytes(_ table: KQLTable, header: [(name: String, json: String)] = []) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(CSVWriter.estimatedSize(table) + table.rowCount * table.columns.count * 8)
        out.append(UInt8(ascii: "{"))
        for member in header {
            CellBytes.string(member.name, quoting: .json, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: member.json.utf8)
            out.append(contentsOf: ",\n".utf8)
        }
        out.append(contentsOf: "\"schema\":[".utf8)
        var names: [[UInt8]] = []
        for (index, column) in table.columns.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            var name: [UInt8] = []
            CellBytes.string(column.name, quoting: .json, to: &name)
            names.append(name)
            out.append(contentsOf: "{\"name\":".utf8)
            out.append(contentsOf: name)
            out.append(contentsOf: ",\"type\":\"\(column.type.apiTypeName)\"}".utf8)
        }
        out.append(contentsOf: "],\n\"results\":[".utf8)
        for row in 0..<table.rowCount {
            out.append(contentsOf: row == 0 ? "\n{".utf8 : ",\n{".utf8)
            for (index, column) in table.columns.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: names[index])
                out.append(UInt8(ascii: ":"))
                CellBytes.append(column, row: row, quoting: .json, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "\n]}\n".utf8)
        return out
    }

    /// `text` as a JSON string literal, for `header` members.
    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        CellBytes.string(text, quoting: .json, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
