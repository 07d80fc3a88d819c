import Foundation
import NewsletterCore

/// The connections' way to the ledger: a group commit. A connection that needs the ledger
/// while another one's transaction is running waits, and the next transaction serves every
/// connection waiting by then. Each still gets its own fold, committed before it returns.
final class LedgerQueue: @unchecked Sendable {
    // `@unchecked`: `waiting`, `committing` and `changes` are only touched while `condition` is
    // locked; a request's `result` and `changesBefore` are written by the committing thread
    // under the lock and read by its owner after the lock hands it over.
    /// Used by the committing thread only, like `cursor`.
    private let writer: LedgerWriter
    private let sendID: Int64
    private let policy: RetryPolicy
    private let condition = NSCondition()
    private var waiting: [Request] = []
    private var committing = false
    /// Transactions so far that recorded outcomes (a claim that found nothing changes nothing):
    /// a connection waiting for the others watches it.
    private var changes = 0
    /// Used by the committing thread only.
    private var cursor: ClaimCursor

    private final class Request {
        let fold: LedgerWriter.Fold
        var result: Result<NextStep, any Error>?
        /// `changes` as the transaction serving this request began.
        var changesBefore = 0

        init(_ fold: LedgerWriter.Fold) {
            self.fold = fold
        }
    }

    /// `connections`: how many connections claim through this queue, which near the end of
    /// the send share what is left. `audienceComplete` false: the rest of the audience comes
    /// through `freeze`, and connections that find nothing to claim wait for it.
    init(
        ledger: DeliveryLedger, sendID: Int64, policy: RetryPolicy, connections: Int = 1, audienceComplete: Bool = true
    )
        throws
    {
        writer = try LedgerWriter(path: ledger.path)
        cursor = ClaimCursor(sharedBy: connections)
        cursor.audienceComplete = audienceComplete
        self.sendID = sendID
        self.policy = policy
    }

    /// Records a connection's outcomes and claims its next recipients, if it asks for any.
    /// `seen` becomes the number of transactions that had recorded outcomes when the one serving
    /// this fold began: a later change, even in that same transaction (another connection's
    /// outcomes folded after this claim), wakes `waitForChange`.
    func fold(_ fold: LedgerWriter.Fold, seen: inout Int) throws -> NextStep {
        let request = Request(fold)
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
            for member in batch { member.changesBefore = changes }
            condition.unlock()
            let outcome = Result {
                try writer.fold(
                    batch.map(\.fold), sendID: sendID, policy: policy, now: Date().timeIntervalSince1970,
                    cursor: &cursor)
            }
            condition.lock()
            for (index, member) in batch.enumerated() { member.result = outcome.map { $0[index] } }
            if case .success = outcome, batch.contains(where: { !$0.fold.outcomes.isEmpty }) { changes += 1 }
            committing = false
            condition.broadcast()
        }
        seen = request.changesBefore
        condition.unlock()
        // The loop above only ends once `result` is set.
        guard let result = request.result else { preconditionFailure("a ledger step ended without a result") }
        return try result.get()
    }

    /// Adds `subscribers` to the audience, between the connections' folds; a connection
    /// waiting for more to claim wakes.
    func freeze(_ subscribers: [Subscriber]) throws {
        try exclusively { cursor in
            let last = try writer.freeze(subscribers, sendID: sendID)
            // Claiming runs to the new end (once it had looked the end up).
            if cursor.end != nil { cursor.end = max(cursor.end ?? last, last) }
        }
    }

    /// Notes the whole audience in, and returns how many it holds: from now on, a claim that
    /// finds nothing left means the send is done (or waits only for retries).
    func completeFreeze() throws -> Int {
        try exclusively { cursor in
            let count = try writer.completeFreeze(sendID: sendID)
            cursor.audienceComplete = true
            return count
        }
    }

    /// Runs `body` as the committing thread, between two folds, then wakes whoever waits: for
    /// the ledger, or for a change (`waitForChange`).
    private func exclusively<T>(_ body: (inout ClaimCursor) throws -> T) throws -> T {
        condition.lock()
        while committing { condition.wait() }
        committing = true
        condition.unlock()
        defer {
            condition.lock()
            committing = false
            changes += 1
            condition.broadcast()
            condition.unlock()
        }
        return try body(&cursor)
    }

    /// Waits until a transaction after the `seen`th has recorded outcomes, or until
    /// `deadline`; whether one has. A connection with nothing to claim while others are still
    /// mailing waits so, to claim again as soon as their outcomes change what is left.
    func waitForChange(after seen: Int, until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while changes == seen {
            if !condition.wait(until: deadline) { break }
        }
        return changes != seen
    }
}
