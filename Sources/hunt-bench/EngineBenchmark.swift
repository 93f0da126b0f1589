// The local engine and sample tenant benchmarks of issue 6, and the Swift half of the differential
// test against duckdb-kql (Benchmarks/engine_peer.py, Benchmarks/differential.py).
//
// Both sides must see the same rows. `export` writes the tables as CSV for DuckDB; `engine`
// generates the same tables in memory (same configurations) and hashes them through the same CSV
// encoder, so bench.py can check the two hashes before it compares any timing.
import Foundation
import HuntingReports
import KQL
import KQLEngine
import SampleTenant

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - The data

/// Which sample tables a benchmark uses, each with the tenant configuration it is generated from.
struct EngineBenchmarkData {
    /// A short name for the manifest.
    let label: String
    /// What `now()` and `ago()` count from: the tenant's end, on both sides.
    let now: KQLDateTime
    /// The tables, in export order, with the configuration each comes from.
    let sources: [(table: String, configuration: SampleTenantConfiguration)]

    /// DeviceProcessEvents rows of the benchmark tenant (issue 6: 1,000,000).
    static let defaultRows = 1_000_000
    static let devices = 1000
    static let users = 600
    static let days = 7

    /// The benchmark tenant: `rows` DeviceProcessEvents and about `rows / 10` DeviceNetworkEvents
    /// over the same 1,000 devices and 600 users (one world), 7 days, attack stories planted.
    /// Both tables come from one seed and world; only `eventScale` differs, so the join keys
    /// (DeviceId, process ids) line up as in a real tenant.
    static func benchmark(rows: Int) -> EngineBenchmarkData {
        let deviceDays = Double(devices * days)
        // 120 process events per device-day at scale 1 (SampleTenant's Noise.swift).
        let process = SampleTenantConfiguration(
            seed: 6, devices: devices, users: users, days: days, eventScale: Double(rows) / (120 * deviceDays))
        // 250 connections per device-day at scale 1, plus about 4 first-seen connections per device.
        var network = process
        network.eventScale = Double(max(rows / 10 - 4 * devices, 0)) / (250 * deviceDays)
        return EngineBenchmarkData(
            label: "benchmark-\(rows)", now: process.end,
            sources: [("DeviceProcessEvents", process), ("DeviceNetworkEvents", network)])
    }

    /// The default sample tenant (50 devices, 7 days, stories planted): the tables the
    /// differential queries read.
    static var differential: EngineBenchmarkData {
        let configuration = SampleTenantConfiguration()
        let tables = [
            "DeviceProcessEvents", "DeviceNetworkEvents", "DeviceFileEvents", "DeviceLogonEvents", "DeviceEvents",
            "DeviceInfo",
        ]
        return EngineBenchmarkData(label: "differential", now: configuration.end, sources: tables.map { ($0, configuration) })
    }

    /// Generates the tables, with datetimes truncated to whole microseconds.
    ///
    /// duckdb-kql maps `datetime` to DuckDB's `TIMESTAMP`, which holds microseconds; the tenant
    /// writes 100 ns ticks. Truncating here (outside any timing) gives both engines exactly the
    /// same values instead of differences in the seventh fractional digit.
    func generate() -> [(name: String, table: KQLTable)] {
        sources.map { source in
            guard let table = SampleTenant(source.configuration).table(named: source.table) else {
                fail("the sample tenant has no table \(source.table)", status: 70)
            }
            return (source.table, truncatedToMicroseconds(table))
        }
    }
}

/// `table` with every datetime cell rounded down to a whole microsecond (10 ticks).
func truncatedToMicroseconds(_ table: KQLTable) -> KQLTable {
    var table = table
    for index in table.columns.indices {
        if case .datetime(let ticks, let nulls, _) = table.columns[index].storage {
            table.columns[index].storage = .datetime(ticks.map { $0 - (($0 % 10) + 10) % 10 }, nulls, raw: nil)
        }
    }
    return table
}

