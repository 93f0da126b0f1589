import Foundation
import Hunting
public import KQL

/// Writes result tables in the exact response shapes of the hunting APIs (spec §1.3, §2.2):
/// Graph with lowercase `schema`/`results`, the legacy API with PascalCase and `Stats`.
public enum HuntingResponseEncoder {
    /// Which API's shape.
    public enum Shape: Sendable {
        case graph
        case legacy
    }

    /// The response body for a table.
    /// - Parameters:
    ///   - rowLimit: rows beyond this are dropped (the service's 100,000-row cap).
    ///   - elapsed: the simulated execution time, for the legacy `Stats`.
    public static func encode(_ table: KQLTable, shape: Shape, rowLimit: Int = .max, elapsed: Double = 0) -> [UInt8] {
        var out = ""
        out.reserveCapacity(256 + table.rowCount * table.columns.count * 24)
        let schemaKey = shape == .graph ? "schema" : "Schema"
        let nameKey = shape == .graph ? "name" : "Name"
        let typeKey = shape == .graph ? "type" : "Type"
        out += "{"
        switch shape {
        case .graph:
            out += "\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults\","
        case .legacy:
            out += "\"Stats\":{\"ExecutionTime\":\(elapsed),\"resource_usage\":{\"cpu\":{\"user\":\"\(KQLTimespan(ticks: Int64(elapsed * 1e7)).constantFormat)\",\"kernel\":\"00:00:00\",\"total cpu\":\"\(KQLTimespan(ticks: Int64(elapsed * 1e7)).constantFormat)\"},\"memory\":{\"peak_per_node\":0}},\"dataset_statistics\":[{\"table_row_count\":\(table.rowCount),\"table_size\":0}]},"
        }
        out += "\"\(schemaKey)\":["
        for (index, column) in table.columns.enumerated() {
            if index > 0 { out += "," }
            out += "{\"\(nameKey)\":"
            KQLDynamic.writeJSONString(column.name, to: &out)
            out += ",\"\(typeKey)\":\"\(column.type.apiTypeName)\"}"
        }
        out += "],\"\(shape == .graph ? "results" : "Results")\":["
        let keys = table.columns.map { column -> String in
            var key = ""
            KQLDynamic.writeJSONString(column.name, to: &key)
            return key + ":"
        }
        for row in 0..<min(table.rowCount, rowLimit) {
            if row > 0 { out += "," }
            out += "{"
            for (index, column) in table.columns.enumerated() {
                if index > 0 { out += "," }
                out += keys[index]
                writeCell(column, row: row, to: &out)
            }
            out += "}"
        }
        out += "]}"
        return Array(out.utf8)
    }

    /// One cell as JSON, per spec §1.4: datetimes as ISO 8601 with seven fractional digits,
    /// timespans as `[-][d.]hh:mm:ss[.fffffff]`, dynamic values embedded, NaN and infinities as strings.
    static func writeCell(_ column: KQLColumn, row: Int, to out: inout String) {
        let value = column[row]
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let v): out += String(v)
        case .long(let v): out += String(v)
        case .real(let v):
            if v.isNaN { out += "\"NaN\"" } else if v.isInfinite { out += v < 0 ? "\"-Infinity\"" : "\"Infinity\"" } else { out += String(v) }
        case .decimal(let d): out += d.description
        case .string(let s): KQLDynamic.writeJSONString(s, to: &out)
        case .datetime(let d): out += "\"\(d.iso8601)\""
        case .timespan(let t): out += "\"\(t.constantFormat)\""
        case .guid(let g): out += "\"\(g.uuidString.lowercased())\""
        case .dynamic(let d): out += d.json
        }
    }

    /// A Graph error envelope.
    public static func graphError(code: String, message: String, requestId: String, clientRequestId: String?) -> String {
        var out = "{\"error\":{\"code\":"
        KQLDynamic.writeJSONString(code, to: &out)
        out += ",\"message\":"
        KQLDynamic.writeJSONString(message, to: &out)
        out += ",\"innerError\":{\"date\":\"\(isoSeconds(Date()))\",\"request-id\":\"\(requestId)\""
        if let clientRequestId {
            out += ",\"client-request-id\":"
            KQLDynamic.writeJSONString(clientRequestId, to: &out)
        }
        return out + "}}}"
    }

    /// A legacy Defender error envelope, with `target` as the tracking id.
    public static func legacyError(code: String, message: String, target: String) -> String {
        var out = "{\"error\":{\"code\":"
        KQLDynamic.writeJSONString(code, to: &out)
        out += ",\"message\":"
        KQLDynamic.writeJSONString(message, to: &out)
        return out + ",\"target\":\"\(target)\"}}"
    }

    /// `2024-01-31T08:00:00`, the zone-less form Graph uses in `innerError.date`.
    static func isoSeconds(_ date: Date) -> String {
        let d = KQLDateTime(unixSeconds: date.timeIntervalSince1970.rounded(.down)).iso8601
        return String(d.prefix(19))
    }
}
