public import Foundation
internal import GRDB
public import NewsletterCore

/// A recipient handed to a connection, marked "sending" in the ledger.
public struct ClaimedRecipient: Sendable, Equatable {
    public var id: Int64
    public var address: String
    public var name: String?
    public var attributes: [String: String]
    public var attempts: Int
    public var firstAttemptAt: Double
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
    case send(ClaimedRecipient)
    /// Nothing is due now; deferred messages are due at this time (or others are in flight).
    case wait(until: Double)
    /// Every recipient has an outcome.
    case finished
}

/// The retry policy of `[sending]`.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var retryAfter: Double
    public var maxAge: Double

    public init(maxAttempts: Int, retryAfter: Double, maxAge: Double) {
        self.maxAttempts = maxAttempts
        self.retryAfter = retryAfter
        self.maxAge = maxAge
    }

    public init(settings: SendingSettings) {
        self.init(maxAttempts: settings.maxAttempts, retryAfter: settings.retryAfter, maxAge: settings.maxRetryAge)
    }
}

/// Where claiming left off in one send. Pending recipients are claimed in id order, so the
/// next one is found by walking the table's rowid order from here: an index of pending
/// recipients would cost every claim one more page written to the WAL.
public struct ClaimCursor: Sendable {
    var lastClaimedID: Int64 = 0

    public init() {}
}

extension DeliveryLedger {
    /// Records how the previous message of a connection ended (if any) and claims the next
    /// recipient, in one transaction: a retry that is due first, else the next pending one.
    /// With `claimNext` false it only records, and returns `.finished`.
    public func advance(
        sendID: Int64, finishing previous: (ClaimedRecipient, DeliveryResult)?, policy: RetryPolicy, now: Double,
        claimNext: Bool = true
    ) throws -> NextStep {
        var cursor = ClaimCursor()
        return try advance(sendID: sendID, steps: [(previous, claimNext)], policy: policy, now: now, cursor: &cursor)[0]
    }

    /// Several connections' `advance` in one transaction (a group commit): under load the
    /// connections' steps queue up, and one commit serves them all.
    public func advance(
        sendID: Int64, steps: [(previous: (ClaimedRecipient, DeliveryResult)?, claimNext: Bool)], policy: RetryPolicy,
        now: Double, cursor: inout ClaimCursor
    ) throws -> [NextStep] {
        try database.write { database in
            try steps.map { step in
                if let (recipient, result) = step.previous {
                    try Self.record(result, for: recipient, policy: policy, now: now, in: database)
                }
                guard step.claimNext else { return .finished }
                return try Self.claim(sendID: sendID, now: now, cursor: &cursor, in: database)
            }
        }
    }

    /// Claims a retry that is due, else the next pending recipient, else says what to wait for.
    private static func claim(sendID: Int64, now: Double, cursor: inout ClaimCursor, in database: Database) throws
        -> NextStep
    {
        // Columns by position: GRDB finds a named column by a case-insensitive search.
        let claimed =
            try Row.fetchOne(
                database.cachedStatement(
                    sql: """
                        UPDATE recipient SET state = 'sending', attempts = attempts + 1, claimed_at = ?1,
                        first_attempt_at = COALESCE(first_attempt_at, ?1)
                        WHERE id = (SELECT id FROM recipient WHERE send_id = ?2 AND state = 'deferred'
                            AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT 1)
                        RETURNING id, email, name, attributes, attempts, first_attempt_at
                        """), arguments: [now, sendID])
            ?? claimPending(sendID: sendID, now: now, after: cursor.lastClaimedID, in: database)
            // A recipient behind the cursor is pending again only when a message was never
            // attempted (the send stopped first): look from the start before saying "done".
            ?? (cursor.lastClaimedID > 0 ? claimPending(sendID: sendID, now: now, after: 0, in: database) : nil)
        guard let row = claimed else {
            let waiting = try Double.fetchOne(
                database.cachedStatement(
                    sql: "SELECT MIN(next_attempt_at) FROM recipient WHERE send_id = ? AND state = 'deferred'"),
                arguments: [sendID])
            if let waiting { return .wait(until: waiting) }
            // Only at the end of a send: others still in flight may yet be deferred.
            let inFlight =
                try Bool.fetchOne(
                    database.cachedStatement(
                        sql: "SELECT EXISTS (SELECT 1 FROM recipient WHERE send_id = ? AND state = 'sending')"),
                    arguments: [sendID]) ?? false
            return inFlight ? .wait(until: now + 0.05) : .finished
        }
        let id: Int64 = row[0]
        cursor.lastClaimedID = max(cursor.lastClaimedID, id)
        let attributesText: String = row[3]
        let attributes =
            (try? JSONSerialization.jsonObject(with: Data(attributesText.utf8))) as? [String: String] ?? [:]
        return .send(
            ClaimedRecipient(
                id: id, address: row[1], name: row[2], attributes: attributes, attempts: row[4],
                firstAttemptAt: row[5] ?? now))
    }

