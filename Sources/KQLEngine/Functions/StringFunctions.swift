import Foundation
import KQL

/// String functions. Positions and lengths count Unicode code points, as `strlen()` does
/// (the documentation's `strlen('Çedilla')` with a combining cedilla is 8). Arguments that are not
/// strings are converted with `tostring()`.
enum StringFunctions {
    static let all: [ScalarFunction] = basics + casing + searching + regexFunctions + rewriting + codepoints

    // MARK: strcat, strlen, substring, …

    static let basics: [ScalarFunction] = [
        ScalarFunction("strcat", arity: 1...64, returns: .string) { args, _ in
            var out = ""
            for arg in args { out += arg.kqlString }
            return .string(out)
        },
        ScalarFunction("strcat_delim", arity: 3...65, returns: .string) { args, _ in
            let delimiter = args[0].kqlString
            return .string(args.dropFirst().map(\.kqlString).joined(separator: delimiter))
        },
        ScalarFunction("strlen", arity: 1...1, returns: .long) { args, _ in
            .long(Int64(args[0].kqlString.unicodeScalars.count))
        },
        ScalarFunction("string_size", arity: 1...1, returns: .long) { args, _ in
            .long(Int64(args[0].kqlString.utf8.count))
        },
        ScalarFunction("substring", arity: 2...3, returns: .string) { args, _ throws(KQLFunctionError) in
            let text = Text(args[0].kqlString)
            guard var start = try Arguments.integer(args[1], "substring") else { return .string("") }
            var length = Int64(text.count)
            if args.count == 3 {
                guard let n = try Arguments.integer(args[2], "substring") else { return .string("") }
                guard n >= 0 else { throw KQLFunctionError("substring() with a negative length", unsupported: true) }
                length = n
            }
            // A negative start counts from the end.
            if start < 0 { start = max(0, Int64(text.count) + start) }
            guard start < Int64(text.count) else { return .string("") }
            let end = min(Int64(text.count), start + min(length, Int64(text.count)))
            return .string(text.slice(Int(start), Int(end)))
        },
        ScalarFunction("reverse", arity: 1...1, returns: .string) { args, _ in
            var out = String.UnicodeScalarView()
            out.append(contentsOf: args[0].kqlString.unicodeScalars.reversed())
            return .string(String(out))
        },
        ScalarFunction("strrep", arity: 2...3, returns: .string) { args, _ throws(KQLFunctionError) in
            let value = args[0].kqlString
            guard let count = try Arguments.integer(args[1], "strrep") else { return .string("") }
            guard count >= 1, count <= 67_108_864 else {
                throw KQLFunctionError("strrep() with a multiplier outside 1…67108864 (\(count))", unsupported: true)
            }
            let delimiter = args.count == 3 ? args[2].kqlString : ""
            guard (value.utf8.count + delimiter.utf8.count) * Int(count) <= 64 << 20 else {
                throw KQLFunctionError("strrep() of more than 64 MB", unsupported: true)
            }
            return .string(Array(repeating: value, count: Int(count)).joined(separator: delimiter))
        },
        ScalarFunction("strcmp", arity: 2...2, returns: .long) { args, _ in
            let a = args[0].kqlString, b = args[1].kqlString
            return .long(a == b ? 0 : (a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : 1))
        },
        ScalarFunction("translate", arity: 3...3, returns: .string) { args, _ in
            let search = Array(args[0].kqlString.unicodeScalars)
            let replacement = Array(args[1].kqlString.unicodeScalars)
            var out = String.UnicodeScalarView()
            for scalar in args[2].kqlString.unicodeScalars {
                guard let i = search.firstIndex(of: scalar) else {
                    out.append(scalar)
                    continue
                }
                // A shorter replacement list repeats its last character; an empty one deletes.
                if let last = replacement.indices.last { out.append(replacement[min(i, last)]) }
            }
            return .string(String(out))
        },
        ScalarFunction("split", arity: 2...3, returns: .dynamic) { args, _ throws(KQLFunctionError) in
            let source = args[0].kqlString, delimiter = args[1].kqlString
            guard !delimiter.isEmpty else { throw KQLFunctionError("split() with an empty delimiter", unsupported: true) }
            let parts = source.components(separatedBy: delimiter).map(KQLDynamic.string)
            guard args.count == 3 else { return .dynamic(.array(parts)) }
            guard let index = try Arguments.integer(args[2], "split") else { return .dynamic(.null) }
            guard index >= 0 else { throw KQLFunctionError("split() with a negative index", unsupported: true) }
            return .dynamic(.array(index < parts.count ? [parts[Int(index)]] : []))
        },
    ]

