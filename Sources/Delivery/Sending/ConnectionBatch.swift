import Foundation

/// The recipients one connection has claimed and not yet mailed, and the outcomes it has not
/// yet handed to the ledger, with the journal that keeps those safe meanwhile (`BatchJournal`).
/// A connection folds its outcomes into the ledger and claims more when its batch runs out,
/// or after a second, so that `newsletter status` stays current at slow rates.
/// Not `Sendable`: one connection's thread owns it.
final class ConnectionBatch {
    private let queue: LedgerQueue
    private let folder: URL
    private let sendID: Int64
    private let slot: Int
    private let size: Int
    private var epoch: Int64
    private var upcoming: [ClaimedRecipient] = []
    private var next = 0
    private var outcomes: [(recipient: ClaimedRecipient, outcome: BatchJournal.Outcome)] = []
    private var journal: BatchJournal?
    private var foldedAt = -Double.infinity
    /// The ledger's changes as of this connection's last fold (`LedgerQueue.fold`).
    private var changesSeen = 0
    /// Told each newly claimed group of recipients, in the order `take` will give them.
    var claimed: ([ClaimedRecipient]) -> Void = { _ in }

    /// The longest a connection keeps outcomes from the ledger.
    static let foldInterval = 1.0

    init(queue: LedgerQueue, folder: URL, sendID: Int64, slot: Int, size: Int, epoch: Int64) {
        self.queue = queue
        self.folder = folder
        self.sendID = sendID
        self.slot = slot
        self.size = size
        self.epoch = epoch
    }

    enum Step {
        case mail(ClaimedRecipient)
        /// Nothing to mail before this time.
        case wait(until: Double)
        /// Every recipient has an outcome.
        case finished
    }

    /// The next recipient to mail, folding and claiming first when it is time; otherwise what
    /// the ledger said to do.
    func take(now: Double) throws -> Step {
        if next == upcoming.count || (!outcomes.isEmpty && now - foldedAt >= Self.foldInterval) {
            let step = try fold(claim: size - (upcoming.count - next), now: now)
            if next == upcoming.count {
                switch step {
                case .wait(let until): return .wait(until: until)
                case .finished, .send: return .finished
                }
            }
        }
        defer { next += 1 }
        return .mail(upcoming[next])
    }

    /// Records how a message ended, in the journal before anything else happens. Kept for the
    /// next fold even if the journal cannot be written (`finish` still hands it to the ledger).
    func record(_ recipient: ClaimedRecipient, _ result: DeliveryResult, at time: Double) throws {
        let outcome = BatchJournal.Outcome(id: recipient.id, at: time, result: result)
        outcomes.append((recipient, outcome))
        guard let journal else { preconditionFailure("an outcome recorded outside a batch") }
        try journal.append(outcome)
    }

    /// Waits, after `take` said to, until another connection's fold has changed the ledger, or
    /// until `deadline`; whether one did.
    func waitForOthers(until deadline: Double) -> Bool {
        queue.waitForChange(after: changesSeen, until: Date(timeIntervalSince1970: deadline))
    }

    /// The last recipient taken was not mailed: it goes back with the rest of the batch.
    func putBack() {
        next -= 1
    }

    /// Hands the ledger every outcome and gives back what was claimed and not tried; the
    /// journal is then no longer needed.
    func finish(now: Double) throws {
        for recipient in upcoming[next...] {
            let outcome = BatchJournal.Outcome(id: recipient.id, at: now, result: .notAttempted)
            outcomes.append((recipient, outcome))
            // Journalled too, so that if this fold fails none of them looks in flight next time.
            try? journal?.append(outcome)
        }
        upcoming.removeAll()
        next = 0
        _ = try fold(claim: 0, now: now)
        journal?.remove()
    }

    private func fold(claim: Int, now: Double) throws -> NextStep {
        let batch = journal?.epoch.map { (slot: slot, epoch: $0) }
        let step = try queue.fold(.init(outcomes: outcomes, batch: batch, claim: claim), seen: &changesSeen)
        // Folded: the ledger has the outcomes and notes the batch, which the journal forgets.
        outcomes.removeAll(keepingCapacity: true)
        try journal?.clear()
        foldedAt = now
        upcoming.removeFirst(next)
        next = 0
        if case .send(let newlyClaimed) = step {
            upcoming += newlyClaimed
            claimed(newlyClaimed)
        }
        if !upcoming.isEmpty {
            epoch += 1
            if journal == nil {
                journal = try BatchJournal(folder: folder, owner: .init(sendID: sendID, slot: slot))
            }
            try journal?.start(epoch: epoch, claimed: upcoming.map(\.id))
        }
        return step
    }
}
