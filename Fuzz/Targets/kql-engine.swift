// fuzz-about: KQL engine (KQLEngine.run) over small tables of every type: whatever the query, the engine answers with a table or a KQLEngineError, never a trap, and every error it places lies inside the input
// fuzz-max-len: 4096
// fuzz-seeds: kql
// fuzz-dict: kql
//
// Properties checked (a violation traps, so libFuzzer records it as a crash):
//   * running any text never traps (index out of range, force unwrap, overflow, stack);
//   * a result's columns all have its row count;
//   * an error's location is on a line of the input.
import KQL
import KQLEngine

/// Tables named like Defender's, with a few rows of every column type, nulls included.
let fuzzTables: [String: KQLTable] = {
    let schema: [(name: String, type: KQLScalarType)] = [
        ("Timestamp", .datetime), ("DeviceId", .string), ("DeviceName", .string), ("FileName", .string),
        ("ProcessCommandLine", .string), ("ProcessId", .long), ("Score", .real), ("Count", .int),
        ("IsAdmin", .bool), ("Duration", .timespan), ("ReportGuid", .guid), ("AdditionalFields", .dynamic),
    ]
    let day = KQLDateTime(year: 2026, month: 11, day: 23)!
    var rows: [[KQLValue]] = []
    let names = ["powershell.exe", "cmd.exe", "", "rundll32.exe", "WINWORD.EXE"]
    for i in 0..<12 {
        rows.append([
            i == 3 ? .null(.datetime) : .datetime(KQLDateTime(ticks: day.ticks + Int64(i) * 36_000_000_000)),
            .string("dev-\(i % 4)"), .string("pc-\(i % 3).contoso.local"), .string(names[i % names.count]),
            .string(i % 2 == 0 ? "powershell -enc SQBFAFgA \"x\" | y" : "cmd /c whoami"),
            i == 5 ? .null(.long) : .long(Int64(i * 100 - 300)), .real(Double(i) / 3), .int(Int32(i)),
            .bool(i % 2 == 0), .timespan(KQLTimespan(ticks: Int64(i) * 10_000_000)),
            .null(.guid), .dynamic(i % 3 == 0 ? .null : .bag([("a", .long(Int64(i))), ("b", .array([.string("x"), .real(1.5)]))])),
        ])
    }
    let table = KQLTable(schema: schema, rows: rows)
    return ["DeviceProcessEvents": table, "DeviceEvents": table.prefix(5), "DeviceInfo": table.prefix(0)]
}()

let fuzzEngine = KQLEngine(tables: fuzzTables, now: KQLDateTime(year: 2026, month: 11, day: 24)!)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKQLEngine(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let table = try fuzzEngine.run(text)
        for column in table.columns where column.count != table.rowCount {
            fatalError("column \(column.name) has \(column.count) cells in a table of \(table.rowCount) rows")
        }
    } catch {
        if let location = error.location {
            // Lines as the lexer counts them: a line feed, or a carriage return not followed by one.
            let bytes = Array(text.utf8)
            var lines = 1
            for (i, byte) in bytes.enumerated() where byte == 0x0A || (byte == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) {
                lines += 1
            }
            if location.line < 1 || location.line > lines || location.column < 1 {
                fatalError("error outside the input at \(location): \(error)")
            }
        }
    }
    return 0
}
