// fuzz-about: hunt.json and suppressions files (JSONDocument, HuntConfiguration.parse, SuppressionList.parse): any bytes end as a configuration, a suppression list, or diagnostics located inside the input; never a trap
// fuzz-max-len: 8192
// fuzz-dict: json
//
// Properties checked (a violation traps, so libFuzzer records it as a crash):
//   * reading any bytes as either file never traps (deep nesting, bad UTF-8, huge numbers);
//   * every diagnostic with a location lies on a line of the input, at column 1 or later.
import Foundation
import Hunting
import HuntingJob
import HuntingReports
import KQL

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigFiles(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
    // Lines as the readers count them: a line feed, or a carriage return not followed by one.
    var lines = 1
    for (i, byte) in bytes.enumerated() where byte == 0x0A || (byte == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) {
        lines += 1
    }
    func check(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            guard let location = diagnostic.location else { continue }
            if location.line < 1 || location.line > lines || location.column < 1 {
                fatalError("diagnostic outside the input at \(location.line):\(location.column): \(diagnostic.message)")
            }
        }
    }
    do {
        let configuration = try HuntConfiguration.parse(bytes, path: "/fuzz/hunt.json", environment: [:])
        check(configuration.warnings)
    } catch {
        check(error.diagnostics)
    }
    do {
        _ = try SuppressionList.parse(bytes, path: "/fuzz/suppressions.json")
    } catch {
        check(error.diagnostics)
    }
    return 0
}
