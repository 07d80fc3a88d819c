public import Foundation
package import GRDB
public import NewsletterCore

/// The workspace's store: one SQLite file, `.newsletter/state.sqlite` (never in git), holding
/// the people (subscribers, lists, consent, suppression) and the sends. In WAL mode, with a
/// busy timeout, so that a send, `serve`, an import and the editor's commands can all use it at
/// once; deleted rows are overwritten (`secure_delete`), so that what is erased is gone from
/// the file too.
public final class StoreDatabase: Sendable {
    package let pool: DatabasePool
    public let path: URL

    public static let fileName = "state.sqlite"

    public convenience init(workspace: Workspace) throws {
        try self.init(path: workspace.stateFolder.appending(path: Self.fileName))
    }

    public init(path: URL) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(
                at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { database in
                try database.execute(sql: "PRAGMA secure_delete = ON")
                try database.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            // A new store is made WAL and migrated on a plain connection first: a pool needs WAL.
            try StoreSchema.prepare(DatabaseQueue(path: path.path, configuration: configuration), at: path)
            pool = try DatabasePool(path: path.path, configuration: configuration)
        } catch let error as NewsletterError {
            throw error
        } catch {
            throw NewsletterError(
                "The store \(path.path) cannot be opened: \(error).",
                hint:
                    "Check that the folder is writable; the store holds the subscribers and the record of what was sent, so do not delete it."
            )
        }
    }
}
