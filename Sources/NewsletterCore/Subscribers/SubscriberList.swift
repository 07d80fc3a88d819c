public import Foundation

/// A list file, `subscribers/NAME.csv`, read row by row. A bad row is reported with its line and
/// skipped; a repeated address (compared without case) keeps its first row.
public struct SubscriberList: Sendable {
    public let name: String
    public let file: URL
    public let displayPath: String

    public init(name: String, workspace: Workspace) throws {
        guard Self.isValidName(name) else {
            throw NewsletterError(
                "`\(name)` is not a list name.",
                hint:
                    "List names are made of letters, digits, hyphens and underscores, such as `main`; the list lives in subscribers/NAME.csv."
            )
        }
        guard name.lowercased() != SuppressionList.name else {
            throw NewsletterError(
                "`\(name)` is the suppression list, not a list of subscribers.",
                hint:
                    "To stop all mail to an address, use `newsletter subscribers suppress ADDRESS`; subscribers/suppressed.csv holds such addresses with a reason and a date."
            )
        }
        self.name = name
        file = workspace.subscribersFolder.appending(path: "\(name).csv")
        displayPath = workspace.displayPath(file)
    }

    /// The names of the lists in the workspace (every `subscribers/*.csv` but the suppression list).
    public static func names(in workspace: Workspace) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: workspace.subscribersFolder.path)) ?? []
        return files.filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }
            .filter { $0 != SuppressionList.name && isValidName($0) }.sorted()
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
    }

    /// What reading a list found, besides its subscribers.
    public struct Report: Sendable {
        public var columns: SubscriberColumns
        public var rows = 0
        public var accepted = 0
        public var badRows: [Diagnostic] = []
        public var duplicates: [Diagnostic] = []
    }

    /// Calls `body` with each good, first-seen subscriber, in file order, without keeping the
    /// list in memory; `registry` remembers the addresses met so far (a dictionary for small
    /// lists; a large send lets its database find duplicates instead).
    @discardableResult
    public func readEach(registry: some AddressRegistry, _ body: (Subscriber) throws -> Void) throws -> Report {
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw NewsletterError(
                "There is no list `\(name)` (no \(displayPath)).",
                hint:
                    "Create it with `newsletter subscribers import FILE --list \(name)` or `newsletter subscribers add ADDRESS --list \(name)`."
            )
        }
        var rows = try SubscriberRows(url: file, displayPath: displayPath)
        var report = Report(columns: rows.columns)
        while let (record, row) = rows.next() {
            guard let row else { continue }
            report.rows += 1
            switch row {
            case .failure(let diagnostic):
                report.badRows.append(diagnostic)
            case .success(let subscriber):
                if let first = registry.firstLine(of: subscriber.address.key) {
                    report.duplicates.append(
                        Diagnostic(
                            "\(subscriber.address) repeats line \(first) (addresses are compared without case); the row is skipped.",
                            at: SourceLocation(file: displayPath, line: record.line),
                            hint: "Remove one of the two rows."))
                } else {
                    registry.remember(subscriber.address.key, line: record.line)
                    report.accepted += 1
                    try body(subscriber)
                }
            }
        }
        return report
    }

    /// The names of the list's columns, from its header row alone.
    public func columnNames() throws -> [String] {
        try SubscriberRows(url: file, displayPath: displayPath).columns.names
    }

    /// The whole list in memory, for lists of ordinary size.
    public func load() throws -> (subscribers: [Subscriber], report: Report) {
        var subscribers: [Subscriber] = []
        let report = try readEach(registry: AddressLines()) { subscribers.append($0) }
        return (subscribers, report)
    }
}

/// Where a list reader remembers the addresses it has met, to drop repeated ones.
public protocol AddressRegistry {
    /// The line an address key was first met on, or `nil` for a new one.
    func firstLine(of key: String) -> Int?
    func remember(_ key: String, line: Int)
}

/// Remembers every address, in memory.
public final class AddressLines: AddressRegistry {
    private var lines: [String: Int] = [:]

    public init() {}

    public func firstLine(of key: String) -> Int? { lines[key] }

    public func remember(_ key: String, line: Int) { lines[key] = line }
}

/// Remembers nothing: for readers whose storage finds repeats by itself.
public struct NoAddressRegistry: AddressRegistry {
    public init() {}

    public func firstLine(of key: String) -> Int? { nil }

    public func remember(_ key: String, line: Int) {}
}
