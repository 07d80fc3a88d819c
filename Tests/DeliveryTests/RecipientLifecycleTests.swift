import Store
import Testing

@testable import Delivery

/// What each outcome does to a recipient, without a ledger or a relay: `RecipientLifecycle`.
@Suite struct RecipientLifecycleTests {
    let policy = RetryPolicy(maxAttempts: 3, retryAfter: 60, maxAge: 3600)
    let now = 1_000_000.0

    func recipient(attempts: Int, firstTriedAgo: Double = 0) -> ClaimedRecipient {
        ClaimedRecipient(
            id: 7, address: "ana@example.org", name: nil, attributes: [:], attempts: attempts,
            firstAttemptAt: now - firstTriedAgo)
    }

    func transition(_ result: DeliveryResult, attempts: Int = 1, firstTriedAgo: Double = 0)
        -> RecipientLifecycle.Transition
    {
        RecipientLifecycle.transition(
            of: recipient(attempts: attempts, firstTriedAgo: firstTriedAgo), after: result, at: now, policy: policy)
    }

    @Test func anAcceptedMessageIsSent() {
        let sent = transition(.sent(reply: "250 2.0.0 Ok", messageID: "<1@example.org>"))
        #expect(sent == .sent(reply: "250 2.0.0 Ok", messageID: "<1@example.org>"))
        #expect(RecipientLifecycle.state(after: sent) == .sent)
    }

    @Test func a451IsTriedAgainLaterEachTimeTwiceAsLateThenGivenUp() {
        let reply = "451 4.7.1 Greylisted, try later"
        #expect(
            transition(.deferred(code: 451, reply: reply), attempts: 1)
                == .deferred(code: 451, reply: reply, retryAt: now + 60, attempts: 1, uncertain: false))
        #expect(
            transition(.deferred(code: 451, reply: reply), attempts: 2)
                == .deferred(code: 451, reply: reply, retryAt: now + 120, attempts: 2, uncertain: false))
        // The third attempt of three is the last.
        let last = transition(.deferred(code: 451, reply: reply), attempts: 3)
        #expect(last == .failed(code: 451, reply: "gave up after 3 attempts: \(reply)", uncertain: false))
        #expect(RecipientLifecycle.state(after: last) == .failed)
        // So is any attempt once the first was max_retry_age ago.
        #expect(
            transition(.deferred(code: 421, reply: "421 busy"), attempts: 1, firstTriedAgo: 3600)
                == .failed(code: 421, reply: "gave up after 1 attempt: 421 busy", uncertain: false))
    }

    @Test func aMessageThatMayHaveArrivedIsRetriedAndMarkedUncertain() {
        let cut = transition(.unconfirmed(reply: "connection cut after the data"), attempts: 1)
        #expect(
            cut
                == .deferred(
                    code: 0, reply: "connection cut after the data", retryAt: now + 60, attempts: 1, uncertain: true))
        let lastCut = transition(.unconfirmed(reply: "cut"), attempts: 3)
        #expect(lastCut == .failed(code: 0, reply: "gave up after 3 attempts: cut", uncertain: true))
    }

    @Test func a5xxFailsAtOnceAndOnly5_1_xSaysTheMailboxIsGone() {
        let reply = "550 5.1.1 <ana@example.org>: Recipient address rejected: User unknown"
        let failed = transition(.failed(code: 550, reply: reply))
        #expect(failed == .failed(code: 550, reply: reply, uncertain: false))
        #expect(RecipientLifecycle.isBadMailbox(reply))
        #expect(!RecipientLifecycle.isBadMailbox("550 5.7.1 Message rejected as spam"))
        #expect(!RecipientLifecycle.isBadMailbox("451 4.1.1 try later"))
        // A deferral given up is no bad mailbox, whatever its reply said.
        guard case .failed(_, let given, _) = transition(.deferred(code: 450, reply: "450 5.1.1 odd"), attempts: 3)
        else {
            Issue.record("not failed")
            return
        }
        #expect(!RecipientLifecycle.isBadMailbox(given))
    }

    @Test func theSuppressedAndTheUntriedAreNeitherSentNorFailed() {
        #expect(transition(.suppressed) == .suppressed)
        #expect(RecipientLifecycle.state(after: .suppressed) == .suppressed)
        #expect(transition(.notAttempted, attempts: 2) == .backInQueue)
        #expect(RecipientLifecycle.state(after: .backInQueue) == .pending)
    }

    @Test func everyStateIsSpeltOnceForSQL() {
        #expect(RecipientState.deferred.sql == "'deferred'")
        #expect(RecipientState.waitingSQL == "('pending', 'deferred', 'sending')")
    }
}
