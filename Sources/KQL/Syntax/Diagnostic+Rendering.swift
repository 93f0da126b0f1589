extension Diagnostic {
    /// The diagnostic as a compiler prints it: the `path:line:col: severity: message` line, then
    /// the source line it points into and a caret under the column.
    ///
    ///     query.kql:3:13: error: expected an expression, found '|'
    ///         3 | | where A == | project B
    ///           |             ^
    ///
    /// - Parameter source: The text the diagnostic's location refers to.
    /// - Returns: The rendered text, without a trailing newline; just `description` when the
    ///   diagnostic has no location or the location is outside the text.
    public func rendered(with source: String) -> String {
        guard let location else { return description }
        let bytes = Array(source.utf8)
        guard location.offset >= 0, location.offset <= bytes.count else { return description }
        var lineStart = min(location.offset, bytes.count)
        while lineStart > 0, bytes[lineStart - 1] != 0x0A, bytes[lineStart - 1] != 0x0D { lineStart -= 1 }
        var lineEnd = min(location.offset, bytes.count)
        while lineEnd < bytes.count, bytes[lineEnd] != 0x0A, bytes[lineEnd] != 0x0D { lineEnd += 1 }
        let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        // The caret line copies tabs so the caret lines up under the same column.
        var caret = ""
        for scalar in String(decoding: bytes[lineStart..<location.offset], as: UTF8.self).unicodeScalars {
            caret.unicodeScalars.append(scalar == "\t" ? "\t" : " ")
        }
        let number = String(location.line)
        let gutter = String(repeating: " ", count: number.count)
        return "\(description)\n \(number) | \(line)\n \(gutter) | \(caret)^"
    }
}
