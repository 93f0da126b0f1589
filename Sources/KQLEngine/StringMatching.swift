import Foundation
import KQL

/// Kusto's string operators over UTF-8 bytes. Case-insensitive forms fold ASCII letters byte by
/// byte; a needle with non-ASCII letters is compared after Unicode lowercasing instead.
///
/// `has` is term matching: a term is a run of ASCII letters and digits (any non-ASCII byte counts
/// as a term character), and the needle must start and end on term boundaries wherever its own
/// first and last characters are term characters. `contains` is a plain substring search.
struct StringMatcher: Sendable {
    enum Kind: Sendable {
        case equals, contains, startsWith, endsWith, has, hasPrefix, hasSuffix
    }

    let kind: Kind
    let caseSensitive: Bool
    /// The needle as bytes, lowercased when matching ignores case.
    private let needle: [UInt8]
    /// Whether the needle has non-ASCII bytes and case is ignored: compare as lowercased strings.
    private let unicodeFold: Bool
    private let needleString: String

    init(_ kind: Kind, needle: String, caseSensitive: Bool) {
        self.kind = kind
        self.caseSensitive = caseSensitive
        let bytes = Array(needle.utf8)
        unicodeFold = !caseSensitive && bytes.contains { $0 >= 0x80 }
        needleString = caseSensitive ? needle : needle.lowercased()
        self.needle = caseSensitive ? bytes : bytes.map(StringMatcher.fold)
    }

    @inline(__always)
    static func fold(_ b: UInt8) -> UInt8 { b &- 65 < 26 ? b | 0x20 : b }

    @inline(__always)
    static func isTermByte(_ b: UInt8) -> Bool {
        b >= 0x80 || (b &- 48 < 10) || ((b | 0x20) &- 97 < 26)
    }

    /// Whether `text` matches.
    func matches(_ text: String) -> Bool {
        if unicodeFold {
            let lowered = Array(text.lowercased().utf8)
            return lowered.withUnsafeBufferPointer { match($0, needle: Array(needleString.utf8), fold: false) }
        }
        var text = text
        return text.withUTF8 { matches($0) }
    }

    /// Whether the UTF-8 bytes of a string match.
    @inline(__always)
    func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        if unicodeFold {
            return matches(String(decoding: text, as: UTF8.self))
        }
        return match(text, needle: needle, fold: !caseSensitive)
    }

    private func match(_ text: UnsafeBufferPointer<UInt8>, needle: [UInt8], fold: Bool) -> Bool {
        needle.withUnsafeBufferPointer { n in
            let tn = text.count, nn = n.count
            switch kind {
            case .equals:
                return tn == nn && Self.equal(text, 0, n, fold)
            case .startsWith:
                return tn >= nn && Self.equal(text, 0, n, fold)
            case .endsWith:
                return tn >= nn && Self.equal(text, tn - nn, n, fold)
            case .contains:
                if nn == 0 { return true }
                return Self.find(text, n, fold) { _ in true }
            case .has, .hasPrefix, .hasSuffix:
                if nn == 0 { return true }
                let checkStart = kind != .hasSuffix && Self.isTermByte(n[0])
                let checkEnd = kind != .hasPrefix && Self.isTermByte(n[nn - 1])
                return Self.find(text, n, fold) { at in
                    if checkStart, at > 0, Self.isTermByte(text[at - 1]) { return false }
                    if checkEnd, at + nn < tn, Self.isTermByte(text[at + nn]) { return false }
                    return true
                }
            }
        }
    }

    @inline(__always)
    private static func equal(_ text: UnsafeBufferPointer<UInt8>, _ at: Int, _ n: UnsafeBufferPointer<UInt8>, _ fold: Bool) -> Bool {
        if fold {
            for i in 0..<n.count where Self.fold(text[at + i]) != n[i] { return false }
        } else {
            for i in 0..<n.count where text[at + i] != n[i] { return false }
        }
        return true
    }

    /// Calls `accept` at each occurrence of the needle until it returns true.
    @inline(__always)
    private static func find(
        _ text: UnsafeBufferPointer<UInt8>, _ n: UnsafeBufferPointer<UInt8>, _ fold: Bool, accept: (Int) -> Bool
    ) -> Bool {
        let tn = text.count, nn = n.count
        guard tn >= nn else { return false }
        let first = n[0]
        let firstUpper = fold && first &- 97 < 26 ? first & ~0x20 : first
        var i = 0
        let last = tn - nn
        while i <= last {
            let b = text[i]
            if b == first || b == firstUpper {
                if equal(text, i, n, fold), accept(i) { return true }
            }
            i += 1
        }
        return false
    }
}

/// A string predicate with its negation, built from a binary operator and a constant needle.
extension StringMatcher {
    /// The matcher and whether the result is negated, for a string operator; `nil` for others.
    static func forOperator(_ op: BinaryOperator, needle: String) -> (StringMatcher, negated: Bool)? {
        let spec: (Kind, Bool, Bool)? = switch op {
        case .equal: (.equals, true, false)
        case .notEqual: (.equals, true, true)
        case .equalTilde: (.equals, false, false)
        case .notEqualTilde: (.equals, false, true)
        case .has: (.has, false, false)
        case .notHas: (.has, false, true)
        case .hasCS: (.has, true, false)
        case .notHasCS: (.has, true, true)
        case .hasPrefix: (.hasPrefix, false, false)
        case .notHasPrefix: (.hasPrefix, false, true)
        case .hasPrefixCS: (.hasPrefix, true, false)
        case .notHasPrefixCS: (.hasPrefix, true, true)
        case .hasSuffix: (.hasSuffix, false, false)
        case .notHasSuffix: (.hasSuffix, false, true)
        case .hasSuffixCS: (.hasSuffix, true, false)
        case .notHasSuffixCS: (.hasSuffix, true, true)
        case .contains: (.contains, false, false)
        case .notContains: (.contains, false, true)
        case .containsCS: (.contains, true, false)
        case .notContainsCS: (.contains, true, true)
        case .startsWith: (.startsWith, false, false)
        case .notStartsWith: (.startsWith, false, true)
        case .startsWithCS: (.startsWith, true, false)
        case .notStartsWithCS: (.startsWith, true, true)
        case .endsWith: (.endsWith, false, false)
        case .notEndsWith: (.endsWith, false, true)
        case .endsWithCS: (.endsWith, true, false)
        case .notEndsWithCS: (.endsWith, true, true)
        default: nil
        }
        guard let (kind, cs, negated) = spec else { return nil }
        return (StringMatcher(kind, needle: needle, caseSensitive: cs), negated)
    }
}
