public import Foundation

/// Puts a rendered report into a folder as a whole: the files are written into a temporary folder
/// beside it and renamed into place, so readers see the old report or the new one, never half.
public enum ReportWriter {
    /// Writes `files` as the folder `directory`, replacing a previous report there.
    ///
    /// A folder that exists, is not empty and holds no `manifest.json` is not a report and is
    /// never replaced. Files are created with mode 0644 and folders 0755.
    /// - Throws: ``ReportWriteError`` naming the path that could not be written.
    public static func write(_ files: [ReportFile], to directory: URL) throws(ReportWriteError) {
        let fileManager = FileManager.default
        let target = directory.standardizedFileURL
        let parent = target.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        let exists = fileManager.fileExists(atPath: target.path, isDirectory: &isDirectory)
        if exists {
            guard isDirectory.boolValue else { throw ReportWriteError(path: target.path, message: "exists and is not a folder") }
            let contents = (try? fileManager.contentsOfDirectory(atPath: target.path)) ?? []
            guard contents.isEmpty || contents.contains("manifest.json") else {
                throw ReportWriteError(path: target.path, message: "exists and is not a report (no manifest.json); choose a new or empty folder")
            }
        }
        let suffix = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(suffix)")
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw ReportWriteError(path: staging.path, message: "cannot create the folder: \(error.localizedDescription)")
        }
        do {
            for file in files {
                let url = staging.appendingPathComponent(file.path)
                try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                // Wraps the bytes without copying them; `createFile` is done with them before it returns.
                let written = file.bytes.withUnsafeBytes { raw in
                    let contents = raw.isEmpty
                        ? Data() : Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: raw.baseAddress!), count: raw.count, deallocator: .none)
                    return fileManager.createFile(atPath: url.path, contents: contents, attributes: [.posixPermissions: 0o644])
                }
                guard written else {
                    throw ReportWriteError(path: url.path, message: "cannot write the file")
                }
            }
            if exists {
                let old = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(suffix)")
                try fileManager.moveItem(at: target, to: old)
                try fileManager.moveItem(at: staging, to: target)
                try? fileManager.removeItem(at: old)
            } else {
                try fileManager.moveItem(at: staging, to: target)
            }
        } catch let error as ReportWriteError {
            try? fileManager.removeItem(at: staging)
            throw error
        } catch {
            try? fileManager.removeItem(at: staging)
            throw ReportWriteError(path: target.path, message: error.localizedDescription)
        }
    }
}

/// A report that could not be written.
public struct ReportWriteError: Error, Sendable, CustomStringConvertible {
    /// The path at fault.
    public var path: String
    /// What went wrong.
    public var message: String

    public var description: String { "\(path): \(message)" }
}
