public import Foundation
internal import GRDB
internal import Store

/// Ending a send other than by mailing everyone: cancelled by the editor, or dropped because
/// nobody was mailed yet and its audience is stale.
extension DeliveryLedger {
    /// `send --cancel`: the recipients still waiting (pending, deferred, claimed by a run that
    /// died) are marked cancelled and never mailed, and the send ends. Only while no send runs
    /// in the workspace, with a dead run's journals taken in first. Returns how many were cancelled.
    public func cancel(_ send: SendRecord, at date: Date) throws -> Int {
        try database.write { database in
            try database.execute(
                sql: """
                    UPDATE recipient SET state = \(RecipientState.cancelled.sql)
                    WHERE send_id = ? AND state IN \(RecipientState.waitingSQL)
                    """, arguments: [send.id])
            let cancelled = database.changesCount
            try database.execute(
                sql: "UPDATE send SET completed_at = ?1, cancelled_at = ?1, frozen = 1 WHERE id = ?2",
                arguments: [date.timeIntervalSince1970, send.id])
            return cancelled
        }
    }

    /// Drops an unfinished send that mailed nobody yet (a wrong relay, say), so that the next
    /// run takes the list as it is now instead of the audience it froze then. `false`, and
    /// nothing changed, when anyone of it was tried, or a dead run's journal has outcomes.
    public func discardIfUntouched(_ send: SendRecord) throws -> Bool {
        let files = try BatchJournal.files(in: journalFolder, sendID: send.id)
        for file in files {
            // A claim without an outcome may have been in flight: that recipient may have it.
            let contents = try BatchJournal.read(file.url)
            if !contents.claimed.isEmpty || !contents.outcomes.isEmpty { return false }
        }
        let discarded = try database.write { database -> Bool in
            let touched =
                try Bool.fetchOne(
                    database,
                    sql:
                        "SELECT 1 FROM recipient WHERE send_id = ? AND (state != \(RecipientState.pending.sql) OR attempts > 0) LIMIT 1",
                    arguments: [send.id]) ?? false
            guard !touched else { return false }
            try database.execute(sql: "DELETE FROM recipient WHERE send_id = ?", arguments: [send.id])
            try database.execute(sql: "DELETE FROM journal_fold WHERE send_id = ?", arguments: [send.id])
            try database.execute(sql: "DELETE FROM send WHERE id = ?", arguments: [send.id])
            return true
        }
        if discarded { for file in files { try? FileManager.default.removeItem(at: file.url) } }
        return discarded
    }
}
