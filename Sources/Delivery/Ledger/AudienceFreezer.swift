import Foundation
import NewsletterCore
import Store

/// Writes a send's audience into the ledger, a recipient per row, inside the transaction that
/// creates the send: once per subscriber, so through a prepared C statement (GRDB's arguments
/// cost as much as SQLite's insert). Repeated addresses are ignored by the table's unique key.
final class AudienceFreezer {
    private let insert: CSQLiteStatement
    private let sendID: Int64

    init(connection: CSQLiteConnection, sendID: Int64) throws {
        insert = try connection.prepare(
            """
            INSERT OR IGNORE INTO recipient (send_id, email, email_key, name, attributes, state)
            VALUES (?, ?, ?, ?, ?, \(RecipientState.pending.sql))
            """)
        self.sendID = sendID
    }

    func insert(_ subscriber: Subscriber) throws {
        try insert.run(
            .integer(sendID), .text(subscriber.address.description), .text(subscriber.address.key),
            subscriber.name.map(CSQLiteValue.text) ?? .null, .text(AttributesText.encode(subscriber.attributes)))
    }
}
