import ArgumentParser
import Compose
import Foundation
import NewsletterCore
import Store

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate issues without writing anything (for an editor's own CI).",
        discussion: """
            With issue numbers, checks those issues; without, checks every issue and every item \
            in the inbox. Exits 1 if anything is wrong, listing every problem with its file and line.
            Example: newsletter check 3
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: "The issue numbers (default: all, and the inbox).") var numbers: [Int] = []

    func run() throws {
        let workspace = try workspaceOptions.workspace()
        var problems = DiagnosticCollector()
        let composer = problems.attempt { try IssueComposer(workspace: workspace) }
        if let composer { warnAboutTemplateNames(composer, workspace: workspace) }
        let numbers = self.numbers.isEmpty ? try workspace.issueNumbers() : self.numbers
        for number in numbers {
            guard let issue = problems.attempt({ try workspace.loadIssue(number) }), let composer else { continue }
            if let build = problems.attempt({ try IssueBuild(workspace: workspace, issue: issue, composer: composer) })
            {
                for warning in build.warnings { Terminal.error(ErrorPresenter.render(warning, as: "warning")) }
                // A sent issue went out as it was; a placeholder in it is history, not a mistake to stop.
                guard issue.isSent || problems.attempt({ try build.requireNoPlaceholders() }) != nil else { continue }
                Terminal.print(
                    "Issue \(number): \(build.issue.items.count) item\(build.issue.items.count == 1 ? "" : "s"); the email and the web page are valid."
                )
            }
        }
        if self.numbers.isEmpty, let inbox = problems.attempt({ try workspace.inboxItems() }),
            problems.attempt({
                try MarkdownNesting.check(inbox, allowRawHTML: composer?.config.compose.allowRawHTML ?? false)
            }) != nil
        {
            Terminal.print("Inbox: \(inbox.count) item\(inbox.count == 1 ? "" : "s"), all readable.")
        }
        try problems.throwIfAny()
    }
}

extension CheckCommand {
    /// Names in the templates that render as nothing: misspelt values, and subscriber fields
    /// that no list has. Warnings, since Mustache renders them without complaint.
    private func warnAboutTemplateNames(_ composer: IssueComposer, workspace: Workspace) {
        let lists = composer.config.lists.lists.map(\.name)
        // The store's attributes; before the subscriber files are taken in, their columns.
        var fields = Set<String>()
        if let opened = try? PeopleAccess.open(workspace), let names = try? opened.store.attributeNames() {
            fields = names
        } else {
            for name in SubscriberList.names(in: workspace) {
                if let columns = try? SubscriberList(name: name, workspace: workspace).columnNames() {
                    fields.formUnion(columns)
                }
            }
        }
        let warnings = TemplateNameCheck.warnings(
            templates: composer.templates, config: composer.config, subscriberFields: fields, listNames: lists)
        for warning in warnings { Terminal.error(ErrorPresenter.render(warning, as: "warning")) }
    }
}
