public import KQL

/// Reads a parsed document by the shape a file format expects, collecting every problem as a
/// located diagnostic instead of stopping at the first: unknown keys (with a "did you mean"),
/// wrong types, values out of range, missing keys.
///
/// Messages start with the value's key path (`tenants[1].cloud: expected a string, found a
/// number`); array indexes count from 0. A reader is a short-lived, single-threaded tool: make
/// one per document, read, then take ``diagnostics``.
public final class JSONDocumentReader {
    /// The document's path, given to every diagnostic.
    public let path: String
    /// The problems found so far, in the order they were found.
    public private(set) var diagnostics: [Diagnostic] = []
    private let document: JSONDocument

    /// Creates a reader for one document.
    public init(_ document: JSONDocument) {
        self.document = document
        self.path = document.path
    }

    /// The top-level value.
    public var root: JSONValueReader { JSONValueReader(value: document.root, keyPath: "", reader: self) }

    /// Whether any error was reported.
    public var hasErrors: Bool { diagnostics.hasErrors }

    /// Records an error.
    /// - Parameters:
    ///   - code: a kebab-case identifier of the kind of problem.
    ///   - message: the whole sentence, key path included.
    ///   - location: where it is.
    public func error(_ code: String, _ message: String, at location: SourceLocation) {
        diagnostics.append(.error(code, message, at: location, path: path))
    }

    /// Records a warning.
    /// - Parameters:
    ///   - code: a kebab-case identifier of the kind of problem.
    ///   - message: the whole sentence, key path included.
    ///   - location: where it is.
    public func warning(_ code: String, _ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(code, message, at: location, path: path))
    }

    /// The key path of a member: `parent.key`, or `parent["odd key"]` when the key is not a plain name.
    static func keyPath(_ parent: String, key: String) -> String {
        let plain = key.utf8.first.map { !($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) } ?? false
            && key.utf8.allSatisfy {
                ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") || $0 == UInt8(ascii: "_")
                    || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
            }
        if plain { return parent.isEmpty ? key : parent + "." + key }
        var quoted = "\""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return parent + "[" + quoted + "\"]"
    }
}

/// One value of a document with its key path, read as the type a format expects.
///
/// Each typed read returns `nil` after reporting when the value has another type or an invalid
/// value, so a caller can go on reading the rest of the file.
public struct JSONValueReader {
    /// The value.
    public let value: JSONValue
    /// Where the value sits in the document (`tenants[1].cloud`); empty for the top level.
    public let keyPath: String
    /// The reader collecting problems.
    public let reader: JSONDocumentReader

    /// Where the value starts.
    public var location: SourceLocation { value.location }

    /// Reports an error at this value, prefixed with its key path.
    /// - Parameters:
    ///   - message: what is wrong with the value and what to do.
    ///   - code: a kebab-case identifier of the kind of problem.
    public func report(_ message: String, code: String = "invalid-value") {
        reader.error(code, keyPath.isEmpty ? message : "\(keyPath): \(message)", at: location)
    }

    /// Reports a warning at this value, prefixed with its key path.
    /// - Parameters:
    ///   - message: what is odd about the value.
    ///   - code: a kebab-case identifier of the kind of problem.
    public func warn(_ message: String, code: String) {
        reader.warning(code, keyPath.isEmpty ? message : "\(keyPath): \(message)", at: location)
    }

    /// Reports that the value has the wrong type: `expected a string, found a number`.
    /// - Parameter expected: what was expected, with its article (`a string`, `an object`).
    public func reportType(expected: String) {
        report("expected \(expected), found \(value.kindDescription)", code: "wrong-type")
    }

    /// The value as a string.
    /// - Parameter nonEmpty: whether an empty string is an error.
    /// - Returns: the string, or `nil` (reported) when the value is not a string or is empty.
    public func string(nonEmpty: Bool = false) -> String? {
        guard let text = value.stringValue else {
            reportType(expected: "a string")
            return nil
        }
        if nonEmpty, text.isEmpty {
            report("must not be empty")
            return nil
        }
        return text
    }

    /// The value as a boolean.
    /// - Returns: the boolean, or `nil` (reported) when the value is not `true` or `false`.
    public func bool() -> Bool? {
        guard let flag = value.boolValue else {
            reportType(expected: "true or false")
            return nil
        }
        return flag
    }

