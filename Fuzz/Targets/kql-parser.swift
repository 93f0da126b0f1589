// fuzz-about: KQL parser (KQLParser.parse with error recovery) and printer: an input that parses cleanly must print back to text that parses to the same tree
// fuzz-max-len: 8192
// fuzz-seeds: kql
// fuzz-dict: kql
//
// Properties checked (a violation traps, so libFuzzer records it as a crash):
//   * the parser never traps or overflows the stack, whatever the input;
//   * every diagnostic it reports lies inside the input (line 1 or later, within the line count);
//   * an input without errors prints as KQL that parses without errors to an equal tree (ranges
//     are left out of equality), the round trip ParserCorpusTests checks on the corpus.
import KQL

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKQLParser(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    let parsed = KQLParser.parse(text, path: "fuzz.kql")
    // Lines as the lexer counts them: a line feed, or a carriage return not followed by one.
    let bytes = Array(text.utf8)
    var lines = 1
    for (i, byte) in bytes.enumerated() where byte == 0x0A || (byte == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) {
        lines += 1
    }
    for diagnostic in parsed.diagnostics {
        guard let location = diagnostic.location else { continue }
        if location.line < 1 || location.line > lines || location.column < 1 {
            fatalError("diagnostic outside the input at \(location.line):\(location.column): \(diagnostic.message)")
        }
    }
    guard !parsed.hasErrors else { return 0 }
    let printed = KQLPrinter.print(parsed.script)
    let reparsed = KQLParser.parse(printed, path: "printed.kql")
    if reparsed.hasErrors {
        fatalError("printed text does not parse: \(reparsed.errors.first?.message ?? "")\n--- printed\n\(printed)")
    }
    if reparsed.script != parsed.script {
        fatalError("round trip changed the tree\n--- printed\n\(printed)")
    }
    return 0
}
