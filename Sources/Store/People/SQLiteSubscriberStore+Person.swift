internal import Crypto
public import Foundation
internal import GRDB
public import NewsletterCore

/// What is held about one person, and erasing it.
extension SQLiteSubscriberStore {
    public func person(_ address: EmailAddress) throws -> PersonRecord? {
        try pool.read { database -> PersonRecord? in
            guard let subscriber = try Self.stored(key: address.key, in: database) else { return nil }
            let memberships = try Row.fetchAll(
                database, sql: "SELECT list, status, changed_at FROM membership WHERE subscriber_id = ? ORDER BY list",
                arguments: [subscriber.id]
            ).map { row in
                Membership(
                    list: row[0], status: MembershipStatus(rawValue: row[1]) ?? .unconfirmed,
                    changedAt: Date(timeIntervalSince1970: row[2]))
            }
            let events = try Row.fetchAll(
                database,
                sql: """
                    SELECT e.id, e.at, e.list, e.action, e.source, e.note, e.ip, e.user_agent, t.text
                    FROM consent_event e LEFT JOIN consent_text t ON t.hash = e.consent_hash
                    WHERE e.email_key = ? ORDER BY e.id
                    """, arguments: [address.key]
            ).map { row in
                var source: String = row[4]
                if let note: String = row[5] { source += " (\(note))" }
                return ConsentEvent(
                    id: row[0], at: Date(timeIntervalSince1970: row[1]), list: row[2],
                    action: ConsentAction(rawValue: row[3]) ?? .asked, source: source, ip: row[6], userAgent: row[7],
                    consentText: row[8])
            }
            let sends = try Row.fetchAll(
                database,
                sql: """
                    SELECT s.issue, s.list, r.state, r.sent_at FROM recipient r JOIN send s ON s.id = r.send_id
                    WHERE r.email_key = ? ORDER BY s.id
                    """, arguments: [address.key]
            ).map { row in
                PersonRecord.SendEntry(
                    issue: row[0], list: row[1], state: row[2],
                    sentAt: (row[3] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
            return PersonRecord(
                subscriber: subscriber, memberships: memberships,
                suppression: try Self.suppression(of: address.key, in: database), events: events, sends: sends)
        }
    }

    public func forget(_ address: EmailAddress, source: ConsentSource, now: Date) throws -> Bool {
        let found = try pool.write { database -> Bool in
            let key = address.key
            let erased = try Self.erasedKey(for: key, in: database)
            var found = false
            func run(_ sql: String, _ arguments: StatementArguments) throws {
                try database.execute(sql: sql, arguments: arguments)
                found = found || database.changesCount > 0
            }
            try run(
                "DELETE FROM membership WHERE subscriber_id IN (SELECT id FROM subscriber WHERE email_key = ?)", [key])
            try run("DELETE FROM subscriber WHERE email_key = ?", [key])
            try run("DELETE FROM consent_event WHERE email_key = ?", [key])
            try run("DELETE FROM suppression WHERE email_key = ?", [key])
            try database.execute(sql: "DELETE FROM confirmation_mail WHERE email_key = ?", arguments: [key])
            // The rows of past sends keep their state, so that the sends' counts stay, and
            // nothing of the person: not the address, the name, the attributes or the reply
            // (which often quotes the address). One still waiting in a send is not mailed.
            try run(
                """
                UPDATE recipient SET email = '', email_key = 'erased:' || id, name = NULL, attributes = '{}',
                reply = NULL, message_id = NULL,
                state = CASE WHEN state IN \(RecipientState.waitingSQL) THEN \(RecipientState.suppressed.sql) ELSE state END
                WHERE email_key = ?
                """, [key])
            guard found else { return false }
            _ = try Self.suppress(erased, reason: .erased, source: source, now: now, in: database)
            return true
        }
        guard found else { return false }
        // The deleted rows' old pages may still be in the write-ahead log: copy the log into
        // the file (whose freed space `secure_delete` zeroed) and empty it.
        try checkpointAndTruncate()
        return true
    }

    /// Copies the write-ahead log into the database file and truncates it, retrying while a
    /// reader (a send, `serve`) holds an older snapshot.
    func checkpointAndTruncate() throws {
        for attempt in 0..<50 {
            let done = try pool.writeWithoutTransaction { database -> Bool in
                let row = try Row.fetchOne(database, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                return (row?[0] as Int?) == 0
            }
            if done { return }
            Thread.sleep(forTimeInterval: 0.02 * Double(attempt + 1))
        }
        throw NewsletterError(
            "The person was erased, but the store's write-ahead log could not be emptied: another process keeps reading it.",
            hint:
                "Run `newsletter subscribers forget` again once sends and `serve` have stopped; it finishes the erasure."
        )
    }

    /// The suppression list's key for an erased address, under the store's erasure key (made
    /// the first time it is needed).
    static func erasedKey(for emailKey: String, in database: Database) throws -> String {
        if let hex = try String.fetchOne(database, sql: "SELECT value FROM store_meta WHERE name = 'erasure_key'") {
            return ErasedAddress(keyHex: hex).suppressionKey(for: emailKey)
        }
        let hex = ErasedAddress.newKeyHex()
        try database.execute(sql: "INSERT INTO store_meta (name, value) VALUES ('erasure_key', ?)", arguments: [hex])
        return ErasedAddress(keyHex: hex).suppressionKey(for: emailKey)
    }

    static func isErased(_ emailKey: String, in database: Database) throws -> Bool {
        guard let hex = try String.fetchOne(database, sql: "SELECT value FROM store_meta WHERE name = 'erasure_key'")
        else { return false }
        return try Bool.fetchOne(
            database, sql: "SELECT 1 FROM suppression WHERE email_key = ?",
            arguments: [ErasedAddress(keyHex: hex).suppressionKey(for: emailKey)]) ?? false
    }
}

/// Consent texts are kept once, named by their SHA-256 in hex.
enum ConsentTextHash {
    static func of(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
