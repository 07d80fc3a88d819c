import Foundation
public import Store

/// A recipient's life in a send, in one place: what each try's outcome does to them, by the
/// retry policy of `[sending]`. Pure: no SQLite, no network, no clock but the `now` it is given.
///
///     pending ──claim──▶ sending ──250──────────────────────────▶ sent
///                          │ ──4xx, or cut before the data ended─▶ deferred ──due──▶ sending
///                          │     (the last attempt, or too old) ─▶ failed
///                          │ ──cut after the data, no reply ─────▶ deferred, uncertain (it may have arrived)
///                          │ ──5xx ──────────────────────────────▶ failed (5.1.x: the address suppressed too)
///                          │ ──unsubscribed meanwhile ───────────▶ suppressed
///                          └ ──the send stopped before trying ───▶ pending again (a retry: deferred, due now)
///     pending, deferred ──send --cancel──▶ cancelled
///
/// The relay's reply becomes a `DeliveryResult` in `SMTPConnection.classify` (2xx sent, 4xx
/// deferred, 5xx failed, a cut connection deferred or uncertain); the backoff and the giving up
/// are `RetryPolicy`'s; the ledger writes what `transition` says; `status` reads the states back
/// (`RecipientState`). Apart from one recipient's life, `[sending] max_errors` stops the whole
/// run after that many failures and deferrals in it (`SendControl`).
public enum RecipientLifecycle {
    /// What one outcome does to a recipient.
    public enum Transition: Sendable, Equatable {
        case sent(reply: String, messageID: String)
        /// Tried again at `retryAt`; `uncertain` when the message may have arrived all the same.
        case deferred(code: Int, reply: String, retryAt: Double, attempts: Int, uncertain: Bool)
        /// No more tries: refused for good, or given up after too many deferrals or too long.
        case failed(code: Int, reply: String, uncertain: Bool)
        case suppressed
        /// Never handed to the relay: claimable again, at once.
        case backInQueue
    }

    /// The transition of `recipient`'s outcome `result` at `now`.
    public static func transition(
        of recipient: ClaimedRecipient, after result: DeliveryResult, at now: Double, policy: RetryPolicy
    ) -> Transition {
        switch result {
        case .sent(let reply, let messageID):
            return .sent(reply: reply, messageID: messageID)
        case .deferred(let code, let reply):
            return deferral(of: recipient, code: code, reply: reply, uncertain: false, at: now, policy: policy)
        case .unconfirmed(let reply):
            return deferral(of: recipient, code: 0, reply: reply, uncertain: true, at: now, policy: policy)
        case .failed(let code, let reply):
            return .failed(code: code, reply: reply, uncertain: false)
        case .suppressed:
            return .suppressed
        case .notAttempted:
            return .backInQueue
        }
    }

    /// A deferral: retried after `retry_after`, doubled at each attempt, unless this was the
    /// last attempt (`max_attempts`) or the first was `max_retry_age` ago.
    static func deferral(
        of recipient: ClaimedRecipient, code: Int, reply: String, uncertain: Bool, at now: Double, policy: RetryPolicy
    ) -> Transition {
        if policy.givesUp(on: recipient, at: now) {
            let attempts = "\(recipient.attempts) attempt\(recipient.attempts == 1 ? "" : "s")"
            return .failed(code: code, reply: "gave up after \(attempts): \(reply)", uncertain: uncertain)
        }
        let delay = policy.retryAfter * pow(2, Double(recipient.attempts - 1))
        return .deferred(
            code: code, reply: reply, retryAt: now + delay, attempts: recipient.attempts, uncertain: uncertain)
    }

    /// The state a transition leaves the recipient in.
    public static func state(after transition: Transition) -> RecipientState {
        switch transition {
        case .sent: .sent
        case .deferred: .deferred
        case .failed: .failed
        case .suppressed: .suppressed
        case .backInQueue: .pending
        }
    }

    /// Whether the relay's reply says the mailbox does not exist (RFC 3463 enhanced status 5.1.x:
    /// bad destination mailbox or domain): the address is then suppressed for every list, so no
    /// later send tries it again.
    public static func isBadMailbox(_ reply: String) -> Bool {
        let words = reply.split(separator: " ").prefix(2)
        return words.count == 2 && words[words.startIndex].hasPrefix("5")
            && words[words.index(after: words.startIndex)].hasPrefix("5.1.")
    }
}
