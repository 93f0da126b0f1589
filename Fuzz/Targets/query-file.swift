// fuzz-about: QueryFileParser.parse (header, parameters, body) then HuntingQuery.bind with no values and with a fuzzed value for the first parameter
// fuzz-max-len: 8192
// fuzz-seeds: kql
// fuzz-dict: kql
//
// Input layout: the query file's text, optionally followed by a NUL byte and the text bound to the
// query's first parameter. Without a NUL the value is picked from a small fixed list by input length,
// so plain .kql seeds still exercise binding.
import Foundation
import Hunting
import KQL

private let fallbackValues = [
    "", "null", "3d", "-1", "0", "2147483648", "9223372036854775808", "1.5e308", "nan", "true",
    "2024-01-01", "2024-02-30T25:61:61Z", "[1, \"a\", {\"b\": null}]", "a,b,,c", "'quoted'", "\"\\u0000\"",
    "dynamic({})", "guid(00000000-0000-0000-0000-000000000000)", "00000000-0000-0000-0000-000000000000",
    "\u{FEFF}\u{2028}", "\\", "x\ny",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQueryFile(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let split = bytes.firstIndex(of: 0)
    let text = String(decoding: bytes[..<(split ?? size)], as: UTF8.self)
    let value = split.map { String(decoding: bytes[($0 + 1)...], as: UTF8.self) }
        ?? fallbackValues[size % fallbackValues.count]

    let (query, diagnostics) = QueryFileParser.parse(text, id: "fuzz/query", path: "fuzz.kql")
    for diagnostic in diagnostics { _ = diagnostic.description }
    guard let query else { return 0 }

    _ = query.unbound
    if let bound = try? query.bind([String: String]()) { _ = bound.text }
    guard let first = query.parameters.first else { return 0 }
    do {
        let bound = try query.bind([first.name: value])
        // The bound text is what is sent to the service; it should still be a readable query file.
        _ = QueryFileParser.parse(bound.text, id: "fuzz/bound", path: "bound.kql")
    } catch {
        _ = error.description
    }
    if let typed = try? KQLValue(parameterText: value, as: .string) {
        _ = try? query.bind(values: [first.name: typed])
    }
    return 0
}
