import Foundation
import Store

/// What the connections of one send share besides the ledger: whether to stop and why, and
/// the counts for the progress display. Safe to share between threads.
public final class SendControl: @unchecked Sendable {
    // `@unchecked`: every stored property is read and written only while `lock` is held.
    private let lock = NSLock()
    private var stopReason: StopReason?
    private var counts = RunCounts()
    private let maxErrors: Int

    public enum StopReason: Sendable, Equatable {
        /// SIGINT: finish the messages in flight, then stop.
        case interrupted
        /// Too many failed or deferred messages in this run.
        case tooManyErrors(Int)
        /// A problem no retry fixes, such as a wrong password.
        case fatal(String)
    }

    /// What this run did so far.
    public struct RunCounts: Sendable, Equatable {
        public var sent = 0
        public var deferred = 0
        public var failed = 0
        public var suppressed = 0
    }

    public init(maxErrors: Int) {
        self.maxErrors = maxErrors
    }

    public var reason: StopReason? { lock.withLock { stopReason } }
    public var shouldStop: Bool { reason != nil }
    public var snapshot: RunCounts { lock.withLock { counts } }

    /// Asks every connection to stop after its message in flight; the first reason wins.
    public func stop(_ reason: StopReason) {
        lock.withLock { if stopReason == nil { stopReason = reason } }
    }

    /// Counts what a message's outcome did to its recipient (a last deferral is a failure).
    func count(_ transition: RecipientLifecycle.Transition) {
        lock.withLock {
            switch transition {
            case .sent: counts.sent += 1
            case .deferred: counts.deferred += 1
            case .failed: counts.failed += 1
            case .suppressed: counts.suppressed += 1
            case .backInQueue: break
            }
            let errors = counts.deferred + counts.failed
            if errors >= maxErrors, stopReason == nil { stopReason = .tooManyErrors(errors) }
        }
    }
}

/// Who a running send must no longer mail: suppressed, or gone from the list, as the store's
/// consent log says. It is followed once a second at most, so that an unsubscribe that
/// arrives during a send (on this machine or, through a shared store, another) is honoured by it.
final class SuppressionWatch: @unchecked Sendable {
    // `@unchecked`: every stored property is read and written only while `lock` is held.
    private let lock = NSLock()
    private let people: any SubscriberStore
    private let list: String
    private var keys: Set<String>
    private var lastEvent: Int64
    private var lastLook = Date.distantPast

    init(people: any SubscriberStore, list: String) throws {
        self.people = people
        self.list = list
        (keys, lastEvent) = try people.stoppedKeys(list: list)
    }

    func contains(_ key: String, now: Date = Date()) -> Bool {
        lock.withLock {
            if now.timeIntervalSince(lastLook) >= 1 {
                lastLook = now
                // A store that cannot be read for a moment leaves the set as it was; the next
                // look tries again.
                if let (new, last) = try? people.stops(after: lastEvent, list: list) {
                    keys.formUnion(new)
                    lastEvent = last
                }
            }
            return keys.contains(key)
        }
    }
}
