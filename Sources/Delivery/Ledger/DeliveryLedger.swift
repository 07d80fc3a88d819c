public import Foundation
internal import GRDB
public import NewsletterCore
import Store

/// The state of every send, in SQLite (through GRDB) in the workspace's `.newsletter/` folder.
///
/// A send freezes its audience (the list, less suppressed and repeated addresses) when it
/// starts. Each recipient then moves pending → sent, deferred (retried with exponential
/// backoff) or failed. A connection claims a batch at a time and lists it in its `BatchJournal`
/// *before* any of the batch goes to the relay; the claim is not written to the recipients'
/// rows (the running send's `ClaimCursor` keeps them from being claimed twice), except a
/// retry's, which becomes "sending". Each outcome is written to the journal before the next
/// message, and the journal is folded into the ledger when the batch is done. When a run dies, the next one (`recover`) takes the journals in: the first
/// recipient of a batch without an outcome may have been in flight, so it is retried and
/// reported as uncertain (it may have arrived): at most one per connection.
public final class DeliveryLedger: Sendable {
    let database: DatabaseQueue
    let path: URL
    /// Where the connections of a send keep their `BatchJournal`s.
    var journalFolder: URL { path.deletingLastPathComponent().appending(path: "journal") }

    public static let fileName = "state.sqlite"

    public convenience init(workspace: Workspace) throws {
        try self.init(path: workspace.stateFolder.appending(path: Self.fileName))
    }

    public init(path: URL) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(
                at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.prepareDatabase { database in
                // WAL with synchronous=NORMAL: a committed state survives a killed process (the
                // WAL is in the OS's cache), at a fraction of the cost of a flush per message.
                try database.execute(sql: "PRAGMA synchronous = NORMAL")
                // Checkpoints (which flush to disk, and can take long) are not
                // run by the committing connection: `Checkpointer` runs them on its own thread,
                // so a send's connections never wait for the disk.
                try database.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            }
            configuration.busyMode = .timeout(10)
            database = try DatabaseQueue(path: path.path, configuration: configuration)
            // Under a lock: two processes opening a new ledger at once (two `status`, a `send`
            // and a `serve`) would both create its tables, or both switch it to WAL, and one
            // would fail ("table send already exists", "database is locked").
            try StoreSchema.prepare(database, at: path)
        } catch {
            throw NewsletterError(
                "The delivery ledger \(path.path) cannot be opened: \(error).",
                hint:
                    "Check that the folder is writable; the ledger is the only record of what was sent, so do not delete it."
            )
        }
    }
}

/// One send of one issue to one list.
public struct SendRecord: Sendable, Equatable {
    public var id: Int64
    public var issue: Int
    public var list: String
    public var generation: Int
    public var startedAt: Date
    public var completedAt: Date?
    /// How many recipients the audience holds, once it is frozen whole.
    public var audience: Int
    /// Whether the whole audience is in the ledger. A long list is frozen as its first
    /// recipients are mailed; a run that stopped before the rest was in leaves this false, and
    /// the next run freezes the rest first.
    public var frozen = true
    /// `send --where`: the part of the list it went to, such as "city=Riga"; empty for all.
    public var filter = ""
    /// When `send --cancel` ended it: its pending recipients were not mailed.
    public var cancelledAt: Date?
}

extension DeliveryLedger {
    /// The latest send of `issue` to `list`, if any.
    public func latestSend(issue: Int, list: String) throws -> SendRecord? {
        try database.read { database in
            try Row.fetchOne(
                database, sql: "SELECT * FROM send WHERE issue = ? AND list = ? ORDER BY generation DESC LIMIT 1",
                arguments: [issue, list]
            ).map(SendRecord.init(row:))
        }
    }

