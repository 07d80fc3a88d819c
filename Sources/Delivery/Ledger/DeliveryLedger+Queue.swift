import Foundation
internal import GRDB
import Store

/// What a connection should do next.
public enum NextStep: Sendable, Equatable {
    /// Mail these recipients, in this order.
    case send([ClaimedRecipient])
    /// Nothing is due now; deferred messages are due at this time (or others are in flight).
    case wait(until: Double)
    /// Every recipient has an outcome.
    case finished
}

extension DeliveryLedger {
    /// Records how the previous message of a connection ended (if any) and claims the next
    /// recipient, in one transaction: a retry that is due first, else the next pending one.
    /// With `claimNext` false it only records, and returns `.finished`. For tests: a send goes
    /// through `LedgerQueue`, which keeps one `LedgerWriter`; this opens one per call.
    func advance(
        sendID: Int64, finishing previous: (ClaimedRecipient, DeliveryResult)?, policy: RetryPolicy, now: Double,
        claimNext: Bool = true
    ) throws -> NextStep {
        var cursor = ClaimCursor()
        return try LedgerWriter(path: path).fold(
            [.step(previous, at: now, claimNext: claimNext)], sendID: sendID, policy: policy, now: now,
            cursor: &cursor)[0]
    }
}

extension DeliveryLedger {
    /// `status(of:)` while the send runs: the recipients its connections have claimed and not yet
    /// folded (their current batches, from their journals) count as "sending". The ledger still
    /// has most of them as pending: a claim is not written to it (see `LedgerWriter`).
    public func statusWhileSending(of send: SendRecord) throws -> SendStatus {
        var status = try status(of: send)
        // A journal being written may end in a torn line, which `read` leaves out; one that cannot
        // be read at all counts nothing: this is only a view.
        let files = (try? BatchJournal.files(in: journalFolder, sendID: send.id)) ?? []
        let claimed = files.reduce(0) { $0 + ((try? BatchJournal.read($1.url).claimed.count) ?? 0) }
        // Claimed retries are "sending" in the ledger already.
        let pendingClaimed = min(max(0, claimed - (status.counts[.sending] ?? 0)), status.counts[.pending] ?? 0)
        if pendingClaimed > 0 {
            status.counts[.sending, default: 0] += pendingClaimed
            status.counts[.pending, default: 0] -= pendingClaimed
        }
        return status
    }

    /// How many recipients of a send still wait for an outcome: `status(of:).remaining`
    /// without the lists.
    public func remaining(sendID: Int64) throws -> Int {
        try database.read { database in
            try Int.fetchOne(
                database,
                sql:
                    "SELECT COUNT(*) FROM recipient WHERE send_id = ? AND state IN \(RecipientState.waitingSQL)",
                arguments: [sendID]) ?? 0
        }
    }

    /// One scan of the send's recipients for the counts; the lists of uncertain and failed
    /// ones each cost another only when there are some (a scan of a long list is noticeable).
    public func status(of send: SendRecord) throws -> SendStatus {
        try database.read { database in
            var counts: [RecipientState: Int] = [:]
            var uncertainCount = 0
            for row in try Row.fetchAll(
                database,
                sql: """
                    SELECT state, COUNT(*) AS n, SUM(uncertain) AS uncertain FROM recipient
                    WHERE send_id = ? GROUP BY state
                    """,
                arguments: [send.id])
            {
                if let state = RecipientState(rawValue: row["state"]) { counts[state] = row["n"] }
                uncertainCount += row["uncertain"] as Int
            }
            let uncertain =
                uncertainCount == 0
                ? []
                : try String.fetchAll(
                    database,
                    sql: "SELECT email FROM recipient WHERE send_id = ? AND uncertain = 1 ORDER BY id LIMIT 100",
                    arguments: [send.id])
            let failures =
                counts[.failed, default: 0] == 0
                ? []
                : try Row.fetchAll(
                    database,
                    sql:
                        "SELECT email, reply FROM recipient WHERE send_id = ? AND state = \(RecipientState.failed.sql) ORDER BY id LIMIT 100",
                    arguments: [send.id]
                ).map { (address: $0["email"] as String, reply: ($0["reply"] as String?) ?? "") }
            let deferred = try Row.fetchAll(
                database,
                sql:
                    "SELECT email, reply, next_attempt_at FROM recipient WHERE send_id = ? AND state = \(RecipientState.deferred.sql) ORDER BY next_attempt_at LIMIT 100",
                arguments: [send.id]
            ).map {
                (
                    address: $0["email"] as String, reply: ($0["reply"] as String?) ?? "",
                    nextAttempt: Date(timeIntervalSince1970: $0["next_attempt_at"])
                )
            }
            return SendStatus(
                send: send, counts: counts, uncertain: uncertain, uncertainCount: uncertainCount, failures: failures,
                deferred: deferred)
        }
    }
}
