import Foundation
import NewsletterCore
import NewsletterTestSupport
import Testing

@testable import Delivery

@Suite struct ConnectionBatchTests {
    let policy = RetryPolicy(maxAttempts: 3, retryAfter: 10, maxAge: 1000)
    let folder = TemporaryFolder("batch")

    /// A ledger with a send to `count` recipients (r0@example.org and on), and the queue its
    /// connections share.
    func send(recipients count: Int) throws -> (DeliveryLedger, SendRecord, LedgerQueue) {
        let ledger = try DeliveryLedger(path: folder.appending(path: "state.sqlite"))
        let addresses = try (0..<count).map { try EmailAddress("r\($0)@example.org") }
        let record = try ledger.createSend(issue: 1, list: "main", now: Date(timeIntervalSince1970: 0)) { insert in
            for address in addresses { try insert(Subscriber(address: address, name: nil, attributes: [:])) }
        }
        return (ledger, record, try LedgerQueue(ledger: ledger, sendID: record.id, policy: policy))
    }

    /// Connection `slot`'s batches of `size` over the send's queue.
    func connection(
        _ slot: Int, size: Int, of send: (ledger: DeliveryLedger, record: SendRecord, queue: LedgerQueue)
    ) -> ConnectionBatch {
        ConnectionBatch(
            queue: send.queue, folder: send.ledger.journalFolder, sendID: send.record.id, slot: slot, size: size,
            epoch: 0)
    }

    /// A ledger with `count` recipients and one connection's batch of `size` over it.
    func batch(recipients count: Int, size: Int) throws -> (DeliveryLedger, SendRecord, ConnectionBatch) {
        let sent = try send(recipients: count)
        return (sent.0, sent.1, connection(0, size: size, of: sent))
    }

    /// The recipient a step says to mail, if it says so.
    func mail(_ step: ConnectionBatch.Step) -> ClaimedRecipient? {
        if case .mail(let recipient) = step { return recipient }
        return nil
    }

    @Test func aFoldAfterASecondKeepsTheRestOfTheBatchInOrder() throws {
        let (ledger, record, batch) = try batch(recipients: 6, size: 3)
        let first = try #require(mail(batch.take(now: 100)))
        #expect(first.address == "r0@example.org")
        try batch.record(first, .sent(reply: "250 ok", messageID: "<m@x>"), at: 100)
        // A second later the outcome goes to the ledger, and the batch is topped up behind r1, r2.
        let second = try #require(mail(batch.take(now: 101.5)))
        #expect(second.address == "r1@example.org")
        // The claimed ones are pending in the ledger (a claim is not written to it); the journal
        // lists them, and a status taken during the send shows them as sending.
        let status = try ledger.status(of: record)
        #expect(status.counts[.sent] == 1 && status.counts[.sending] == nil && status.counts[.pending] == 5)
        let during = try ledger.statusWhileSending(of: record)
        #expect(during.counts[.sent] == 1 && during.counts[.sending] == 3 && during.counts[.pending] == 2)
        let journal = try BatchJournal.read(ledger.journalFolder.appending(path: "\(record.id)-0.journal"))
        #expect(journal.epoch == 2 && journal.claimed.count == 3 && journal.outcomes.isEmpty)
        #expect(journal.claimed.first == second.id)

        try batch.record(second, .deferred(code: 451, reply: "451 later"), at: 102)
        #expect(try mail(batch.take(now: 102))?.address == "r2@example.org")
        batch.putBack()  // stopped before mailing r2
        try batch.finish(now: 103)
        let stopped = try ledger.status(of: record)
        #expect(stopped.counts[.sent] == 1 && stopped.counts[.deferred] == 1 && stopped.counts[.pending] == 4)
        #expect(stopped.counts[.sending] == nil && stopped.uncertain.isEmpty)
        #expect(try BatchJournal.files(in: ledger.journalFolder, sendID: record.id).isEmpty)
    }