    // MARK: tolower, toupper

    static let casing: [ScalarFunction] = [
        ScalarFunction("tolower", arity: 1...1, returns: .string) { args, _ in .string(caseMapped(args[0].kqlString, upper: false)) },
        ScalarFunction("toupper", arity: 1...1, returns: .string) { args, _ in .string(caseMapped(args[0].kqlString, upper: true)) },
    ]

    /// Case mapping one code point at a time, as .NET's invariant `ToLower`/`ToUpper` do (so `ß`
    /// stays `ß`): a code point whose full mapping is several code points is kept.
    static func caseMapped(_ text: String, upper: Bool) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes = Array(text.utf8)
            for i in bytes.indices {
                let b = bytes[i]
                if upper, b >= 0x61, b <= 0x7A { bytes[i] = b - 0x20 }
                if !upper, b >= 0x41, b <= 0x5A { bytes[i] = b + 0x20 }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let mapped = upper ? scalar.properties.uppercaseMapping : scalar.properties.lowercaseMapping
            let scalars = mapped.unicodeScalars
            if scalars.count == 1, let single = scalars.first { out.append(single) } else { out.append(scalar) }
        }
        return String(out)
    }

    // MARK: indexof, countof

    static let searching: [ScalarFunction] = [
        ScalarFunction("indexof", arity: 2...5, returns: .long) { args, _ throws(KQLFunctionError) in
            let text = Array(args[0].kqlString.unicodeScalars)
            let needle = Array(args[1].kqlString.unicodeScalars)
            guard !needle.isEmpty else { throw KQLFunctionError("indexof() of an empty lookup", unsupported: true) }
            return try searchWindow(args, count: text.count, "indexof") { from, end in
                guard end - from >= needle.count else { return nil }
                var i = from
                while i + needle.count <= end {
                    if text[i] == needle[0], text[i..<(i + needle.count)].elementsEqual(needle) { return (i, i + 1) }
                    i += 1
                }
                return nil
            }
        },
        ScalarFunction("countof", arity: 2...3, returns: .long) { args, _ throws(KQLFunctionError) in
            let source = args[0].kqlString, search = args[1].kqlString
            let kind = args.count == 3 ? args[2].kqlString : "normal"
            switch kind {
            case "normal":
                guard !search.isEmpty else { throw KQLFunctionError("countof() of an empty search", unsupported: true) }
                // Plain matches may overlap.
                let text = Array(source.utf8), needle = Array(search.utf8)
                var count: Int64 = 0
                var i = 0
                while i + needle.count <= text.count {
                    if text[i] == needle[0], text[i..<(i + needle.count)].elementsEqual(needle) { count += 1 }
                    i += 1
                }
                return .long(count)
            case "regex":
                let regex = try KQLRegex.compile(search, for: "countof")
                let subject = RegexSubject(source)
                return .long(Int64(regex.expression.numberOfMatches(in: subject.string, range: subject.fullRange)))
            default:
                throw KQLFunctionError("countof(): the kind must be \"normal\" or \"regex\", got \(KQLLiteralFormatter.string(kind))")
            }
        },
        ScalarFunction("indexof_regex", arity: 2...5, returns: .long) { args, _ throws(KQLFunctionError) in
            let regex = try KQLRegex.compile(args[1].kqlString, for: "indexof_regex")
            let subject = RegexSubject(args[0].kqlString)
            let offsets = CharacterOffsets(subject.string)
            return try searchWindow(args, count: offsets.count, "indexof_regex") { from, end in
                let range = NSRange(location: offsets.utf16(from), length: offsets.utf16(end) - offsets.utf16(from))
                guard let match = regex.firstMatch(in: subject, range: range) else { return nil }
                let start = offsets.character(match.range.location)
                let next = offsets.character(match.range.location + match.range.length)
                // Regex matches do not overlap.
                return (start, max(next, start + 1))
            }
        },
    ]

    /// The `start`, `length`, `occurrence` arguments of `indexof()` and `indexof_regex()`, and the
    /// search they describe. `find(from, end)` returns the first match starting at or after
    /// `from` that ends by `end`, with the position the next search starts from.
    ///
    /// The documented examples fit two readings of `length` that differ elsewhere: the match
    /// must end within `start + length` inclusive, or within `start + length` exclusive with the
    /// window growing by one for each further occurrence. Where they disagree the call is
    /// reported unsupported.
    static func searchWindow(
        _ args: [KQLValue], count: Int, _ name: String, find: (Int, Int) -> (Int, Int)?
    ) throws(KQLFunctionError) -> KQLValue {
        var start: Int64 = 0, length: Int64 = -1, occurrence: Int64 = 1
        if args.count > 2 {
            guard let n = try Arguments.integer(args[2], name) else { return .null(.long) }
            start = n
        }
        if args.count > 3 {
            guard let n = try Arguments.integer(args[3], name) else { return .null(.long) }
            length = n
        }
        if args.count > 4 {
            guard let n = try Arguments.integer(args[4], name) else { return .null(.long) }
            occurrence = n
        }
        if start < 0 { start += Int64(count) }
        guard start >= 0, length >= -1, occurrence >= 0 else { return .null(.long) }
        guard occurrence > 0 else { throw KQLFunctionError("\(name)() with occurrence 0", unsupported: true) }
        guard start <= Int64(count) else { return .long(-1) }
        func search(endFor: (Int) -> Int) -> Int {
            var from = Int(start)
            var found = -1
            for k in 1...Int(min(occurrence, Int64(count) + 1)) {
                let end = min(count, endFor(k))
                guard from <= end, let (position, next) = find(from, end) else { return -1 }
                found = position
                from = next
            }
            return Int64(occurrence) > Int64(count) + 1 ? -1 : found
        }
        if length == -1 { return .long(Int64(search { _ in count })) }
        let limit = Int(min(start + length, Int64(count) + 1))
        let inclusive = search { _ in limit + 1 }
        let growing = search { k in limit + k - 1 }
        guard inclusive == growing else {
            throw KQLFunctionError("\(name)() with a length whose result the documentation leaves open", unsupported: true)
        }
        return .long(Int64(inclusive))
    }

    // MARK: Regular expressions

    static let regexFunctions: [ScalarFunction] = [
        ScalarFunction("extract", arity: 3...4, resultType: { $0.count == 4 ? TypeArgument.resultType($0[3]) : .string }) {
            args, _ throws(KQLFunctionError) in
            let target = args.count == 4 ? try TypeArgument.target(args[3], "extract") : .string
            let regex = try KQLRegex.compile(args[0].kqlString, for: "extract")
            guard let group = try Arguments.integer(args[1], "extract") else { return .null(of: target) }
            guard group >= 0, group <= Int64(regex.groupCount) else {
                throw KQLFunctionError("extract(): capture group \(group) does not exist (the regex has \(regex.groupCount))")
            }
            let subject = RegexSubject(args[2].kqlString)
            guard let match = regex.firstMatch(in: subject) else { return .null(of: target) }
            let text = KQLRegex.text(of: match, group: Int(group), in: subject)
            return try Conversion.convert(.string(text), to: target)
        },
        extractAll, extractAll.renamed("extractall"),
        ScalarFunction("replace_regex", arity: 3...3, returns: .string) { args, _ throws(KQLFunctionError) in
            .string(try replaceRegex(args[0].kqlString, args[1].kqlString, args[2].kqlString, "replace_regex"))
        },
        // The deprecated replace() takes the regex first and the text last.
        ScalarFunction("replace", arity: 3...3, returns: .string) { args, _ throws(KQLFunctionError) in
            .string(try replaceRegex(args[2].kqlString, args[0].kqlString, args[1].kqlString, "replace"))
        },
        trimFunction("trim", start: true, end: true),
        trimFunction("trim_start", start: true, end: false),
        trimFunction("trim_end", start: false, end: true),
        ScalarFunction("regex_quote", arity: 1...1, returns: .string) { args, _ in
            // RE2's QuoteMeta: every ASCII character but letters, digits and `_` is escaped.
            var out = ""
            for scalar in args[0].kqlString.unicodeScalars {
                if scalar.value == 0 {
                    out += "\\x00"
                    continue
                }
                if scalar.value < 0x80, !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_") {
                    out += "\\"
                }
                out.unicodeScalars.append(scalar)
            }
            return .string(out)
        },
    ]

    /// `extract_all(regex, [captureGroups,] source)`.
    static let extractAll = ScalarFunction("extract_all", arity: 2...3, returns: .dynamic) { args, _ throws(KQLFunctionError) in
        let regex = try KQLRegex.compile(args[0].kqlString, for: "extract_all")
        guard regex.groupCount >= 1 else {
            throw KQLFunctionError("extract_all(): the regex needs at least one capture group")
        }
        var groups = Array(1...regex.groupCount)
        if args.count == 3 {
            guard let selection = Arguments.array(args[1]) else {
                if args[1].isNull { return .dynamic(.null) }
                throw Arguments.mismatch("extract_all", "a dynamic array of capture groups", args[1])
            }
            groups = []
            for item in selection {
                switch item {
                case .long(let n) where n >= 1 && n <= Int64(regex.groupCount): groups.append(Int(n))
                case .string(let name) where regex.groupNames[name] != nil: groups.append(regex.groupNames[name]!)
                default: throw KQLFunctionError("extract_all(): \(item.json) is not a capture group of the regex")
                }
            }
        }
        let subject = RegexSubject(args[args.count - 1].kqlString)
        let matches = regex.matches(in: subject)
        guard !matches.isEmpty else { return .dynamic(.null) }
        let rows: [KQLDynamic] = matches.map { match in
            let values = groups.map { KQLDynamic.string(KQLRegex.text(of: match, group: $0, in: subject)) }
            return values.count == 1 ? values[0] : .array(values)
        }
        return .dynamic(.array(rows))
    }

    /// Replaces every match of `pattern` in `text` with `rewrite` (`\1` for a group).
    static func replaceRegex(_ text: String, _ pattern: String, _ rewrite: String, _ name: String) throws(KQLFunctionError) -> String {
        let regex = try KQLRegex.compile(pattern, for: name)
        let replacement = try RegexRewrite(rewrite, groupCount: regex.groupCount, function: name)
        let subject = RegexSubject(text)
        let matches = regex.matches(in: subject)
        guard !matches.isEmpty else { return text }
        var out = ""
        var position = 0
        for match in matches {
            out += subject.ns.substring(with: NSRange(location: position, length: match.range.location - position))
            replacement.apply(match, in: subject, to: &out)
            position = match.range.location + match.range.length
        }
        out += subject.ns.substring(from: position)
        return out
    }

    /// `trim(regex, source)`: removes the leading and/or trailing match of `regex` — one match
    /// at each end, as the documentation says ("Removes leading match"); a pattern such as
    /// `[^\w]+` takes a whole run in that one match.
    static func trimFunction(_ name: String, start: Bool, end: Bool) -> ScalarFunction {
        ScalarFunction(name, arity: 2...2, returns: .string) { args, _ throws(KQLFunctionError) in
            let pattern = args[0].kqlString
            var text = args[1].kqlString
            if start, !text.isEmpty {
                let leading = try KQLRegex.compile("^(?:" + pattern + ")", for: name)
                let subject = RegexSubject(text)
                if let match = leading.firstMatch(in: subject), match.range.location == 0, match.range.length > 0 {
                    text = subject.ns.substring(from: match.range.length)
                }
            }
            if end, !text.isEmpty {
                let trailing = try KQLRegex.compile("(?:" + pattern + ")\\z", for: name)
                let subject = RegexSubject(text)
                if let match = trailing.firstMatch(in: subject), match.range.length > 0,
                    match.range.location + match.range.length == subject.ns.length
                {
                    text = subject.ns.substring(to: match.range.location)
                }
            }
            return .string(text)
        }
    }

    // MARK: replace_string, URL and base64 encodings

    static let rewriting: [ScalarFunction] = [
        ScalarFunction("replace_string", arity: 3...3, returns: .string) { args, _ throws(KQLFunctionError) in
            let lookup = args[1].kqlString
            guard !lookup.isEmpty else { throw KQLFunctionError("replace_string() of an empty lookup", unsupported: true) }
            return .string(args[0].kqlString.replacingOccurrences(of: lookup, with: args[2].kqlString, options: .literal))
        },
        ScalarFunction("url_encode", arity: 1...1, returns: .string) { args, _ in .string(URLCoding.encode(args[0].kqlString, spaceAsPlus: true)) },
        ScalarFunction("url_encode_component", arity: 1...1, returns: .string) { args, _ in
            .string(URLCoding.encode(args[0].kqlString, spaceAsPlus: false))
        },
        ScalarFunction("url_decode", arity: 1...1, returns: .string) { args, _ in .string(URLCoding.decode(args[0].kqlString)) },
        ScalarFunction("base64_encode_tostring", arity: 1...1, returns: .string) { args, _ in
            .string(Data(args[0].kqlString.utf8).base64EncodedString())
        },
        ScalarFunction("base64_decode_tostring", arity: 1...1, returns: .string) { args, _ in
            // Bytes that are not UTF-8 give null: the empty string.
            guard let data = Data(base64Encoded: args[0].kqlString), let text = String(validating: data, as: UTF8.self) else {
                return .string("")
            }
            return .string(text)
        },
        ScalarFunction("base64_decode_toarray", arity: 1...1, returns: .dynamic) { args, _ in
            guard let data = Data(base64Encoded: args[0].kqlString) else { return .dynamic(.null) }
            return .dynamic(.array(data.map { KQLDynamic.long(Int64($0)) }))
        },
        ScalarFunction("base64_encode_fromarray", arity: 1...1, returns: .string) { args, _ throws(KQLFunctionError) in
            guard let items = Arguments.array(args[0]) else { return .string("") }
            var bytes: [UInt8] = []
            for item in items {
                guard case .long(let v) = item, let byte = UInt8(exactly: v) else {
                    throw KQLFunctionError("base64_encode_fromarray(): \(item.json) is not a byte (0…255)")
                }
                bytes.append(byte)
            }
            return .string(Data(bytes).base64EncodedString())
        },
    ]

    // MARK: Code points

    static let codepoints: [ScalarFunction] = {
        let toString = ScalarFunction("unicode_codepoints_to_string", arity: 1...64, returns: .string) { args, _ in
            var out = String.UnicodeScalarView()
            func add(_ value: Int64?) -> Bool {
                guard let value, let v = UInt32(exactly: value), let scalar = Unicode.Scalar(v) else { return false }
                out.append(scalar)
                return true
            }
            for arg in args {
                switch Arguments.unwrap(arg) {
                case .int(let v): guard add(Int64(v)) else { return .string("") }
                case .long(let v): guard add(v) else { return .string("") }
                case .dynamic(.array(let items)):
                    for item in items {
                        guard case .long(let v) = item, add(v) else { return .string("") }
                    }
                default: return .string("")  // not a code point: null
                }
            }
            return .string(String(out))
        }
        let fromString = ScalarFunction("unicode_codepoints_from_string", arity: 1...1, returns: .dynamic) { args, _ in
            .dynamic(.array(args[0].kqlString.unicodeScalars.map { KQLDynamic.long(Int64($0.value)) }))
        }
        return [toString, toString.renamed("make_string"), fromString, fromString.renamed("to_utf8")]
    }()
}

