import Foundation
import KQL
import Synchronization

/// A compiled Kusto regular expression. Kusto's regexes are RE2; NSRegularExpression (ICU)
/// reads the same syntax for the common cases once RE2's `(?P<name>…)` groups are rewritten as
/// `(?<name>…)`.
struct KQLRegex: Sendable {
    let expression: NSRegularExpression
    /// The number of capture groups.
    let groupCount: Int
    /// Named groups and their numbers.
    let groupNames: [String: Int]

    /// The compiled form of `pattern`, from a cache: the pattern is almost always a constant, and
    /// functions run once per row.
    /// - Throws: a ``KQLFunctionError`` naming `function` when the pattern does not compile.
    static func compile(_ pattern: String, for function: String) throws(KQLFunctionError) -> KQLRegex {
        if let cached = regexCache.withLock({ $0[pattern] }) { return cached }
        let (translated, groupNames, groupCount) = translate(pattern)
        let expression: NSRegularExpression
        do {
            expression = try NSRegularExpression(pattern: translated)
        } catch {
            throw KQLFunctionError("\(function)(): invalid regular expression \(KQLLiteralFormatter.string(pattern))")
        }
        let regex = KQLRegex(
            expression: expression, groupCount: max(groupCount, expression.numberOfCaptureGroups), groupNames: groupNames)
        regexCache.withLock { cache in
            if cache.count >= 512 { cache.removeAll(keepingCapacity: true) }
            cache[pattern] = regex
        }
        return regex
    }

    /// Rewrites RE2-only syntax for ICU and counts the capture groups, noting named ones.
    static func translate(_ pattern: String) -> (String, [String: Int], Int) {
        let bytes = Array(pattern.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var names: [String: Int] = [:]
        var groups = 0
        var i = 0
        var inClass = false
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\\") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "Q") {
                    // \Q…\E is literal text.
                    let start = i
                    i += 2
                    while i < bytes.count, !(bytes[i] == UInt8(ascii: "\\") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "E")) {
                        i += 1
                    }
                    i = min(i + 2, bytes.count)
                    out.append(contentsOf: bytes[start..<i])
                    continue
                }
                // RE2's octal escapes (`\0`, `\012`): ICU reads them only as `\0ooo`, so
                // they become `\x{…}`.
                if i + 1 < bytes.count, bytes[i + 1] >= UInt8(ascii: "0"), bytes[i + 1] <= UInt8(ascii: "7"),
                   bytes[i + 1] == UInt8(ascii: "0") || (i + 2 < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[i + 2]))
                {
                    var j = i + 1
                    var value = 0
                    while j < bytes.count, j < i + 4, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[j]) {
                        value = value * 8 + Int(bytes[j] - UInt8(ascii: "0"))
                        j += 1
                    }
                    out.append(contentsOf: "\\x{\(String(value, radix: 16))}".utf8)
                    i = j
                    continue
                }
                out.append(byte)
                if i + 1 < bytes.count { out.append(bytes[i + 1]) }
                i += 2
                continue
            }
            if inClass {
                if byte == UInt8(ascii: "]") { inClass = false }
                out.append(byte)
                i += 1
                continue
            }
            if byte == UInt8(ascii: "[") {
                inClass = true
                out.append(byte)
                i += 1
                // A `]` first in the class (after an optional `^`) is literal.
                if i < bytes.count, bytes[i] == UInt8(ascii: "^") {
                    out.append(bytes[i])
                    i += 1
                }
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                    out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "]")])
                    i += 1
                }
                continue
            }
            if byte == UInt8(ascii: "(") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "?") {
                    var nameStart: Int?
                    if i + 3 < bytes.count, bytes[i + 2] == UInt8(ascii: "P"), bytes[i + 3] == UInt8(ascii: "<") {
                        nameStart = i + 4
                    } else if i + 2 < bytes.count, bytes[i + 2] == UInt8(ascii: "<"), i + 3 < bytes.count,
                        bytes[i + 3] != UInt8(ascii: "="), bytes[i + 3] != UInt8(ascii: "!")
                    {
                        nameStart = i + 3
                    }
                    if let nameStart, let close = bytes[nameStart...].firstIndex(of: UInt8(ascii: ">")) {
                        groups += 1
                        names[String(decoding: bytes[nameStart..<close], as: UTF8.self)] = groups
                        out.append(contentsOf: "(?<".utf8)
                        out.append(contentsOf: bytes[nameStart...close])
                        i = close + 1
                        continue
                    }
                } else {
                    groups += 1
                }
            }
            out.append(byte)
            i += 1
        }
        return (String(decoding: out, as: UTF8.self), names, groups)
    }

    // MARK: Matching

    /// The matches in `text`, in order, not overlapping.
    func matches(in text: RegexSubject, range: NSRange? = nil) -> [NSTextCheckingResult] {
        expression.matches(in: text.string, range: range ?? text.fullRange)
    }

    /// The first match in `text`.
    func firstMatch(in text: RegexSubject, range: NSRange? = nil) -> NSTextCheckingResult? {
        expression.firstMatch(in: text.string, range: range ?? text.fullRange)
    }

    /// The text of group `group` of a match; empty when the group took no part.
    static func text(of match: NSTextCheckingResult, group: Int, in text: RegexSubject) -> String {
        let range = match.range(at: group)
        return range.location == NSNotFound ? "" : text.ns.substring(with: range)
    }
}