    @Test func everyRecipientIsTakenOnceAcrossBatches() throws {
        let (ledger, record, batch) = try batch(recipients: 10, size: 4)
        var mailed: [String] = []
        loop: while true {
            switch try batch.take(now: 100) {
            case .mail(let recipient):
                mailed.append(recipient.address)
                try batch.record(recipient, .sent(reply: "250 ok", messageID: "<\(recipient.id)@x>"), at: 100)
            case .wait:
                Issue.record("nothing is deferred, so there is nothing to wait for")
                break loop
            case .finished: break loop
            }
        }
        try batch.finish(now: 100)
        #expect(mailed == (0..<10).map { "r\($0)@example.org" })
        #expect(try ledger.status(of: record).counts[.sent] == 10)
    }

    @Test func aConnectionWithNothingLeftWakesWhenTheLastBatchIsFolded() throws {
        let sent = try send(recipients: 2)
        let first = connection(0, size: 2, of: sent)
        let second = connection(1, size: 2, of: sent)
        let inFlight = try #require(mail(first.take(now: 100)))
        // The first connection has both recipients: the second waits for its outcomes.
        guard case .wait = try second.take(now: 100) else {
            Issue.record("the second connection should wait while the first mails")
            return
        }
        #expect(!second.waitForOthers(until: Date().timeIntervalSince1970 + 0.05))
        try first.record(inFlight, .sent(reply: "250 ok", messageID: "<a@x>"), at: 100)
        let rest = try #require(mail(first.take(now: 100)))
        try first.record(rest, .sent(reply: "250 ok", messageID: "<b@x>"), at: 100)
        // The first connection's thread folds its last outcomes while the second one waits.
        nonisolated(unsafe) let lastBatch = first
        let folded = Thread { try? lastBatch.finish(now: 100) }
        folded.start()
        let waitStarted = Date()
        #expect(second.waitForOthers(until: Date().timeIntervalSince1970 + 10))
        #expect(Date().timeIntervalSince(waitStarted) < 5)
        guard case .finished = try second.take(now: 100) else {
            Issue.record("everyone has an outcome: the second connection should be finished")
            return
        }
    }

    @Test func recipientsPutBackAreClaimedAgainButNeverAnotherConnectionsClaimedOnes() throws {
        // A claim is not written to the ledger: behind the cursor, the second connection's claimed
        // recipients are as pending there as the ones the first connection gave back.
        let sent = try send(recipients: 6)
        let (ledger, record, _) = sent
        let first = connection(0, size: 3, of: sent)
        let second = connection(1, size: 3, of: sent)
        let r0 = try #require(mail(first.take(now: 100)))
        let r3 = try #require(mail(second.take(now: 100)))
        #expect(r0.address == "r0@example.org" && r3.address == "r3@example.org")
        try first.record(r0, .sent(reply: "250 ok", messageID: "<a@x>"), at: 100)
        _ = try #require(mail(first.take(now: 100)))
        first.putBack()  // stopped before mailing r1: r1 and r2 go back
        try first.finish(now: 101)

        // A third connection finds nothing ahead of the cursor, and only what was given back behind it.
        let third = connection(2, size: 3, of: sent)
        var again: [String] = []
        while case .mail(let recipient) = try third.take(now: 102) {
            again.append(recipient.address)
            try third.record(recipient, .sent(reply: "250 ok", messageID: "<\(recipient.id)@x>"), at: 102)
        }
        #expect(again == ["r1@example.org", "r2@example.org"])
        // The second connection mails its own, once.
        try second.record(r3, .sent(reply: "250 ok", messageID: "<d@x>"), at: 102)
        var own: [String] = [r3.address]
        while case .mail(let recipient) = try second.take(now: 103) {
            own.append(recipient.address)
            try second.record(recipient, .sent(reply: "250 ok", messageID: "<\(recipient.id)@x>"), at: 103)
        }
        try second.finish(now: 104)
        try third.finish(now: 104)
        #expect(own == ["r3@example.org", "r4@example.org", "r5@example.org"])
        let status = try ledger.status(of: record)
        #expect(status.counts[.sent] == 6 && status.remaining == 0)

        // What the run's own counts prove is what the ledger says; anything else asks the ledger.
        let counted = SendRun.statusFromThisRun(record, resumed: false, counts: .init(sent: 6))
        #expect(counted?.counts == status.counts && counted?.remaining == 0)
        #expect(SendRun.statusFromThisRun(record, resumed: true, counts: .init(sent: 6)) == nil)
        #expect(SendRun.statusFromThisRun(record, resumed: false, counts: .init(sent: 5)) == nil)
        #expect(SendRun.statusFromThisRun(record, resumed: false, counts: .init(sent: 6, deferred: 1)) == nil)
        #expect(SendRun.statusFromThisRun(record, resumed: false, counts: .init(sent: 5, failed: 1)) == nil)
    }

