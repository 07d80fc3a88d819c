public import Foundation

/// Changes to a list file that keep every row they do not touch byte for byte, bad rows
/// included: an editor's file loses nothing because a command ran on it.
public struct SubscriberListEditor: Sendable {
    public let list: SubscriberList

    public init(list: SubscriberList) {
        self.list = list
    }

    /// What `import` did.
    public struct ImportReport: Sendable {
        public var added: [Subscriber] = []
        public var alreadyListed = 0
        public var badRows: [Diagnostic] = []
        public var newColumns: [String] = []
    }

    /// Adds one subscriber; refuses an address already on the list.
    public func add(_ subscriber: Subscriber) throws {
        var file = try ListFile(list: list, creatingWith: ["email", "name"] + subscriber.attributes.keys.sorted())
        if let line = file.lines[subscriber.address.key] {
            throw NewsletterError(
                "\(subscriber.address) is already on the list `\(list.name)`.",
                at: SourceLocation(file: list.displayPath, line: line), hint: "Nothing was changed.")
        }
        file.append([subscriber])
        try file.save()
    }

    /// Removes every row with this address; returns how many there were.
    public func remove(_ address: EmailAddress) throws -> Int {
        var file = try ListFile(list: list, creatingWith: nil)
        let removed = file.remove(key: address.key)
        if removed > 0 { try file.save() }
        return removed
    }

    /// Adds the good rows of another CSV file whose addresses are not on the list yet. Its
    /// columns are matched by name; columns the list lacks are added to it.
    public func importRows(from url: URL, displayPath: String) throws -> ImportReport {
        var reader: CSVReader
        do {
            reader = try CSVReader(url: url)
        } catch {
            throw NewsletterError(
                "\(displayPath) cannot be read: \(TextFile.describe(error)).", hint: "Check the path.")
        }
        guard let headerRecord = reader.next(), case .success(let header) = headerRecord.fields else {
            throw NewsletterError(
                "The file has no header row.", at: SourceLocation(file: displayPath, line: 1),
                hint: "Start it with a header such as `email,name`.")
        }
        let columns = try SubscriberColumns(header: header, file: displayPath)
        var file = try ListFile(list: list, creatingWith: columns.names)
        var report = ImportReport()
        var incoming: [Subscriber] = []
        var seen = Set(file.lines.keys)
        while let record = reader.next() {
            if record.raw.allSatisfy({ $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) { continue }
            guard case .success(let fields) = record.fields else {
                if case .failure(let problem) = record.fields {
                    report.badRows.append(
                        Diagnostic(
                            "This row cannot be read: \(problem.message); the row is skipped.",
                            at: SourceLocation(file: displayPath, line: record.line),
                            hint: "Fields with commas, quotes or line breaks go in double quotes."))
                }
                continue
            }
            switch columns.subscriber(from: fields, line: record.line, file: displayPath) {
            case .failure(let diagnostic):
                report.badRows.append(diagnostic)
            case .success(let subscriber):
                if seen.insert(subscriber.address.key).inserted {
                    incoming.append(subscriber)
                } else {
                    report.alreadyListed += 1
                }
            }
        }
        report.newColumns = file.addColumns(for: incoming)
        file.append(incoming)
        report.added = incoming
        if !incoming.isEmpty { try file.save() }
        return report
    }
}

/// A list file held as its raw records, for edits.
struct ListFile {
    let list: SubscriberList
    var header: [String]
    var headerLineEnding = "\n"
    /// The records after the header, exactly as read.
    var records: [(raw: Data, key: String?)] = []
    /// The first line of each good address.
    var lines: [String: Int] = [:]

    /// Reads the list; a missing file starts empty with the `creatingWith` columns, or is an error
    /// when that is `nil`.
    init(list: SubscriberList, creatingWith newHeader: [String]?) throws {
        self.list = list
        guard FileManager.default.fileExists(atPath: list.file.path) else {
            guard let newHeader else {
                throw NewsletterError(
                    "There is no list `\(list.name)` (no \(list.displayPath)).", hint: "Nothing was changed.")
            }
            header = newHeader
            return
        }
        var reader = try CSVReader(url: list.file)
        guard let headerRecord = reader.next(), case .success(let header) = headerRecord.fields else {
            throw NewsletterError(
                "The list has no header row.", at: SourceLocation(file: list.displayPath, line: 1),
                hint: "Start the file with a header such as `email,name`; nothing was changed.")
        }
        let columns = try SubscriberColumns(header: header, file: list.displayPath)
        self.header = columns.names
        if headerRecord.raw.suffix(2) == Data("\r\n".utf8) { headerLineEnding = "\r\n" }
        while let record = reader.next() {
            var key: String?
            if case .success(let fields) = record.fields,
                case .success(let subscriber) = columns.subscriber(
                    from: fields, line: record.line, file: list.displayPath)
            {
                key = subscriber.address.key
                lines[subscriber.address.key] = lines[subscriber.address.key] ?? record.line
            }
            records.append((record.raw, key))
        }
    }

    /// Adds header columns for attributes the list does not have; every existing row gets an
    /// empty field for each. Returns the new column names.
    mutating func addColumns(for subscribers: [Subscriber]) -> [String] {
        let known = Set(header.map { $0.lowercased() })
        var new: [String] = []
        for subscriber in subscribers {
            if subscriber.name != nil, !known.contains("name"), !new.contains("name") { new.append("name") }
            for attribute in subscriber.attributes.keys.sorted()
            where !known.contains(attribute.lowercased()) && !new.contains(attribute) {
                new.append(attribute)
            }
        }
        guard !new.isEmpty else { return [] }
        header += new
        let padding = String(repeating: ",", count: new.count)
        records = records.map { record in
            var raw = record.raw
            let ending = raw.suffix(2) == Data("\r\n".utf8) ? 2 : (raw.last == UInt8(ascii: "\n") ? 1 : 0)
            raw.insert(contentsOf: Data(padding.utf8), at: raw.endIndex - ending)
            return (raw, record.key)
        }
        return new
    }

    mutating func append(_ subscribers: [Subscriber]) {
        if let last = records.last, last.raw.last != UInt8(ascii: "\n") {
            records[records.count - 1].raw.append(contentsOf: Data(headerLineEnding.utf8))
        }
        for subscriber in subscribers {
            let fields = header.map { column -> String in
                switch column.lowercased() {
                case "email": subscriber.address.description
                case "name": subscriber.name ?? ""
                default: subscriber.attributes[column] ?? ""
                }
            }
            let line = CSVWriter.line(fields).dropLast() + headerLineEnding
            records.append((Data(line.utf8), subscriber.address.key))
        }
    }

    mutating func remove(key: String) -> Int {
        let before = records.count
        records.removeAll { $0.key == key }
        return before - records.count
    }

    func save() throws {
        var data = Data((CSVWriter.line(header).dropLast() + headerLineEnding).utf8)
        for record in records { data.append(record.raw) }
        try DurableFile.write(data, to: list.file)
    }
}
