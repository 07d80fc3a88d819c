import Foundation
public import NewsletterCore

/// What `newsletter status` reports, and which sends it picks: those of the issue named, else of
/// the newest unfinished send (else the newest), of one list when one is named. A dead run's
/// journals are taken in first, so the counts are the ledger's; a send that is running is
/// counted with its connections' journals.
public enum SendStatusReport: Sendable {
    /// No send at all yet (of `list`, when one was named).
    case nothingSent
    /// The issue exists and has no send (to `list`, when one was named).
    case notSent(issue: Int)
    /// Marked sent with `issue freeze` (mailed before this workspace kept a ledger): which lists
    /// got it is unknown. `markedSent` is the issue's own words for when.
    case markedSentWithoutLedger(issue: Int, markedSent: String)
    /// The sends' statuses, with a note when a dead run was recovered to make them.
    case sends([SendStatus], recoveryNote: String?)

    public static func make(issue number: Int?, list: String?, workspace: Workspace) throws -> SendStatusReport {
        let ledger = try DeliveryLedger(workspace: workspace)
        guard let number = try number ?? ledger.latestSend(list: list)?.issue else { return .nothingSent }
        let everySend = try ledger.sends(issue: number)
        let sends = everySend.filter { list == nil || $0.list == list }
        guard !sends.isEmpty else {
            // A number with no issue is a typing mistake, not an issue waiting to be sent.
            try workspace.requireIssue(number)
            if everySend.isEmpty, let issue = try? workspace.loadIssue(number), issue.isSent {
                return .markedSentWithoutLedger(issue: number, markedSent: issue.header.markedSent)
            }
            return .notSent(issue: number)
        }
        let note = DeadRunRecovery.recoverIfIdle(sends, ledger: ledger, workspace: workspace)
        let running = DeadRunRecovery.sendIsRunning(in: workspace)
        let statuses = try sends.map { send in
            running && send.completedAt == nil ? try ledger.statusWhileSending(of: send) : try ledger.status(of: send)
        }
        return .sends(statuses, recoveryNote: note)
    }
}
