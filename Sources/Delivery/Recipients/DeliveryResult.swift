/// How a message ended, as the ledger records it.
public enum DeliveryResult: Sendable, Equatable {
    case sent(reply: String, messageID: String)
    /// Try again later, unless the attempts or the age are used up.
    case deferred(code: Int, reply: String)
    /// Sent in full, but the connection broke before the relay answered: deferred like the
    /// above, and marked uncertain, since it may have arrived.
    case unconfirmed(reply: String)
    case failed(code: Int, reply: String)
    /// Suppressed after the send started: not sent.
    case suppressed
    /// Claimed but never handed to the relay (the send stopped first): back in the queue.
    case notAttempted
}
