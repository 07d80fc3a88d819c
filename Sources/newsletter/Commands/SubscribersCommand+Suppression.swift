import ArgumentParser
import Foundation
import NewsletterCore
import Store

extension SubscribersCommand {
    struct Suppress: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Never mail an address again, on any list.",
            discussion:
                "A send that is running honours it within a second. Example: newsletter subscribers suppress x@example.org --reason complaint"
        )

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: "The address.") var address: String
        @Option(help: "unsubscribed, hard-bounce, complaint or manual.") var reason: String = "manual"

        func validate() throws {
            guard let reason = SuppressionReason(rawValue: reason), reason != .erased else {
                throw ValidationError(
                    "--reason must be one of unsubscribed, hard-bounce, complaint, manual (to erase a person, use `subscribers forget`)."
                )
            }
        }

        func run() throws {
            let (_, _, people) = try PeopleCommand.open(workspaceOptions)
            let parsed = try EmailAddress.parsed(address)
            let added = try people.suppress(
                parsed, reason: SuppressionReason(rawValue: reason) ?? .manual,
                source: .init("newsletter subscribers suppress"), now: Date())
            Terminal.print(
                added ? "Suppressed \(parsed): it is never mailed again." : "\(parsed) was already suppressed.")
        }
    }

    struct Unsuppress: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a suppressed address be mailed again, for a person who asks to come back.",
            discussion: """
                The reason is kept in the person's consent log. They are mailed again on the lists \
                they are still confirmed on; one they left, they join again by signing up.
                Example: newsletter subscribers unsuppress ana@example.org --reason "asked by email on 3 Dec"
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: "The address.") var address: String
        @Option(help: "Why, in a few words: kept with the person's record.") var reason: String

        func validate() throws {
            let trimmed = reason.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.contains(where: \.isControlCharacter) else {
                throw ValidationError("--reason must say why, on one line.")
            }
        }

        func run() throws {
            let (_, _, people) = try PeopleCommand.open(workspaceOptions)
            let parsed = try EmailAddress.parsed(address)
            if try people.wasErased(parsed) {
                throw NewsletterError(
                    "\(parsed) was erased at their request; nothing is held about them to lift.",
                    hint: "Only they can sign up again, on the sign-up form.")
            }
            guard
                try people.unsuppress(
                    parsed, reason: reason, source: .init("newsletter subscribers unsuppress"), now: Date())
            else {
                throw NewsletterError("\(parsed) is not suppressed.", hint: "Nothing was changed.")
            }
            Terminal.print("\(parsed) may be mailed again (reason recorded: \(reason)).")
        }
    }
}