    /// The send `status` shows when no issue is named: the newest unfinished one (a send that
    /// is running is unfinished, and may be one started before others and resumed), else the
    /// newest; of `list` only, when one is named. Newest by id: a clock set back does not
    /// reorder them.
    public func latestSend(list: String? = nil) throws -> SendRecord? {
        try database.read { database in
            try Row.fetchOne(
                database,
                sql:
                    "SELECT * FROM send WHERE ?1 IS NULL OR list = ?1 ORDER BY completed_at IS NULL DESC, id DESC LIMIT 1",
                arguments: [list]
            ).map(SendRecord.init(row:))
        }
    }

    public func sends(issue: Int) throws -> [SendRecord] {
        try database.read { database in
            try Row.fetchAll(
                database, sql: "SELECT * FROM send WHERE issue = ? ORDER BY list, generation", arguments: [issue]
            )
            .map(SendRecord.init(row:))
        }
    }

    /// Starts a send and freezes its audience: every subscriber `audience` yields, in order,
    /// except repeated addresses. One transaction: a send that dies while freezing left nothing.
    public func createSend(
        issue: Int, list: String, filter: String = "", now: Date,
        audience: (_ insert: (Subscriber) throws -> Void) throws -> Void
    ) throws -> SendRecord {
        try database.write { database in
            try Self.freeze(
                audience, of: Self.insertSend(issue: issue, list: list, filter: filter, now: now, in: database),
                in: database)
        }
    }

    /// Starts a send with the first `limit` subscribers `next` yields (repeated addresses
    /// dropped), in one transaction. Frozen when `next` ran out within them; otherwise the rest
    /// goes in through `LedgerQueue.freeze` while these are mailed (`frozen` false until then).
    func startSend(
        issue: Int, list: String, filter: String = "", now: Date, firstRows limit: Int,
        next: () throws -> Subscriber?
    ) throws -> SendRecord {
        try database.write { database in
            var send = try Self.insertSend(issue: issue, list: list, filter: filter, now: now, in: database)
            let freezer = try AudienceFreezer(connection: Self.connection(of: database), sendID: send.id)
            var taken = 0
            while taken < limit, let subscriber = try next() {
                try freezer.insert(subscriber)
                taken += 1
            }
            if taken < limit {
                send.audience = try Self.markFrozen(sendID: send.id, in: database)
            } else {
                try database.execute(sql: "UPDATE send SET frozen = 0 WHERE id = ?", arguments: [send.id])
                send.frozen = false
            }
            return send
        }
    }

    /// Freezes the rest of an audience that a run stopped freezing: every subscriber `audience`
    /// yields that is not in it yet. One transaction.
    func completeFreeze(of send: SendRecord, audience: (_ insert: (Subscriber) throws -> Void) throws -> Void)
        throws -> SendRecord
    {
        try database.write { database in try Self.freeze(audience, of: send, in: database) }
    }

    /// Inserts what `audience` yields into `send`'s audience (repeats ignored) and notes it whole.
    private static func freeze(
        _ audience: (_ insert: (Subscriber) throws -> Void) throws -> Void, of send: SendRecord, in database: Database
    ) throws -> SendRecord {
        var send = send
        let freezer = try AudienceFreezer(connection: connection(of: database), sendID: send.id)
        try audience { try freezer.insert($0) }
        send.audience = try markFrozen(sendID: send.id, in: database)
        send.frozen = true
        return send
    }

    private static func insertSend(issue: Int, list: String, filter: String, now: Date, in database: Database)
        throws -> SendRecord
    {
        let generation =
            try Int.fetchOne(
                database, sql: "SELECT COALESCE(MAX(generation), 0) + 1 FROM send WHERE issue = ? AND list = ?",
                arguments: [issue, list]) ?? 1
        try database.execute(
            sql: "INSERT INTO send (issue, list, generation, started_at, filter) VALUES (?, ?, ?, ?, ?)",
            arguments: [issue, list, generation, now.timeIntervalSince1970, filter])
        var send = SendRecord(
            id: database.lastInsertedRowID, issue: issue, list: list, generation: generation, startedAt: now,
            completedAt: nil, audience: 0)
        send.filter = filter
        return send
    }

