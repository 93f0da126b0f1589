// fuzz-about: HuntingResponseDecoder.decode (Graph and legacy Defender JSON bodies) and reading every cell of the table it returns
// fuzz-max-len: 16384
// fuzz-seeds: response
// fuzz-dict: json
//
// Any thrown ResponseDecodingError is fine; a trap, an out-of-bounds access or a hang is a bug.
import Foundation
import Hunting
import KQL

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResponseDecoder(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    let decoded: DecodedResponse
    do {
        decoded = try HuntingResponseDecoder.decode(body)
    } catch {
        _ = error.description
        return 0
    }
    let table = decoded.table
    for column in table.columns {
        if column.count != table.rowCount {
            fatalError("column \(column.name) has \(column.count) cells for \(table.rowCount) rows")
        }
    }
    for row in 0..<table.rowCount {
        for (index, column) in table.columns.enumerated() {
            let value = table[row, index]
            _ = value.kqlLiteral
            _ = column.rawText(row: row)
        }
    }
    _ = decoded.stats?.json
    return 0
}
