import Foundation
import NewsletterCore
import Store

/// The send loop's writes to the ledger: how a connection's messages ended and which
/// recipients it mails next, a transaction per batch (or per group of batches, see
/// `LedgerQueue`); and, when a send starts, what the journals of a dead run say (`recover`).
///
/// It talks to SQLite through the C API, on a connection of its own, with every statement
/// prepared once: this runs once or twice per message, where GRDB's general write path (a
/// dispatch queue, a BEGIN parsed each time, arguments and rows boxed) cost more than the SQL.
/// Everything else about the ledger (schema, audience, status) stays with GRDB. Between two
/// folds, a connection's outcomes are in its `BatchJournal`.
/// Not `Sendable`: one thread at a time.
final class LedgerWriter {
    private let connection: CSQLiteConnection
    private let begin: CSQLiteStatement
    private let commit: CSQLiteStatement
    private let rollback: CSQLiteStatement
    private let markSent: CSQLiteStatement
    private let markSentGroup: CSQLiteStatement
    private let markUncertain: CSQLiteStatement
    private let markDeferred: CSQLiteStatement
    private let markFailed: CSQLiteStatement
    private let markSuppressed: CSQLiteStatement
    private let markNotAttempted: CSQLiteStatement
    private let claimDue: CSQLiteStatement
    private let claimPending: CSQLiteStatement
    private let claimPutBackRow: CSQLiteStatement
    private let nextDue: CSQLiteStatement
    private let anyInFlight: CSQLiteStatement
    private let bounds: CSQLiteStatement
    private let lastID: CSQLiteStatement
    private let noteFolded: CSQLiteStatement
    private let claimedRecipient: CSQLiteStatement
    private let markInFlight: CSQLiteStatement
    private let putBackUnsent: CSQLiteStatement
    private let lastEpoch: CSQLiteStatement
    private let foldedEpoch: CSQLiteStatement
    private let countAudience: CSQLiteStatement
    private let noteFrozen: CSQLiteStatement
    /// Made when a long list's rest is first frozen through this connection.
    private var freezer: (sendID: Int64, freezer: AudienceFreezer)?