    /// Counts the audience and notes the send frozen; returns the count.
    private static func markFrozen(sendID: Int64, in database: Database) throws -> Int {
        let count =
            try Int.fetchOne(database, sql: "SELECT COUNT(*) FROM recipient WHERE send_id = ?", arguments: [sendID])
            ?? 0
        try database.execute(
            sql: "UPDATE send SET audience = ?, frozen = 1 WHERE id = ?", arguments: [count, sendID])
        return count
    }

    private static func connection(of database: Database) -> CSQLiteConnection {
        guard let connection = database.sqliteConnection else {
            preconditionFailure("GRDB runs a transaction without its connection")
        }
        return CSQLiteConnection(borrowing: connection)
    }

    /// What a run that died left of a send, taken into the ledger before anything else
    /// happens to it: the outcomes in its connections' journals count, the message each
    /// connection may have had in flight is retried and marked uncertain, and the recipients
    /// they had claimed but not tried go back to the queue. Returns how many were uncertain.
    /// Only while no send runs in the workspace (`ProcessLock`).
    @discardableResult
    public func recover(sendID: Int64, policy: RetryPolicy) throws -> Int {
        try recoverJournals(sendID: sendID, policy: policy).uncertain
    }

    /// Recovers every send that a dead run left journals of, so that the sliding window counts
    /// what they sent.
    func recoverEveryJournal(policy: RetryPolicy) throws {
        for sendID in try BatchJournal.sendIDs(in: journalFolder) {
            try recoverJournals(sendID: sendID, policy: policy)
        }
    }

    /// `recover`, and the epoch a new run's journals start after.
    @discardableResult
    func recoverJournals(sendID: Int64, policy: RetryPolicy) throws -> (uncertain: Int, lastEpoch: Int64) {
        let files = try BatchJournal.files(in: journalFolder, sendID: sendID)
        let journals = try files.map { ($0.owner, try BatchJournal.read($0.url)) }
        let recovered = try LedgerWriter(path: path).recover(sendID: sendID, journals: journals, policy: policy)
        for file in files { try? FileManager.default.removeItem(at: file.url) }
        return recovered
    }

    public func markCompleted(sendID: Int64, at date: Date) throws {
        try database.write { database in
            try database.execute(
                sql: "UPDATE send SET completed_at = ? WHERE id = ?", arguments: [date.timeIntervalSince1970, sendID])
        }
    }

    /// When messages were sent since `date`, across all sends: the sliding window's history.
    public func sentTimes(since date: Date) throws -> [Double] {
        try database.read { database in
            try Double.fetchAll(
                database, sql: "SELECT sent_at FROM recipient WHERE sent_at >= ? ORDER BY sent_at",
                arguments: [date.timeIntervalSince1970])
        }
    }
}

extension SendRecord {
    init(row: Row) {
        id = row["id"]
        issue = row["issue"]
        list = row["list"]
        generation = row["generation"]
        startedAt = Date(timeIntervalSince1970: row["started_at"])
        completedAt = (row["completed_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        audience = row["audience"]
        frozen = row["frozen"]
        filter = row["filter"]
        cancelledAt = (row["cancelled_at"] as Double?).map(Date.init(timeIntervalSince1970:))
    }
}

extension DeliveryLedger {
    /// The address and list of recipient row `id`: whom a send's unsubscribe link names.
    /// `nil` for a row that does not exist, or whose person was erased.
    public func recipient(id: Int64) throws -> (address: String, list: String)? {
        try database.read { database in
            try Row.fetchOne(
                database,
                sql: "SELECT r.email, s.list FROM recipient r JOIN send s ON s.id = r.send_id WHERE r.id = ?",
                arguments: [id]
            ).flatMap { row in
                let email: String = row[0]
                return email.isEmpty ? nil : (email, row[1])
            }
        }
    }
}
