import ArgumentParser
import Compose
import Foundation
import NewsletterCore
import Site

struct FreezeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freeze",
        abstract: "Mark an issue sent and keep it as the templates render it now (for issues sent by other means).",
        discussion: """
            `newsletter send` freezes an issue by itself when a send completes; this is for issues \
            that went out before the workspace existed. Example: newsletter issue freeze 2 --sent 2026-08-03T08:00:00Z --audience 412
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: "The issue number.") var number: Int
    @Option(
        help: ArgumentHelp(
            "When it was sent, such as 2026-08-03T08:00:00Z (default: the issue's date).", valueName: "time"))
    var sent: String?
    @Option(help: "How many addresses it was sent to.") var audience: Int = 0

    func run() throws {
        let workspace = try workspaceOptions.workspace()
        let issue = try workspace.loadIssue(number)
        let time = try sent.map { text in
            guard let parsed = try? Date.ISO8601FormatStyle().parse(text) else {
                throw ValidationError("--sent must be a time such as 2026-08-03T08:00:00Z.")
            }
            return parsed
        }
        let composer = try IssueComposer(workspace: workspace)
        try IssueFreezer.freezeByHand(issue, composer: composer, workspace: workspace, sentAt: time, audience: audience)
        Terminal.print(
            "Froze issue \(number) in \(workspace.displayPath(issue.folder))/\(IssueFreezer.folderName)/ and marked it sent."
        )
    }
}
