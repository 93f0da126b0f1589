/// A literal that every match of a regular expression must contain, found by a conservative
/// scan of the pattern, so `matches regex` runs the regex only on rows that contain it.
///
/// Only text at the top level counts: nothing inside groups or classes, nothing made optional
/// by `?`, `*` or `{0,…}`, and no literal at all when the pattern has a top-level `|`.
enum RegexPrefilter {
    /// The longest required literal (at least 2 characters) and whether it is matched ignoring
    /// case (the pattern starts with `(?i)`); `nil` when there is none.
    static func requiredLiteral(_ pattern: String) -> (text: String, ignoreCase: Bool)? {
        var chars = Array(pattern)
        var ignoreCase = false
        if chars.starts(with: Array("(?i)")) {
            ignoreCase = true
            chars.removeFirst(4)
        }
        // Other inline flags (`(?x)` makes spaces insignificant, `(?s)`, `(?-i)`) change what a
        // literal means: no prefilter then.
        if String(chars).contains("(?") {
            let text = String(chars)
            var rest = text[...]
            while let range = rest.range(of: "(?") {
                let after = rest[range.upperBound...]
                if !(after.hasPrefix(":") || after.hasPrefix("<") || after.hasPrefix("P<")) { return nil }
                rest = after
            }
        }
        var best = "", run = ""
        var depth = 0, i = 0
        func flush() {
            if run.count > best.count { best = run }
            run = ""
        }
        // Whether the atom just read is made optional (or repeated) by what follows.
        func quantified(at j: Int) -> (optional: Bool, repeated: Bool) {
            guard j < chars.count else { return (false, false) }
            switch chars[j] {
            case "?", "*": return (true, true)
            case "+": return (false, true)
            case "{":
                let rest = String(chars[(j + 1)...].prefix(while: { $0 != "}" }))
                let minimum = Int(rest.split(separator: ",", omittingEmptySubsequences: false).first ?? "") ?? 0
                return (minimum == 0, true)
            default: return (false, false)
            }
        }
        while i < chars.count {
            let c = chars[i]
            if depth > 0 {
                if c == "\\" { i += 2; continue }
                if c == "(" { depth += 1 }
                if c == ")" { depth -= 1 }
                if c == "|" && depth == 0 { return nil }
                i += 1
                if depth == 0 {
                    // A group ends the run; a group made optional does not break the rule.
                    flush()
                }
                continue
            }
            switch c {
            case "|":
                return nil
            case "(":
                flush()
                depth = 1
                i += 1
            case "[":
                flush()
                i += 1
                if i < chars.count, chars[i] == "^" { i += 1 }
                if i < chars.count, chars[i] == "]" { i += 1 }
                while i < chars.count, chars[i] != "]" { i += chars[i] == "\\" ? 2 : 1 }
                i += 1
            case "{":
                flush()
                while i < chars.count, chars[i] != "}" { i += 1 }
                i += 1
            case ".", "^", "$", "?", "*", "+", "}", ")":
                flush()
                i += 1
            case "\\":
                guard i + 1 < chars.count else { return nil }
                let e = chars[i + 1]
                i += 2
                if e.isLetter || e.isNumber {
                    flush()  // \s, \d, \w, \b, \x…, back-references: not literal
                    continue
                }
                let (optional, repeated) = quantified(at: i)
                if optional { flush(); continue }
                run.append(e)
                if repeated { flush() }
            default:
                i += 1
                let (optional, repeated) = quantified(at: i)
                if optional { flush(); continue }
                run.append(c)
                if repeated { flush() }
            }
        }
        flush()
        return best.count >= 2 ? (best, ignoreCase) : nil
    }
}
