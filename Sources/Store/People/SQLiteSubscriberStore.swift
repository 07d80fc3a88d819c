public import Foundation
internal import GRDB
public import NewsletterCore

/// The people of a workspace in its SQLite store: the SQL of subscribers, lists, suppression
/// and the consent log, all here (the import's and erasure's in their own files).
public final class SQLiteSubscriberStore: SubscriberStore {
    public let database: StoreDatabase
    var pool: DatabasePool { database.pool }

    public init(database: StoreDatabase) {
        self.database = database
    }

    public convenience init(workspace: Workspace) throws {
        try self.init(database: StoreDatabase(workspace: workspace))
    }

    // MARK: Lists

    /// A subscriber from the columns `email, email_key, name, attributes` starting at `first`.
    static func subscriber(from row: Row, first: Int = 0) -> Subscriber {
        Subscriber(
            address: EmailAddress(stored: row[first], key: row[first + 1]), name: row[first + 2],
            attributes: AttributesJSON.decode(row[first + 3]))
    }

    public func members(of list: String) throws -> [ListedMember] {
        try pool.read { database in
            try Row.fetchAll(
                database,
                sql: """
                    SELECT s.email, s.email_key, s.name, s.attributes, m.status, x.reason
                    FROM membership m JOIN subscriber s ON s.id = m.subscriber_id
                    LEFT JOIN suppression x ON x.email_key = s.email_key
                    WHERE m.list = ? ORDER BY s.id
                    """, arguments: [list]
            ).map { row in
                ListedMember(
                    subscriber: Self.subscriber(from: row),
                    status: MembershipStatus(rawValue: row[4]) ?? .unconfirmed,
                    suppression: (row[5] as String?).flatMap(SuppressionReason.init(rawValue:)))
            }
        }
    }

    @discardableResult
    public func eachActiveMember(
        of list: String, filters: [AttributeFilter], notReceiving issue: Int?, _ body: (Subscriber) throws -> Void
    ) throws -> Int {
        var (sql, arguments) = Self.activeMembersQuery(list: list, filters: filters, notReceiving: issue)
        sql += " ORDER BY s.id"
        return try pool.read { database in
            var count = 0
            let rows = try Row.fetchCursor(database, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                try body(Self.subscriber(from: row))
                count += 1
            }
            return count
        }
    }

    /// Who a send of `list` mails: confirmed members, not suppressed, meeting every filter
    /// (a missing attribute equals no value), and not among those a send of `issue` mailed
    /// (the ledger shares the store). Selects `email, email_key, name, attributes`.
    static func activeMembersQuery(list: String, filters: [AttributeFilter], notReceiving issue: Int? = nil) -> (
        String, StatementArguments
    ) {
        var sql = """
            SELECT s.email, s.email_key, s.name, s.attributes
            FROM membership m JOIN subscriber s ON s.id = m.subscriber_id
            WHERE m.list = ? AND m.status = 'confirmed'
            AND NOT EXISTS (SELECT 1 FROM suppression x WHERE x.email_key = s.email_key)
            """
        var arguments: StatementArguments = [list]
        for filter in filters {
            sql +=
                "\n AND \(filter.equal ? "" : "NOT ")EXISTS (SELECT 1 FROM json_each(s.attributes) a WHERE a.key = ? AND a.value = ?)"
            arguments += [filter.field, filter.value]
        }
        if let issue {
            sql += """

                 AND NOT EXISTS (SELECT 1 FROM recipient r JOIN send d ON d.id = r.send_id
                 WHERE d.issue = ? AND r.email_key = s.email_key AND r.state = \(RecipientState.sent.sql))
                """
            arguments += [issue]
        }
        return (sql, arguments)
    }

    public func listCounts() throws -> [(list: String, active: Int, all: Int)] {
        try pool.read { database in
            try Row.fetchAll(
                database,
                sql: """
                    SELECT m.list, SUM(m.status = 'confirmed' AND x.email_key IS NULL), COUNT(*)
                    FROM membership m JOIN subscriber s ON s.id = m.subscriber_id
                    LEFT JOIN suppression x ON x.email_key = s.email_key
                    GROUP BY m.list ORDER BY m.list
                    """
            ).map { (list: $0[0], active: $0[1], all: $0[2]) }
        }
    }

