public import Foundation

/// Changes to a list file that keep every row they do not touch byte for byte, bad rows
/// included: an editor's file loses nothing because a command ran on it. Each change reads and
/// writes the file under the list's lock, so two at once (ten `add`s, an `import` and a
/// `remove`) each keep the other's rows.
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
    /// Returns the columns added to the list for the subscriber's attributes, as `importRows` does.
    @discardableResult
    public func add(_ subscriber: Subscriber) throws -> [String] {
        try DurableFile.withLock(on: list.file) { try addLocked(subscriber) }
    }

    private func addLocked(_ subscriber: Subscriber) throws -> [String] {
        var file = try ListFile(list: list, creatingWith: ["email", "name"] + subscriber.attributes.keys.sorted())
        if let line = file.lines[subscriber.address.key] {
            throw NewsletterError(
                "\(subscriber.address) is already on the list `\(list.name)`.",
                at: SourceLocation(file: list.displayPath, line: line), hint: "Nothing was changed.")
        }
        let newColumns = file.addColumns(for: [subscriber])
        file.append([subscriber])
        try file.save()
        return newColumns
    }

    /// Removes every row with this address; returns how many there were.
    public func remove(_ address: EmailAddress) throws -> Int {
        try DurableFile.withLock(on: list.file) {
            var file = try ListFile(list: list, creatingWith: nil)
            let removed = file.remove(key: address.key)
            if removed > 0 { try file.save() }
            return removed
        }
    }

    /// Adds the good rows of another CSV file whose addresses are not on the list yet. Its
    /// columns are matched by name; columns the list lacks are added to it.
    public func importRows(from url: URL, displayPath: String) throws -> ImportReport {
        try DurableFile.withLock(on: list.file) { try importRowsLocked(from: url, displayPath: displayPath) }
    }

    private func importRowsLocked(from url: URL, displayPath: String) throws -> ImportReport {
        var rows = try SubscriberRows(url: url, displayPath: displayPath)
        var file = try ListFile(list: list, creatingWith: rows.columns.names)
        var report = ImportReport()
        var incoming: [Subscriber] = []
        var seen = Set(file.lines.keys)
        while let (_, row) = rows.next() {
            guard let row else { continue }
            switch row {
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
        var rows = try SubscriberRows(url: list.file, displayPath: list.displayPath)
        header = rows.columns.names
        if rows.headerRecord.raw.suffix(2) == Data("\r\n".utf8) { headerLineEnding = "\r\n" }
        while let (record, row) = rows.next() {
            var key: String?
            if case .success(let subscriber)? = row {
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
            where !known.contains(attribute.lowercased())
                && !new.contains(where: { $0.lowercased() == attribute.lowercased() })
            {
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
            let line = CSVWriter.line(subscriber.fields(for: header)).dropLast() + headerLineEnding
            records.append((Data(line.utf8), subscriber.address.key))
        }
    }

    mutating func remove(key: String) -> Int {
        let before = records.count
        records.removeAll { $0.key == key }
        return before - records.count
    }

    func save() throws {
        // The header is read back by every command: one that would not load (a column named
        // twice, a control character in a name) is never written.
        _ = try SubscriberColumns(header: header, file: list.displayPath)
        var data = Data((CSVWriter.line(header).dropLast() + headerLineEnding).utf8)
        for record in records { data.append(record.raw) }
        try DurableFile.write(data, to: list.file)
    }
}
