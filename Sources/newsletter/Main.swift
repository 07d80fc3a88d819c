import ArgumentParser
import Foundation
import NewsletterCore

/// Parses the command line, runs the command, and hands every failure to the one presenter.
@main
enum Main {
    static func main() async {
        do {
            let arguments = LeadingWorkspaceOption.moved(Array(CommandLine.arguments.dropFirst()))
            try NegativeNumbers.refuse(in: arguments[...])
            try CommandSuggestion.check(arguments, root: NewsletterCommand.self)
            var command = try NewsletterCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            ErrorPresenter.exit(with: error)
        }
    }
}

struct NewsletterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsletter",
        abstract: "Compose numbered newsletter issues from Markdown news items.",
        discussion: """
            A workspace is a folder with newsletter.toml, issues/, subscribers/ and templates/. \
            Commands work on the workspace that contains the current folder, or on --workspace DIR.

            The editor's loop: news items arrive in issues/inbox/; `issue new` starts the next \
            issue; `issue collect` moves the inbox into it; `check` and `build` render and \
            validate the email (XHTML), its plain-text version and the web page.
            """,
        version: NewsletterVersion.current,
        subcommands: [
            InitCommand.self, IssueCommand.self, BuildCommand.self, CheckCommand.self, SubscribersCommand.self,
            SendCommand.self, StatusCommand.self, PreviewCommand.self, ServeCommand.self, ArchiveCommand.self,
            NewsCommand.self, DKIMCommand.self, DoctorCommand.self,
        ]
    )
}