    public func attributeNames() throws -> Set<String> {
        try pool.read { database in
            Set(
                try String.fetchAll(
                    database, sql: "SELECT DISTINCT a.key FROM subscriber s, json_each(s.attributes) a"))
        }
    }

    // MARK: Changes by the editor

    public func add(_ subscriber: Subscriber, to list: String, source: ConsentSource, now: Date) throws -> AddOutcome {
        try pool.write { database in
            if try Self.isErased(subscriber.address.key, in: database) { return .erasedEarlier }
            let (id, _) = try Self.upsert(subscriber, overwriting: true, now: now, in: database)
            switch try Self.status(of: id, on: list, in: database) {
            case .unsubscribed?:
                return .unsubscribedEarlier
            case .confirmed?:
                return .alreadyListed
            case .unconfirmed?, nil:
                try Self.setStatus(.confirmed, of: id, on: list, now: now, in: database)
                try Self.record(.added, key: subscriber.address.key, list: list, source: source, now: now, in: database)
                return .added
            }
        }
    }

    public func remove(_ address: EmailAddress, from list: String, source: ConsentSource, now: Date) throws -> Bool {
        try pool.write { database in
            try database.execute(
                sql: """
                    DELETE FROM membership WHERE list = ?
                    AND subscriber_id = (SELECT id FROM subscriber WHERE email_key = ?)
                    """, arguments: [list, address.key])
            guard database.changesCount > 0 else { return false }
            try Self.record(.removed, key: address.key, list: list, source: source, now: now, in: database)
            return true
        }
    }

    public func suppress(_ address: EmailAddress, reason: SuppressionReason, source: ConsentSource, now: Date) throws
        -> Bool
    {
        try pool.write { database in
            try Self.suppress(address.key, reason: reason, source: source, now: now, in: database)
        }
    }

    public func unsuppress(_ address: EmailAddress, reason: String, source: ConsentSource, now: Date) throws -> Bool {
        try pool.write { database in
            try database.execute(
                sql: "DELETE FROM suppression WHERE email_key = ? AND reason != 'erased'", arguments: [address.key])
            guard database.changesCount > 0 else { return false }
            try Self.record(
                .unsuppressed, key: address.key, list: nil, note: reason, source: source, now: now, in: database)
            return true
        }
    }

    public func suppression(of address: EmailAddress) throws -> Suppression? {
        try pool.read { database in try Self.suppression(of: address.key, in: database) }
    }

    public func wasErased(_ address: EmailAddress) throws -> Bool {
        try pool.read { database in try Self.isErased(address.key, in: database) }
    }

    // MARK: The person

    public func subscriber(publicID: String) throws -> StoredSubscriber? {
        guard PublicID.isWellFormed(publicID) else { return nil }
        return try pool.read { database in
            try Row.fetchOne(
                database,
                sql:
                    "SELECT id, public_id, created_at, email, email_key, name, attributes FROM subscriber WHERE public_id = ?",
                arguments: [publicID]
            ).map(Self.stored)
        }
    }

    public func subscriber(address: EmailAddress) throws -> StoredSubscriber? {
        try pool.read { database in try Self.stored(key: address.key, in: database) }
    }

    @discardableResult
    public func unsubscribe(_ address: EmailAddress, from list: String?, source: ConsentSource, now: Date) throws
        -> [String]
    {
        try pool.write { database in
            var left: [String] = []
            if let id = try Int64.fetchOne(
                database, sql: "SELECT id FROM subscriber WHERE email_key = ?", arguments: [address.key])
            {
                left = try String.fetchAll(
                    database,
                    sql:
                        "SELECT list FROM membership WHERE subscriber_id = ? AND status != 'unsubscribed' AND (?2 IS NULL OR list = ?2) ORDER BY list",
                    arguments: [id, list])
                for name in left { try Self.setStatus(.unsubscribed, of: id, on: name, now: now, in: database) }
            }
            if let list {
                // Twice is harmless: a second click changes nothing and records nothing.
                if !left.isEmpty {
                    try Self.record(.unsubscribed, key: address.key, list: list, source: source, now: now, in: database)
                }
            } else {
                // From everything: suppressed, so that no list, import or later sign-up mails them.
                _ = try Self.suppress(address.key, reason: .unsubscribed, source: source, now: now, in: database)
            }
            return left
        }
    }

