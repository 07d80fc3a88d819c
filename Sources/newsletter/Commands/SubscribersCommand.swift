import ArgumentParser
import Foundation
import NewsletterCore

struct SubscribersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribers",
        abstract: "Manage subscriber lists (subscribers/NAME.csv) and the suppression list.",
        subcommands: [List.self, Add.self, Remove.self, Suppress.self, Import.self, Export.self, Check.self])

    /// `--list NAME`, defaulting to the config's default list.
    struct ListOption: ParsableArguments {
        @Option(name: .customLong("list"), help: "The list (default: the config's `lists.default`).")
        var name: String?

        func list(in workspace: Workspace) throws -> SubscriberList {
            try SubscriberList(name: name ?? workspace.loadConfig().lists.defaultList, workspace: workspace)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a list's subscribers with their status (active or suppressed).")

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var listOption: ListOption

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let list = try listOption.list(in: workspace)
            let suppressed = try SuppressionList(workspace: workspace).load().entries
            let (subscribers, report) = try list.load()
            let width = min(40, subscribers.map { $0.address.description.count }.max() ?? 0)
            for subscriber in subscribers {
                let status = suppressed[subscriber.address.key].map { "suppressed (\($0.reason))" } ?? "active"
                let address = subscriber.address.description.padding(
                    toLength: max(width, subscriber.address.description.count), withPad: " ", startingAt: 0)
                Terminal.print(
                    "\(address)  \(status.padding(toLength: 26, withPad: " ", startingAt: 0))  \(subscriber.name ?? "")"
                )
            }
            let active = subscribers.filter { suppressed[$0.address.key] == nil }.count
            Terminal.print(
                "\n\(list.name): \(subscribers.count) subscribers, \(active) active, \(subscribers.count - active) suppressed"
                    + SubscriberSummary.problems(report))
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add one subscriber to a list.",
            discussion:
                "Example: newsletter subscribers add agnes.banfi@example.org --name \"Ágnes Bánfi\" --set city=Budapest"
        )

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var listOption: ListOption
        @Argument(help: "The address.") var address: String
        @Option(help: "The subscriber's name.") var name: String?
        @Option(
            name: .customLong("set"),
            help: ArgumentHelp("An attribute, as KEY=VALUE (repeatable).", valueName: "key=value"))
        var attributes: [String] = []

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let list = try listOption.list(in: workspace)
            let parsed = try EmailAddress.parsed(address)
            var values: [String: String] = [:]
            for pair in attributes {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw ValidationError("`--set \(pair)`: write attributes as KEY=VALUE, such as city=Budapest.")
                }
                // A key becomes a column name, which the list compares trimmed and without case.
                let key = pair[..<equals].trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty, !key.contains(where: \.isControlCharacter) else {
                    throw ValidationError("`--set`: a key is a column name, without control characters.")
                }
                guard !["email", "name"].contains(key.lowercased()) else {
                    throw ValidationError("`--set \(key)=…`: the address is the argument, and the name is --name.")
                }
                guard !values.keys.contains(where: { $0.lowercased() == key.lowercased() }) else {
                    throw ValidationError("`--set \(key)=…` is given twice.")
                }
                values[key] = String(pair[pair.index(after: equals)...])
            }
            let fields = [parsed.description, name ?? ""] + values.values
            if let bad = fields.joined().first(where: \.isControlCharacter) {
                throw ValidationError("Values may not contain control characters (found \(bad.unicodeDescription)).")
            }
            let newColumns = try SubscriberListEditor(list: list).add(
                Subscriber(address: parsed, name: name, attributes: values))
            Terminal.print("Added \(parsed) to \(list.displayPath).")
            if !newColumns.isEmpty {
                Terminal.print("New columns: \(newColumns.joined(separator: ", ")) (empty for the others).")
            }
            if let entry = try SuppressionList(workspace: workspace).load().entries[parsed.key] {
                Terminal.print("Note: \(parsed) is suppressed (\(entry.reason)) and will not be mailed.")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a subscriber from a list (to stop all mail to an address, suppress it instead).")

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var listOption: ListOption
        @Argument(help: "The address.") var address: String

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let list = try listOption.list(in: workspace)
            let parsed = try EmailAddress.parsed(address)
            let removed = try SubscriberListEditor(list: list).remove(parsed)
            guard removed > 0 else {
                throw NewsletterError("\(parsed) is not on the list `\(list.name)`.", hint: "Nothing was changed.")
            }
            Terminal.print("Removed \(parsed) from \(list.displayPath).")
        }
    }

    struct Suppress: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Never mail an address again, on any list (adds it to subscribers/suppressed.csv).",
            discussion:
                "A send that is running honours it within a second. Example: newsletter subscribers suppress x@example.org --reason complaint"
        )

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: "The address.") var address: String
        @Option(help: "unsubscribed, hard-bounce, complaint or manual.") var reason: String = "manual"

        func validate() throws {
            guard SuppressionList.Reason(rawValue: reason) != nil else {
                throw ValidationError(
                    "--reason must be one of \(SuppressionList.Reason.allCases.map(\.rawValue).joined(separator: ", "))."
                )
            }
        }

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let parsed = try EmailAddress.parsed(address)
            let list = SuppressionList(workspace: workspace)
            let added = try list.add([
                .init(address: parsed, reason: SuppressionList.Reason(rawValue: reason) ?? .manual, date: .today())
            ])
            Terminal.print(
                added > 0 ? "Suppressed \(parsed) in \(list.displayPath)." : "\(parsed) was already suppressed.")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the rows of a CSV file (with an `email` column) to a list.",
            discussion: """
                Rows are checked one by one: a bad row is reported with its line and skipped, an address \
                already on the list is left alone, new columns are added to the list.
                Example: newsletter subscribers import ~/Downloads/conference-signups.csv --list main
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var listOption: ListOption
        @Argument(help: ArgumentHelp("The CSV file.", valueName: "file")) var file: String

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let list = try listOption.list(in: workspace)
            let url = URL(fileURLWithPath: file)
            let report = try SubscriberListEditor(list: list).importRows(from: url, displayPath: file)
            for problem in report.badRows { Terminal.error(ErrorPresenter.render(problem, as: "warning")) }
            Terminal.print(
                "Imported \(report.added.count) new subscriber\(report.added.count == 1 ? "" : "s") into \(list.displayPath)"
                    + " (\(report.alreadyListed) already listed, \(report.badRows.count) bad row\(report.badRows.count == 1 ? "" : "s") skipped)."
            )
            if !report.newColumns.isEmpty {
                Terminal.print("New columns: \(report.newColumns.joined(separator: ", ")).")
            }
            let suppressed = try SuppressionList(workspace: workspace).load().entries
            let blocked = report.added.filter { suppressed[$0.address.key] != nil }.count
            if blocked > 0 { Terminal.print("\(blocked) of them are suppressed and will not be mailed.") }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a list's active subscribers as CSV: checked, without duplicates or suppressed addresses.")

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var listOption: ListOption

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let list = try listOption.list(in: workspace)
            let suppressed = try SuppressionList(workspace: workspace).load().entries
            let (subscribers, report) = try list.load()
            let columns = report.columns.names
            var output = CSVWriter.line(columns)
            for subscriber in subscribers where suppressed[subscriber.address.key] == nil {
                output += CSVWriter.line(subscriber.fields(for: columns))
            }
            FileHandle.standardOutput.write(Data(output.utf8))
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every row of the lists and the suppression list; exit 1 on a bad row.")

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Option(name: .customLong("list"), help: "Only this list (default: every list).") var name: String?

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let names = name.map { [$0] } ?? SubscriberList.names(in: workspace)
            var problems = DiagnosticCollector()
            for name in names {
                guard let list = problems.attempt({ try SubscriberList(name: name, workspace: workspace) }),
                    let (subscribers, report) = problems.attempt({ try list.load() })
                else { continue }
                Terminal.print(
                    "\(list.displayPath): \(subscribers.count) subscribers" + SubscriberSummary.problems(report))
                for duplicate in report.duplicates { Terminal.error(ErrorPresenter.render(duplicate, as: "warning")) }
                for bad in report.badRows { problems.record(bad) }
            }
            if let (entries, suppressionProblems) = problems.attempt({
                try SuppressionList(workspace: workspace).load()
            }) {
                Terminal.print(
                    "\(SuppressionList(workspace: workspace).displayPath): \(entries.count) suppressed addresses")
                for problem in suppressionProblems { problems.record(problem) }
            }
            try problems.throwIfAny()
        }
    }
}

enum SubscriberSummary {
    static func problems(_ report: SubscriberList.Report) -> String {
        var parts: [String] = []
        if !report.badRows.isEmpty {
            parts.append("\(report.badRows.count) bad row\(report.badRows.count == 1 ? "" : "s") skipped")
        }
        if !report.duplicates.isEmpty {
            parts.append("\(report.duplicates.count) duplicate\(report.duplicates.count == 1 ? "" : "s") dropped")
        }
        return parts.isEmpty ? "." : "; " + parts.joined(separator: ", ") + "."
    }
}