    /// Claims the first pending recipient after `id` (NOT INDEXED: through the rowid order).
    private static func claimPending(sendID: Int64, now: Double, after id: Int64, in database: Database) throws -> Row?
    {
        try Row.fetchOne(
            database.cachedStatement(
                sql: """
                    UPDATE recipient SET state = 'sending', attempts = attempts + 1, claimed_at = ?1,
                    first_attempt_at = COALESCE(first_attempt_at, ?1)
                    WHERE id = (SELECT id FROM recipient NOT INDEXED WHERE id > ?3 AND send_id = ?2
                        AND state = 'pending' ORDER BY id LIMIT 1)
                    RETURNING id, email, name, attributes, attempts, first_attempt_at
                    """), arguments: [now, sendID, id])
    }

    private static func record(
        _ result: DeliveryResult, for recipient: ClaimedRecipient, policy: RetryPolicy, now: Double,
        in database: Database
    ) throws {
        switch result {
        case .sent(let reply, let messageID):
            try database.cachedStatement(
                sql:
                    "UPDATE recipient SET state = 'sent', reply_code = ?, reply = ?, message_id = ?, sent_at = ? WHERE id = ?"
            ).execute(arguments: [Int(reply.prefix(3)) ?? 250, reply, messageID, now, recipient.id])
        case .unconfirmed(let reply):
            try database.cachedStatement(sql: "UPDATE recipient SET uncertain = 1 WHERE id = ?").execute(arguments: [
                recipient.id
            ])
            try record(.deferred(code: 0, reply: reply), for: recipient, policy: policy, now: now, in: database)
        case .deferred(let code, let reply):
            let exhausted = recipient.attempts >= policy.maxAttempts || now - recipient.firstAttemptAt >= policy.maxAge
            if exhausted {
                let summary =
                    "gave up after \(recipient.attempts) attempt\(recipient.attempts == 1 ? "" : "s"): \(reply)"
                try database.cachedStatement(
                    sql: "UPDATE recipient SET state = 'failed', reply_code = ?, reply = ? WHERE id = ?"
                ).execute(arguments: [code, summary, recipient.id])
            } else {
                let delay = policy.retryAfter * pow(2, Double(recipient.attempts - 1))
                try database.cachedStatement(
                    sql:
                        "UPDATE recipient SET state = 'deferred', reply_code = ?, reply = ?, next_attempt_at = ? WHERE id = ?"
                ).execute(arguments: [code, reply, now + delay, recipient.id])
            }
        case .failed(let code, let reply):
            try database.cachedStatement(
                sql: "UPDATE recipient SET state = 'failed', reply_code = ?, reply = ? WHERE id = ?"
            ).execute(arguments: [code, reply, recipient.id])
        case .suppressed:
            try database.cachedStatement(sql: "UPDATE recipient SET state = 'suppressed' WHERE id = ?").execute(
                arguments: [recipient.id])
        case .notAttempted:
            try database.cachedStatement(
                sql: """
                    UPDATE recipient SET attempts = attempts - 1, next_attempt_at = 0,
                    state = CASE WHEN attempts - 1 = 0 THEN 'pending' ELSE 'deferred' END,
                    first_attempt_at = CASE WHEN attempts - 1 = 0 THEN NULL ELSE first_attempt_at END
                    WHERE id = ?
                    """
            ).execute(arguments: [recipient.id])
        }
    }

    /// Marks every still-queued recipient whose address is now suppressed; returns how many.
    public func suppressQueued(sendID: Int64, keys: Set<String>) throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try database.write { database in
            let statement = try database.makeStatement(
                sql:
                    "UPDATE recipient SET state = 'suppressed' WHERE send_id = ? AND email_key = ? AND state IN ('pending', 'deferred')"
            )
            var count = 0
            for key in keys {
                try statement.execute(arguments: [sendID, key])
                count += database.changesCount
            }
            return count
        }
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
    public func status(of send: SendRecord) throws -> SendStatus {
        try database.read { database in
            var counts: [RecipientState: Int] = [:]
            for row in try Row.fetchAll(
                database, sql: "SELECT state, COUNT(*) AS n FROM recipient WHERE send_id = ? GROUP BY state",
                arguments: [send.id])
            {
                if let state = RecipientState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            let uncertain = try String.fetchAll(
                database, sql: "SELECT email FROM recipient WHERE send_id = ? AND uncertain = 1 ORDER BY id LIMIT 100",
                arguments: [send.id])
            let failures = try Row.fetchAll(
                database,
                sql: "SELECT email, reply FROM recipient WHERE send_id = ? AND state = 'failed' ORDER BY id LIMIT 100",
                arguments: [send.id]
            ).map { (address: $0["email"] as String, reply: ($0["reply"] as String?) ?? "") }
            let deferred = try Row.fetchAll(
                database,
                sql:
                    "SELECT email, reply, next_attempt_at FROM recipient WHERE send_id = ? AND state = 'deferred' ORDER BY next_attempt_at LIMIT 100",
                arguments: [send.id]
            ).map {
                (
                    address: $0["email"] as String, reply: ($0["reply"] as String?) ?? "",
                    nextAttempt: Date(timeIntervalSince1970: $0["next_attempt_at"])
                )
            }
            let uncertainCount =
                try Int.fetchOne(
                    database, sql: "SELECT COUNT(*) FROM recipient WHERE send_id = ? AND uncertain = 1",
                    arguments: [send.id]) ?? 0
            return SendStatus(
                send: send, counts: counts, uncertain: uncertain, uncertainCount: uncertainCount, failures: failures,
                deferred: deferred)
        }
    }
}