    @Test func aLongListIsMailedFromItsFirstRowsWhileTheRestIsFrozen() throws {
        let ledger = try DeliveryLedger(path: folder.appending(path: "state.sqlite"))
        var list = try (0..<10).map {
            Subscriber(address: try EmailAddress("r\($0)@example.org"), name: nil, attributes: [:])
        }
        list.insert(list[1], at: 5)  // a repeated address is dropped from the rest too
        var taken = 0
        let record = try ledger.startSend(issue: 1, list: "main", now: Date(), firstRows: 3) {
            defer { taken += 1 }
            return taken < list.count ? list[taken] : nil
        }
        #expect(taken == 3)
        let rest = list.dropFirst(3)
        #expect(!record.frozen)
        #expect(try ledger.latestSend(issue: 1, list: "main")?.frozen == false)
        let queue = try LedgerQueue(ledger: ledger, sendID: record.id, policy: policy, audienceComplete: false)
        let batch = ConnectionBatch(
            queue: queue, folder: ledger.journalFolder, sendID: record.id, slot: 0, size: 2, epoch: 0)
        var mailed: [String] = []
        func mailWhatThereIs() throws -> ConnectionBatch.Step {
            while true {
                let step = try batch.take(now: 100)
                guard case .mail(let recipient) = step else { return step }
                mailed.append(recipient.address)
                try batch.record(recipient, .sent(reply: "250 ok", messageID: "<\(recipient.id)@x>"), at: 100)
            }
        }
        // The first three are mailed; then the connection waits for more, it is not finished.
        guard case .wait = try mailWhatThereIs() else {
            Issue.record("the connection should wait for the rest of the audience")
            return
        }
        #expect(mailed == ["r0@example.org", "r1@example.org", "r2@example.org"])
        try queue.freeze(Array(rest.prefix(4)))
        guard case .wait = try mailWhatThereIs() else {
            Issue.record("the connection should still wait")
            return
        }
        try queue.freeze(Array(rest.dropFirst(4)))
        #expect(try queue.completeFreeze() == 10)
        guard case .finished = try mailWhatThereIs() else {
            Issue.record("everyone has an outcome: the connection should be finished")
            return
        }
        try batch.finish(now: 101)
        #expect(mailed == (0..<10).map { "r\($0)@example.org" })
        let sent = try #require(try ledger.latestSend(issue: 1, list: "main"))
        #expect(sent.frozen && sent.audience == 10)
        #expect(try ledger.status(of: sent).counts[.sent] == 10)
    }
}

@Suite struct BatchSizeTests {
    @Test func batchesAreAnEighthOfAConnectionsShareAndAtMost64() {
        #expect(SendRun.batchSize(remaining: 20_000, connections: 4) == 64)
        #expect(SendRun.batchSize(remaining: 100, connections: 4) == 3)
        #expect(SendRun.batchSize(remaining: 10, connections: 256) == 1, "never none")
        // A new long list counts as its first frozen rows: many connections get small batches,
        // so that none is left idle at the end while another mails a long one.
        #expect(SendRun.batchSize(remaining: min(Int.max, SendRun.firstFrozen), connections: 64) == 4)
    }
}
