import Foundation

/// The send loop's writes to the ledger: how each message ended and which recipient comes next,
/// a transaction per step (or per group of steps, see `LedgerQueue`).
///
/// It talks to SQLite through the C API, on a connection of its own, with every statement
/// prepared once: this runs once or twice per message, and through GRDB's general write path
/// (a dispatch queue, a BEGIN parsed each time, arguments and rows boxed) the ledger took about
/// 40 % of a connection's time at four connections, most of it around the SQL rather than in
/// it. Everything else about the ledger (schema, audience, status) stays with GRDB.
/// Not `Sendable`: one thread at a time.
final class LedgerWriter {
    private let connection: SQLiteConnection
    private let begin: SQLiteStatement
    private let commit: SQLiteStatement
    private let rollback: SQLiteStatement
    private let markSent: SQLiteStatement
    private let markUncertain: SQLiteStatement
    private let markDeferred: SQLiteStatement
    private let markFailed: SQLiteStatement
    private let markSuppressed: SQLiteStatement
    private let markNotAttempted: SQLiteStatement
    private let claimDue: SQLiteStatement
    private let claimPending: SQLiteStatement
    private let nextDue: SQLiteStatement
    private let anyInFlight: SQLiteStatement
    private let firstID: SQLiteStatement
    private let lastID: SQLiteStatement

    init(path: URL) throws {
        connection = try SQLiteConnection(path: path.path)
        begin = try connection.prepare("BEGIN IMMEDIATE")
        commit = try connection.prepare("COMMIT")
        rollback = try connection.prepare("ROLLBACK")
        markSent = try connection.prepare(
            "UPDATE recipient SET state = 'sent', reply_code = ?, reply = ?, message_id = ?, sent_at = ? WHERE id = ?")
        markUncertain = try connection.prepare("UPDATE recipient SET uncertain = 1 WHERE id = ?")
        markDeferred = try connection.prepare(
            "UPDATE recipient SET state = 'deferred', reply_code = ?, reply = ?, next_attempt_at = ? WHERE id = ?")
        markFailed = try connection.prepare(
            "UPDATE recipient SET state = 'failed', reply_code = ?, reply = ? WHERE id = ?")
        markSuppressed = try connection.prepare("UPDATE recipient SET state = 'suppressed' WHERE id = ?")
        markNotAttempted = try connection.prepare(
            """
            UPDATE recipient SET attempts = attempts - 1, next_attempt_at = 0,
            state = CASE WHEN attempts - 1 = 0 THEN 'pending' ELSE 'deferred' END,
            first_attempt_at = CASE WHEN attempts - 1 = 0 THEN NULL ELSE first_attempt_at END
            WHERE id = ?
            """)
        let claim = """
            UPDATE recipient SET state = 'sending', attempts = attempts + 1, claimed_at = ?1,
            first_attempt_at = COALESCE(first_attempt_at, ?1)
            """
        let claimed = "RETURNING id, email, name, attributes, attempts, first_attempt_at"
        claimDue = try connection.prepare(
            """
            \(claim) WHERE id = (SELECT id FROM recipient WHERE send_id = ?2 AND state = 'deferred'
                AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT 1) \(claimed)
            """)
        // NOT INDEXED: through the table's rowid order, from the cursor (see `ClaimCursor`).
        claimPending = try connection.prepare(
            """
            \(claim) WHERE id = (SELECT id FROM recipient NOT INDEXED WHERE id > ?3 AND send_id = ?2
                AND state = 'pending' ORDER BY id LIMIT 1) \(claimed)
            """)
        nextDue = try connection.prepare(
            "SELECT MIN(next_attempt_at) FROM recipient WHERE send_id = ? AND state = 'deferred'")
        // Just before the send's first recipient (once a run, through the send_id index), and
        // the table's last row (the end of its rowid tree): no recipient of this send is after it.
        firstID = try connection.prepare("SELECT COALESCE(MIN(id) - 1, 0) FROM recipient WHERE send_id = ?")
        lastID = try connection.prepare("SELECT COALESCE(MAX(id), 0) FROM recipient")
        anyInFlight = try connection.prepare(
            "SELECT EXISTS (SELECT 1 FROM recipient WHERE send_id = ? AND state = 'sending')")
    }

    /// Records how each step's previous message ended (if any) and, where asked, claims the
    /// next recipient: a retry that is due first, else the next pending one. One transaction
    /// for all the steps; a step that only records gets `.finished`.
    func advance(
        sendID: Int64, steps: [(previous: (ClaimedRecipient, DeliveryResult)?, claimNext: Bool)], policy: RetryPolicy,
        now: Double, cursor: inout ClaimCursor
    ) throws -> [NextStep] {
        // The cursor must not run ahead of what a rolled-back transaction left in the ledger.
        let saved = cursor
        try begin.run()
        do {
            var next: [NextStep] = []
            for step in steps {
                if let (recipient, result) = step.previous {
                    try record(result, for: recipient, policy: policy, now: now, cursor: &cursor)
                }
                next.append(step.claimNext ? try claim(sendID: sendID, now: now, cursor: &cursor) : .finished)
            }
            try commit.run()
            return next
        } catch {
            try? rollback.run()
            cursor = saved
            throw error
        }
    }

