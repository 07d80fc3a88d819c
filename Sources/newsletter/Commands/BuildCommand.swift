import ArgumentParser
import Compose
import Foundation
import NewsletterCore
import Store

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Render an issue to email.xhtml, email.txt and web.html, validated.",
        discussion: """
            The email is validated against the XHTML 1.0 Transitional DTD and the web page with \
            libxml2's HTML parser; any problem fails the build and nothing is written. \
            Personal values (the subscriber's name, the unsubscribe link) appear as the \
            placeholders that sending fills in.
            Example: newsletter build 3 --out /tmp/issue-3
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: "The issue number (default: the newest draft).") var number: Int?
    @Option(help: ArgumentHelp("Where to write the files (default: build/NNN in the workspace).", valueName: "dir"))
    var out: String?

    func run() throws {
        let workspace = try workspaceOptions.workspace()
        let number = try IssueChoice.number(number, in: workspace, command: "build")
        let build = try IssueBuild(workspace: workspace, number: number)
        let folder =
            out.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? workspace.buildFolder.appending(path: IssueNumber.folderName(number))
        let written = try build.write(to: folder)
        for warning in build.warnings + build.placeholders {
            Terminal.error(ErrorPresenter.render(warning, as: "warning"))
        }
        let count = build.issue.items.count
        Terminal.print(
            "Built issue \(number) (\(count) item\(count == 1 ? "" : "s")) in \(workspace.displayPath(folder)):")
        for (name, bytes) in written {
            Terminal.print("  \(name.padding(toLength: 12, withPad: " ", startingAt: 0))\(ByteCount.format(bytes))")
        }
        Terminal.print("The email is valid XHTML 1.0 Transitional; the web page parsed without errors.")
    }
}

enum ByteCount {
    static func format(_ bytes: Int) -> String {
        bytes < 1024 ? "\(bytes) bytes" : String(format: "%.1f KB", Double(bytes) / 1024)
    }
}
