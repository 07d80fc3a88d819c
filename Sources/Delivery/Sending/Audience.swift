import Foundation
import NewsletterCore

/// The audience of a send: the list without suppressed addresses; repeats are dropped by the ledger.
struct Audience: Sendable {
    let list: SubscriberList
    let suppressed: Set<String>

    init(workspace: Workspace, list name: String) throws {
        list = try SubscriberList(name: name, workspace: workspace)
        suppressed = Set(try SuppressionList(workspace: workspace).load().entries.keys)
    }

    /// Calls `body` with each subscriber to mail; returns what reading the list found.
    @discardableResult
    func readEach(registry: some AddressRegistry = NoAddressRegistry(), _ body: (Subscriber) throws -> Void) throws
        -> (report: SubscriberList.Report, suppressedCount: Int)
    {
        var suppressedCount = 0
        let report = try list.readEach(registry: registry) { subscriber in
            if suppressed.contains(subscriber.address.key) {
                suppressedCount += 1
            } else {
                try body(subscriber)
            }
        }
        return (report, suppressedCount)
    }
}
