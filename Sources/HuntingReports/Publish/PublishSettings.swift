public import Foundation

/// How `latest` in the publish folder refers to the newest run.
public enum LatestMode: String, Sendable, CaseIterable {
    /// A relative symbolic link `latest -> 2025-11-25_0200`, replaced atomically.
    case symlink
    /// A full copy of the run folder named `latest`, for shares without symbolic links (SMB often
    /// has none); swapped in with `renameat2(RENAME_EXCHANGE)` where the filesystem allows it.
    case copy
}

/// Where and how ``Publisher`` publishes runs.
public struct PublishSettings: Sendable {
    /// The publish folder, typically on a mounted SMB or NFS share. Created if missing, but only
    /// when its parent exists (an unmounted share is an error, not a new local folder).
    public var directory: URL
    /// How `latest` refers to the newest run.
    public var latest: LatestMode
    /// How many runs to keep, newest first; `nil` keeps them all. At least 1.
    public var retention: Int?
    /// After how long a lock file left by another publish is taken over even if its process may
    /// still be alive (a hung NFS client, a lock from another host).
    public var staleLockAge: TimeInterval

    /// Creates settings.
    /// - Parameters:
    ///   - directory: The publish folder.
    ///   - latest: How `latest` refers to the newest run; `.symlink` by default.
    ///   - retention: How many runs to keep; `nil` (the default) keeps them all.
    ///   - staleLockAge: When another publish's lock counts as abandoned; six hours by default.
    public init(directory: URL, latest: LatestMode = .symlink, retention: Int? = nil, staleLockAge: TimeInterval = 6 * 3600) {
        self.directory = directory
        self.latest = latest
        self.retention = retention
        self.staleLockAge = staleLockAge
    }
}
