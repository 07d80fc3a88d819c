import Foundation
import NewsletterCore

/// Writes a send's audience into the ledger, a recipient per row, inside the transaction that
/// creates the send: once per subscriber, so through prepared C statements (GRDB's arguments
/// cost as much as SQLite's insert). Repeated addresses are ignored by the table's unique key.
final class AudienceFreezer {
    private let connection: SQLiteConnection
    private let sendID: Int64
    /// One statement per number of attributes.
    private var inserts: [Int: SQLiteStatement] = [:]

    /// The attributes become a JSON object in SQLite (json_object), far quicker than
    /// Foundation's serializer for a list of a million. SQLite before 3.48 takes at most 127
    /// arguments: wider lists use the serializer.
    private static let maximumPairs = 63

    init(connection: SQLiteConnection, sendID: Int64) {
        self.connection = connection
        self.sendID = sendID
    }

    func insert(_ subscriber: Subscriber) throws {
        let keys = subscriber.attributes.keys.sorted()
        var values: [SQLiteValue] = [
            .integer(sendID), .text(subscriber.address.description), .text(subscriber.address.key),
            subscriber.name.map(SQLiteValue.text) ?? .null,
        ]
        if keys.count > Self.maximumPairs {
            let json = try JSONSerialization.data(withJSONObject: subscriber.attributes, options: [.sortedKeys])
            values.append(.text(String(decoding: json, as: UTF8.self)))
        } else {
            values.reserveCapacity(4 + 2 * keys.count)
            for key in keys { values += [.text(key), .text(subscriber.attributes[key] ?? "")] }
        }
        try statement(pairs: keys.count).run(values)
    }

    private func statement(pairs: Int) throws -> SQLiteStatement {
        if let statement = inserts[pairs] { return statement }
        let attributes =
            pairs > Self.maximumPairs
            ? "?" : "json_object(\(Array(repeating: "?, ?", count: pairs).joined(separator: ", ")))"
        let statement = try connection.prepare(
            """
            INSERT OR IGNORE INTO recipient (send_id, email, email_key, name, attributes, state)
            VALUES (?, ?, ?, ?, \(attributes), 'pending')
            """)
        inserts[pairs] = statement
        return statement
    }
}
