public import Foundation

/// `subscribers/suppressed.csv` (email, reason, date), as workspaces from before the store kept
/// their suppression list: read once, by `subscribers migrate`, into the store.
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
}