    /// The value as a whole number.
    /// - Parameter range: the values allowed.
    /// - Returns: the number, or `nil` (reported) when the value is not a whole number in `range`.
    public func int(in range: ClosedRange<Int> = Int.min...Int.max) -> Int? {
        guard let number = value.numberValue else {
            reportType(expected: "a whole number")
            return nil
        }
        guard number.isInteger else {
            report("expected a whole number, found \(number.text)", code: "wrong-type")
            return nil
        }
        guard let exact = number.int64.flatMap({ Int(exactly: $0) }), range.contains(exact) else {
            report("must be \(Self.describe(range)), found \(number.text)", code: "out-of-range")
            return nil
        }
        return exact
    }

    /// The value as a number.
    /// - Parameter range: the values allowed.
    /// - Returns: the number, or `nil` (reported) when the value is not a number in `range`.
    public func double(in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude) -> Double? {
        guard let number = value.numberValue else {
            reportType(expected: "a number")
            return nil
        }
        guard let double = number.double, range.contains(double) else {
            report("must be \(Self.describe(range)), found \(number.text)", code: "out-of-range")
            return nil
        }
        return double
    }

    /// The value as one of a fixed set of words.
    /// - Parameter choices: the words allowed, compared exactly.
    /// - Returns: the word, or `nil` (reported, with the closest choice) when the value is not a
    ///   string or not one of `choices`.
    public func choice(_ choices: [String]) -> String? {
        guard let text = string() else { return nil }
        guard choices.contains(text) else {
            reportChoice(text, choices: choices)
            return nil
        }
        return text
    }

    /// Reports a word that is not one of `choices`: `expected one of a, b or c, found 'x'; did you mean 'a'?`.
    /// - Parameters:
    ///   - text: the word found.
    ///   - choices: the words allowed.
    public func reportChoice(_ text: String, choices: [String]) {
        let suggestion = HuntingSchema.closestMatch(to: text, in: choices).map { "; did you mean '\($0)'?" } ?? ""
        report("expected \(Self.list(choices, conjunction: "or")), found '\(text)'\(suggestion)", code: "unknown-value")
    }

    /// The value as an array.
    /// - Returns: a reader for each element (key paths `path[0]`, `path[1]`, …), or `nil`
    ///   (reported) when the value is not an array.
    public func array() -> [JSONValueReader]? {
        guard let elements = value.arrayValue else {
            reportType(expected: "an array")
            return nil
        }
        return elements.enumerated().map { JSONValueReader(value: $1, keyPath: "\(keyPath)[\($0)]", reader: reader) }
    }

    /// The value as a string or an array of strings (`"Queries"` or `["Queries", "More"]`).
    /// - Parameter nonEmpty: whether an empty string or an empty array is an error.
    /// - Returns: the strings, or `nil` (reported) when the value or an element has another type.
    public func strings(nonEmpty: Bool = false) -> [String]? {
        if value.stringValue != nil { return string(nonEmpty: nonEmpty).map { [$0] } }
        guard value.arrayValue != nil else {
            reportType(expected: "a string or an array of strings")
            return nil
        }
        let elements = array() ?? []
        if nonEmpty, elements.isEmpty {
            report("must list at least one value")
            return nil
        }
        let texts = elements.map { $0.string(nonEmpty: nonEmpty) }
        return texts.contains(nil) ? nil : texts.compactMap { $0 }
    }

    /// The value as an object, reporting every key it should not have.
    /// - Parameters:
    ///   - keys: the keys allowed, for unknown-key errors and their suggestions; `nil` allows any
    ///     key (a map such as `parameters`).
    ///   - required: the keys that must be present; each one missing is reported at the object.
    /// - Returns: a reader for the object, or `nil` (reported) when the value is not an object.
    ///   Unknown and missing keys are reported without making the result `nil`.
    public func object(keys: [String]? = nil, required: [String] = []) -> JSONObjectReader? {
        guard let object = value.objectValue else {
            reportType(expected: "an object")
            return nil
        }
        if let keys {
            for member in object.members where !keys.contains(member.key) {
                let place = keyPath.isEmpty ? "at the top level" : "in \(keyPath)"
                let suggestion = HuntingSchema.closestMatch(to: member.key, in: keys).map { "; did you mean '\($0)'?" }
                reader.error(
                    "unknown-key", "unknown key '\(member.key)' \(place)\(suggestion ?? " (known: \(keys.joined(separator: ", ")))")",
                    at: member.keyLocation)
            }
        }
        for key in required where object[key] == nil {
            report("missing '\(key)', which is required", code: "missing-key")
        }
        return JSONObjectReader(object: object, value: self)
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (Int.min, Int.max): "a whole number that fits in 64 bits"
        case (let low, Int.max): "at least \(low)"
        case (Int.min, let high): "at most \(high)"
        case (let low, let high): "between \(low) and \(high)"
        }
    }

    static func describe(_ range: ClosedRange<Double>) -> String {
        let low = range.lowerBound, high = range.upperBound
        func text(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value) }
        switch (low <= -Double.greatestFiniteMagnitude, high >= Double.greatestFiniteMagnitude) {
        case (true, true): return "a finite number"
        case (false, true): return "at least \(text(low))"
        case (true, false): return "at most \(text(high))"
        case (false, false): return "between \(text(low)) and \(text(high))"
        }
    }

    /// `a, b or c`.
    static func list(_ items: [String], conjunction: String) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
    }
}

