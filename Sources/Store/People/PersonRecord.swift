public import Foundation
import NewsletterCore

/// Everything the store holds about a person: for `subscribers show`, and for the person.
public struct PersonRecord: Sendable {
    public var subscriber: StoredSubscriber
    public var memberships: [Membership]
    public var suppression: Suppression?
    public var events: [ConsentEvent]
    /// The sends they were in: issue, list, state, when.
    public var sends: [SendEntry]

    public struct SendEntry: Sendable, Equatable {
        public var issue: Int
        public var list: String
        public var state: String
        public var sentAt: Date?
    }
}