// MARK: - CSV

/// Writes tables as RFC 4180 CSV with a header, in a form DuckDB's `read_csv` loads exactly with
/// explicit column types: strings always quoted (so `""` is the empty string and an unquoted empty
/// field is a null), datetimes ISO 8601 with seven fractional digits, dynamic values as their
/// compact JSON text, booleans `true`/`false`, reals in Swift's shortest round-trip form.
struct CSVTableEncoder {
    /// Bytes are handed to `sink` in chunks of about this size.
    static let chunkBytes = 1 << 22

    /// Encodes `table` and passes the bytes to `sink` in chunks.
    static func encode(_ table: KQLTable, sink: (UnsafeBufferPointer<UInt8>) -> Void) {
        var out: [UInt8] = []
        out.reserveCapacity(chunkBytes + 65536)
        for (index, column) in table.columns.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendQuoted(Array(column.name.utf8), to: &out)
        }
        out.append(UInt8(ascii: "\n"))
        let writers = table.columns.map(cellWriter)
        for row in 0..<table.rowCount {
            for (index, write) in writers.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(row, &out)
            }
            out.append(UInt8(ascii: "\n"))
            if out.count >= chunkBytes {
                out.withUnsafeBufferPointer(sink)
                out.removeAll(keepingCapacity: true)
            }
        }
        if !out.isEmpty { out.withUnsafeBufferPointer(sink) }
    }

    /// One closure per column, so the storage is matched once per column rather than per cell.
    static func cellWriter(_ column: KQLColumn) -> (Int, inout [UInt8]) -> Void {
        switch column.storage {
        case .bool(let values, let nulls):
            return { row, out in
                if !nulls.isNull(row) { out.append(contentsOf: values[row] ? trueBytes : falseBytes) }
            }
        case .int(let values, let nulls):
            return { row, out in if !nulls.isNull(row) { CellBytes.integer(Int64(values[row]), to: &out) } }
        case .long(let values, let nulls):
            return { row, out in if !nulls.isNull(row) { CellBytes.integer(values[row], to: &out) } }
        case .real(let values, let nulls):
            return { row, out in
                guard !nulls.isNull(row) else { return }
                let value = values[row]
                let text = value.isNaN ? "nan" : value.isInfinite ? (value < 0 ? "-inf" : "inf") : String(value)
                out.append(contentsOf: text.utf8)
            }
        case .decimal(let values, let nulls):
            return { row, out in if !nulls.isNull(row) { out.append(contentsOf: values[row].description.utf8) } }
        case .string(let strings):
            return { row, out in strings.withUTF8(row) { appendQuoted($0, to: &out) } }
        case .datetime(let ticks, let nulls, _):
            return { row, out in if !nulls.isNull(row) { CellBytes.datetime(ticks[row], to: &out) } }
        case .timespan(let ticks, let nulls):
            // As microseconds, the unit DuckDB's INTERVAL holds (`to_microseconds` on load).
            return { row, out in if !nulls.isNull(row) { CellBytes.integer(ticks[row] / 10, to: &out) } }
        case .guid(let values, let nulls):
            return { row, out in
                if !nulls.isNull(row) { out.append(contentsOf: values[row].uuidString.lowercased().utf8) }
            }
        case .dynamic(let values):
            return { row, out in
                if case .null = values[row] { return }
                appendQuoted(Array(values[row].json.utf8), to: &out)
            }
        }
    }

    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)

    static func appendQuoted(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// FNV-1a, 64 bits: enough to tell that two serialisations of a table are the same bytes.
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        var hash = value
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        value = hash
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// The row count, byte count and FNV-1a hash of a table's CSV serialisation, without writing it.
func csvChecksum(_ table: KQLTable) -> (bytes: Int, hash: String) {
    var hash = FNV1a64()
    var bytes = 0
    CSVTableEncoder.encode(table) { chunk in
        hash.add(chunk)
        bytes += chunk.count
    }
    return (bytes, hash.hex)
}

// MARK: - export

/// `hunt-bench export [--rows N | --differential] DIR`: writes each table to DIR/NAME.csv and a
/// `manifest.json` (label, now, per table: rows, bytes, FNV-1a of the CSV, column names and KQL
/// types), which the Python peers read to create typed DuckDB tables.
func exportEngineData(_ data: EngineBenchmarkData, directory: String) {
    let fileManager = FileManager.default
    do {
        try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
        fail("cannot create \(directory): \(error)", status: 73)
    }
    var tables: [String: Any] = [:]
    for (name, table) in data.generate() {
        let path = (directory as NSString).appendingPathComponent(name + ".csv")
        guard let file = fopen(path, "wb") else { fail("cannot write \(path)", status: 73) }
        var hash = FNV1a64()
        var bytes = 0
        CSVTableEncoder.encode(table) { chunk in
            hash.add(chunk)
            bytes += chunk.count
            if fwrite(chunk.baseAddress, 1, chunk.count, file) != chunk.count { fail("cannot write \(path)", status: 74) }
        }
        fclose(file)
        tables[name] = [
            "rows": table.rowCount, "bytes": bytes, "fnv1a64": hash.hex, "file": name + ".csv",
            "columns": table.columns.map { [$0.name, $0.type.rawValue] },
        ]
    }
    let manifest: [String: Any] = ["label": data.label, "now": data.now.iso8601, "tables": tables]
    let json = try! JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys, .prettyPrinted])
    let manifestPath = (directory as NSString).appendingPathComponent("manifest.json")
    guard fileManager.createFile(atPath: manifestPath, contents: json) else { fail("cannot write \(manifestPath)", status: 73) }
    printJSON(manifest)
}