/// An object of a document, read member by member.
public struct JSONObjectReader {
    /// The object.
    public let object: JSONObject
    /// The object as a value: its location, key path and ``JSONValueReader/report(_:code:)``.
    public let value: JSONValueReader

    /// The member with this key, or `nil` when the object has none.
    public subscript(key: String) -> JSONValueReader? {
        object[key].map { JSONValueReader(value: $0, keyPath: JSONDocumentReader.keyPath(value.keyPath, key: key), reader: value.reader) }
    }

    /// Every member, in file order, with where its key is.
    public var members: [(key: String, keyLocation: SourceLocation, value: JSONValueReader)] {
        object.members.map {
            ($0.key, $0.keyLocation, JSONValueReader(value: $0.value, keyPath: JSONDocumentReader.keyPath(value.keyPath, key: $0.key), reader: value.reader))
        }
    }

    /// Reports an error at a member's key, prefixed with the member's key path: for a key that
    /// does not fit with the others.
    /// - Parameters:
    ///   - key: the member's key (the object's own location is used when it has no such key).
    ///   - message: what is wrong and what to do.
    ///   - code: a kebab-case identifier of the kind of problem.
    public func reportKey(_ key: String, _ message: String, code: String = "invalid-value") {
        value.reader.error(code, "\(JSONDocumentReader.keyPath(value.keyPath, key: key)): \(message)", at: keyLocation(key))
    }

    /// Reports a warning at a member's key, prefixed with the member's key path.
    /// - Parameters:
    ///   - key: the member's key (the object's own location is used when it has no such key).
    ///   - message: what is odd about it.
    ///   - code: a kebab-case identifier of the kind of problem.
    public func warnKey(_ key: String, _ message: String, code: String) {
        value.reader.warning(code, "\(JSONDocumentReader.keyPath(value.keyPath, key: key)): \(message)", at: keyLocation(key))
    }

    /// Whether the object has this key.
    public func has(_ key: String) -> Bool { object[key] != nil }

    /// Where the key of a member is, or the object's own location when it has no such key.
    public func keyLocation(_ key: String) -> SourceLocation { object.member(key)?.keyLocation ?? value.location }

    /// A member as a string; `nil` when absent or (reported) not a string.
    public func string(_ key: String, nonEmpty: Bool = false) -> String? { self[key]?.string(nonEmpty: nonEmpty) }

    /// A member as a boolean; `nil` when absent or (reported) not a boolean.
    public func bool(_ key: String) -> Bool? { self[key]?.bool() }

    /// A member as a whole number in `range`; `nil` when absent or (reported) invalid.
    public func int(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max) -> Int? { self[key]?.int(in: range) }

    /// A member as a number in `range`; `nil` when absent or (reported) invalid.
    public func double(_ key: String, in range: ClosedRange<Double>) -> Double? { self[key]?.double(in: range) }

    /// A member as one of `choices`; `nil` when absent or (reported) invalid.
    public func choice(_ key: String, _ choices: [String]) -> String? { self[key]?.choice(choices) }

    /// A member as an array; `nil` when absent or (reported) not an array.
    public func array(_ key: String) -> [JSONValueReader]? { self[key]?.array() }

    /// A member as a string or array of strings; `nil` when absent or (reported) invalid.
    public func strings(_ key: String, nonEmpty: Bool = false) -> [String]? { self[key]?.strings(nonEmpty: nonEmpty) }

    /// A member as an object with these keys; `nil` when absent or (reported) not an object.
    public func object(_ key: String, keys: [String]? = nil, required: [String] = []) -> JSONObjectReader? {
        self[key]?.object(keys: keys, required: required)
    }
}
