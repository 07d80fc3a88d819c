/// A recipient's state in a send's ledger (the `state` column of `recipient`). What moves a
/// recipient from one to another is `RecipientLifecycle`, in Delivery; every query names the
/// states through `sql`, so that a state is spelt once.
public enum RecipientState: String, Sendable, CaseIterable {
    case pending, sending, sent, deferred, failed
    /// Suppressed (unsubscribed, bounced) after the send started: nothing more is sent to them.
    case suppressed
    /// Still waiting when the send was cancelled (`send --cancel`): never mailed.
    case cancelled

    /// The state as an SQL literal: `'pending'`.
    public var sql: String { "'\(rawValue)'" }

    /// Those still waiting for an outcome, as an SQL list: `('pending', 'deferred', 'sending')`.
    public static let waitingSQL =
        "(\([RecipientState.pending, .deferred, .sending].map(\.sql).joined(separator: ", ")))"
}
