/// A case-insensitive pattern where `*` matches any run of characters (`/` included), compiled
/// once and matched against many texts.
///
/// Case is folded by `lowercased()`; texts that are plain ASCII, the common case for cells, are
/// folded byte by byte without allocating.
struct SuppressionPattern: Sendable, Hashable {
    /// The lowercased pattern split at `*`; one segment means no `*`.
    private let segments: [[UInt8]]
    /// Whether the pattern is only stars.
    let matchesEverything: Bool

    init(_ pattern: String) {
        segments = pattern.lowercased().utf8.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false).map { Array($0) }
        matchesEverything = segments.count > 1 && segments.allSatisfy(\.isEmpty)
    }

    func matches(_ text: String) -> Bool {
        if matchesEverything { return true }
        var folded = text
        if !text.utf8.allSatisfy({ $0 < 0x80 }) { folded = text.lowercased() }
        return folded.withUTF8 { matches(bytes: $0) }
    }

    private func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        guard segments.count > 1 else { return count == segments[0].count && equal(bytes, at: 0, segments[0]) }
        let first = segments[0]
        let last = segments[segments.count - 1]
        guard first.count + last.count <= count, equal(bytes, at: 0, first), equal(bytes, at: count - last.count, last) else {
            return false
        }
        var position = first.count
        let end = count - last.count
        for segment in segments[1..<(segments.count - 1)] where !segment.isEmpty {
            guard let found = find(segment, in: bytes, from: position, to: end) else { return false }
            position = found + segment.count
        }
        return true
    }

    private func equal(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, _ segment: [UInt8]) -> Bool {
        for offset in segment.indices where Self.fold(bytes[start + offset]) != segment[offset] { return false }
        return true
    }

    /// The first position in `from..<to` where `segment` starts and ends before `to`.
    private func find(_ segment: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard end - start >= segment.count else { return nil }
        let head = segment[0]
        var position = start
        while position + segment.count <= end {
            if Self.fold(bytes[position]) == head, equal(bytes, at: position, segment) { return position }
            position += 1
        }
        return nil
    }

    private static func fold(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