/// Compiled regexes by pattern, shared by every function and thread.
private let regexCache = Mutex<[String: KQLRegex]>([:])

/// A string to match, with its NSString form for cutting out matches by UTF-16 range.
struct RegexSubject {
    let string: String
    let ns: NSString

    init(_ string: String) {
        self.string = string
        ns = NSString(string: string)
    }

    var fullRange: NSRange { NSRange(location: 0, length: ns.length) }
}

/// A replacement written in RE2's rewrite syntax (`\0` the whole match, `\1`…`\9` groups, `\\` a
/// backslash), parsed once.
struct RegexRewrite: Sendable {
    enum Part: Sendable {
        case text(String)
        case group(Int)
    }

    let parts: [Part]

    init(_ rewrite: String, groupCount: Int, function: String) throws(KQLFunctionError) {
        var parts: [Part] = []
        var literal = ""
        var scalars = rewrite.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\\" else {
                literal.unicodeScalars.append(scalar)
                continue
            }
            guard let next = scalars.next() else {
                literal.unicodeScalars.append(scalar)
                break
            }
            if let digit = Int(String(next)) {
                guard digit <= groupCount else {
                    throw KQLFunctionError(
                        "\(function)(): the rewrite refers to group \\\(digit), but the regex has \(groupCount) groups")
                }
                if !literal.isEmpty {
                    parts.append(.text(literal))
                    literal = ""
                }
                parts.append(.group(digit))
            } else if next == "\\" {
                literal.unicodeScalars.append("\\")
            } else {
                literal.unicodeScalars.append(scalar)
                literal.unicodeScalars.append(next)
            }
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        self.parts = parts
    }

    /// The replacement for one match.
    func apply(_ match: NSTextCheckingResult, in text: RegexSubject, to out: inout String) {
        for part in parts {
            switch part {
            case .text(let s): out += s
            case .group(let g): out += KQLRegex.text(of: match, group: g, in: text)
            }
        }
    }
}

/// Converts between character positions (Unicode scalars, as Kusto counts them) and UTF-16
/// offsets (as NSRegularExpression reports them).
struct CharacterOffsets {
    /// UTF-16 offset of each scalar, plus the total length; `nil` for ASCII text, where they agree.
    private let utf16Offsets: [Int]?
    let count: Int

    init(_ text: String) {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            utf16Offsets = nil
            count = text.utf8.count
        } else {
            var offsets: [Int] = []
            var position = 0
            for scalar in text.unicodeScalars {
                offsets.append(position)
                position += scalar.utf16.count
            }
            count = offsets.count
            offsets.append(position)
            utf16Offsets = offsets
        }
    }

    /// The UTF-16 offset of the character at `index` (`count` for the end).
    func utf16(_ index: Int) -> Int { utf16Offsets?[index] ?? index }

    /// The character position of a UTF-16 offset.
    func character(_ utf16: Int) -> Int {
        guard let offsets = utf16Offsets else { return utf16 }
        var low = 0, high = offsets.count - 1
        while low < high {
            let mid = (low + high) / 2
            if offsets[mid] < utf16 { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