    init(path: URL) throws {
        connection = try CSQLiteConnection(path: path.path)
        begin = try connection.prepare("BEGIN IMMEDIATE")
        commit = try connection.prepare("COMMIT")
        rollback = try connection.prepare("ROLLBACK")
        markSent = try connection.prepare(
            "UPDATE recipient SET state = \(RecipientState.sent.sql), reply_code = ?, reply = ?, message_id = ?, sent_at = ? WHERE id = ?"
        )
        // `markSent` for `sentGroupSize` recipients in one statement: most of a fold is sent ones.
        let rows = Array(repeating: "(?, ?, ?, ?, ?)", count: Self.sentGroupSize).joined(separator: ", ")
        markSentGroup = try connection.prepare(
            """
            UPDATE recipient SET state = \(RecipientState.sent.sql), reply_code = v.column2, reply = v.column3, message_id = v.column4,
                sent_at = v.column5
            FROM (VALUES \(rows)) AS v WHERE recipient.id = v.column1
            """)
        markUncertain = try connection.prepare("UPDATE recipient SET uncertain = 1 WHERE id = ?")
        // A recipient claimed from the pending ones gets its attempt counted here (see `claimPending`).
        markDeferred = try connection.prepare(
            """
            UPDATE recipient SET state = \(RecipientState.deferred.sql), reply_code = ?, reply = ?, next_attempt_at = ?, attempts = ?,
                first_attempt_at = ? WHERE id = ?
            """)
        markFailed = try connection.prepare(
            "UPDATE recipient SET state = \(RecipientState.failed.sql), reply_code = ?, reply = ? WHERE id = ?")
        markSuppressed = try connection.prepare(
            "UPDATE recipient SET state = \(RecipientState.suppressed.sql) WHERE id = ?")
        let putBack = """
            UPDATE recipient SET attempts = attempts - 1, next_attempt_at = 0,
            state = CASE WHEN attempts - 1 = 0 THEN \(RecipientState.pending.sql) ELSE \(RecipientState.deferred.sql) END,
            first_attempt_at = CASE WHEN attempts - 1 = 0 THEN NULL ELSE first_attempt_at END
            """
        markNotAttempted = try connection.prepare("\(putBack) WHERE id = ?")
        putBackUnsent = try connection.prepare("\(putBack) WHERE send_id = ? AND state = \(RecipientState.sending.sql)")
        // Every expression reads the row as it was: a pending recipient's attempt is counted now.
        markInFlight = try connection.prepare(
            """
            UPDATE recipient SET attempts = attempts + (state = \(RecipientState.pending.sql)), first_attempt_at = COALESCE(first_attempt_at, ?2),
                state = \(RecipientState.deferred.sql), uncertain = 1, next_attempt_at = 0 WHERE id = ?1
            """)
        // A claimed recipient without an outcome in the ledger: a retry ("sending"), or one claimed
        // from the pending ones (still "pending"), with its attempts as the claim counted them.
        claimedRecipient = try connection.prepare(
            """
            SELECT attempts + (state = \(RecipientState.pending.sql)), first_attempt_at FROM recipient
            WHERE id = ? AND send_id = ? AND state IN (\(RecipientState.pending.sql), \(RecipientState.sending.sql))
            """)
        noteFolded = try connection.prepare(
            """
            INSERT INTO journal_fold (send_id, slot, epoch) VALUES (?, ?, ?)
            ON CONFLICT (send_id, slot) DO UPDATE SET epoch = MAX(epoch, excluded.epoch)
            """)
        foldedEpoch = try connection.prepare(
            "SELECT COALESCE((SELECT epoch FROM journal_fold WHERE send_id = ? AND slot = ?), 0)")
        lastEpoch = try connection.prepare("SELECT COALESCE(MAX(epoch), 0) FROM journal_fold WHERE send_id = ?")
        let claim = """
            UPDATE recipient SET state = \(RecipientState.sending.sql), attempts = attempts + 1, claimed_at = ?1,
            first_attempt_at = COALESCE(first_attempt_at, ?1)
            """
        let columns = "id, email, name, attributes"
        let claimed = "RETURNING \(columns), attempts, first_attempt_at"
        // A retry is marked "sending" as it is claimed: another claim must not take it again.
        claimDue = try connection.prepare(
            """
            \(claim) WHERE id = (SELECT id FROM recipient WHERE send_id = ?2 AND state = \(RecipientState.deferred.sql)
                AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT 1) \(claimed)
            """)
        // Up to ?4 pending recipients after ?3, in id order. NOT INDEXED: through the table's rowid
        // order, from the cursor (see `ClaimCursor`). Read, not written: the cursor keeps them from
        // being claimed twice, the connection's journal lists them before any of them is mailed,
        // and their outcome is the only write to their row (which halves what a message costs the
        // ledger). The attempt is counted as the outcome is recorded.
        let pendingClaimed = "SELECT \(columns), attempts + 1, COALESCE(first_attempt_at, ?1) FROM recipient"
        claimPending = try connection.prepare(
            """
            \(pendingClaimed) NOT INDEXED WHERE id > ?3 AND send_id = ?2 AND state = \(RecipientState.pending.sql) ORDER BY id LIMIT ?4
            """)
        claimPutBackRow = try connection.prepare(
            "\(pendingClaimed) WHERE id = ?3 AND send_id = ?2 AND state = \(RecipientState.pending.sql)")
        nextDue = try connection.prepare(
            "SELECT MIN(next_attempt_at) FROM recipient WHERE send_id = ? AND state = \(RecipientState.deferred.sql)")
        // Just before the send's first recipient, and its last one (once a run, through the
        // send_id index); and the table's last row (the end of its rowid tree): no recipient of
        // this send is after it.
        bounds = try connection.prepare(
            "SELECT COALESCE(MIN(id) - 1, 0), COALESCE(MAX(id), 0) FROM recipient WHERE send_id = ?")
        lastID = try connection.prepare("SELECT COALESCE(MAX(id), 0) FROM recipient")
        countAudience = try connection.prepare("SELECT COUNT(*) FROM recipient WHERE send_id = ?")
        noteFrozen = try connection.prepare("UPDATE send SET audience = ?, frozen = 1 WHERE id = ?")
        anyInFlight = try connection.prepare(
            "SELECT EXISTS (SELECT 1 FROM recipient WHERE send_id = ? AND state = \(RecipientState.sending.sql))")
    }

    /// What one connection hands the ledger at once: how its messages since the last fold
    /// ended, which batch of its journal that was, and how many recipients it wants next.
    struct Fold {
        var outcomes: [(recipient: ClaimedRecipient, outcome: BatchJournal.Outcome)]
        /// The connection and batch these outcomes are journalled as, if any: the ledger notes
        /// that batch as folded.
        var batch: (slot: Int, epoch: Int64)?
        var claim: Int

