import Foundation
import NewsletterCore
import Store

/// What the connections of a send share once its audience is frozen and what a dead run left
/// has been taken in.
struct SendSetup: Sendable {
    let send: SendRecord
    let limiter: RateLimiter
    let suppression: SuppressionWatch
    /// Where a refused address (5.1.x) is suppressed.
    let people: any SubscriberStore
    let queue: LedgerQueue
    let journalFolder: URL
    /// How many recipients a connection claims at once.
    let batchSize: Int
    /// The epoch the connections' journals continue after.
    let lastEpoch: Int64
}

/// Holds the connections back until the send is set up: meanwhile they connect and log in (and
/// the templates are compiled for the list's first subscriber, see `SendRun`), so that the
/// audience's freeze is the only wait before the first message. Opened once, with the setup,
/// or cancelled when the send cannot start: then the connections' sockets are cut, so that
/// none is left waiting for a slow relay.
final class StartGate: @unchecked Sendable {
    // `@unchecked`: `setup`, `cancelled` and `sockets` are only touched while `condition` is locked.
    private let condition = NSCondition()
    private var setup: SendSetup?
    private var cancelled = false
    private var sockets: [OpenSockets] = []

    /// A connection's sockets, to cut if the gate is cancelled; false (and cut) if it was already.
    func register(_ connection: OpenSockets) -> Bool {
        condition.lock()
        sockets.append(connection)
        let cut = cancelled
        condition.unlock()
        if cut { connection.cutAll() }
        return !cut
    }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    func open(_ setup: SendSetup) {
        condition.lock()
        self.setup = setup
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        let toCut = sockets
        condition.unlock()
        for connection in toCut { connection.cutAll() }
    }

    /// The setup, once the gate opens; `nil` when the send will not start.
    func wait() -> SendSetup? {
        condition.lock()
        defer { condition.unlock() }
        while setup == nil, !cancelled { condition.wait() }
        return cancelled ? nil : setup
    }
}
