import ArgumentParser
import Foundation
import NewsletterCore

struct IssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Start, fill and inspect numbered issues.",
        subcommands: [New.self, Collect.self, Add.self, List.self, Show.self, FreezeCommand.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the next issue: issues/NNN/ with an issue.md to edit.",
            discussion: "Example: newsletter issue new --subject \"Issue n. 4: the Lisbon assembly\" --date 2027-02-01")

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Option(help: "The subject line (default: \"NAME, Issue n. N\").") var subject: String?
        @Option(help: ArgumentHelp("The issue's date, YYYY-MM-DD (default: today).", valueName: "date")) var date:
            CalendarDate?
        @Option(help: "The line mail clients show after the subject.") var preheader: String?

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let config = try workspace.loadConfig()
            let issue = try IssueEditor(workspace: workspace).createIssue(
                subject: subject, date: date ?? .today(), preheader: preheader, config: config)
            Terminal.print("Started issue \(issue.number) in \(workspace.displayPath(issue.folder))/")
            Terminal.print(
                "  Edit \(workspace.displayPath(issue.folder.appending(path: "issue.md"))) for the subject, preheader and introduction,"
            )
            Terminal.print("  then `newsletter issue collect` to move the inbox's items into it.")
        }
    }

    struct Collect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move the inbox's items into an issue, oldest first.",
            discussion: "Example: newsletter issue collect 4 --since 2026-11-01")

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: "The issue number (default: the newest draft).") var number: Int?
        @Option(help: ArgumentHelp("Only items dated on or after this day.", valueName: "date")) var since:
            CalendarDate?
        @Option(help: ArgumentHelp("Only items dated on or before this day.", valueName: "date")) var until:
            CalendarDate?

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let (issue, placed) = try IssueEditor(workspace: workspace).collect(
                into: number, since: since, until: until)
            guard !placed.isEmpty else {
                Terminal.print(
                    "No inbox items to collect into issue \(issue)\(since != nil || until != nil ? " in that date range" : "")."
                )
                return
            }
            Terminal.print("Collected \(placed.count) item\(placed.count == 1 ? "" : "s") into issue \(issue):")
            Placements.print(placed, workspace: workspace)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add item files to an issue (moved out of the inbox, copied from elsewhere).",
            discussion: "Example: newsletter issue add 4 issues/inbox/2026-11-25-work-programme.md ~/Downloads/award.md"
        )

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: "The issue number.") var number: Int
        @Argument(help: ArgumentHelp("The news item files, in the order to add them.", valueName: "file")) var files:
            [String]

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("Name at least one item file to add.") }
        }

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let urls = files.map { URL(fileURLWithPath: $0) }
            let placed = try IssueEditor(workspace: workspace).add(urls, to: number)
            Terminal.print("Added \(placed.count) item\(placed.count == 1 ? "" : "s") to issue \(number):")
            Placements.print(placed, workspace: workspace)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the issues: number, date, status, items, subject.")

        @OptionGroup var workspaceOptions: WorkspaceOptions

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            var problems = DiagnosticCollector()
            let issues = try workspace.issueNumbers().compactMap { number in
                problems.attempt { try workspace.loadIssue(number) }
            }
            Terminal.print(IssueTable.render(issues))
            if let inbox = try? workspace.inboxItems() {
                Terminal.print("\nInbox: \(inbox.count) item\(inbox.count == 1 ? "" : "s") waiting.")
            }
            try problems.throwIfAny()
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an issue's header and its items in order.")

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: "The issue number.") var number: Int

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let issue = try workspace.loadIssue(number)
            Terminal.print(IssueTable.details(of: issue, workspace: workspace))
        }
    }
}

enum Placements {
    static func print(_ placed: [IssueEditor.Placement], workspace: Workspace) {
        for placement in placed {
            Terminal.print(
                "  \(placement.item.date)  \(workspace.displayPath(placement.destination))  \(placement.item.title)")
        }
    }
}
