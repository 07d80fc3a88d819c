import ArgumentParser
import Foundation
import NewsletterCore
import Store

/// CSV in and out of the store, checking it, and taking in the files of a workspace from
/// before the store.
extension SubscribersCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the rows of a CSV file (with an `email` column) to a list, confirmed.",
            discussion: """
                RFC 4180, UTF-8; `name` and any other column are kept (other columns as attributes \
                templates can use). A bad row is reported with its line and skipped; an address on \
                the list already is left alone; one that left the list, or was erased, is not added \
                back. Each new member gets a consent event naming the file.
                Example: newsletter subscribers import ~/Downloads/conference-signups.csv --list main
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var listOption: ListOption
        @Argument(help: ArgumentHelp("The CSV file.", valueName: "file")) var file: String

        func run() throws {
            let (_, config, people) = try PeopleCommand.open(workspaceOptions)
            let list = try listOption.list(in: config)
            var rows = try CSVSubscribers(url: URL(fileURLWithPath: file), displayPath: file)
            let report = try people.importRows(into: list.name, source: ConsentSource(file), now: Date()) {
                rows.next()
            }
            for problem in report.badRows + report.unsubscribedEarlier + report.erasedEarlier {
                Terminal.error(ErrorPresenter.render(problem, as: "warning"))
            }
            let skipped = report.badRows.count + report.unsubscribedEarlier.count + report.erasedEarlier.count
            Terminal.print(
                "Imported \(report.added) new subscriber\(report.added == 1 ? "" : "s") into the list `\(list.name)` (\(report.alreadyListed) already listed, \(skipped) row\(skipped == 1 ? "" : "s") skipped)."
            )
            if report.suppressed > 0 {
                Terminal.print("\(report.suppressed) of them are suppressed and will not be mailed.")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a list's mailed subscribers (confirmed, not suppressed) as CSV, with a header.")

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var listOption: ListOption

        func run() throws {
            let (_, config, people) = try PeopleCommand.open(workspaceOptions)
            let list = try listOption.list(in: config)
            var attributes = Set<String>()
            try people.eachActiveMember(of: list.name, filters: []) { attributes.formUnion($0.attributes.keys) }
            let columns = ["email", "name"] + attributes.sorted()
            let output = FileHandle.standardOutput
            output.write(Data(CSVWriter.line(columns).utf8))
            var buffer = ""
            try people.eachActiveMember(of: list.name, filters: []) { subscriber in
                buffer += CSVWriter.line(subscriber.fields(for: columns))
                if buffer.utf8.count > 64 * 1024 {
                    output.write(Data(buffer.utf8))
                    buffer = ""
                }
            }
            output.write(Data(buffer.utf8))
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the store's lists against newsletter.toml, and the old CSV files if not yet taken in.",
            discussion: """
                Before `subscribers migrate`, every row of subscribers/*.csv and of the suppression \
                list is checked, so that bad rows can be mended first. Exits 1 on a problem.
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Option(name: .customLong("list"), help: "Only this list (default: every list).") var name: String?

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let config = try workspace.loadConfig()
            var problems = DiagnosticCollector()
            let store = try SQLiteSubscriberStore(workspace: workspace)
            if !CSVMigration.files(in: workspace).isEmpty, try CSVMigration.migratedAt(store) == nil {
                LegacyListCheck.run(workspace: workspace, only: name, problems: &problems)
                try problems.throwIfAny()
                return
            }
            let counts = try store.listCounts()
            for list in config.lists.lists where name == nil || list.name == name {
                let count = counts.first { $0.list == list.name }
                Terminal.print("\(list.name): \(count?.all ?? 0) members, \(count?.active ?? 0) mailed.")
            }
            for count in counts where config.lists.definition(of: count.list) == nil {
                problems.record(
                    Diagnostic(
                        "The store holds \(count.all) members of the list `\(count.list)`, which newsletter.toml does not declare.",
                        hint: "Declare it with a `[lists.\(count.list)]` table, or nothing can be sent to them."))
            }
            try problems.throwIfAny()
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a workspace's subscriber files (subscribers/*.csv, suppressed.csv) into the store, once.",
            discussion: """
                Every row becomes a confirmed member of its list, with its attributes; every \
                suppressed address stays suppressed, with its reason and date. Afterwards the files \
                are no longer read; remove them, since they hold personal data.
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let config = try workspace.loadConfig()
            let files = CSVMigration.files(in: workspace)
            guard !files.isEmpty else {
                throw NewsletterError(
                    "There are no subscriber files (subscribers/*.csv) to take in.",
                    hint: "To add people from a CSV file, use `newsletter subscribers import FILE --list NAME`.")
            }
            let undeclared = SubscriberList.names(in: workspace).filter { config.lists.definition(of: $0) == nil }
            guard undeclared.isEmpty else {
                throw NewsletterError(
                    "newsletter.toml does not declare the list\(undeclared.count == 1 ? "" : "s") \(undeclared.map { "`\($0)`" }.joined(separator: ", ")), which subscribers/ holds.",
                    hint: "Declare each, then run this again: "
                        + undeclared.map { "[lists.\($0)] title = \"…\" public = false" }.joined(separator: "; "))
            }
            let store = try SQLiteSubscriberStore(workspace: workspace)
            let report = try CSVMigration.run(workspace: workspace, store: store, now: Date())
            for (_, _, imported) in report.lists {
                for problem in imported.badRows { Terminal.error(ErrorPresenter.render(problem, as: "warning")) }
            }
            for problem in report.suppressionProblems { Terminal.error(ErrorPresenter.render(problem, as: "warning")) }
            Terminal.print("Took the subscriber files into the store (\(workspace.displayPath(store.database.path))):")
            for (name, file, imported) in report.lists {
                Terminal.print(
                    "  \(file): \(imported.added) members of the list `\(name)`"
                        + (imported.badRows.isEmpty ? "" : ", \(imported.badRows.count) bad rows skipped")
                        + (imported.alreadyListed > 0 ? ", \(imported.alreadyListed) repeated rows" : ""))
            }
            Terminal.print("  subscribers/suppressed.csv: \(report.suppressed) suppressed addresses")
            Terminal.print(
                """

                The files are no longer read. Remove them: they hold personal data, and git keeps what
                was committed (`git rm subscribers/*.csv`; docs/subscribers.md says how to purge the history).
                """)
        }
    }
}

/// `subscribers check` before the migration: every row of the old files, as they will be read.
enum LegacyListCheck {
    static func run(workspace: Workspace, only name: String?, problems: inout DiagnosticCollector) {
        for listName in name.map({ [$0] }) ?? SubscriberList.names(in: workspace) {
            guard let list = problems.attempt({ try SubscriberList(name: listName, workspace: workspace) }),
                let (subscribers, report) = problems.attempt({ try list.load() })
            else { continue }
            Terminal.print("\(list.displayPath): \(subscribers.count) subscribers.")
            for duplicate in report.duplicates { Terminal.error(ErrorPresenter.render(duplicate, as: "warning")) }
            for bad in report.badRows { problems.record(bad) }
        }
        let suppression = SuppressionList(workspace: workspace)
        if let (entries, suppressionProblems) = problems.attempt({ try suppression.load() }) {
            Terminal.print("\(suppression.displayPath): \(entries.count) suppressed addresses")
            for problem in suppressionProblems { problems.record(problem) }
        }
        Terminal.print("Run `newsletter subscribers migrate` to take them into the store.")
    }
}
