import Foundation
internal import GRDB
import NewsletterCore

/// Moves the ledger's write-ahead log into the database file on a thread of its own, through
/// its own SQLite connection, twice a second and once more at the end, so that the flushes to
/// disk never stall the connections that commit recipients' states.
final class Checkpointer: @unchecked Sendable {
    // `@unchecked`: `stopped` is only touched while `condition` is locked; `database` is a
    // GRDB queue, safe to use from any thread; `thread` is set once, then only joined, by the
    // thread that made this and then by `deinit`.
    private let database: DatabaseQueue?
    private let condition = NSCondition()
    private var stopped = false
    /// Started here, joined by `stop`.
    private var thread: JoinableThread?

    init(ledger: DeliveryLedger) {
        database = try? DatabaseQueue(path: ledger.path.path)
        thread = JoinableThread(name: "ledger-checkpoints") { [self] in run() }
    }

    deinit {
        stop()
    }

    private func run() {
        condition.lock()
        while !stopped {
            condition.unlock()
            checkpoint("PASSIVE")
            condition.lock()
            if !stopped { _ = condition.wait(until: Date().addingTimeInterval(0.5)) }
        }
        condition.unlock()
        checkpoint("TRUNCATE")
    }

    /// Stops the thread after a last, complete checkpoint, and waits until it has exited.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        thread?.join()
    }

    private func checkpoint(_ mode: String) {
        // A checkpoint that cannot run now runs at the next tick; the log only grows meanwhile.
        _ = try? database?.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(\(mode))") }
    }
}
