import Foundation
import Testing

/// A workspace made the way a new editor makes one: `newsletter init`, then items written by
/// hand, a list of twenty people and issue 1 started with `issue new` and written. Removed
/// at the end of the test.
final class NewWorkspace {
    let root: URL

    /// `configure` may change the config `init` wrote before anything else runs.
    init(configure: (inout String) -> Void = { _ in }) throws {
        root = FileManager.default.temporaryDirectory.appending(path: "new-\(UUID().uuidString)")
        let created = try CommandLineTool.run(["init", root.path], in: FileManager.default.temporaryDirectory)
        guard created.status == 0 else { throw SMTPTestServer.ServerError(message: "init: \(created.stderr)") }
        var config = try read("newsletter.toml")
        configure(&config)
        try write(config, to: "newsletter.toml")
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// Runs `newsletter` in the workspace, without NEWSLETTER_SECRET: the key is init's file.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandLineTool.Result {
        try CommandLineTool.run(arguments, in: root, environment: ["NEWSLETTER_SECRET": ""].merging(environment) { $1 })
    }

    /// Starts `newsletter` in the background, for a test to wait for or interrupt.
    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = CommandLineTool.binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.environment = ProcessInfo.processInfo.environment.merging(["NEWSLETTER_SECRET": ""]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func write(_ text: String, to path: String) throws {
        let url = root.appending(path: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: root.appending(path: path), encoding: .utf8)
    }

    /// The item with a contact block, typed line by line, after a paragraph wrapped in the file.
    static let contactItem = """
        ---
        title: "Road safety week: volunteers wanted"
        date: 2026-11-20
        ---
        Volunteers are wanted for the road safety week in March, when members visit schools,
        speak to parents and drivers and hand out reflective vests to children who walk or
        cycle to school in the dark winter mornings.

        For further information, please contact:
        Zoë Müller, volunteers coordinator
        volunteers@example.org
        +32 2 555 01 20

        """

    /// Five items in the inbox, the contact item among them, and twenty subscribers.
    func addItemsAndList() throws {
        try write(Self.contactItem, to: "issues/inbox/2026-11-20-volunteers.md")
        let titles = ["Spring conference", "New members", "A grant for safer crossings", "The annual report"]
        for (index, title) in titles.enumerated() {
            try write(
                "---\ntitle: \"\(title)\"\ndate: 2026-11-2\(index + 1)\n---\nNews about \(title.lowercased()).\n",
                to: "issues/inbox/2026-11-2\(index + 1)-item-\(index + 1).md")
        }
        var list = "email,name,city\n"
        for index in 1...20 { list += "reader\(index)@example.org,Reader \(index),City \(index % 3)\n" }
        try write(list, to: "people.csv")
        let imported = try run(["subscribers", "import", "people.csv"])
        #expect(imported.status == 0, "\(imported.stderr)")
    }

    /// `issue new`, `issue collect`, then the subject, preheader and introduction written in
    /// place of the placeholders, as the editor does in issue.md.
    func writeIssueOne() throws {
        let new = try run(["issue", "new", "--date", "2026-12-01"])
        #expect(new.status == 0, "\(new.stderr)")
        let collect = try run(["issue", "collect"])
        #expect(collect.status == 0, "\(collect.stderr)")
        try writeIssueHeader()
    }

    /// Issue 1's subject, preheader and introduction, in place of the placeholders.
    func writeIssueHeader() throws {
        try write(
            """
            ---
            subject: "Example Newsletter, Issue n. 1: volunteers for road safety week"
            date: 2026-12-01
            preheader: "Volunteers, a spring conference and a grant for safer crossings."
            status: draft
            ---
            Welcome to the first issue.

            """, to: "issues/001/issue.md")
    }
}
