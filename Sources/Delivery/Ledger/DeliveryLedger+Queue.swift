public import Foundation
internal import GRDB
public import Store

/// A recipient handed to a connection, marked "sending" in the ledger.
public struct ClaimedRecipient: Sendable, Equatable {
    public var id: Int64
    public var address: String
    public var name: String?
    /// The subscriber's other columns as the ledger keeps them (`AttributesText`): decoded by
    /// `attributes` on the thread that makes the message, not on the connection's.
    var attributesText: String
    public var attempts: Int
    public var firstAttemptAt: Double

    init(id: Int64, address: String, name: String?, attributesText: String, attempts: Int, firstAttemptAt: Double) {
        self.id = id
        self.address = address
        self.name = name
        self.attributesText = attributesText
        self.attempts = attempts
        self.firstAttemptAt = firstAttemptAt
    }

    init(id: Int64, address: String, name: String?, attributes: [String: String], attempts: Int, firstAttemptAt: Double)
    {
        self.init(
            id: id, address: address, name: name, attributesText: AttributesText.encode(attributes), attempts: attempts,
            firstAttemptAt: firstAttemptAt)
    }

    public var attributes: [String: String] { AttributesText.decode(attributesText) }
}

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

/// What `newsletter status` shows of one send.
public struct SendStatus: Sendable {
    public var send: SendRecord
    public var counts: [RecipientState: Int]
    /// Recipients that were in flight when a run died: they may have received the issue twice.
    /// The lists hold the first hundred; `counts` has them all.
    public var uncertain: [String]
    public var uncertainCount: Int
    public var failures: [(address: String, reply: String)]
    public var deferred: [(address: String, reply: String, nextAttempt: Date)]

    public var remaining: Int { (counts[.pending] ?? 0) + (counts[.deferred] ?? 0) + (counts[.sending] ?? 0) }
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
