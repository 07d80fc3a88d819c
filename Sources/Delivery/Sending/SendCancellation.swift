import Foundation
public import NewsletterCore

/// `send N --cancel`: ends an unfinished send of issue N to a list. Its recipients still
/// waiting are never mailed; those who received it keep it; `status` says it was cancelled.
/// It takes the send lock, so a send cannot be cancelled while it runs (stop it first), and
/// takes in what a dead run left (so that whoever it mailed is counted as mailed).
public enum SendCancellation {
    public struct Result: Sendable {
        public var send: SendRecord
        public var cancelled: Int
    }

    public static func cancel(issue: Int, list: String, workspace: Workspace, config: NewsletterConfig) throws
        -> Result
    {
        _ = try config.lists.require(list)
        let lock = try ProcessLock(workspace: workspace)
        defer { withExtendedLifetime(lock) {} }
        let ledger = try DeliveryLedger(workspace: workspace)
        guard let send = try ledger.latestSend(issue: issue, list: list), send.completedAt == nil else {
            throw NewsletterError(
                "There is no unfinished send of issue \(issue) to the list `\(list)` to cancel.",
                hint: "`newsletter status \(issue)` shows its sends.")
        }
        try ledger.recoverJournals(sendID: send.id, policy: RetryPolicy(settings: config.sending))
        let cancelled = try ledger.cancel(send, at: Date())
        return Result(send: try ledger.latestSend(issue: issue, list: list) ?? send, cancelled: cancelled)
    }
}

extension ProcessLock {
    /// The workspace's send lock, waited for a few seconds (a `status` may hold it a moment).
    convenience init(workspace: Workspace) throws {
        try self.init(file: workspace.stateFolder.appending(path: Self.sendLockName), patience: 5)
    }
}
