public import Foundation

/// A CSV file of subscribers (RFC 4180, a header naming an `email` column) read a row at a
/// time, the way into the store: each row is a subscriber, with its line, or the diagnostic
/// that says why it is not one. Blank lines are skipped; memory stays flat however long the file.
public struct CSVSubscribers {
    private var rows: SubscriberRows
    public var columns: [String] { rows.columns.names }

    public init(url: URL, displayPath: String) throws {
        rows = try SubscriberRows(url: url, displayPath: displayPath)
    }

    public mutating func next() -> Result<Subscriber, Diagnostic>? {
        while let (_, row) = rows.next() {
            if let row { return row }
        }
        return nil
    }
}
