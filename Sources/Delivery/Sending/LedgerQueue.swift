import Foundation

/// The connections' way to the ledger: a group commit. A connection that needs the ledger
/// while another one's transaction is running waits, and the next transaction serves every
/// connection waiting by then. Each still gets its own step, committed before it returns, so
/// the guarantee of one "sending" recipient per connection holds; there are just fewer commits.
final class LedgerQueue: @unchecked Sendable {
    // `@unchecked`: `waiting` and `committing` are only touched while `condition` is locked;
    // a request's `result` is written by the committing thread under the lock and read by its
    // owner after the lock hands it over.
    /// Used by the committing thread only, like `cursor`.
    private let writer: LedgerWriter
    private let sendID: Int64
    private let policy: RetryPolicy
    private let condition = NSCondition()
    private var waiting: [Request] = []
    private var committing = false
    /// Used by the committing thread only.
    private var cursor = ClaimCursor()

    private final class Request {
        let previous: (ClaimedRecipient, DeliveryResult)?
        let claimNext: Bool
        var result: Result<NextStep, any Error>?

        init(previous: (ClaimedRecipient, DeliveryResult)?, claimNext: Bool) {
            self.previous = previous
            self.claimNext = claimNext
        }
    }

    init(ledger: DeliveryLedger, sendID: Int64, policy: RetryPolicy) throws {
        writer = try LedgerWriter(path: ledger.path)
        self.sendID = sendID
        self.policy = policy
    }

    /// Records how the previous message ended and, with `claimNext`, claims the next recipient.
    func advance(finishing previous: (ClaimedRecipient, DeliveryResult)?, claimNext: Bool = true) throws -> NextStep {
        let request = Request(previous: previous, claimNext: claimNext)
        condition.lock()
        waiting.append(request)
        while request.result == nil {
            if committing {
                condition.wait()
                continue
            }
            committing = true
            let batch = waiting
            waiting.removeAll()
            condition.unlock()
            let outcome = Result {
                try writer.advance(
                    sendID: sendID, steps: batch.map { ($0.previous, $0.claimNext) }, policy: policy,
                    now: Date().timeIntervalSince1970, cursor: &cursor)
            }
            condition.lock()
            for (index, member) in batch.enumerated() { member.result = outcome.map { $0[index] } }
            committing = false
            condition.broadcast()
        }
        condition.unlock()
        // The loop above only ends once `result` is set.
        guard let result = request.result else { preconditionFailure("a ledger step ended without a result") }
        return try result.get()
    }
}