// MARK: - engine

/// One query of a query file.
struct BenchmarkQuery {
    let name: String
    let text: String
}

/// Reads a query file: a JSON array of `{"name": …, "kql": …}` objects.
func readBenchmarkQueries(path: String) -> [BenchmarkQuery] {
    guard let data = FileManager.default.contents(atPath: path),
        let items = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]]
    else { fail("\(path): expected a JSON array of {\"name\": …, \"kql\": …}", status: 65) }
    return items.enumerated().map { index, item in
        guard let text = item["kql"] as? String else { fail("\(path): query \(index + 1) has no \"kql\" text", status: 65) }
        return BenchmarkQuery(name: item["name"] as? String ?? "query \(index + 1)", text: text)
    }
}

/// What `hunt-bench engine` does.
struct EngineBenchmarkOptions {
    static let usage = "usage: hunt-bench engine [--rows N | --differential] [--print] [--checksum] QUERYFILE [REPEAT]"

    var data = EngineBenchmarkData.benchmark(rows: EngineBenchmarkData.defaultRows)
    var printAll = false
    var checksum = false
    var queryFile = ""
    var repeatCount = 7

    init(_ arguments: [String]) {
        var positional: [String] = []
        var items = arguments[...]
        while let item = items.popFirst() {
            switch item {
            case "--rows":
                guard let text = items.popFirst(), let rows = Int(text), rows > 0 else { fail("--rows needs a positive number\n\(Self.usage)", status: 64) }
                data = .benchmark(rows: rows)
            case "--differential": data = .differential
            case "--print": printAll = true
            case "--checksum": checksum = true
            case _ where item.hasPrefix("--"): fail("unknown option \(item)\n\(Self.usage)", status: 64)
            default: positional.append(item)
            }
        }
        guard (1...2).contains(positional.count) else { fail(Self.usage, status: 64) }
        queryFile = positional[0]
        if positional.count == 2 {
            guard let count = Int(positional[1]), count > 0 else { fail("REPEAT must be a positive number\n\(Self.usage)", status: 64) }
            repeatCount = count
        }
        if printAll, positional.count == 1 { repeatCount = 0 }
    }
}

