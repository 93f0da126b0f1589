// hunt-bench: release-mode measurements for Benchmarks/bench.py, kept out of `hunt` so the user
// tool has no developer commands.
//
//   hunt-bench decode FILE REPEAT
//
// Reads FILE once, decodes it REPEAT times with HuntingResponseDecoder and prints one JSON object:
// the body size, the table shape, the median/min/max decode seconds and the process's peak RSS.
//
//   hunt-bench runner [--naive] [--seed N] [--deadline SECONDS] [QUERIES [WIDTH [WINDOW [CALLS]]]]
//
// Runs QUERIES (120) distinct queries with a HuntingRunner of width WIDTH (4) against an
// in-process emulator (latency 1–3 s, Graph quota CALLS (45) per WINDOW (6) seconds) and prints
// one JSON object: wall time, the emulator's calls, 429s and total latency, the lower bound
// max(N / CALLS × WINDOW, total latency / WIDTH), the ratio and the busiest sliding window.
// `--naive`: every query at once and no client-side budget. See RunnerBenchmark.swift.
//
//   hunt-bench render gen FILE
//   hunt-bench render [--keep] FILE REPEAT [DIR]
//
// `gen` writes the deterministic 100,000 × 20 Defender-shaped table as a Graph response body.
// Otherwise decodes FILE once (not timed), then renders HTML + Markdown + CSV through
// ReportRenderer and writes the report with ReportWriter REPEAT times, timing each, and prints one
// JSON object: the times, their median, the file sizes and a breakdown by part. See
// RenderBenchmark.swift.
//
//   hunt-bench export [--rows N | --differential] DIR
//   hunt-bench engine [--rows N | --differential] [--print] [--checksum] QUERYFILE [REPEAT]
//   hunt-bench generate [REPEAT]
//
// Issue 6. `export` writes the sample tables the engine benchmarks use (DeviceProcessEvents with N
// (1,000,000) rows and DeviceNetworkEvents with about N / 10, or the default tenant's tables for
// the differential) as CSV plus a manifest, for DuckDB. `engine` generates the same tables in
// memory and times KQLEngine on each query of QUERYFILE (a JSON array of {"name", "kql"}), or with
// `--print` dumps every result as JSON. `generate` times the sample tenant generator and reports
// rows per second. See EngineBenchmark.swift.
import Foundation
import Hunting
import KQL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Peak resident set size of this process so far, in bytes.
func peakRSSBytes() -> Int {
    var usage = rusage()
    #if canImport(Darwin)
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)  // bytes on Darwin
    #else
        getrusage(RUSAGE_SELF.rawValue, &usage)  // Glibc imports the `who` enum as a struct
        return Int(usage.ru_maxrss) * 1024  // KiB on Linux
    #endif
}

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("hunt-bench: \(message)\n".utf8))
    exit(status)
}

func decodeBenchmark(path: String, repeat count: Int) {
    let baseline = peakRSSBytes()
    guard let body = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)", status: 66) }
    var times: [Double] = []
    var shape = (rows: 0, columns: 0, truncated: false)
    for _ in 0..<count {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let decoded = try HuntingResponseDecoder.decode(body)
            shape = (decoded.table.rowCount, decoded.table.columns.count, decoded.truncated)
        } catch {
            fail("\(path): \(error)", status: 65)
        }
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    times.sort()
    let result: [String: Any] = [
        "body_bytes": body.count,
        "rows": shape.rows,
        "columns": shape.columns,
        "truncated": shape.truncated,
        "runs": count,
        "median_s": times[times.count / 2],
        "min_s": times.first ?? 0,
        "max_s": times.last ?? 0,
        "baseline_rss_bytes": baseline,
        "peak_rss_bytes": peakRSSBytes(),
    ]
    let json = try! JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}

let arguments = CommandLine.arguments.dropFirst()
switch (arguments.first, arguments.count) {
case ("decode", 3):
    let items = Array(arguments)
    guard let count = Int(items[2]), count > 0 else { fail("REPEAT must be a positive number", status: 64) }
    decodeBenchmark(path: items[1], repeat: count)
case ("runner", _):
    await runnerBenchmark(RunnerBenchmarkOptions(Array(arguments.dropFirst())))
case ("render", 3) where arguments.dropFirst().first == "gen":
    generateRenderTable(path: Array(arguments)[2])
case ("render", _):
    var items = Array(arguments.dropFirst())
    let keep = items.first == "--keep"
    if keep { items.removeFirst() }
    guard (2...3).contains(items.count), let count = Int(items[1]), count > 0 else { fail(renderUsage, status: 64) }
    renderBenchmark(path: items[0], repeat: count, directory: items.count == 3 ? items[2] : nil, keep: keep)
case ("export", _):
    let (data, directory) = exportArguments(Array(arguments.dropFirst()))
    exportEngineData(data, directory: directory)
case ("engine", _):
    engineBenchmark(EngineBenchmarkOptions(Array(arguments.dropFirst())))
case ("generate", 1), ("generate", 2):
    let items = Array(arguments)
    guard let count = items.count == 2 ? Int(items[1]) : 5, count > 0 else { fail("REPEAT must be a positive number", status: 64) }
    generateBenchmark(repeat: count)
case ("params", _): parameterGauntlet(ParameterGauntletOptions(Array(arguments.dropFirst())))
default:
    fail("usage: hunt-bench decode FILE REPEAT\n       " + RunnerBenchmarkOptions.usage.dropFirst("usage: ".count)
        + "\n       " + renderUsage.dropFirst("usage: ".count)
        + "\n       hunt-bench export [--rows N | --differential] DIR"
        + "\n       " + EngineBenchmarkOptions.usage.dropFirst("usage: ".count)
        + "\n       hunt-bench generate [REPEAT]", status: 64)
}
