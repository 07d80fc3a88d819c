public import Foundation
public import NewsletterCore

/// A workspace in a fresh temporary folder, removed when the test ends.
public final class TemporaryWorkspace {
    public let workspace: Workspace
    public var root: URL { workspace.root }

    public static let config = """
        name = "Test Newsletter"
        base_url = "https://news.example.org/test"

        [sender]
        name = "Test Sender"
        email = "newsletter@example.org"

        [organisation]
        name = "Test Organisation"
        about = "We test things."
        postal_address = "1 Test Street, Testville"

        """

    public init() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "newsletter-test-\(UUID().uuidString)")
        workspace = Workspace(root: root)
        try write(Self.config, to: "newsletter.toml")
        try FileManager.default.createDirectory(at: workspace.inboxFolder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    public func write(_ text: String, to path: String) throws {
        let url = root.appending(path: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    public func item(_ path: String, title: String, date: String, extra: String = "") throws {
        try write("---\ntitle: \"\(title)\"\ndate: \(date)\n\(extra)---\nNews about \(title).\n", to: path)
    }

    public func issue(_ number: Int, status: String = "draft", date: String = "2026-12-01") throws {
        let folder = "issues/\(IssueNumber.folderName(number))"
        try write(
            "---\nsubject: \"Issue \(number)\"\ndate: \(date)\nstatus: \(status)\n---\nHello.\n",
            to: "\(folder)/issue.md")
        try FileManager.default.createDirectory(
            at: root.appending(path: "\(folder)/items"), withIntermediateDirectories: true)
    }

    public func files(in path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appending(path: path).path).sorted()
    }
}
