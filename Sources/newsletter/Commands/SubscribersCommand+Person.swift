import ArgumentParser
import Foundation
import NewsletterCore
import Store

/// What is held about one person (a data subject's request for access), and erasing it.
extension SubscribersCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print everything held about a person: lists, attributes, consent events, the sends they were in.",
            discussion: "Example: newsletter subscribers show ana@example.org --json > ana.json")

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: "The address.") var address: String
        @Flag(help: "As JSON, for giving the person their data.") var json = false

        func run() throws {
            let (_, _, people) = try PeopleCommand.open(workspaceOptions)
            let parsed = try EmailAddress.parsed(address)
            guard let person = try people.person(parsed) else {
                if try people.wasErased(parsed) {
                    Terminal.print(
                        "\(parsed) was erased at their request: nothing is held about them but a keyed hash.")
                } else if let suppression = try people.suppression(of: parsed) {
                    Terminal.print("\(parsed) is not a subscriber; it is suppressed (\(suppression.reason.rawValue)).")
                } else {
                    throw NewsletterError("Nothing is held about \(parsed).", hint: "Check the address.")
                }
                return
            }
            Terminal.print(json ? PersonReport.json(person) : PersonReport.text(person))
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a person everywhere, at their request, keeping only a hash so they are never added again.",
            discussion: """
                Removes the subscriber, their lists, their consent log and their name and address \
                from the records of past sends (whose counts stay), and keeps a keyed hash of the \
                address in the suppression list, so that an old CSV file imported later does not \
                bring them back. The store's file and log are rewritten so that nothing is left in them.
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: "The address.") var address: String

        func run() throws {
            let (_, _, people) = try PeopleCommand.open(workspaceOptions)
            let parsed = try EmailAddress.parsed(address)
            guard try people.forget(parsed, source: .init("newsletter subscribers forget"), now: Date()) else {
                if try people.wasErased(parsed) {
                    Terminal.print("\(parsed) was erased already.")
                    return
                }
                throw NewsletterError(
                    "Nothing is held about \(parsed).", hint: "Check the address; nothing was changed.")
            }
            Terminal.print(
                "Erased \(parsed): nothing is held about them now but a keyed hash, which keeps them from being added again."
            )
        }
    }
}

/// A person's record as `subscribers show` prints it.
enum PersonReport {
    static func text(_ person: PersonRecord) -> String {
        let subscriber = person.subscriber.subscriber
        var lines = ["\(subscriber.address)" + (subscriber.name.map { " (\($0))" } ?? "")]
        lines.append("  held since \(timestamp(person.subscriber.createdAt))")
        for (key, value) in subscriber.attributes.sorted(by: { $0.key < $1.key }) { lines.append("  \(key): \(value)") }
        lines.append("Lists:")
        for membership in person.memberships {
            lines.append("  \(membership.list): \(membership.status.rawValue) since \(timestamp(membership.changedAt))")
        }
        if person.memberships.isEmpty { lines.append("  none") }
        if let suppression = person.suppression {
            lines.append("Suppressed: \(suppression.reason.rawValue), since \(timestamp(suppression.at))")
        }
        lines.append("Consent log:")
        for event in person.events {
            var line = "  \(timestamp(event.at))  \(event.action.rawValue)"
            if let list = event.list { line += " (\(list))" }
            line += "  \(event.source)"
            if let ip = event.ip { line += "  from \(ip)" }
            if let agent = event.userAgent { line += "  \(agent)" }
            lines.append(line)
            if let text = event.consentText { lines.append("    agreed to: \(text)") }
        }
        lines.append("Sends:")
        for send in person.sends {
            lines.append(
                "  issue \(send.issue) to \(send.list): \(send.state)" + (send.sentAt.map { " \(timestamp($0))" } ?? "")
            )
        }
        if person.sends.isEmpty { lines.append("  none") }
        return lines.joined(separator: "\n")
    }

    static func json(_ person: PersonRecord) -> String {
        let subscriber = person.subscriber.subscriber
        var object: [String: Any] = [
            "email": subscriber.address.description,
            "attributes": subscriber.attributes,
            "held_since": timestamp(person.subscriber.createdAt),
            "lists": person.memberships.map {
                ["list": $0.list, "status": $0.status.rawValue, "since": timestamp($0.changedAt)]
            },
            "consent_events": person.events.map { event in
                var entry: [String: Any] = [
                    "at": timestamp(event.at), "action": event.action.rawValue, "source": event.source,
                ]
                entry["list"] = event.list
                entry["ip"] = event.ip
                entry["user_agent"] = event.userAgent
                entry["consent_text"] = event.consentText
                return entry
            },
            "sends": person.sends.map { send in
                var entry: [String: Any] = ["issue": send.issue, "list": send.list, "state": send.state]
                entry["sent_at"] = send.sentAt.map(timestamp)
                return entry
            },
        ]
        object["name"] = subscriber.name
        if let suppression = person.suppression {
            object["suppressed"] = ["reason": suppression.reason.rawValue, "since": timestamp(suppression.at)]
        }
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
