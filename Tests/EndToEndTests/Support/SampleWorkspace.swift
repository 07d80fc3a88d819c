import Foundation

/// A copy of the repository's sample workspace in a temporary folder, removed at the end, so
/// tests can change it freely.
final class SampleWorkspace {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appending(path: "sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for entry in ["newsletter.toml", "issues", "subscribers", "templates"] {
            try FileManager.default.copyItem(
                at: Self.repository.appending(path: entry), to: root.appending(path: entry))
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    func run(_ arguments: String...) throws -> CommandLineTool.Result {
        try CommandLineTool.run(arguments, in: root)
    }

    func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    func write(_ data: Data, to path: String) throws {
        let url = root.appending(path: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: root.appending(path: path), encoding: .utf8)
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appending(path: path).path)
    }
}
