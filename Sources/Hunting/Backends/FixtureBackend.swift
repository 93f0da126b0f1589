public import Foundation
import KQL

/// Answers queries from saved API responses: `<folder>/<query id>.json`, in the Graph or the
/// legacy shape. A saved error envelope (`{"error": …}`, with an optional `"httpStatus"`) is
/// answered as that error. Used by the emulator until a local engine answers, and by teams that
/// want to rehearse a report on captured results.
public struct FixtureBackend: HuntingBackend {
    public let endpoint: HuntingEndpoint
    private let folder: URL
    private let queries: [HuntingQuery]

    /// Creates a backend over a folder of saved responses.
    /// - Parameter queries: known queries, to recognise a bound text whose id is not given.
    public init(folder: URL, queries: [HuntingQuery] = []) {
        self.folder = folder
        self.queries = queries
        endpoint = HuntingEndpoint(kind: .fixtures, url: folder.path, isSampleData: true)
    }

    /// The id of the known query whose bound text this is.
    public func queryId(forText text: String) -> String? {
        queries.first { $0.matches(boundText: text) }?.id
    }

    public func run(_ request: HuntingRequest) async throws(HuntingError) -> HuntingResult {
        var candidates = [request.queryId]
        if let matched = queryId(forText: request.text), matched != request.queryId { candidates.append(matched) }
        guard let file = candidates.map({ folder.appendingPathComponent($0 + ".json") })
            .first(where: { FileManager.default.fileExists(atPath: $0.path) }),
            let data = FileManager.default.contents(atPath: file.path)
        else {
            throw HuntingError(.unsupported, "no saved response for query '\(request.queryId)' in \(folder.path)")
        }
        if let envelope = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], envelope["error"] != nil {
            let status = (envelope["httpStatus"] as? Int) ?? 400
            let response = HTTPResponseData(status: status, body: data)
            throw HuntingErrorClassifier.classify(response, permission: "ThreatHunting.Read.All", clientRequestId: request.clientRequestId)
        }
        return try ResponseReading.result(
            from: HTTPResponseData(status: 200, body: data), request: request)
    }
}

extension HuntingQuery {
    /// Whether `text` is this query with its parameters bound to some values: every byte outside
    /// the parameters' literals must be the same, in the same order.
    public func matches(boundText text: String) -> Bool {
        let original = Array(self.text.utf8)
        let candidate = Array(text.utf8)
        let ranges = parameters.flatMap(\.literalRanges).sorted { $0.lowerBound < $1.lowerBound }
        var segments: [ArraySlice<UInt8>] = []
        var cursor = 0
        for range in ranges {
            segments.append(original[cursor..<range.lowerBound])
            cursor = range.upperBound
        }
        segments.append(original[cursor...])
        guard let first = segments.first, candidate.starts(with: first),
            let last = segments.last, candidate.count >= first.count + (segments.count > 1 ? last.count : 0),
            segments.count == 1 ? candidate.count == first.count : candidate.suffix(last.count).elementsEqual(last)
        else { return false }
        var position = first.count
        let end = candidate.count - (segments.count > 1 ? last.count : 0)
        for segment in segments.dropFirst().dropLast() {
            guard let found = Self.find(segment, in: candidate, from: position, before: end) else { return false }
            position = found + segment.count
        }
        return position <= end
    }

    private static func find(_ needle: ArraySlice<UInt8>, in haystack: [UInt8], from start: Int, before end: Int) -> Int? {
        guard !needle.isEmpty else { return start }
        var index = start
        while index + needle.count <= end {
            if haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
