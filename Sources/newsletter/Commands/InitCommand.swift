import ArgumentParser
import Foundation
import NewsletterCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new workspace with a commented config and the default templates.",
        discussion: "Example: newsletter init ~/newsletters/coalition")

    @Argument(help: ArgumentHelp("The folder to create the workspace in.", valueName: "dir"))
    var folder: String

    func run() throws {
        let root = URL(fileURLWithPath: folder, isDirectory: true)
        let files = try WorkspaceInitializer.create(at: root)
        Terminal.print("Created a workspace in \(root.path):")
        for file in files where !file.hasSuffix(".keep") { Terminal.print("  \(file)") }
        Terminal.print(
            """

            \(WorkspaceInitializer.secretFileName) is the key of your unsubscribe links: keep it and back it up (git ignores it).

            Next, in \(folder):
              1. Edit newsletter.toml: the name, the sender, the base URL, the organisation, and the relay ([smtp] url).
              2. Put news items in issues/inbox/ (Markdown), or `newsletter news import FEED-URL`.
              3. newsletter subscribers import people.csv
              4. newsletter issue new, then write the subject, preheader and introduction in its issue.md.
              5. newsletter issue collect && newsletter check && newsletter preview --open
              6. newsletter send --test-to you@example.org, then newsletter send
            """)
    }
}
