public import Foundation
internal import GRDB
public import NewsletterCore

/// Taking a CSV's rows in: confirmed, each with a consent event naming the file. A list of a
/// million goes in within seconds, through statements prepared once per transaction on SQLite's
/// C API: a new person costs three inserts; one the store holds already takes the general path.
extension SQLiteSubscriberStore {
    /// Rows per transaction: a sign-up waits at most for one of these to commit.
    static let importBatch = 2_000

    public func importRows(
        into list: String, source: ConsentSource, now: Date, next: () throws -> Result<Subscriber, Diagnostic>?
    ) throws -> ImportReport {
        var report = ImportReport()
        var finished = false
        // Each new person adds to three indexes, one of them (the random public ids) in no
        // order: with SQLite's default cache of 2 MB, a long import spends much of its time
        // reading those pages back. 64 MB holds them for a list of a million.
        // And the log is copied into the file every 40 MB instead of every 4: fewer flushes to disk.
        try pool.writeWithoutTransaction { database in
            try database.execute(sql: "PRAGMA cache_size = -65536")
            try database.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
        }
        defer {
            try? pool.writeWithoutTransaction { database in
                try database.execute(sql: "PRAGMA cache_size = -2000")
                try database.execute(sql: "PRAGMA wal_autocheckpoint = 1000")
            }
        }
        while !finished {
            try pool.write { database in
                let statements = try ImportStatements(database: database)
                var taken = 0
                while taken < Self.importBatch {
                    guard let row = try next() else {
                        finished = true
                        return
                    }
                    taken += 1
                    switch row {
                    case .failure(let problem):
                        report.badRows.append(problem)
                    case .success(let subscriber):
                        try Self.importOne(
                            subscriber, into: list, source: source, now: now, statements: statements, report: &report,
                            in: database)
                    }
                }
            }
        }
        return report
    }

    private static func importOne(
        _ subscriber: Subscriber, into list: String, source: ConsentSource, now: Date, statements: ImportStatements,
        report: inout ImportReport, in database: Database
    ) throws {
        let key = subscriber.address.key
        if statements.anyErased, try isErased(key, in: database) {
            report.erasedEarlier.append(
                Diagnostic(
                    "\(subscriber.address) was erased at their request (`subscribers forget`); the row is skipped.",
                    at: subscriber.line > 0 ? SourceLocation(file: source.description, line: subscriber.line) : nil,
                    hint: "Remove the row from the file, so that it is not imported again."))
            return
        }
        // A new person, the usual case of a long import: three inserts.
        if let id = try statements.insertNew(subscriber, now: now) {
            try statements.confirm(id, on: list, now: now)
            try statements.recordImported(key, list: list, source: source.description, now: now)
            report.added += 1
            if statements.anySuppressed, try suppression(of: key, in: database) != nil { report.suppressed += 1 }
            return
        }
        let (id, _) = try upsert(subscriber, overwriting: false, now: now, in: database)
        switch try status(of: id, on: list, in: database) {
        case .confirmed?:
            report.alreadyListed += 1
        case .unsubscribed?:
            report.unsubscribedEarlier.append(
                Diagnostic(
                    "\(subscriber.address) left the list `\(list)` earlier; the row is skipped.",
                    at: subscriber.line > 0 ? SourceLocation(file: source.description, line: subscriber.line) : nil,
                    hint: "An import does not subscribe them again: they can sign up again themselves."))
        case .unconfirmed?, nil:
            try setStatus(.confirmed, of: id, on: list, now: now, in: database)
            try record(.imported, key: key, list: list, source: source, now: now, in: database)
            report.added += 1
            if try suppression(of: key, in: database) != nil { report.suppressed += 1 }
        }
    }
}

/// The import's statements, prepared on the transaction's own connection (GRDB's), and what
/// the store holds that every row would otherwise ask again.
private struct ImportStatements {
    private let insertSubscriber: CSQLiteStatement
    private let insertMembership: CSQLiteStatement
    private let insertEvent: CSQLiteStatement
    /// Whether any address was erased, or any suppressed: when none, no row asks.
    let anyErased: Bool
    let anySuppressed: Bool

    init(database: Database) throws {
        guard let handle = database.sqliteConnection else {
            preconditionFailure("GRDB runs a transaction without its connection")
        }
        let connection = CSQLiteConnection(borrowing: handle)
        insertSubscriber = try connection.prepare(
            """
            INSERT INTO subscriber (public_id, email, email_key, name, attributes, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email_key) DO NOTHING RETURNING id
            """)
        insertMembership = try connection.prepare(
            "INSERT INTO membership (list, subscriber_id, status, changed_at) VALUES (?, ?, 'confirmed', ?)")
        insertEvent = try connection.prepare(
            "INSERT INTO consent_event (at, email_key, list, action, source) VALUES (?, ?, ?, 'imported', ?)")
        anyErased =
            try Bool.fetchOne(database, sql: "SELECT 1 FROM suppression WHERE reason = 'erased' LIMIT 1") ?? false
        anySuppressed = try Bool.fetchOne(database, sql: "SELECT 1 FROM suppression LIMIT 1") ?? false
    }

    /// The new person's id, or `nil` when the store holds the address already.
    func insertNew(_ subscriber: Subscriber, now: Date) throws -> Int64? {
        let time = now.timeIntervalSince1970
        return try insertSubscriber.first(
            .text(PublicID.make()), .text(subscriber.address.description), .text(subscriber.address.key),
            subscriber.name.map(CSQLiteValue.text) ?? .null, .text(AttributesJSON.encode(subscriber.attributes)),
            .real(time), .real(time)
        ) { $0.integer(0) }
    }

    func confirm(_ id: Int64, on list: String, now: Date) throws {
        try insertMembership.run(.text(list), .integer(id), .real(now.timeIntervalSince1970))
    }

    func recordImported(_ key: String, list: String, source: String, now: Date) throws {
        try insertEvent.run(.real(now.timeIntervalSince1970), .text(key), .text(list), .text(source))
    }
}
