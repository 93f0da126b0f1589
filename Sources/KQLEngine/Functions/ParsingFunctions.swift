import Foundation
import KQL

/// Functions that take text apart: `parse_url`, `parse_urlquery`, `parse_path`, `parse_csv`,
/// `parse_version` and `parse_command_line`.
enum ParsingFunctions {
    static let all: [ScalarFunction] = {
        let url = ScalarFunction("parse_url", arity: 1...1, returns: .dynamic) { args, _ throws(KQLFunctionError) in
            .dynamic(try parseURL(args[0].kqlString))
        }
        let query = ScalarFunction("parse_urlquery", arity: 1...1, returns: .dynamic) { args, _ throws(KQLFunctionError) in
            var text = Substring(args[0].kqlString)
            if text.hasPrefix("?") { text = text.dropFirst() }
            return .dynamic(.bag([("Query Parameters", try queryParameters(text))]))
        }
        return [
            url, url.renamed("parseurl"), query, query.renamed("parseurlquery"),
            ScalarFunction("parse_path", arity: 1...1, returns: .dynamic) { args, _ in .dynamic(parsePath(args[0].kqlString)) },
            ScalarFunction("parse_csv", arity: 1...1, returns: .dynamic) { args, _ in
                .dynamic(.array(parseCSV(args[0].kqlString).map(KQLDynamic.string)))
            },
            ScalarFunction("parse_version", arity: 1...1, returns: .decimal) { args, _ in
                parseVersion(args[0].kqlString).map(KQLValue.decimal) ?? .null(.decimal)
            },
            ScalarFunction("parse_command_line", arity: 2...2, returns: .dynamic) { args, _ throws(KQLFunctionError) in
                let parser = args[1].kqlString
                guard parser.lowercased() == "windows" else {
                    throw KQLFunctionError("parse_command_line() with the parser \(KQLLiteralFormatter.string(parser))", unsupported: true)
                }
                return .dynamic(.array(try windowsCommandLine(args[0].kqlString).map(KQLDynamic.string)))
            },
        ]
    }()

    // MARK: parse_url