    // MARK: Following changes

    public func lastEventID() throws -> Int64 {
        try pool.read { database in
            try Int64.fetchOne(database, sql: "SELECT COALESCE(MAX(id), 0) FROM consent_event") ?? 0
        }
    }

    public func stoppedKeys(list: String) throws -> (keys: Set<String>, lastID: Int64) {
        try pool.read { database in
            let keys = try String.fetchSet(
                database,
                sql: """
                    SELECT email_key FROM suppression
                    UNION SELECT s.email_key FROM membership m JOIN subscriber s ON s.id = m.subscriber_id
                    WHERE m.list = ? AND m.status != 'confirmed'
                    """, arguments: [list])
            let last = try Int64.fetchOne(database, sql: "SELECT COALESCE(MAX(id), 0) FROM consent_event") ?? 0
            return (keys, last)
        }
    }

    public func audienceSummary(of list: String, filters: [AttributeFilter], notReceiving issue: Int?) throws
        -> AudienceSummary
    {
        try pool.read { database in
            var summary = AudienceSummary()
            let rows = try Row.fetchAll(
                database,
                sql: """
                    SELECT m.status, x.email_key IS NOT NULL, COUNT(*)
                    FROM membership m JOIN subscriber s ON s.id = m.subscriber_id
                    LEFT JOIN suppression x ON x.email_key = s.email_key
                    WHERE m.list = ? GROUP BY 1, 2
                    """, arguments: [list])
            var confirmed = 0
            for row in rows {
                let count: Int = row[2]
                switch (MembershipStatus(rawValue: row[0]), row[1] as Bool) {
                case (.confirmed?, true): summary.suppressed += count
                case (.confirmed?, false): confirmed += count
                case (.unconfirmed?, _): summary.unconfirmed += count
                default: summary.unsubscribed += count
                }
            }
            func count(_ issue: Int?) throws -> Int {
                guard !filters.isEmpty || issue != nil else { return confirmed }
                let (sql, arguments) = Self.activeMembersQuery(list: list, filters: filters, notReceiving: issue)
                return try Int.fetchOne(database, sql: "SELECT COUNT(*) FROM (\(sql))", arguments: arguments) ?? 0
            }
            let matching = try count(nil)
            summary.filteredOut = confirmed - matching
            summary.active = issue == nil ? matching : try count(issue)
            summary.receivedAlready = matching - summary.active
            return summary
        }
    }

    public func stops(after id: Int64, list: String) throws -> (keys: [String], lastID: Int64) {
        try pool.read { database in
            let rows = try Row.fetchAll(
                database,
                sql: """
                    SELECT id, email_key, list, action FROM consent_event WHERE id > ?
                    AND action IN ('unsubscribed', 'removed', 'suppressed', 'bounced') ORDER BY id
                    """, arguments: [id])
            let keys = rows.filter { ($0[2] as String?).map { $0 == list } ?? true }.map { $0[1] as String }
            return (keys, rows.last?[0] ?? id)
        }
    }

    // MARK: Shared steps, inside a transaction

