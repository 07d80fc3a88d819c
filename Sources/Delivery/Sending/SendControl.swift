import Foundation

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

    /// Counts a message's outcome; `givingUp`: a deferral that ends the recipient's retries.
    func count(_ result: DeliveryResult, givingUp: Bool = false) {
        lock.withLock {
            switch result {
            case .sent: counts.sent += 1
            case .deferred, .unconfirmed: if givingUp { counts.failed += 1 } else { counts.deferred += 1 }
            case .failed: counts.failed += 1
            case .suppressed: counts.suppressed += 1
            case .notAttempted: break
            }
            let errors = counts.deferred + counts.failed
            if errors >= maxErrors, stopReason == nil { stopReason = .tooManyErrors(errors) }
        }
    }
}

/// The suppression list as a running send sees it: read again when the file changes (looked
/// at once a second at most), so an unsubscribe that arrives during a send is honoured by it.
final class SuppressionWatch: @unchecked Sendable {
    // `@unchecked`: every stored property is read and written only while `lock` is held.
    private let lock = NSLock()
    private let file: URL
    private let load: @Sendable () -> Set<String>
    private var keys: Set<String>
    private var modified: Date?
    private var lastLook = Date.distantPast

    init(file: URL, load: @escaping @Sendable () -> Set<String>) {
        self.file = file
        self.load = load
        keys = load()
        modified = Self.modificationDate(of: file)
    }

    func contains(_ key: String, now: Date = Date()) -> Bool {
        lock.withLock {
            if now.timeIntervalSince(lastLook) >= 1 {
                lastLook = now
                let current = Self.modificationDate(of: file)
                if current != modified {
                    modified = current
                    keys = load()
                }
            }
            return keys.contains(key)
        }
    }

    /// Through `stat` alone: Foundation's file attributes also look up the owner's and group's
    /// names, reading /etc/passwd and /etc/group, on a sending thread, under the lock.
    private static func modificationDate(of file: URL) -> Date? {
        var status = stat()
        guard stat(file.path, &status) == 0 else { return nil }
        return Date(
            timeIntervalSince1970: Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1_000_000_000)
    }
}
