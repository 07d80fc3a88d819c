public import Foundation
public import NewsletterCore

/// Where a person stands on one list.
public enum MembershipStatus: String, Sendable, CaseIterable {
    /// Signed up, not confirmed yet (double opt-in): not mailed.
    case unconfirmed
    /// Mailed.
    case confirmed
    /// Left the list: not mailed, and not added back by an import.
    case unsubscribed
}

/// A person's standing on a list.
public struct Membership: Sendable, Equatable {
    public var list: String
    public var status: MembershipStatus
    public var changedAt: Date
}

/// A row of `subscribers list`: a member of a list and whether they are mailed.
public struct ListedMember: Sendable {
    public var subscriber: Subscriber
    public var status: MembershipStatus
    public var suppression: SuppressionReason?

    /// Confirmed and not suppressed: mailed by the next send.
    public var isActive: Bool { status == .confirmed && suppression == nil }
}
