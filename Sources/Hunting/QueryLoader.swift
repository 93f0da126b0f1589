import Foundation
public import KQL

/// One `.kql` file as loaded: the query when it is usable, and what was wrong with it.
public struct QueryFile: Hashable, Sendable {
    /// The stable id from its relative path.
    public var id: String
    /// The path as given (root joined with the relative path).
    public var path: String
    /// The query, or `nil` when the file has errors.
    public var query: HuntingQuery?
    /// Errors and warnings, each with the path and, where it points somewhere, line:column.
    public var diagnostics: [Diagnostic]
}

/// Everything loaded from a set of paths. One broken file never stops the others from loading.
public struct QueryCatalog: Hashable, Sendable {
    /// Every `.kql` file found, in path order.
    public var files: [QueryFile]
    /// Problems with the paths themselves (a folder that does not exist or cannot be read).
    public var diagnostics: [Diagnostic]

    /// The queries without errors, in path order.
    public var queries: [HuntingQuery] { files.compactMap(\.query) }

    /// The errors that kept a path given, or a folder under it, from loading at all (its queries
    /// are missing from the run).
    public var pathErrors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// Every diagnostic: the paths' own, then each file's.
    public var allDiagnostics: [Diagnostic] { diagnostics + files.flatMap(\.diagnostics) }
}

/// Loads query files and folders.
public struct QueryLoader: Sendable {
    /// The file extension of query files.
    public static let fileExtension = "kql"

    /// Opens a folder for reading (`opendir`).
    let openFolder: @Sendable (String) -> OpaquePointer?

    /// Creates a loader.
    public init() {
        openFolder = { opendir($0) }
    }

    /// A loader whose folders open through `openFolder`: tests stand in a refusal (they run as
    /// root, whom permissions do not stop).
    init(openFolder: @escaping @Sendable (String) -> OpaquePointer?) {
        self.openFolder = openFolder
    }