/// Results with at most this many rows are printed in full (the peers compare them value by value).
let smallResultRows = 200

/// `hunt-bench engine [--rows N | --differential] [--print] [--checksum] QUERYFILE [REPEAT]`:
/// generates the tables (not timed; the same configuration `export` writes), then runs each query
/// of QUERYFILE once untimed and REPEAT times timed with `ContinuousClock`, and prints one JSON
/// object: per query the median, min, max and every time, the result's shape and, for results of
/// at most 200 rows (every result with `--print`), the rows. A query the engine rejects is reported
/// with its error instead of times. `--checksum` adds each table's CSV hash, to compare with the
/// manifest `export` wrote.
func engineBenchmark(_ options: EngineBenchmarkOptions) {
    let queries = readBenchmarkQueries(path: options.queryFile)
    let clock = ContinuousClock()
    let generationStart = clock.now
    let generated = options.data.generate()
    let generationSeconds = seconds(clock.now - generationStart)
    var tables: [String: KQLTable] = [:]
    var tableInfo: [String: Any] = [:]
    for (name, table) in generated {
        tables[name] = table
        var info: [String: Any] = ["rows": table.rowCount, "columns": table.columns.count]
        if options.checksum {
            let sum = csvChecksum(table)
            info["bytes"] = sum.bytes
            info["fnv1a64"] = sum.hash
        }
        tableInfo[name] = info
    }
    let engine = KQLEngine(tables: tables, now: options.data.now)
    var results: [String] = []
    for query in queries {
        var fields: [String] = ["\"name\":" + jsonString(query.name)]
        do {
            var result = try engine.run(query.text)  // warm-up (and the only run with --print alone)
            var times: [Double] = []
            for _ in 0..<options.repeatCount {
                let start = clock.now
                result = try engine.run(query.text)
                times.append(seconds(clock.now - start))
            }
            if !times.isEmpty {
                fields.append("\"median_s\":\(median(times))")
                fields.append("\"min_s\":\(times.min()!)")
                fields.append("\"max_s\":\(times.max()!)")
                fields.append("\"times_s\":[" + times.map { String($0) }.joined(separator: ",") + "]")
            }
            fields.append("\"rows\":\(result.rowCount)")
            fields.append(
                "\"columns\":[" + result.columns.map { "[" + jsonString($0.name) + "," + jsonString($0.type.rawValue) + "]" }.joined(separator: ",")
                    + "]")
            if options.printAll || result.rowCount <= smallResultRows {
                fields.append("\"result\":" + jsonRows(result))
            }
        } catch {
            fields.append("\"error\":" + jsonString(error.description))
            fields.append("\"error_kind\":" + jsonString(error.kind.rawValue))
        }
        results.append("{" + fields.joined(separator: ",") + "}")
    }
    let tablesJSON = String(decoding: try! JSONSerialization.data(withJSONObject: tableInfo, options: [.sortedKeys]), as: UTF8.self)
    print(
        "{\"label\":\(jsonString(options.data.label)),\"now\":\(jsonString(options.data.now.iso8601)),"
            + "\"runs\":\(options.repeatCount),\"generate_s\":\(generationSeconds),\"tables\":\(tablesJSON),"
            + "\"peak_rss_bytes\":\(peakRSSBytes()),\"queries\":[" + results.joined(separator: ",\n") + "]}")
}

/// A JSON string literal.
func jsonString(_ text: String) -> String {
    var out = ""
    KQLDynamic.writeJSONString(text, to: &out)
    return out
}

/// The rows of a table as a JSON array of arrays: datetimes as ISO 8601 text, timespans as ticks,
/// GUIDs as lower-case text, dynamic values as their JSON, NaN and infinities as strings.
func jsonRows(_ table: KQLTable) -> String {
    var out = "["
    for row in 0..<table.rowCount {
        if row > 0 { out += "," }
        out += "["
        for column in table.columns.indices {
            if column > 0 { out += "," }
            out += jsonValue(table[row, column])
        }
        out += "]"
    }
    return out + "]"
}