/// Text addressed by code point, with a fast path for ASCII.
struct Text {
    let string: String
    private let scalars: [Unicode.Scalar]?
    let count: Int

    init(_ string: String) {
        self.string = string
        if string.utf8.allSatisfy({ $0 < 0x80 }) {
            scalars = nil
            count = string.utf8.count
        } else {
            let all = Array(string.unicodeScalars)
            scalars = all
            count = all.count
        }
    }

    /// Code points `from..<to`.
    func slice(_ from: Int, _ to: Int) -> String {
        guard from < to else { return "" }
        if let scalars {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[from..<to])
            return String(view)
        }
        let utf8 = string.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: from), end = utf8.index(utf8.startIndex, offsetBy: to)
        return String(string[start..<end])
    }
}

/// Percent-encoding as .NET's `HttpUtility.UrlEncode` writes it (lowercase hex; letters, digits
/// and `-_.!*()` kept) and `UrlDecode` reads it (`+` is a space).
enum URLCoding {
    static func encode(_ text: String, spaceAsPlus: Bool) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if ASCII.isAlphanumeric(byte) || "-_.!*()".utf8.contains(byte) {
                out.append(byte)
            } else if byte == 0x20, spaceAsPlus {
                out.append(UInt8(ascii: "+"))
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "+") {
                out.append(0x20)
            } else if byte == UInt8(ascii: "%"), i + 2 < bytes.count, let h = ASCII.hexValue(bytes[i + 1]), let l = ASCII.hexValue(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 2
            } else if byte == UInt8(ascii: "%"), i + 5 < bytes.count, bytes[i + 1] | 0x20 == UInt8(ascii: "u"),
                let a = ASCII.hexValue(bytes[i + 2]), let b = ASCII.hexValue(bytes[i + 3]),
                let c = ASCII.hexValue(bytes[i + 4]), let d = ASCII.hexValue(bytes[i + 5])
            {
                let unit = UInt32(a) << 12 | UInt32(b) << 8 | UInt32(c) << 4 | UInt32(d)
                out.append(contentsOf: String(Unicode.Scalar(unit) ?? "\u{FFFD}").utf8)
                i += 5
            } else {
                out.append(byte)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
