public import Foundation
internal import GRDB
public import NewsletterCore

/// The public sign-up: asking, confirming, and the limits that keep a bot from using the form.
extension SQLiteSubscriberStore {
    public func signUp(
        _ address: EmailAddress, name: String?, lists: [ListDefinition], source: ConsentSource, now: Date
    ) throws -> SignUpOutcome {
        try pool.write { database in
            let key = address.key
            let id: Int64
            let publicID: String
            if let held = try Self.stored(key: key, in: database) {
                (id, publicID) = (held.id, held.publicID)
            } else {
                let subscriber = Subscriber(address: address, name: name)
                (id, _) = try Self.upsert(subscriber, overwriting: false, now: now, in: database)
                publicID =
                    try String.fetchOne(
                        database, sql: "SELECT public_id FROM subscriber WHERE id = ?", arguments: [id]) ?? ""
            }
            var outcome = SignUpOutcome(publicID: publicID, toConfirm: [], joined: [])
            // Who left everything is on no list, whatever the memberships say: they confirm again.
            let leftEverything = try Self.suppression(of: key, in: database)?.reason == .unsubscribed
            for list in lists {
                let status = try Self.status(of: id, on: list.name, in: database)
                guard status != .confirmed || (leftEverything && list.optIn == .double) else { continue }
                switch list.optIn {
                case .single:
                    try Self.setStatus(.confirmed, of: id, on: list.name, now: now, in: database)
                    try Self.record(
                        status == .unsubscribed ? .resubscribed : .confirmed, key: key, list: list.name,
                        source: source, now: now, in: database)
                    outcome.joined.append(list.name)
                case .double:
                    try Self.setStatus(.unconfirmed, of: id, on: list.name, now: now, in: database)
                    try Self.record(.asked, key: key, list: list.name, source: source, now: now, in: database)
                    outcome.toConfirm.append(list.name)
                }
            }
            return outcome
        }
    }

    public func confirm(publicID: String, lists: [String], nonce: String, source: ConsentSource, now: Date) throws
        -> ConfirmOutcome
    {
        try pool.write { database in
            try database.execute(
                sql: "INSERT INTO used_token (nonce, used_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                arguments: [nonce, now.timeIntervalSince1970])
            guard database.changesCount > 0 else { return .used }
            guard
                let held = try Row.fetchOne(
                    database,
                    sql:
                        "SELECT id, public_id, created_at, email, email_key, name, attributes FROM subscriber WHERE public_id = ?",
                    arguments: [publicID]
                ).map(Self.stored)
            else { return .unknown }
            let key = held.address.key
            var confirmed: [String] = []
            for list in lists where try Self.status(of: held.id, on: list, in: database) == .unconfirmed {
                let leftBefore =
                    try Bool.fetchOne(
                        database,
                        sql:
                            "SELECT 1 FROM consent_event WHERE email_key = ? AND action = 'unsubscribed' AND (list = ? OR list IS NULL)",
                        arguments: [key, list]) ?? false
                try Self.setStatus(.confirmed, of: held.id, on: list, now: now, in: database)
                try Self.record(
                    leftBefore ? .resubscribed : .confirmed, key: key, list: list, source: source, now: now,
                    in: database)
                confirmed.append(list)
            }
            if !confirmed.isEmpty {
                // They asked and confirmed themselves: having left everything, or having been
                // erased, no longer stops them. A bounce or a complaint still does, until the
                // editor lifts it.
                try database.execute(
                    sql: "DELETE FROM suppression WHERE email_key IN (?, ?) AND reason IN ('unsubscribed', 'erased')",
                    arguments: [key, try Self.erasedKey(for: key, in: database)])
            }
            return .confirmed(address: held.address, lists: confirmed)
        }
    }

    public func noteSignUpAttempt(ip: String, now: Date) throws -> Int {
        try pool.write { database in
            let hourAgo = now.timeIntervalSince1970 - 3600
            // An address is personal data: none is kept longer than the limit needs.
            try database.execute(sql: "DELETE FROM signup_attempt WHERE at < ?", arguments: [hourAgo])
            try database.execute(
                sql: "INSERT INTO signup_attempt (ip, at) VALUES (?, ?)", arguments: [ip, now.timeIntervalSince1970])
            return try Int.fetchOne(
                database, sql: "SELECT COUNT(*) FROM signup_attempt WHERE ip = ? AND at >= ?",
                arguments: [ip, hourAgo]) ?? 1
        }
    }

    public func reserveConfirmationMail(for address: EmailAddress, hourlyCap: Int, now: Date) throws -> Bool {
        try pool.write { database in
            let time = now.timeIntervalSince1970
            try database.execute(sql: "DELETE FROM confirmation_mail WHERE at < ?", arguments: [time - 86400])
            let recent =
                try Bool.fetchOne(
                    database, sql: "SELECT 1 FROM confirmation_mail WHERE email_key = ? LIMIT 1",
                    arguments: [address.key]) ?? false
            guard !recent else { return false }
            let lastHour =
                try Int.fetchOne(
                    database, sql: "SELECT COUNT(*) FROM confirmation_mail WHERE at >= ?", arguments: [time - 3600])
                ?? 0
            guard lastHour < hourlyCap else { return false }
            try database.execute(
                sql: "INSERT INTO confirmation_mail (email_key, at) VALUES (?, ?)", arguments: [address.key, time])
            return true
        }
    }
}
