import ArgumentParser
import Foundation
import NewsletterCore
import Store

struct SubscribersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribers",
        abstract: "Manage the subscribers, their lists, the suppression list and what is held about each person.",
        discussion: """
            The people live in the workspace's store (.newsletter/, never in git); CSV files are \
            the way in (import) and out (export). Lists are declared in newsletter.toml.
            """,
        subcommands: [
            List.self, Add.self, Remove.self, Suppress.self, Unsuppress.self, Import.self, Export.self, Check.self,
            Show.self, Forget.self, Migrate.self,
        ])

    /// `--list NAME`, defaulting to the config's default list; the list must be declared.
    struct ListOption: ParsableArguments {
        @Option(name: .customLong("list"), help: "The list (default: the config's `lists.default`).")
        var name: String?

        func list(in config: NewsletterConfig) throws -> ListDefinition {
            try config.lists.require(name ?? config.lists.defaultList)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a list's members with their status: confirmed, unconfirmed, unsubscribed, suppressed.")

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var listOption: ListOption

        func run() throws {
            let (workspace, config, people) = try PeopleCommand.open(workspaceOptions)
            let list = try listOption.list(in: config)
            let members = try people.members(of: list.name)
            let width = min(40, members.map { $0.subscriber.address.description.count }.max() ?? 0)
            for member in members {
                let address = member.subscriber.address.description
                let status = member.suppression.map { "suppressed (\($0.rawValue))" } ?? member.status.rawValue
                Terminal.print(
                    address.padding(toLength: max(width, address.count), withPad: " ", startingAt: 0) + "  "
                        + status.padding(toLength: 26, withPad: " ", startingAt: 0) + "  "
                        + (member.subscriber.name ?? ""))
            }
            let summary = try people.audienceSummary(of: list.name, filters: [])
            _ = workspace
            Terminal.print(
                "\n\(list.name): \(members.count) members, \(summary.active) mailed; \(summary.unconfirmed) unconfirmed, \(summary.unsubscribed) unsubscribed, \(summary.suppressed) suppressed."
            )
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add one subscriber to a list, confirmed.",
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
            let (_, config, people) = try PeopleCommand.open(workspaceOptions)
            let list = try listOption.list(in: config)
            let parsed = try EmailAddress.parsed(address)
            let subscriber = Subscriber(
                address: parsed, name: try Subscriber.checkedName(name),
                attributes: try AttributeAssignments.parse(attributes))
            let source = ConsentSource("newsletter subscribers add")
            switch try people.add(subscriber, to: list.name, source: source, now: Date()) {
            case .added:
                Terminal.print("Added \(parsed) to the list `\(list.name)`.")
            case .alreadyListed:
                Terminal.print(
                    "\(parsed) is on the list `\(list.name)` already; their name and attributes were updated.")
            case .unsubscribedEarlier:
                throw NewsletterError(
                    "\(parsed) left the list `\(list.name)` earlier, so they are not added back.",
                    hint: "If they want to come back, they can sign up again (and confirm) on the sign-up form.")
            case .erasedEarlier:
                throw NewsletterError(
                    "\(parsed) was erased at their request (`subscribers forget`), so they are not added.",
                    hint: "Only they can sign up again, on the sign-up form.")
            }
            if let suppression = try people.suppression(of: parsed) {
                Terminal.print(
                    "Note: \(parsed) is suppressed (\(suppression.reason.rawValue)) and will not be mailed; `newsletter subscribers unsuppress` lifts that."
                )
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a subscriber off a list (to stop all mail to an address, suppress it instead).")

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var listOption: ListOption
        @Argument(help: "The address.") var address: String

        func run() throws {
            let (_, config, people) = try PeopleCommand.open(workspaceOptions)
            let list = try listOption.list(in: config)
            let parsed = try EmailAddress.parsed(address)
            guard
                try people.remove(parsed, from: list.name, source: .init("newsletter subscribers remove"), now: Date())
            else {
                throw NewsletterError("\(parsed) is not on the list `\(list.name)`.", hint: "Nothing was changed.")
            }
            Terminal.print("Removed \(parsed) from the list `\(list.name)`.")
        }
    }
}

/// What every `subscribers` command opens: the workspace, its config, and the people in its
/// store (saying so when the old subscriber files are still there).
enum PeopleCommand {
    static func open(_ options: WorkspaceOptions) throws -> (Workspace, NewsletterConfig, SQLiteSubscriberStore) {
        let workspace = try options.workspace()
        let config = try workspace.loadConfig()
        let opened = try PeopleAccess.open(workspace)
        if let notice = opened.notice { Terminal.error(notice) }
        return (workspace, config, opened.store)
    }
}
