// fuzz-about: KQL lexer (Lexer.lex on text and raw bytes), string/dynamic literal decoding, KQLValue(text:as:) for every type, literal formatting and re-lexing
// fuzz-max-len: 8192
// fuzz-seeds: kql
// fuzz-dict: kql
//
// Properties checked (a violation traps, so libFuzzer records it as a crash):
//   * the lexer never traps, and its last token is `.endOfFile`;
//   * every token and comment range lies inside the input (`LexedSource.text(_:)` slices with it);
//   * with FUZZ_CHECK_ROUNDTRIP=1 only: a literal token's value, formatted with `kqlLiteral`, lexes back
//     to one literal token with the same value (the property CorpusLexTests checks on the corpus).
import Foundation
import KQL

private let checkRoundTrip = ProcessInfo.processInfo.environment["FUZZ_CHECK_ROUNDTRIP"] == "1"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKQLLexer(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))

    // 1. The input as a Swift string (invalid UTF-8 repaired to U+FFFD): what callers pass.
    let text = String(decoding: bytes, as: UTF8.self)
    let lexed = Lexer.lex(text)
    checkLexed(lexed)

    // 2. Raw bytes, when they differ from the repaired text: invalid UTF-8 must be reported, not trusted.
    if !text.utf8.elementsEqual(bytes) { checkLexed(Lexer.lex(bytes: bytes)) }

    // 3. Every literal's value formats as KQL literal text (what parameter binding writes) and lexes again.
    for token in lexed.tokens where token.kind == .literal {
        guard let value = token.value else { continue }
        let literal = value.kqlLiteral
        let relexed = Lexer.lex(literal)
        if checkRoundTrip {
            check(
                relexed.diagnostics.isEmpty && relexed.tokens.count == 2 && relexed.tokens[0].value == value,
                "literal \(token.text) → \(value) formats as \(literal), which does not lex back to the same value")
        }
    }

    // 4. The literal readers on the whole input, as a flag or config value would reach them.
    //    `.dynamic` runs the dynamic literal parser (JSON + KQL extensions) over the text. Only for
    //    short inputs: literals are short, and the ten parses would dominate the time on long ones.
    if size <= 256 {
        for type in KQLScalarType.allCases {
            if let value = try? KQLValue(text: text, as: type) { _ = value.kqlLiteral }
        }
    }
    return 0
}

private func checkLexed(_ lexed: LexedSource) {
    check(lexed.tokens.last?.kind == .endOfFile, "token stream does not end with .endOfFile")
    for token in lexed.tokens + lexed.comments {
        let offsets = token.range.start.offset..<token.range.end.offset
        check(
            offsets.lowerBound >= 0 && offsets.upperBound <= lexed.bytes.count,
            "token \(token) has range \(offsets) outside the \(lexed.bytes.count)-byte input")
        _ = lexed.text(token.range)
    }
    for diagnostic in lexed.diagnostics { _ = diagnostic.description }
}

/// `precondition` that also reports its message in -O builds.
private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
