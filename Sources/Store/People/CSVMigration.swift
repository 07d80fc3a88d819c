public import Foundation
internal import GRDB
public import NewsletterCore

/// A workspace from before the store kept its people in `subscribers/*.csv` (one file a list)
/// and `subscribers/suppressed.csv`. `subscribers migrate` takes them in, once: every row as a
/// confirmed member, with its attributes, and every suppression with its reason and date.
/// Afterwards the files are no longer read, and the commands that find them say so.
public enum CSVMigration {
    /// What the migration took in, list by list.
    public struct Report: Sendable {
        public var lists: [(name: String, file: String, report: ImportReport)] = []
        public var suppressed = 0
        public var suppressionProblems: [Diagnostic] = []
    }

    /// The old files still in the workspace, as the editor names them.
    public static func files(in workspace: Workspace) -> [String] {
        var files = SubscriberList.names(in: workspace).compactMap { name in
            (try? SubscriberList(name: name, workspace: workspace))?.displayPath
        }
        let suppression = SuppressionList(workspace: workspace)
        if FileManager.default.fileExists(atPath: suppression.file.path) { files.append(suppression.displayPath) }
        return files
    }

    /// When the files were taken in, if they were.
    public static func migratedAt(_ store: SQLiteSubscriberStore) throws -> Date? {
        try store.database.pool.read { database in
            try Double.fetchOne(database, sql: "SELECT value FROM store_meta WHERE name = 'csv_migrated_at'")
        }.map(Date.init(timeIntervalSince1970:))
    }

    public static func run(workspace: Workspace, store: SQLiteSubscriberStore, now: Date) throws -> Report {
        if let done = try migratedAt(store) {
            throw NewsletterError(
                "The subscriber files were taken into the store already, on \(done.formatted(.iso8601)).",
                hint:
                    "They are no longer read; remove them. To add rows from a CSV file, use `newsletter subscribers import FILE --list NAME`."
            )
        }
        var report = Report()
        for name in SubscriberList.names(in: workspace) {
            let list = try SubscriberList(name: name, workspace: workspace)
            var rows = try CSVSubscribers(url: list.file, displayPath: list.displayPath)
            let imported = try store.importRows(
                into: name, source: ConsentSource("migrated from \(list.displayPath)"), now: now, next: { rows.next() })
            report.lists.append((name, list.displayPath, imported))
        }
        let suppression = SuppressionList(workspace: workspace)
        let (entries, problems) = try suppression.load()
        report.suppressionProblems = problems
        for entry in entries.values.sorted(by: { $0.address < $1.address }) {
            let when = entry.date.map(\.noonUTC) ?? now
            let reason = SuppressionReason(rawValue: entry.reason) ?? .manual
            if try store.suppress(
                entry.address, reason: reason, source: ConsentSource("migrated from \(suppression.displayPath)"),
                now: when)
            {
                report.suppressed += 1
            }
        }
        try store.database.pool.write { database in
            try database.execute(
                sql: "INSERT INTO store_meta (name, value) VALUES ('csv_migrated_at', ?)",
                arguments: [String(now.timeIntervalSince1970)])
        }
        return report
    }
}