    /// The parts of an absolute URL `scheme://user:password@host:port/path?query#fragment`; text
    /// without a scheme gives every part empty. Absent parts are empty strings.
    static func parseURL(_ text: String) throws(KQLFunctionError) -> KQLDynamic {
        var scheme = "", host = "", port = "", path = "", username = "", password = "", fragment = ""
        var parameters = KQLDynamic.bag([])
        if let separator = text.range(of: "://"), isScheme(text[..<separator.lowerBound]) {
            scheme = String(text[..<separator.lowerBound])
            var rest = text[separator.upperBound...]
            if let hash = rest.firstIndex(of: "#") {
                fragment = String(rest[rest.index(after: hash)...])
                rest = rest[..<hash]
            }
            if let question = rest.firstIndex(of: "?") {
                parameters = try queryParameters(rest[rest.index(after: question)...])
                rest = rest[..<question]
            }
            var authority = rest
            if let slash = rest.firstIndex(of: "/") {
                authority = rest[..<slash]
                path = String(rest[slash...])
            }
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                if let colon = userInfo.firstIndex(of: ":") {
                    username = String(userInfo[..<colon])
                    password = String(userInfo[userInfo.index(after: colon)...])
                } else {
                    username = String(userInfo)
                }
                authority = authority[authority.index(after: at)...]
            }
            if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
                host = String(authority[...close])
                let after = authority[authority.index(after: close)...]
                if after.hasPrefix(":") { port = String(after.dropFirst()) }
            } else if let colon = authority.lastIndex(of: ":") {
                host = String(authority[..<colon])
                port = String(authority[authority.index(after: colon)...])
            } else {
                host = String(authority)
            }
        }
        return .bag([
            ("Scheme", .string(scheme)), ("Host", .string(host)), ("Port", .string(port)), ("Path", .string(path)),
            ("Username", .string(username)), ("Password", .string(password)), ("Query Parameters", parameters),
            ("Fragment", .string(fragment)),
        ])
    }

    private static func isScheme(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, ASCII.isLetter(first) else { return false }
        return text.utf8.allSatisfy { ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }

    /// `k1=v1&k2=v2` as a bag, keys and values percent-decoded.
    static func queryParameters(_ query: Substring) throws(KQLFunctionError) -> KQLDynamic {
        var pairs: [(key: String, value: KQLDynamic)] = []
        for item in query.split(separator: "&") {
            let key: String, value: String
            if let equals = item.firstIndex(of: "=") {
                key = URLCoding.decode(String(item[..<equals]))
                value = URLCoding.decode(String(item[item.index(after: equals)...]))
            } else {
                key = URLCoding.decode(String(item))
                value = ""
            }
            guard !pairs.contains(where: { $0.key == key }) else {
                throw KQLFunctionError("query parameters with a repeated key ('\(key)')", unsupported: true)
            }
            pairs.append((key, .string(value)))
        }
        return .bag(pairs)
    }

    // MARK: parse_path

    /// The parts of a file path: Windows (`C:\dir\file.ext`), UNC (`\\server\share\file`), Unix,
    /// or a `file://` URI, with an alternate data stream after a `:` in the file name.
    static func parsePath(_ text: String) -> KQLDynamic {
        var scheme = Substring("")
        var rest = Substring(text)
        if let separator = text.range(of: "://"), isScheme(text[..<separator.lowerBound]) {
            scheme = text[..<separator.lowerBound]
            rest = text[separator.upperBound...]
        }
        let bytes = Array(rest.utf8)
        let root = bytes.count >= 2 && ASCII.isLetter(bytes[0]) && bytes[1] == UInt8(ascii: ":") ? String(rest.prefix(2)) : ""
        let isSeparator: (Character) -> Bool = { $0 == "/" || $0 == "\\" }
        var directoryPath = Substring(""), fileName = rest
        if let last = rest.lastIndex(where: isSeparator) {
            directoryPath = rest[..<last]
            fileName = rest[rest.index(after: last)...]
        } else if !root.isEmpty {
            directoryPath = rest.prefix(2)
            fileName = rest.dropFirst(2)
        }
        var stream = Substring("")
        if let colon = fileName.firstIndex(of: ":") {
            stream = fileName[fileName.index(after: colon)...]
            fileName = fileName[..<colon]
        }
        let directoryName = directoryPath.lastIndex(where: isSeparator).map { directoryPath[directoryPath.index(after: $0)...] }
            ?? (directoryPath == Substring(root) ? "" : directoryPath)
        let fileExtension = fileName.lastIndex(of: ".").map { fileName[fileName.index(after: $0)...] } ?? ""
        return .bag([
            ("Scheme", .string(String(scheme))), ("RootPath", .string(root)), ("DirectoryPath", .string(String(directoryPath))),
            ("DirectoryName", .string(String(directoryName))), ("Filename", .string(String(fileName))),
            ("Extension", .string(String(fileExtension))), ("AlternateDataStreamName", .string(String(stream))),
        ])
    }

    // MARK: parse_csv

    /// The fields of the first record of CSV text: commas separate fields, double quotes enclose
    /// fields that hold commas, quotes (doubled) or line breaks.
    static func parseCSV(_ text: String) -> [String] {
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: ",") {
                fields.append(String(decoding: field, as: UTF8.self))
                field = []
            } else if byte == 0x0A || byte == 0x0D {
                break  // only the first record
            } else {
                field.append(byte)
            }
            i += 1
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields
    }

    // MARK: parse_version

    /// One to four dot-separated parts of up to eight digits, as one comparable decimal: each part
    /// takes eight decimal places (`1.2.3.4` → 1_00000002_00000003_00000004).
    static func parseVersion(_ text: String) -> Decimal? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var result = Decimal(0)
        let step = Decimal(100_000_000)
        for i in 0..<4 {
            result *= step
            guard i < parts.count else { continue }
            let part = parts[i]
            guard (1...8).contains(part.count), part.utf8.allSatisfy(ASCII.isDigit), let value = Int(part) else { return nil }
            result += Decimal(value)
        }
        return result
    }

    // MARK: parse_command_line

    /// Splits a command line the way Windows' `CommandLineToArgvW` does: the program name up to a
    /// blank (or between quotes), then arguments where `\` escapes only before `"`. A doubled
    /// quote inside quotes is read differently by Windows versions, so it is unsupported.
    static func windowsCommandLine(_ text: String) throws(KQLFunctionError) -> [String] {
        let chars = Array(text.unicodeScalars)
        var args: [String] = []
        var i = 0
        func isBlank(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" }
        while i < chars.count, isBlank(chars[i]) { i += 1 }
        guard i < chars.count else { return [] }
        // The program name: no escapes.
        var program = String.UnicodeScalarView()
        if chars[i] == "\"" {
            i += 1
            while i < chars.count, chars[i] != "\"" {
                program.append(chars[i])
                i += 1
            }
            i += 1
        } else {
            while i < chars.count, !isBlank(chars[i]) {
                program.append(chars[i])
                i += 1
            }
        }
        args.append(String(program))
        while true {
            while i < chars.count, isBlank(chars[i]) { i += 1 }
            guard i < chars.count else { break }
            var arg = String.UnicodeScalarView()
            var inQuotes = false
            while i < chars.count {
                let c = chars[i]
                if c == "\\" {
                    var count = 0
                    while i < chars.count, chars[i] == "\\" {
                        count += 1
                        i += 1
                    }
                    if i < chars.count, chars[i] == "\"" {
                        arg.append(contentsOf: Array(repeating: "\\" as Unicode.Scalar, count: count / 2))
                        if count % 2 == 1 {
                            arg.append("\"")
                            i += 1
                        }
                    } else {
                        arg.append(contentsOf: Array(repeating: "\\" as Unicode.Scalar, count: count))
                    }
                    continue
                }
                if c == "\"" {
                    if inQuotes, i + 1 < chars.count, chars[i + 1] == "\"" {
                        throw KQLFunctionError("parse_command_line() with a doubled quote inside quotes", unsupported: true)
                    }
                    inQuotes.toggle()
                    i += 1
                    continue
                }
                if isBlank(c), !inQuotes { break }
                arg.append(c)
                i += 1
            }
            args.append(String(arg))
        }
        return args
    }
}
