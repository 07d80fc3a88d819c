public import NewsletterCore

/// `newsletter status` after a send died: what its connections' journals say goes into the
/// ledger first (`DeliveryLedger.recover`), so that the counts, and the recipients reported as
/// uncertain, are those the next run starts from. Only while no send runs in the workspace;
/// during a send the ledger is shown as it is, up to a batch or a second behind the connections.
public enum DeadRunRecovery {
    /// Whether a send is running in `workspace` now (another process holds its lock).
    public static func sendIsRunning(in workspace: Workspace) -> Bool {
        ProcessLock.isHeld(file: workspace.stateFolder.appending(path: ProcessLock.sendLockName))
    }

    /// Returns a note for the editor when a send is running, or when the journals could not be
    /// taken in (the status is then the ledger as it is; the next send takes them in, or says
    /// why it cannot).
    public static func recoverIfIdle(
        _ sends: [SendRecord], ledger: DeliveryLedger, workspace: Workspace
    ) -> String? {
        let unfinished = sends.filter { $0.completedAt == nil }
        guard !unfinished.isEmpty else { return nil }
        let file = workspace.stateFolder.appending(path: ProcessLock.sendLockName)
        guard let lock = try? ProcessLock(file: file) else {
            guard ProcessLock.isHeld(file: file) else { return nil }
            return "note: a send is running in this workspace: “sending” counts the recipients its connections "
                + "have claimed (up to 64 each), and the counts may be up to a second behind."
        }
        return withExtendedLifetime(lock) {
            do {
                let policy = RetryPolicy(settings: try workspace.loadConfig().sending)
                for send in unfinished { try ledger.recover(sendID: send.id, policy: policy) }
                return nil
            } catch {
                return "note: the last run's journals were not read (\(error)); counts may be a batch behind."
            }
        }
    }
}