    /// Loads every `*.kql` file under the given paths (folders recursively, linked folders too,
    /// hidden ones skipped; files as given), in sorted order, with ids from the path relative to
    /// the folder given.
    /// - Parameter paths: files and folders.
    /// - Returns: every file with its query or its diagnostics; duplicate ids are errors on the
    ///   later file.
    public func load(paths: [String]) -> QueryCatalog {
        var catalog = QueryCatalog(files: [], diagnostics: [])
        var seen: [String: String] = [:]
        for root in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
                catalog.diagnostics.append(.error("path-not-found", "no such file or folder", path: root))
                continue
            }
            let entries: [(relative: String, path: String)]
            if isDirectory.boolValue {
                let walk = Self.queryFiles(under: root, openFolder: openFolder)
                entries = walk.files
                for folder in walk.unreadableFolders {
                    catalog.diagnostics.append(.error(
                        "unreadable-folder", "cannot read the folder, so its queries were not loaded (check its permissions)",
                        path: folder))
                }
                if entries.isEmpty, walk.unreadableFolders.isEmpty {
                    catalog.diagnostics.append(.warning("no-queries", "no .\(Self.fileExtension) files in this folder", path: root))
                }
            } else {
                entries = [((root as NSString).lastPathComponent, root)]
            }
            for entry in entries {
                var file = loadFile(atPath: entry.path, id: Self.id(forRelativePath: entry.relative))
                if let first = seen[file.id] {
                    file.query = nil
                    file.diagnostics.append(.error(
                        "duplicate-id",
                        "query id '\(file.id)' is already used by \(first); rename one of the files",
                        path: entry.path))
                } else {
                    seen[file.id] = entry.path
                }
                catalog.files.append(file)
            }
        }
        return catalog
    }

    /// Loads one file; never throws: unreadable, empty and non-UTF-8 files get a diagnostic.
    public func loadFile(atPath path: String, id: String) -> QueryFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            return QueryFile(id: id, path: path, query: nil, diagnostics: [
                .error("unreadable-file", "cannot read the file (check its permissions)", path: path)
            ])
        }
        let bytes = [UInt8](data)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let location = Self.firstInvalidUTF8(in: bytes)
            return QueryFile(id: id, path: path, query: nil, diagnostics: [
                .error("not-utf8", "the file is not UTF-8 text; save it as UTF-8", at: location, path: path)
            ])
        }
        let (query, diagnostics) = QueryFileParser.parse(text, id: id, path: path)
        return QueryFile(id: id, path: path, query: query, diagnostics: diagnostics)
    }

    /// A stable id: the relative path without `.kql`, lowercased, `/`-separated, with characters
    /// outside `a-z 0-9 . _ - /` replaced by `-`.
    public static func id(forRelativePath relative: String) -> String {
        var path = relative.replacingOccurrences(of: "\\", with: "/").lowercased()
        if path.hasSuffix("." + fileExtension) { path.removeLast(fileExtension.count + 1) }
        return String(path.map { character in
            guard let ascii = character.asciiValue, character.unicodeScalars.count == 1 else { return "-" }
            switch ascii {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "/"):
                return character
            default: return "-"
            }
        })
    }

    /// The `.kql` files under a folder, sorted by relative path; hidden files and folders skipped.
    /// Linked folders are followed (a team's shared folder linked into `Queries/`), each folder at
    /// most once, so a link loop ends: breadth first in sorted order, so a folder reached by two
    /// paths is read under the shorter one. A link that is not a folder is loaded when its name ends in
    /// `.kql`, so a dangling one gets a diagnostic; a folder that cannot be read is returned, so the
    /// queries it holds are reported missing rather than silently left out. A walk over `readdir`'s
    /// entry types: Foundation's enumerator with URL resource values was a quarter of `hunt check`'s
    /// time over the corpus.
    static func queryFiles(
        under root: String, openFolder: (String) -> OpaquePointer? = { opendir($0) }
    ) -> (files: [(relative: String, path: String)], unreadableFolders: [String]) {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        var found: [(relative: String, path: String)] = []
        var unreadable: [String] = []
        var visited: Set<FolderIdentity> = []
        var queue = [""]  // folders to read, relative to root ("" is root itself)
        var next = 0
        while next < queue.count {
            let folder = queue[next]
            next += 1
            var info = stat()
            guard stat(prefix + folder, &info) == 0, visited.insert(FolderIdentity(info)).inserted else { continue }
            guard let stream = openFolder(prefix + folder) else {
                unreadable.append(folder.isEmpty ? root : prefix + folder)
                continue
            }
            defer { closedir(stream) }
            var folders: [String] = []
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard !name.hasPrefix(".") else { continue }  // also "." and ".."
                let relative = folder.isEmpty ? name : folder + "/" + name
                let type = Int32(entry.pointee.d_type)
                var isFolder = type == Int32(DT_DIR)
                if type == Int32(DT_LNK) || type == Int32(DT_UNKNOWN) {
                    isFolder = stat(prefix + relative, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
                }
                if isFolder {
                    folders.append(relative)
                } else if name.utf8.count > fileExtension.utf8.count + 1, name.lowercased().hasSuffix("." + fileExtension) {
                    found.append((relative, prefix + relative))
                }
            }
            queue += folders.sorted()
        }
        return (found.sorted { $0.relative < $1.relative }, unreadable)
    }

    /// A folder as the filesystem knows it, whatever path or link leads to it.
    private struct FolderIdentity: Hashable {
        let device: UInt64
        let inode: UInt64
        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// Line and column of the first byte that breaks UTF-8.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> SourceLocation {
        var line = 1
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let width: Int
            switch byte {
            case 0..<0x80: width = 1
            case 0xC2...0xDF: width = 2
            case 0xE0...0xEF: width = 3
            case 0xF0...0xF4: width = 4
            default: width = 0
            }
            let valid = width > 0 && index + width <= bytes.count
                && String(validating: bytes[index..<index + width], as: UTF8.self) != nil
            if !valid {
                let column = 1 + bytes[lineStart..<index].filter { $0 & 0xC0 != 0x80 }.count
                return SourceLocation(offset: index, line: line, column: column)
            }
            if byte == 0x0A {
                line += 1
                lineStart = index + 1
            }
            index += width
        }
        return SourceLocation(offset: index, line: line, column: 1)
    }
}
