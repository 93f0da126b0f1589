/// A report that could not be published, or a publish folder that needs the user's attention.
public struct PublishError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or folder at fault.
    public var path: String
    /// What went wrong and what to do about it.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - path: The file or folder at fault.
    ///   - message: What went wrong and what to do about it.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}
