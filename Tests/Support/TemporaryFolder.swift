public import Foundation

/// A fresh folder under the system's temporary folder, removed with everything in it when the
/// last reference goes: a suite that keeps one as a property cleans up after each test.
public final class TemporaryFolder: Sendable {
    public let url: URL

    public init(_ prefix: String) {
        url = FileManager.default.temporaryDirectory.appending(path: "\(prefix)-\(UUID().uuidString)")
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// A path inside the folder.
    public func appending(path: String) -> URL { url.appending(path: path) }
}
