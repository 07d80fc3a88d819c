import Foundation
public import NewsletterCore

/// How a command reaches the people of a workspace: through the store, once the subscriber
/// files from before it (`subscribers/*.csv`) were taken in. Until then, a command that needs
/// the subscribers stops and says to run `subscribers migrate`; after, one that finds the old
/// files still there says they are no longer read.
public enum PeopleAccess {
    public struct Opened: Sendable {
        public var store: SQLiteSubscriberStore
        /// A sentence for the editor, when the old files are still there after the migration.
        public var notice: String?
    }

    public static func open(_ workspace: Workspace) throws -> Opened {
        let store = try SQLiteSubscriberStore(workspace: workspace)
        let files = CSVMigration.files(in: workspace)
        guard !files.isEmpty else { return Opened(store: store, notice: nil) }
        guard let migrated = try CSVMigration.migratedAt(store) else {
            throw NewsletterError(
                "This workspace keeps its subscribers in \(files.joined(separator: ", ")), from before they moved into the store.",
                hint:
                    "Run `newsletter subscribers migrate` once: it takes every list and the suppression list into the store (.newsletter/, never in git)."
            )
        }
        return Opened(
            store: store,
            notice:
                "note: \(files.joined(separator: ", ")) \(files.count == 1 ? "is" : "are") no longer read: the subscribers were taken into the store on \(migrated.formatted(.iso8601.year().month().day())). Remove \(files.count == 1 ? "it" : "them"): \(files.count == 1 ? "it holds" : "they hold") personal data (docs/subscribers.md says how to purge it from git's history too)."
        )
    }
}
