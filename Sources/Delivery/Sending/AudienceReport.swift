import Foundation
import NewsletterCore
import Store

/// What the editor is told once a send's audience is frozen: how many are to be mailed, and
/// how many members of the list are not, by why.
enum AudienceReport {
    /// `completing`: the rest of an audience a stopped run began, whose first rows were read
    /// from the list as it was then (some since mailed, or gone from it).
    static func note(_ audience: Audience, frozen count: Int, completing: Bool = false, reporter: some SendReporter) {
        let name = audience.description.prefix(1).uppercased() + audience.description.dropFirst()
        guard !completing else {
            reporter.note("\(name): the rest of the audience is in the ledger; \(count) to mail in all.")
            return
        }
        guard let summary = try? audience.summary() else {
            reporter.note("\(name): \(count) to mail.")
            return
        }
        var skipped = [
            "\(summary.suppressed) suppressed", "\(summary.unconfirmed) unconfirmed",
            "\(summary.unsubscribed) unsubscribed",
        ]
        if !audience.filters.isEmpty { skipped.append("\(summary.filteredOut) not matching") }
        if audience.notReceiving != nil { skipped.append("\(summary.receivedAlready) who received it already") }
        reporter.note("\(name): \(count) to mail; \(skipped.joined(separator: ", ")).")
    }
}
