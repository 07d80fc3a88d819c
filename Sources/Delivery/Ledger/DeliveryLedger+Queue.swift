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

extension DeliveryLedger {
    /// Records how the previous message of a connection ended (if any) and claims the next
    /// recipient, in one transaction: a retry that is due first, else the next pending one.
    /// With `claimNext` false it only records, and returns `.finished`.
    public func advance(
        sendID: Int64, finishing previous: (ClaimedRecipient, DeliveryResult)?, policy: RetryPolicy, now: Double,
        claimNext: Bool = true
    ) throws -> NextStep {
        try advance(sendID: sendID, steps: [(previous, claimNext)], policy: policy, now: now)[0]
    }

    /// Several connections' `advance` in one transaction (a group commit): under load the
    /// connections' steps queue up, and one commit serves them all.
    public func advance(
        sendID: Int64, steps: [(previous: (ClaimedRecipient, DeliveryResult)?, claimNext: Bool)], policy: RetryPolicy,
        now: Double
    ) throws -> [NextStep] {
        try database.write { database in
            try steps.map { step in
                try Self.advance(
                    sendID: sendID, finishing: step.previous, claimNext: step.claimNext, policy: policy, now: now,
                    in: database)
            }
        }
    }

    private static func advance(
        sendID: Int64, finishing previous: (ClaimedRecipient, DeliveryResult)?, claimNext: Bool, policy: RetryPolicy,
        now: Double, in database: Database
    ) throws -> NextStep {
        do {
            if let (recipient, result) = previous {
                try Self.record(result, for: recipient, policy: policy, now: now, in: database)
            }
            guard claimNext else { return .finished }
            let due =
                try Row.fetchOne(
                    database.cachedStatement(
                        sql: """
                            SELECT id, email, name, attributes, attempts, first_attempt_at FROM recipient
                            WHERE send_id = ? AND state = 'deferred' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1
                            """), arguments: [sendID, now])
                ?? Row.fetchOne(
                    database.cachedStatement(
                        sql: """
                            SELECT id, email, name, attributes, attempts, first_attempt_at FROM recipient
                            WHERE send_id = ? AND state = 'pending' ORDER BY id LIMIT 1
                            """), arguments: [sendID])
            guard let row = due else {
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
            let id: Int64 = row["id"]
            try database.cachedStatement(
                sql: """
                    UPDATE recipient SET state = 'sending', attempts = attempts + 1, claimed_at = ?,
                    first_attempt_at = COALESCE(first_attempt_at, ?) WHERE id = ?
                    """
            ).execute(arguments: [now, now, id])
            let attributesText: String = row["attributes"]
            let attributes =
                (try? JSONSerialization.jsonObject(with: Data(attributesText.utf8))) as? [String: String] ?? [:]
            return .send(
                ClaimedRecipient(
                    id: id, address: row["email"], name: row["name"], attributes: attributes,
                    attempts: (row["attempts"] as Int) + 1, firstAttemptAt: row["first_attempt_at"] ?? now))
        }
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