    /// Inserts the subscriber, or merges it into the one held: with `overwriting`, its name and
    /// attributes replace those held (the editor's own add); without, they only fill what is
    /// missing (an import does not undo an edit). Returns the id and whether it was new.
    static func upsert(_ subscriber: Subscriber, overwriting: Bool, now: Date, in database: Database) throws -> (
        Int64, Bool
    ) {
        if let row = try Row.fetchOne(
            database, sql: "SELECT id, name, attributes FROM subscriber WHERE email_key = ?",
            arguments: [subscriber.address.key])
        {
            let id: Int64 = row[0]
            let heldName: String? = row[1]
            let held = AttributesJSON.decode(row[2])
            let name = overwriting ? (subscriber.name ?? heldName) : (heldName ?? subscriber.name)
            let attributes = held.merging(subscriber.attributes) { old, new in overwriting ? new : old }
            if name != heldName || attributes != held {
                try database.execute(
                    sql: "UPDATE subscriber SET name = ?, attributes = ?, updated_at = ? WHERE id = ?",
                    arguments: [name, AttributesJSON.encode(attributes), now.timeIntervalSince1970, id])
            }
            return (id, false)
        }
        try database.execute(
            sql: """
                INSERT INTO subscriber (public_id, email, email_key, name, attributes, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                PublicID.make(), subscriber.address.description, subscriber.address.key, subscriber.name,
                AttributesJSON.encode(subscriber.attributes), now.timeIntervalSince1970, now.timeIntervalSince1970,
            ])
        return (database.lastInsertedRowID, true)
    }

    static func status(of subscriber: Int64, on list: String, in database: Database) throws -> MembershipStatus? {
        try String.fetchOne(
            database, sql: "SELECT status FROM membership WHERE list = ? AND subscriber_id = ?",
            arguments: [list, subscriber]
        ).flatMap(MembershipStatus.init(rawValue:))
    }

    static func setStatus(
        _ status: MembershipStatus, of subscriber: Int64, on list: String, now: Date, in database: Database
    )
        throws
    {
        try database.execute(
            sql: """
                INSERT INTO membership (list, subscriber_id, status, changed_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (list, subscriber_id) DO UPDATE SET status = excluded.status, changed_at = excluded.changed_at
                """, arguments: [list, subscriber, status.rawValue, now.timeIntervalSince1970])
    }

    static func suppress(
        _ key: String, reason: SuppressionReason, source: ConsentSource, now: Date, in database: Database
    ) throws -> Bool {
        try database.execute(
            sql: "INSERT INTO suppression (email_key, reason, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            arguments: [key, reason.rawValue, now.timeIntervalSince1970])
        guard database.changesCount > 0 else { return false }
        let action: ConsentAction =
            switch reason {
            case .unsubscribed: .unsubscribed
            case .hardBounce: .bounced
            case .erased: .erased
            case .complaint, .manual: .suppressed
            }
        try record(action, key: key, list: nil, note: reason.rawValue, source: source, now: now, in: database)
        return true
    }

    static func suppression(of key: String, in database: Database) throws -> Suppression? {
        try Row.fetchOne(
            database, sql: "SELECT reason, created_at, note FROM suppression WHERE email_key = ?", arguments: [key]
        ).map { row in
            Suppression(
                reason: SuppressionReason(rawValue: row[0]) ?? .manual, at: Date(timeIntervalSince1970: row[1]),
                note: row[2])
        }
    }

    /// Appends to the consent log (and keeps the consent text once, by its hash).
    static func record(
        _ action: ConsentAction, key: String, list: String?, note: String? = nil, source: ConsentSource, now: Date,
        in database: Database
    ) throws {
        var hash: String?
        if let text = source.consentText {
            let textHash = ConsentTextHash.of(text)
            try database.execute(
                sql: "INSERT INTO consent_text (hash, text, first_shown_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [textHash, text, now.timeIntervalSince1970])
            hash = textHash
        }
        try database.execute(
            sql: """
                INSERT INTO consent_event (at, email_key, list, action, source, note, ip, user_agent, consent_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                now.timeIntervalSince1970, key, list, action.rawValue, source.description, note, source.ip,
                source.userAgent, hash,
            ])
    }

    static func stored(from row: Row) -> StoredSubscriber {
        StoredSubscriber(
            id: row[0], publicID: row[1], subscriber: subscriber(from: row, first: 3),
            createdAt: Date(timeIntervalSince1970: row[2]))
    }

    static func stored(key: String, in database: Database) throws -> StoredSubscriber? {
        try Row.fetchOne(
            database,
            sql:
                "SELECT id, public_id, created_at, email, email_key, name, attributes FROM subscriber WHERE email_key = ?",
            arguments: [key]
        ).map(stored)
    }
}
