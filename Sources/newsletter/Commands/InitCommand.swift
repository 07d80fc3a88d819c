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

            Next: edit newsletter.toml, put news items in issues/inbox/, then run
              newsletter issue new && newsletter issue collect && newsletter build 1
            """)
    }
}
