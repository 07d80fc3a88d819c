public import Foundation

/// `subscribers/suppressed.csv` (email, reason, date): addresses that unsubscribed, bounced
/// for good or complained. They are never mailed again, whatever list they are on. Additions
/// are appended under a lock and written durably, so concurrent writers keep every line.
public struct SuppressionList: Sendable {
    public static let name = "suppressed"
    public static let header = ["email", "reason", "date"]

    public enum Reason: String, Sendable, CaseIterable {
        case unsubscribed
        case hardBounce = "hard-bounce"
        case complaint
        case manual
    }

    public struct Entry: Sendable, Equatable {
        public var address: EmailAddress
        public var reason: String
        public var date: CalendarDate?

        public init(address: EmailAddress, reason: Reason, date: CalendarDate) {
            self.address = address
            self.reason = reason.rawValue
            self.date = date
        }

        init(address: EmailAddress, reasonText: String, date: CalendarDate?) {
            self.address = address
            self.reason = reasonText
            self.date = date
        }
    }

    public let file: URL
    public let displayPath: String

    public init(workspace: Workspace) {
        file = workspace.subscribersFolder.appending(path: "\(Self.name).csv")
        displayPath = workspace.displayPath(file)
    }

    /// The suppressed addresses by key. Rows that cannot be read are reported, not fatal: a
    /// damaged line must not stop anyone else from being suppressed.
    public func load() throws -> (entries: [String: Entry], problems: [Diagnostic]) {
        guard FileManager.default.fileExists(atPath: file.path) else { return ([:], []) }
        var reader: CSVReader
        do {
            reader = try CSVReader(url: file)
        } catch {
            throw NewsletterError(
                "\(displayPath) cannot be read: \(TextFile.describe(error)).", hint: "Check its permissions.")
        }
        _ = reader.next()  // the header
        var entries: [String: Entry] = [:]
        var problems: [Diagnostic] = []
        while let record = reader.next() {
            guard case .success(let fields) = record.fields, let first = fields.first, !first.isEmpty else {
                if record.raw.contains(where: { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }) {
                    problems.append(
                        Diagnostic(
                            "This suppression row cannot be read.",
                            at: SourceLocation(file: displayPath, line: record.line),
                            hint: "Each row is `address,reason,YYYY-MM-DD`."))
                }
                continue
            }
            guard let address = try? EmailAddress(first) else {
                problems.append(
                    Diagnostic(
                        "`\(first)` is not an address.", at: SourceLocation(file: displayPath, line: record.line),
                        hint: "Each row is `address,reason,YYYY-MM-DD`."))
                continue
            }
            let reason = fields.count > 1 ? fields[1] : ""
            let date = fields.count > 2 ? CalendarDate(iso: fields[2]) : nil
            entries[address.key] = entries[address.key] ?? Entry(address: address, reasonText: reason, date: date)
        }
        return (entries, problems)
    }

    /// Appends the entries whose addresses are not suppressed yet; returns how many were new.
    @discardableResult
    public func add(_ additions: [Entry]) throws -> Int {
        try DurableFile.withLock(on: file) {
            let existing = try load().entries
            var seen = Set(existing.keys)
            let new = additions.filter { seen.insert($0.address.key).inserted }
            guard !new.isEmpty else { return 0 }
            var data = (try? Data(contentsOf: file)) ?? Data()
            if data.isEmpty { data = Data(CSVWriter.line(Self.header).utf8) }
            if let last = data.last, last != UInt8(ascii: "\n") { data.append(UInt8(ascii: "\n")) }
            for entry in new {
                data.append(
                    contentsOf: CSVWriter.line([entry.address.description, entry.reason, entry.date?.description ?? ""])
                        .utf8)
            }
            try DurableFile.write(data, to: file)
            return new.count
        }
    }
}
