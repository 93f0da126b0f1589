/// How interpolated values (`{{name}}`) are escaped; `{{{name}}}` and `{{&name}}` are never escaped.
public enum MustacheEscaping: Sendable {
    /// HTML: `& < > " '` become entities.
    case html
    /// GitHub-flavoured Markdown, safe inside a table cell: `| \ ` * _ [ ] ~` are backslash-escaped,
    /// `< >` become entities, a `#` starting a line is escaped and newlines become `<br>`. (`~`
    /// because `~~~` at the start of a line opens a code block that would swallow the rest of the
    /// report, and `~~` strikes text through.)
    case markdown
    /// Values are written as they are.
    case none

    /// Returns `text` escaped for this output format.
    func escape(_ text: String) -> String {
        switch self {
        case .none: text
        case .html: Self.html(text)
        case .markdown: Self.markdown(text)
        }
    }

    private static func html(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    private static func markdown(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var atLineStart = true
        for character in text {
            switch character {
            case "|", "\\", "`", "*", "_", "[", "]", "~": result += "\\\(character)"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "#" where atLineStart: result += "\\#"
            case "\n", "\r\n", "\r": result += "<br>"
            default: result.append(character)
            }
            atLineStart = character.isNewline
        }
        return result
    }
}