func jsonValue(_ value: KQLValue) -> String {
    switch value {
    case .null: return "null"
    case .bool(let v): return v ? "true" : "false"
    case .int(let v): return String(v)
    case .long(let v): return String(v)
    case .real(let v):
        if v.isNaN { return "\"NaN\"" }
        if v.isInfinite { return v < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
        return String(v)
    case .decimal(let v): return jsonString(v.description)
    case .string(let v): return jsonString(v)
    case .datetime(let v): return jsonString(v.iso8601)
    case .timespan(let v): return String(v.ticks)
    case .guid(let v): return jsonString(v.uuidString.lowercased())
    case .dynamic(let v): return v.json
    }
}

// MARK: - generate

/// `hunt-bench generate [REPEAT]`: times generating sample tenants (REPEAT runs each after one
/// untimed warm-up, `ContinuousClock`, world included) and prints one JSON object with, per case,
/// the rows, the median, min and max seconds and rows per second at the median:
/// the default tenant (every table, `tables()`), the benchmark's 1,000,000-row DeviceProcessEvents
/// alone, and the benchmark tenant's every table generated one after the other (`table(named:)`,
/// each dropped before the next, as the engine's resolver uses them).
func generateBenchmark(repeat count: Int) {
    let benchmark = EngineBenchmarkData.benchmark(rows: EngineBenchmarkData.defaultRows).sources[0].configuration
    let cases: [(name: String, run: () -> Int)] = [
        (
            "default tenant, every table (tables())",
            {
                SampleTenant().tables().values.reduce(0) { $0 + $1.rowCount }
            }
        ),
        (
            "DeviceProcessEvents, 1,000 devices x 7 days (benchmark tenant)",
            {
                SampleTenant(benchmark).table(named: "DeviceProcessEvents")?.rowCount ?? 0
            }
        ),
        (
            "benchmark tenant, every table one at a time (table(named:))",
            {
                let tenant = SampleTenant(benchmark)
                return tenant.tableNames.reduce(0) { $0 + (tenant.table(named: $1)?.rowCount ?? 0) }
            }
        ),
    ]
    let clock = ContinuousClock()
    var results: [[String: Any]] = []
    for item in cases {
        let rows = item.run()  // warm-up
        var times: [Double] = []
        for _ in 0..<count {
            let start = clock.now
            let produced = item.run()
            times.append(seconds(clock.now - start))
            precondition(produced == rows, "generation is deterministic")
        }
        let middle = median(times)
        results.append([
            "name": item.name, "rows": rows, "runs": count, "median_s": middle, "min_s": times.min()!,
            "max_s": times.max()!, "rows_per_s": Double(rows) / middle, "times_s": times,
        ])
    }
    printJSON(["cases": results, "cores": ProcessInfo.processInfo.activeProcessorCount, "peak_rss_bytes": peakRSSBytes()])
}

/// Parses `[--rows N | --differential] DIR` for `export`.
func exportArguments(_ arguments: [String]) -> (EngineBenchmarkData, String) {
    let usage = "usage: hunt-bench export [--rows N | --differential] DIR"
    var data = EngineBenchmarkData.benchmark(rows: EngineBenchmarkData.defaultRows)
    var positional: [String] = []
    var items = arguments[...]
    while let item = items.popFirst() {
        switch item {
        case "--rows":
            guard let text = items.popFirst(), let rows = Int(text), rows > 0 else { fail("--rows needs a positive number\n\(usage)", status: 64) }
            data = .benchmark(rows: rows)
        case "--differential": data = .differential
        case _ where item.hasPrefix("--"): fail("unknown option \(item)\n\(usage)", status: 64)
        default: positional.append(item)
        }
    }
    guard positional.count == 1 else { fail(usage, status: 64) }
    return (data, positional[0])
}
