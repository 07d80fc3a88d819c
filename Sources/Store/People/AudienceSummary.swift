import Foundation
import NewsletterCore

/// A list's members by whether a send mails them.
public struct AudienceSummary: Sendable, Equatable {
    /// Confirmed, not suppressed, meeting the filters: mailed.
    public var active = 0
    /// Confirmed but suppressed.
    public var suppressed = 0
    public var unconfirmed = 0
    public var unsubscribed = 0
    /// Confirmed and not suppressed, but not meeting the filters.
    public var filteredOut = 0
    /// Confirmed, not suppressed, meeting the filters, who received the issue already (`--only-new`).
    public var receivedAlready = 0

    public init() {}
}