        /// One message's outcome, if any, and at most one recipient next.
        static func step(_ previous: (ClaimedRecipient, DeliveryResult)?, at now: Double, claimNext: Bool) -> Fold {
            Fold(
                outcomes: previous.map { [($0.0, BatchJournal.Outcome(id: $0.0.id, at: now, result: $0.1))] } ?? [],
                batch: nil, claim: claimNext ? 1 : 0)
        }
    }

    /// Records every fold's outcomes and claims each its recipients: retries that are due
    /// first, then pending ones, up to `claim`; a fold that claims none gets `.finished`.
    /// One transaction for all.
    func fold(_ folds: [Fold], sendID: Int64, policy: RetryPolicy, now: Double, cursor: inout ClaimCursor) throws
        -> [NextStep]
    {
        // The cursor must not run ahead of what a rolled-back transaction left in the ledger.
        let saved = cursor
        try begin.run()
        do {
            var next: [NextStep] = []
            for fold in folds {
                var sent: [(id: Int64, reply: String, messageID: String, at: Double)] = []
                // Recipients with an outcome are no longer out with a connection.
                cursor.outstanding = max(0, cursor.outstanding - fold.outcomes.count)
                for (recipient, outcome) in fold.outcomes {
                    if case .sent(let reply, let messageID) = outcome.result {
                        sent.append((recipient.id, reply, messageID, outcome.at))
                    } else {
                        try record(outcome.result, for: recipient, policy: policy, now: outcome.at, cursor: &cursor)
                    }
                }
                try recordSent(sent)
                if let batch = fold.batch {
                    try noteFolded.run(.integer(sendID), .integer(Int64(batch.slot)), .integer(batch.epoch))
                }
                next.append(
                    fold.claim > 0 ? try claim(fold.claim, sendID: sendID, now: now, cursor: &cursor) : .finished)
            }
            try commit.run()
            return next
        } catch {
            try? rollback.run()
            cursor = saved
            throw error
        }
    }

    /// Adds `subscribers` to the audience of a send whose first recipients are being mailed
    /// (repeated addresses dropped), in one transaction; returns the table's last row id.
    func freeze(_ subscribers: [Subscriber], sendID: Int64) throws -> Int64 {
        if freezer?.sendID != sendID { freezer = (sendID, try AudienceFreezer(connection: connection, sendID: sendID)) }
        guard let freezer = freezer?.freezer else { preconditionFailure("the freezer was just made") }
        try begin.run()
        do {
            for subscriber in subscribers { try freezer.insert(subscriber) }
            let last = try lastID.first { $0.integer(0) } ?? 0
            try commit.run()
            return last
        } catch {
            try? rollback.run()
            throw error
        }
    }

    /// Notes the send's audience whole (`SendRecord.frozen`); returns how many it holds.
    func completeFreeze(sendID: Int64) throws -> Int {
        try begin.run()
        do {
            let count = try countAudience.first(.integer(sendID)) { Int($0.integer(0)) } ?? 0
            try noteFrozen.run(.integer(Int64(count)), .integer(sendID))
            try commit.run()
            return count
        } catch {
            try? rollback.run()
            throw error
        }
    }

    /// Takes in what a dead run left: the outcomes in its journals that the ledger does not
    /// have yet; then the first recipient of each journal without an outcome, which may have
    /// been in flight, is retried and marked uncertain, and every other recipient still
    /// "sending" goes back to the queue untried. Returns how many were uncertain, and the
    /// epoch the next run's journals start after. The caller deletes the journals once this
    /// has returned (a journal read twice changes nothing: see `BatchJournal`).
    func recover(
        sendID: Int64, journals: [(owner: BatchJournal.Owner, contents: BatchJournal.Contents)], policy: RetryPolicy
    )
        throws -> (uncertain: Int, lastEpoch: Int64)
    {
        var cursor = ClaimCursor()
        try begin.run()
        do {
            var uncertain = 0
            for (owner, contents) in journals where !contents.claimed.isEmpty {
                // A batch at or below its slot's folded epoch is in the ledger already.
                let slot = CSQLiteValue.integer(Int64(owner.slot))
                let folded = try foldedEpoch.first(.integer(sendID), slot) { $0.integer(0) }
                if contents.epoch <= folded ?? 0 { continue }
                var done = Set<Int64>()
                for outcome in contents.outcomes {
                    done.insert(outcome.id)
                    guard let recipient = try stillSending(outcome.id, sendID: sendID, at: outcome.at) else { continue }
                    try record(outcome.result, for: recipient, policy: policy, now: outcome.at, cursor: &cursor)
                }
                if let first = contents.claimed.first(where: { !done.contains($0) }),
                    try stillSending(first, sendID: sendID, at: 0) != nil
                {
                    try markInFlight.run(.integer(first), .real(Date().timeIntervalSince1970))
                    uncertain += 1
                }
                try noteFolded.run(.integer(sendID), slot, .integer(contents.epoch))
            }
            try putBackUnsent.run(.integer(sendID))
            let epoch = try lastEpoch.first(.integer(sendID)) { $0.integer(0) } ?? 0
            try commit.run()
            return (uncertain, epoch)
        } catch {
            try? rollback.run()
            throw error
        }
    }

