import Foundation
import Store
import Synchronization

/// What the connections of one send share besides the ledger: whether to stop and why, and
/// the counts for the progress display. Safe to share between threads.
public final class SendControl: Sendable {
    private struct State {
        var stopReason: StopReason?
        var counts = RunCounts()
    }
    private let state = Mutex(State())
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

    public var reason: StopReason? { state.withLock { $0.stopReason } }
    public var shouldStop: Bool { reason != nil }
    public var snapshot: RunCounts { state.withLock { $0.counts } }

    /// Asks every connection to stop after its message in flight; the first reason wins.
    public func stop(_ reason: StopReason) {
        state.withLock { state in if state.stopReason == nil { state.stopReason = reason } }
    }

    /// Counts what a message's outcome did to its recipient (a last deferral is a failure).
    func count(_ transition: RecipientLifecycle.Transition) {
        state.withLock { state in
            switch transition {
            case .sent: state.counts.sent += 1
            case .deferred: state.counts.deferred += 1
            case .failed: state.counts.failed += 1
            case .suppressed: state.counts.suppressed += 1
            case .backInQueue: break
            }
            let errors = state.counts.deferred + state.counts.failed
            if errors >= maxErrors, state.stopReason == nil { state.stopReason = .tooManyErrors(errors) }
        }
    }
}
