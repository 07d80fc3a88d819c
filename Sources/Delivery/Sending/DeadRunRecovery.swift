public import NewsletterCore

/// `newsletter status` after a send died: what its connections' journals say goes into the
/// ledger first (`DeliveryLedger.recover`), so that the counts, and the recipients reported as
/// uncertain, are those the next run starts from. Only while no send runs in the workspace;
/// during a send the ledger is shown as it is, a second or a batch behind the connections.
public enum DeadRunRecovery {
    public static func recoverIfIdle(
        _ sends: [SendRecord], ledger: DeliveryLedger, workspace: Workspace, policy: RetryPolicy
    ) throws {
        let unfinished = sends.filter { $0.completedAt == nil }
        guard !unfinished.isEmpty,
            let lock = try? ProcessLock(file: workspace.stateFolder.appending(path: ProcessLock.sendLockName))
        else { return }
        try withExtendedLifetime(lock) {
            for send in unfinished { try ledger.recover(sendID: send.id, policy: policy) }
        }
    }
}
