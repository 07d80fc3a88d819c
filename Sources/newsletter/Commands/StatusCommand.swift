import ArgumentParser
import Delivery
import Foundation
import NewsletterCore
import Store

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show how the sends of an issue went: counts by state, failures with the relay's replies.")

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: "The issue number (default: the issue of a send not finished, else of the last send).")
    var number: Int?
    @Option(help: "Only the sends to this list.") var list: String?

    func run() throws {
        let workspace = try workspaceOptions.workspace()
        let toList = list.map { " to the list `\($0)`" } ?? ""
        switch try SendStatusReport.make(issue: number, list: list, workspace: workspace) {
        case .nothingSent:
            Terminal.print("Nothing has been sent from this workspace yet\(toList).")
        case .notSent(let issue):
            Terminal.print("Issue \(issue) has not been sent\(toList).")
        case .markedSentWithoutLedger(let issue, let markedSent):
            Terminal.print("Issue \(issue) is \(markedSent), but this workspace's ledger has no send of it\(toList).")
        case .sends(let statuses, let note):
            if let note { Terminal.error(note) }
            for status in statuses { Terminal.print(SendSummary.status(status)) }
        }
    }
}
