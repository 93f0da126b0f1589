/// How the `latest` entry of the publish directory points at the newest report.
///
/// Named apart from the publisher's own type so each module keeps its vocabulary; they map one to one.
public enum LatestLinkKind: String, Sendable, Hashable, CaseIterable {
    /// A full copy: works on SMB shares and for readers that do not follow links.
    case copy
    /// A symbolic link: no copy, switched atomically.
    case symlink
}

/// Where finished reports are published and how many are kept.
public struct PublishConfiguration: Sendable, Hashable {
    /// The share the reports go to; `nil` does not publish.
    public var directory: String?
    /// How `latest` points at the newest report.
    public var latest: LatestLinkKind
    /// How many reports to keep; older ones are removed after a successful publish.
    public var retention: Int

    /// Creates settings: nothing published, `latest` copied, 30 reports kept.
    public init(directory: String? = nil, latest: LatestLinkKind = .copy, retention: Int = 30) {
        self.directory = directory
        self.latest = latest
        self.retention = retention
    }
}

/// How much history is kept for the new-since-last-run comparison.
public struct RetentionSettings: Sendable, Hashable {
    /// Runs of state kept per query.
    public var stateRuns: Int

    /// Creates settings: 30 runs kept.
    public init(stateRuns: Int = 30) { self.stateRuns = stateRuns }
}
