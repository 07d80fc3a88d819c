package import Foundation
package import GRDB
import NewsletterCore

/// The store's tables, as versioned migrations, in the one SQLite file of a workspace
/// (`.newsletter/state.sqlite`): the sends and their recipients (the delivery ledger, v1 to v4),
/// then the people (v5): subscribers, their lists, the suppression list and the consent log.
/// Each migration runs once, in order, under a lock (`StoreDatabase.open`).
package enum StoreSchema {
    package static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { database in
            try database.execute(
                sql: """
                    CREATE TABLE send (
                        id INTEGER PRIMARY KEY,
                        issue INTEGER NOT NULL,
                        list TEXT NOT NULL,
                        generation INTEGER NOT NULL,
                        started_at REAL NOT NULL,
                        completed_at REAL,
                        audience INTEGER NOT NULL DEFAULT 0,
                        UNIQUE (issue, list, generation)
                    );
                    CREATE TABLE recipient (
                        id INTEGER PRIMARY KEY,
                        send_id INTEGER NOT NULL REFERENCES send(id),
                        email TEXT NOT NULL,
                        email_key TEXT NOT NULL,
                        name TEXT,
                        attributes TEXT NOT NULL,
                        state TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL DEFAULT 0,
                        first_attempt_at REAL,
                        claimed_at REAL,
                        reply_code INTEGER,
                        reply TEXT,
                        message_id TEXT,
                        sent_at REAL,
                        uncertain INTEGER NOT NULL DEFAULT 0,
                        UNIQUE (send_id, email_key)
                    );
                    -- The queue's indexes hold only the recipients waiting in it, so a message
                    -- that goes out leaves one index page to rewrite, and a sent one none. No
                    -- index on sent_at for the same reason: the sliding window reads it once a run.
                    CREATE INDEX recipient_pending ON recipient (send_id, id) WHERE state = 'pending';
                    CREATE INDEX recipient_deferred ON recipient (send_id, next_attempt_at, id) WHERE state = 'deferred';
                    """)
        }
        migrator.registerMigration("v2") { database in
            // Pending recipients are claimed in id order from a cursor (`ClaimCursor`), through
            // the table's own rowid order: the index cost every claim a page written to the WAL.
            try database.execute(sql: "DROP INDEX recipient_pending")
        }
        migrator.registerMigration("v3") { database in
            // Before v3 a recipient was "sending" only while its message was in flight; from
            // v3 on, a connection claims a batch, and its journal tells which one was in flight.
            // A send that died before the upgrade has no journals: its "sending" ones were in
            // flight, and are retried and reported as uncertain, as the old version would have.
            try database.execute(
                sql:
                    "UPDATE recipient SET state = 'deferred', uncertain = 1, next_attempt_at = 0 WHERE state = 'sending'"
            )
            // The last batch of each connection (slot) of a send that the ledger took in: a
            // journal left behind with an epoch at or below it was folded already.
            try database.execute(
                sql: """
                    CREATE TABLE journal_fold (
                        send_id INTEGER NOT NULL REFERENCES send(id),
                        slot INTEGER NOT NULL,
                        epoch INTEGER NOT NULL,
                        PRIMARY KEY (send_id, slot)
                    ) WITHOUT ROWID;
                    -- Whether any claimed recipient is still out, asked by a connection with
                    -- nothing left to claim until the others finish their batches; and
                    -- recovery's put-back. Claimed and folded a batch at a time, so cheap.
                    CREATE INDEX recipient_sending ON recipient (send_id) WHERE state = 'sending';
                    """)
        }
        migrator.registerMigration("v4") { database in
            // From v4 on, a long list is frozen as it is mailed (see `startSend`): 0 until the
            // whole audience is in. Earlier sends were frozen whole as they started.
            try database.execute(sql: "ALTER TABLE send ADD COLUMN frozen INTEGER NOT NULL DEFAULT 1")
        }
        migrator.registerMigration("v5") { database in
            try database.execute(sql: peopleTables)
        }
        migrator.registerMigration("v6") { database in
            // A send may go to part of a list (`send --where city=Riga`), and may be cancelled.
            try database.execute(
                sql: """
                    ALTER TABLE send ADD COLUMN filter TEXT NOT NULL DEFAULT '';
                    ALTER TABLE send ADD COLUMN cancelled_at REAL;
                    """)
        }
        migrator.registerMigration("v7") { database in
            try database.execute(sql: signUpTables)
        }
        return migrator
    }

    /// v7: what the public sign-up keeps, in the store so that several servers share it: the
    /// confirmation links used (each works once), and the counts behind the limits on sign-ups
    /// per IP address and on confirmation mails per address and per hour.
    private static let signUpTables = """
        CREATE TABLE used_token (
            nonce TEXT PRIMARY KEY,
            used_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE signup_attempt (
            ip TEXT NOT NULL,
            at REAL NOT NULL
        );
        CREATE INDEX signup_attempt_ip ON signup_attempt (ip, at);
        CREATE TABLE confirmation_mail (
            email_key TEXT NOT NULL,
            at REAL NOT NULL
        );
        CREATE INDEX confirmation_mail_key ON confirmation_mail (email_key, at);
        CREATE INDEX confirmation_mail_at ON confirmation_mail (at);
        """

    /// v5: the people. Everything personal is here, in one place, so that `forget` can find it.
    private static let peopleTables = """
        -- Settings of the store itself: the key of erased addresses' hashes, when the CSV lists
        -- were taken in.
        CREATE TABLE store_meta (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        -- A person: one row per address (compared by its key, the address with its local part
        -- in lower case). `public_id` names them in links: random, so a link holds no address.
        CREATE TABLE subscriber (
            id INTEGER PRIMARY KEY,
            public_id TEXT NOT NULL UNIQUE,
            email TEXT NOT NULL,
            email_key TEXT NOT NULL UNIQUE,
            name TEXT,
            attributes TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        );
        -- A person on a list, and where they stand: unconfirmed, confirmed or unsubscribed.
        CREATE TABLE membership (
            list TEXT NOT NULL,
            subscriber_id INTEGER NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            changed_at REAL NOT NULL,
            PRIMARY KEY (list, subscriber_id)
        ) WITHOUT ROWID;
        CREATE INDEX membership_subscriber ON membership (subscriber_id);
        -- Never mailed again, on any list: unsubscribed from everything, a hard bounce, a
        -- complaint, by hand, or erased (then `email_key` is a keyed hash, not the address).
        CREATE TABLE suppression (
            email_key TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            created_at REAL NOT NULL,
            note TEXT
        ) WITHOUT ROWID;
        -- The consent log, append-only: every change of a person's standing, with where it
        -- came from. Its ids only grow, so a running send follows it to honour unsubscribes.
        CREATE TABLE consent_event (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            email_key TEXT NOT NULL,
            list TEXT,
            action TEXT NOT NULL,
            source TEXT NOT NULL,
            note TEXT,
            ip TEXT,
            user_agent TEXT,
            consent_hash TEXT REFERENCES consent_text(hash)
        );
        CREATE INDEX consent_event_key ON consent_event (email_key);
        -- The consent texts people agreed to, each kept once, by its SHA-256.
        CREATE TABLE consent_text (
            hash TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            first_shown_at REAL NOT NULL
        ) WITHOUT ROWID;
        """
}

extension StoreSchema {
    /// Switches a new store to WAL and runs the migrations it lacks, under a lock on the file:
    /// several processes opening a new store at once (a `send`, a `serve`, two `status`) would
    /// otherwise each create its tables, or switch it to WAL, and all but one would fail.
    package static func prepare(_ writer: some DatabaseWriter, at path: URL) throws {
        try DurableFile.withLock(on: path) {
            try writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
            try migrator.migrate(writer)
        }
    }
}