    private func claim(sendID: Int64, now: Double, cursor: inout ClaimCursor) throws -> NextStep {
        var due: ClaimedRecipient?
        if now >= cursor.retriesDue {
            due = try claimDue.first(.real(now), .integer(sendID), read: Self.recipient(now: now))
            if due == nil {
                let next = try nextDue.first(.integer(sendID)) { $0.isNull(0) ? nil : $0.real(0) }
                cursor.retriesDue = (next ?? nil) ?? .infinity
            }
        }
        let claimed =
            try due ?? claimAhead(sendID: sendID, now: now, cursor: &cursor)
            ?? claimPutBack(sendID: sendID, now: now, cursor: &cursor)
        guard let claimed else {
            if cursor.retriesDue.isFinite { return .wait(until: cursor.retriesDue) }
            // Only at the end of a send: others still in flight may yet be deferred.
            let inFlight = try anyInFlight.first(.integer(sendID)) { $0.integer(0) != 0 } ?? false
            return inFlight ? .wait(until: now + 0.05) : .finished
        }
        return .send(claimed)
    }

    /// The next pending recipient ahead of the cursor, which moves to it; when there is none,
    /// the cursor moves to the send's last recipient, so that later claims do not walk again.
    private func claimAhead(sendID: Int64, now: Double, cursor: inout ClaimCursor) throws -> ClaimedRecipient? {
        let position = try cursor.position ?? (firstID.first(.integer(sendID)) { $0.integer(0) } ?? 0)
        let claimed = try claimPending.first(
            .real(now), .integer(sendID), .integer(position), read: Self.recipient(now: now))
        cursor.position = try claimed?.id ?? lastID.first { $0.integer(0) } ?? position
        return claimed
    }

    /// The first recipient put back behind the cursor, if any is left.
    private func claimPutBack(sendID: Int64, now: Double, cursor: inout ClaimCursor) throws -> ClaimedRecipient? {
        guard let putBack = cursor.putBack else { return nil }
        let claimed = try claimPending.first(
            .real(now), .integer(sendID), .integer(putBack - 1), read: Self.recipient(now: now))
        cursor.putBack = claimed.map { $0.id + 1 }
        return claimed
    }

    private static func recipient(now: Double) -> (SQLiteStatement.Row) -> ClaimedRecipient {
        { row in
            let attributesText = row.text(3) ?? "{}"
            let attributes =
                (try? JSONSerialization.jsonObject(with: Data(attributesText.utf8))) as? [String: String] ?? [:]
            return ClaimedRecipient(
                id: row.integer(0), address: row.text(1) ?? "", name: row.text(2), attributes: attributes,
                attempts: Int(row.integer(4)), firstAttemptAt: row.isNull(5) ? now : row.real(5))
        }
    }

    /// Tells `cursor` when a deferred recipient is due and where one was put back.
    private func record(
        _ result: DeliveryResult, for recipient: ClaimedRecipient, policy: RetryPolicy, now: Double,
        cursor: inout ClaimCursor
    ) throws {
        let id = SQLiteValue.integer(recipient.id)
        switch result {
        case .sent(let reply, let messageID):
            let code = Int64(reply.prefix(3)) ?? 250
            try markSent.run(.integer(code), .text(reply), .text(messageID), .real(now), id)
        case .unconfirmed(let reply):
            try markUncertain.run(id)
            try record(.deferred(code: 0, reply: reply), for: recipient, policy: policy, now: now, cursor: &cursor)
        case .deferred(let code, let reply):
            let exhausted = recipient.attempts >= policy.maxAttempts || now - recipient.firstAttemptAt >= policy.maxAge
            if exhausted {
                let summary =
                    "gave up after \(recipient.attempts) attempt\(recipient.attempts == 1 ? "" : "s"): \(reply)"
                try markFailed.run(.integer(Int64(code)), .text(summary), id)
            } else {
                let delay = policy.retryAfter * pow(2, Double(recipient.attempts - 1))
                try markDeferred.run(.integer(Int64(code)), .text(reply), .real(now + delay), id)
                cursor.retriesDue = min(cursor.retriesDue, now + delay)
            }
        case .failed(let code, let reply):
            try markFailed.run(.integer(Int64(code)), .text(reply), id)
        case .suppressed:
            try markSuppressed.run(id)
        case .notAttempted:
            // Back to pending, or deferred and due at once when it had been tried before.
            try markNotAttempted.run(id)
            if recipient.attempts > 1 {
                cursor.retriesDue = 0
            } else {
                cursor.putBack = min(cursor.putBack ?? recipient.id, recipient.id)
            }
        }
    }
}

/// Where claiming left off in one run of a send. Pending recipients are claimed in id order,
/// so the next one is found by walking the table's rowid order from here: an index of pending
/// recipients would cost every claim one more page written to the WAL. Behind the cursor no
/// recipient is pending, except those put back during this run (`putBack`), which are claimed
/// once nothing is left ahead.
///
/// It also knows when a retry can next be due, so that most claims skip looking for one: only
/// the send's own connections defer recipients (one send runs at a time), and they do it here.
struct ClaimCursor {
    /// `nil` until the first claim sets it just before the send's first recipient.
    var position: Int64?
    /// The lowest recipient put back in the queue behind the cursor (a message never attempted
    /// because the send stopped first), if any.
    var putBack: Int64?
    /// No deferred recipient is due before this time; 0 until the ledger has been asked.
    var retriesDue: Double = 0
}
