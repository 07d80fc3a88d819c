import Foundation

/// A CSV file of subscribers read row by row: its header's columns, then each row as a
/// subscriber or the diagnostic saying why it is not one. Lists, imports and list edits all read
/// their files through this, so a row means the same thing everywhere.
struct SubscriberRows {
    let columns: SubscriberColumns
    let headerRecord: CSVReader.Record
    private var reader: CSVReader
    private let displayPath: String

    /// Opens `url` and reads its header; `displayPath` is how messages name the file.
    init(url: URL, displayPath: String) throws {
        do {
            reader = try CSVReader(url: url)
        } catch {
            throw NewsletterError(
                "\(displayPath) cannot be read: \(TextFile.describe(error)).",
                hint: "Check the path and its permissions.")
        }
        guard let headerRecord = reader.next(), case .success(let header) = headerRecord.fields else {
            throw NewsletterError(
                "The file has no header row.", at: SourceLocation(file: displayPath, line: 1),
                hint: "Start the file with a header such as `email,name`.")
        }
        self.headerRecord = headerRecord
        self.displayPath = displayPath
        columns = try SubscriberColumns(header: header, file: displayPath)
    }

    /// The next record as read, and what it holds: `nil` for a blank line.
    mutating func next() -> (record: CSVReader.Record, row: Result<Subscriber, Diagnostic>?)? {
        guard let record = reader.next() else { return nil }
        if record.raw.allSatisfy({ $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) { return (record, nil) }
        switch record.fields {
        case .failure(let problem):
            return (
                record,
                .failure(
                    Diagnostic(
                        "This row cannot be read: \(problem.message); the row is skipped.",
                        at: SourceLocation(file: displayPath, line: record.line),
                        hint: "Fields with commas, quotes or line breaks go in double quotes, with quotes doubled."))
            )
        case .success(let fields):
            return (record, columns.subscriber(from: fields, line: record.line, file: displayPath))
        }
    }
}

extension Subscriber {
    /// The subscriber as a row under `columns`: email, name, and each attribute by its name.
    public func fields(for columns: [String]) -> [String] {
        columns.map { column in
            switch column.lowercased() {
            case "email": address.description
            case "name": name ?? ""
            // Columns are named without regard to case (`City` fills `city`).
            default:
                attributes[column] ?? attributes.first { $0.key.lowercased() == column.lowercased() }?.value ?? ""
            }
        }
    }
}