    /// The recipient as it was claimed, if its outcome is not in the ledger yet; `at`: when it
    /// was first tried, if the ledger does not say.
    private func stillSending(_ id: Int64, sendID: Int64, at: Double) throws -> ClaimedRecipient? {
        try claimedRecipient.first(.integer(id), .integer(sendID)) { row in
            ClaimedRecipient(
                id: id, address: "", name: nil, attributesText: "", attempts: Int(row.integer(0)),
                firstAttemptAt: row.isNull(1) ? at : row.real(1))
        }
    }

    /// Up to `count` recipients: due retries, then pending ones ahead of the cursor, then those
    /// put back behind it.
    private func claim(_ count: Int, sendID: Int64, now: Double, cursor: inout ClaimCursor) throws -> NextStep {
        var claimed: [ClaimedRecipient] = []
        while claimed.count < count, let due = try claimNextDue(sendID: sendID, now: now, cursor: &cursor) {
            claimed.append(due)
        }
        if claimed.count < count {
            claimed += try claimAhead(count - claimed.count, sendID: sendID, now: now, cursor: &cursor)
        }
        while claimed.count < count, let putBack = try claimPutBack(sendID: sendID, now: now, cursor: &cursor) {
            claimed.append(putBack)
        }
        cursor.outstanding += claimed.count
        guard claimed.isEmpty else { return .send(claimed) }
        // More of the audience is on its way into the ledger.
        if !cursor.audienceComplete { return .wait(until: min(cursor.retriesDue, now + 0.05)) }
        if cursor.retriesDue.isFinite { return .wait(until: cursor.retriesDue) }
        // Only at the end of a send: others still in flight may yet be deferred.
        let inFlight =
            try cursor.outstanding > 0 || (anyInFlight.first(.integer(sendID)) { $0.integer(0) != 0 } ?? false)
        return inFlight ? .wait(until: now + 0.05) : .finished
    }

    /// The retry due first, if one is due; otherwise notes in `cursor` when the next one is.
    private func claimNextDue(sendID: Int64, now: Double, cursor: inout ClaimCursor) throws -> ClaimedRecipient? {
        guard now >= cursor.retriesDue else { return nil }
        if let due = try claimDue.first(.real(now), .integer(sendID), read: Self.recipient(now: now)) { return due }
        let next = try nextDue.first(.integer(sendID)) { $0.isNull(0) ? nil : $0.real(0) }
        cursor.retriesDue = (next ?? nil) ?? .infinity
        return nil
    }

    /// Up to `count` pending recipients ahead of the cursor, in id order; the cursor moves to
    /// the last. When fewer are left, it moves to the table's last row, so that later claims do
    /// not walk again. Near the end a claim takes at most its share of what is left
    /// (`ClaimCursor.sharedBy`): the batches shrink, and the connections finish together
    /// instead of one mailing a whole batch alone while the others have nothing left.
    private func claimAhead(_ count: Int, sendID: Int64, now: Double, cursor: inout ClaimCursor) throws
        -> [ClaimedRecipient]
    {
        if cursor.position == nil {
            let (first, last) = try bounds.first(.integer(sendID)) { ($0.integer(0), $0.integer(1)) } ?? (0, 0)
            cursor.position = first
            cursor.end = last
        }
        let position = cursor.position ?? 0
        let sharers = Int64(max(1, cursor.sharedBy))
        // While the audience is still being frozen, the end is not in sight.
        let end = cursor.audienceComplete ? cursor.end : nil
        let share = end.map { Int(clamping: ($0 - position + sharers - 1) / sharers) } ?? count
        let wanted = max(1, min(count, share))
        let claimed = try claimPendingAfter(position, count: wanted, sendID: sendID, now: now)
        cursor.position =
            claimed.count == wanted ? claimed.last?.id : try lastID.first { $0.integer(0) } ?? position
        return claimed
    }

    /// The first recipient put back behind the cursor that is still pending, if any. By id: behind
    /// the cursor, other connections' claimed recipients are pending too.
    private func claimPutBack(sendID: Int64, now: Double, cursor: inout ClaimCursor) throws -> ClaimedRecipient? {
        while let id = cursor.putBack.min() {
            cursor.putBack.remove(id)
            if let claimed = try claimPutBackRow.first(
                .real(now), .integer(sendID), .integer(id), read: Self.recipient(now: now))
            {
                return claimed
            }
        }
        return nil
    }

    /// Up to `count` pending recipients with ids above `position`, in id order.
    private func claimPendingAfter(_ position: Int64, count: Int, sendID: Int64, now: Double) throws
        -> [ClaimedRecipient]
    {
        try claimPending.all(
            .real(now), .integer(sendID), .integer(position), .integer(Int64(count)), read: Self.recipient(now: now))
    }

    private static func recipient(now: Double) -> (CSQLiteStatement.Row) -> ClaimedRecipient {
        { row in
            ClaimedRecipient(
                id: row.integer(0), address: row.text(1) ?? "", name: row.text(2), attributesText: row.text(3) ?? "",
                attempts: Int(row.integer(4)), firstAttemptAt: row.isNull(5) ? now : row.real(5))
        }
    }

    static let sentGroupSize = 16

    /// Marks recipients sent, `sentGroupSize` to a statement, the rest one at a time.
    private func recordSent(_ sent: [(id: Int64, reply: String, messageID: String, at: Double)]) throws {
        var rest = sent[...]
        while rest.count >= Self.sentGroupSize {
            var values: [CSQLiteValue] = []
            values.reserveCapacity(Self.sentGroupSize * 5)
            for row in rest.prefix(Self.sentGroupSize) {
                values += [
                    .integer(row.id), .integer(Self.replyCode(row.reply)), .text(row.reply), .text(row.messageID),
                    .real(row.at),
                ]
            }
            try markSentGroup.run(values)
            rest = rest.dropFirst(Self.sentGroupSize)
        }
        for row in rest {
            try markSent.run(
                .integer(Self.replyCode(row.reply)), .text(row.reply), .text(row.messageID), .real(row.at),
                .integer(row.id))
        }
    }

    /// The reply's code, such as 250; 250 when the reply does not start with one.
    private static func replyCode(_ reply: String) -> Int64 { Int64(reply.prefix(3)) ?? 250 }

    /// Tells `cursor` when a deferred recipient is due and where one was put back.
    private func record(
        _ result: DeliveryResult, for recipient: ClaimedRecipient, policy: RetryPolicy, now: Double,
        cursor: inout ClaimCursor
    ) throws {
        let id = CSQLiteValue.integer(recipient.id)
        switch RecipientLifecycle.transition(of: recipient, after: result, at: now, policy: policy) {
        case .sent(let reply, let messageID):
            try recordSent([(recipient.id, reply, messageID, now)])
        case .deferred(let code, let reply, let retryAt, let attempts, let uncertain):
            if uncertain { try markUncertain.run(id) }
            try markDeferred.run(
                .integer(Int64(code)), .text(reply), .real(retryAt), .integer(Int64(attempts)),
                .real(recipient.firstAttemptAt), id)
            cursor.retriesDue = min(cursor.retriesDue, retryAt)
        case .failed(let code, let reply, let uncertain):
            if uncertain { try markUncertain.run(id) }
            try markFailed.run(.integer(Int64(code)), .text(reply), id)
        case .suppressed:
            try markSuppressed.run(id)
        case .backInQueue:
            if recipient.attempts > 1 {
                // A retry: deferred again, and due at once.
                try markNotAttempted.run(id)
                cursor.retriesDue = 0
            } else {
                // Claimed from the pending ones, so still pending in the ledger: claimable again.
                cursor.putBack.insert(recipient.id)
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
    /// Recipients put back in the queue behind the cursor (messages never attempted because the
    /// send stopped first).
    var putBack: Set<Int64> = []
    /// Recipients claimed and not yet folded with an outcome, across the connections: a claim
    /// that finds nothing left waits for them, since they may yet be deferred.
    var outstanding = 0
    /// Whether the send's whole audience is in the ledger; until it is, a claim that finds
    /// nothing waits for more (`LedgerQueue.freeze`).
    var audienceComplete = true
    /// No deferred recipient is due before this time; 0 until the ledger has been asked.
    var retriesDue: Double = 0
    /// The send's last recipient, looked up with `position` by the first claim.
    var end: Int64?
    /// How many connections claim from this cursor: near the end each takes its share.
    var sharedBy = 1
}
