import Foundation
import GRDB
import NewsletterCore
import NewsletterTestSupport
import Store
import Testing

@testable import Delivery

@Suite struct LedgerTests {
    let policy = RetryPolicy(maxAttempts: 3, retryAfter: 10, maxAge: 1000)
    let folder = TemporaryFolder("ledger")

    func ledger() throws -> DeliveryLedger {
        try DeliveryLedger(path: folder.appending(path: "state.sqlite"))
    }

    func subscribers(_ addresses: [String]) throws -> [Subscriber] {
        try addresses.map { Subscriber(address: try EmailAddress($0), name: nil, attributes: ["city": "Riga"]) }
    }

    func send(_ ledger: DeliveryLedger, _ addresses: [String]) throws -> SendRecord {
        let list = try subscribers(addresses)
        return try ledger.createSend(issue: 3, list: "main", now: Date(timeIntervalSince1970: 0)) { insert in
            for subscriber in list { try insert(subscriber) }
        }
    }

    func claim(
        _ ledger: DeliveryLedger, _ send: SendRecord, now: Double,
        finishing previous: (ClaimedRecipient, DeliveryResult)? = nil
    )
        throws -> ClaimedRecipient?
    {
        if case .send(let batch) = try ledger.advance(
            sendID: send.id, finishing: previous, policy: policy, now: now)
        {
            return batch.first
        }
        return nil
    }

    /// One run of a send as `LedgerQueue` drives it: one writer, one cursor across the steps.
    final class Run {
        let writer: LedgerWriter
        let record: SendRecord
        let policy: RetryPolicy
        var cursor = ClaimCursor()

        init(_ ledger: DeliveryLedger, _ record: SendRecord, policy: RetryPolicy) throws {
            writer = try LedgerWriter(path: ledger.path)
            self.record = record
            self.policy = policy
        }

        func step(_ previous: (ClaimedRecipient, DeliveryResult)?, at now: Double, claimNext: Bool = true) throws
            -> NextStep
        {
            try writer.fold(
                [.step(previous, at: now, claimNext: claimNext)], sendID: record.id, policy: policy, now: now,
                cursor: &cursor)[0]
        }

        /// The recipient the step claims, nil when it says to wait or that the send is done.
        func claim(_ previous: (ClaimedRecipient, DeliveryResult)?, at now: Double) throws -> ClaimedRecipient? {
            if case .send(let batch) = try step(previous, at: now) { return batch.first }
            return nil
        }
    }

    @Test func aNewLedgerOpenedByManyAtOnceIsMadeOnce() async throws {
        // Each created the tables; all but one failed with "table send already exists".
        let path = folder.appending(path: "fresh.sqlite")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 { group.addTask { _ = try DeliveryLedger(path: path) } }
            try await group.waitForAll()
        }
        #expect(try DeliveryLedger(path: path).sends(issue: 1).isEmpty)
    }

    @Test func freezesTheAudienceWithoutRepeats() throws {
        let ledger = try ledger()
        let record = try send(ledger, ["a@example.org", "b@example.org", "A@EXAMPLE.org"])
        #expect(record.audience == 2)
        #expect(try ledger.latestSend(issue: 3, list: "main") == record)
        let first = try #require(try claim(ledger, record, now: 1))
        #expect(first.address == "a@example.org")
        #expect(first.attributes == ["city": "Riga"])
    }

    @Test func nearTheEndEachConnectionClaimsItsShareOfWhatIsLeft() throws {
        let ledger = try ledger()
        let addresses = (0..<1100).map { "reader\($0)@example.org" }
        let record = try send(ledger, addresses)
        let run = try Run(ledger, record, policy: policy)
        run.cursor.sharedBy = 4
        var claimed: [String] = []
        var sizes: [Int] = []
        while case let batch = try claimBatch(run, 64, at: 1), !batch.isEmpty {
            let left = addresses.count - claimed.count
            // A full batch while four of them leave some for everyone; then a quarter of the rest.
            #expect(batch.count == min(64, (left + 3) / 4), "claim \(sizes.count) with \(left) left")
            sizes.append(batch.count)
            claimed += batch.map(\.address)
        }
        #expect(claimed == addresses)
        #expect(sizes.prefix(14) == ArraySlice(repeating: 64, count: 14))
        #expect(sizes.dropFirst(14).prefix(3) == [51, 39, 29])
        #expect(sizes.suffix(3) == [1, 1, 1])
    }

    @Test func aRecipientPutBackBehindTheCursorIsStillClaimed() throws {
        let ledger = try ledger()
        let record = try send(ledger, ["a@example.org", "b@example.org", "c@example.org"])
        let run = try Run(ledger, record, policy: policy)
        let a = try #require(try run.claim(nil, at: 1))
        let b = try #require(try run.claim(nil, at: 1))
        // `a` goes back unsent (as when a send stops before its message goes out): the cursor
        // has passed it, and it must still be claimed before the send can finish.
        let c = try #require(try run.claim((a, .notAttempted), at: 1))
        #expect([a.address, b.address, c.address] == ["a@example.org", "b@example.org", "c@example.org"])
        let again = try #require(try run.claim((b, .sent(reply: "250 ok", messageID: "<b@x>")), at: 1))
        #expect(again.address == "a@example.org")
        #expect(again.attempts == 1)
        #expect(try run.step((c, .sent(reply: "250 ok", messageID: "<c@x>")), at: 1) == .wait(until: 1.05))
        #expect(try run.step((again, .sent(reply: "250 ok", messageID: "<a@x>")), at: 1) == .finished)
        #expect(try ledger.status(of: record).counts[.sent] == 3)
    }

    @Test func aResumedRunClaimsWhatAnEarlierRunPutBackAfterADueRetry() throws {
        let ledger = try ledger()
        let record = try send(ledger, (1...6).map { "r\($0)@example.org" })
        // The first run: r1 is put back unsent (the run stopped), r2 is deferred until 110.
        let first = try Run(ledger, record, policy: policy)
        let r1 = try #require(try first.claim(nil, at: 100))
        let r2 = try #require(try first.claim(nil, at: 100))
        _ = try first.step((r1, .notAttempted), at: 100, claimNext: false)
        _ = try first.step((r2, .deferred(code: 451, reply: "451 later")), at: 100, claimNext: false)
        // The next run, after the retry is due: everyone is claimed, the retry first.
        let second = try Run(ledger, record, policy: policy)
        var claimed: [String] = []
        var previous: (ClaimedRecipient, DeliveryResult)?
        while let recipient = try second.claim(previous, at: 200) {
            claimed.append(recipient.address)
            previous = (recipient, .sent(reply: "250 ok", messageID: "<\(recipient.id)@x>"))
        }
        #expect(
            claimed == [
                "r2@example.org", "r1@example.org", "r3@example.org", "r4@example.org", "r5@example.org",
                "r6@example.org",
            ])
        #expect(try ledger.status(of: record).counts[.sent] == 6)
    }

    @Test func aListWithMoreAttributesThanSQLiteFunctionArgumentsIsFrozen() throws {
        let ledger = try ledger()
        let attributes = Dictionary(uniqueKeysWithValues: (1...80).map { ("column\($0)", "value \($0)") })
        let subscriber = Subscriber(address: try EmailAddress("wide@example.org"), name: nil, attributes: attributes)
        let record = try ledger.createSend(issue: 3, list: "main", now: Date(timeIntervalSince1970: 0)) { insert in
            try insert(subscriber)
        }
        let recipient = try #require(try claim(ledger, record, now: 1))
        #expect(recipient.attributes == attributes)
    }

    @Test func aRetryDeferredDuringTheSendIsClaimedWhenDue() throws {
        let ledger = try ledger()
        let record = try send(ledger, ["a@example.org", "b@example.org", "c@example.org", "d@example.org"])
        let run = try Run(ledger, record, policy: policy)
        let a = try #require(try run.claim(nil, at: 100))
        // `a` is deferred until 110: until then the pending ones come first, then `a` before `d`.
        let b = try #require(try run.claim((a, .deferred(code: 451, reply: "451 later")), at: 100))
        let c = try #require(try run.claim((b, .sent(reply: "250 ok", messageID: "<b@x>")), at: 105))
        let again = try #require(try run.claim((c, .sent(reply: "250 ok", messageID: "<c@x>")), at: 110))
        let d = try #require(try run.claim((again, .sent(reply: "250 ok", messageID: "<a@x>")), at: 110))
        #expect(
            [b.address, c.address, again.address, d.address] == [
                "b@example.org", "c@example.org", "a@example.org", "d@example.org",
            ])
        #expect(again.attempts == 2)
    }

    @Test func deferredMessagesBackOffThenFail() throws {
        let ledger = try ledger()
        let record = try send(ledger, ["a@example.org"])
        var recipient = try #require(try claim(ledger, record, now: 100))
        // The first deferral waits 10 s, the second 20 s.
        #expect(
            try ledger.advance(
                sendID: record.id, finishing: (recipient, .deferred(code: 451, reply: "451 later")), policy: policy,
                now: 100) == .wait(until: 110))
        #expect(try claim(ledger, record, now: 105) == nil)
        recipient = try #require(try claim(ledger, record, now: 110))
        #expect(recipient.attempts == 2)
        #expect(
            try ledger.advance(
                sendID: record.id, finishing: (recipient, .deferred(code: 421, reply: "421 bye")), policy: policy,
                now: 110) == .wait(until: 130))
        recipient = try #require(try claim(ledger, record, now: 130))
        #expect(
            try ledger.advance(
                sendID: record.id, finishing: (recipient, .deferred(code: 451, reply: "451 again")), policy: policy,
                now: 130) == .finished)
        let status = try ledger.status(of: record)
        #expect(status.counts[.failed] == 1)
        #expect(status.failures.first?.reply == "gave up after 3 attempts: 451 again")
    }

    /// Claims `count` recipients, as a connection's fold does.
    func claimBatch(_ run: Run, _ count: Int, at now: Double) throws -> [ClaimedRecipient] {
        let step = try run.writer.fold(
            [.init(outcomes: [], batch: nil, claim: count)], sendID: run.record.id, policy: policy, now: now,
            cursor: &run.cursor)[0]
        guard case .send(let batch) = step else { return [] }
        return batch
    }

    @Test func aDeadRunsJournalsAreTakenInAndItsMessagesInFlightAreUncertain() throws {
        let ledger = try ledger()
        let addresses = ["a", "b", "c", "d", "e"].map { "\($0)@example.org" }
        let record = try send(ledger, addresses)
        let run = try Run(ledger, record, policy: policy)
        let first = try claimBatch(run, 3, at: 1)
        #expect(first.map(\.address) == Array(addresses.prefix(3)))
        // Connection 0 mails a, and dies while mailing b; connection 1 claimed d and e and
        // died before its journal was written.
        let journal = try BatchJournal(folder: ledger.journalFolder, owner: .init(sendID: record.id, slot: 0))
        try journal.start(epoch: 1, claimed: first.map(\.id))
        try journal.append(.init(id: first[0].id, at: 2, result: .sent(reply: "250 ok", messageID: "<1@x>")))
        #expect(try claimBatch(run, 2, at: 1).count == 2)
        #expect(try ledger.recover(sendID: record.id, policy: policy) == 1)

        let status = try ledger.status(of: record)
        #expect(status.uncertain == ["b@example.org"])
        #expect(status.counts[.sent] == 1 && status.counts[.deferred] == 1 && status.counts[.pending] == 3)
        #expect(status.counts[.sending] == nil)
        #expect(try ledger.sentTimes(since: Date(timeIntervalSince1970: 0)) == [2])
        #expect(!FileManager.default.fileExists(atPath: journal.url.path), "a journal taken in is deleted")
        // The uncertain one first, then the untried ones, none of them counted as tried.
        let next = try Run(ledger, record, policy: policy)
        let resumed = try claimBatch(next, 5, at: 3)
        #expect(resumed.map(\.address) == ["b", "c", "d", "e"].map { "\($0)@example.org" })
        #expect(resumed.map(\.attempts) == [2, 1, 1, 1])
    }

    @Test func aJournalTheLedgerAlreadyFoldedChangesNothing() throws {
        let ledger = try ledger()
        let record = try send(ledger, ["a@example.org", "b@example.org"])
        let run = try Run(ledger, record, policy: policy)
        let batch = try claimBatch(run, 2, at: 1)
        let journal = try BatchJournal(folder: ledger.journalFolder, owner: .init(sendID: record.id, slot: 0))
        try journal.start(epoch: 4, claimed: batch.map(\.id))
        let deferred = BatchJournal.Outcome(id: batch[0].id, at: 2, result: .deferred(code: 451, reply: "451 later"))
        try journal.append(deferred)
        // Folded, then killed before the journal was emptied: a stays deferred, not uncertain,
        // and b, claimed but never tried, goes back untried.
        _ = try run.writer.fold(
            [.init(outcomes: [(batch[0], deferred)], batch: (slot: 0, epoch: 4), claim: 0)], sendID: record.id,
            policy: policy,
            now: 2, cursor: &run.cursor)
        #expect(try ledger.recover(sendID: record.id, policy: policy) == 0)
        let status = try ledger.status(of: record)
        #expect(status.counts[.deferred] == 1 && status.counts[.pending] == 1 && status.uncertain.isEmpty)
    }

    @Test func anUnconfirmedMessageIsRetriedAndUncertain() throws {
        let ledger = try ledger()
        let record = try send(ledger, ["a@example.org"])
        let a = try #require(try claim(ledger, record, now: 1))
        #expect(
            try ledger.advance(
                sendID: record.id, finishing: (a, .unconfirmed(reply: "connection lost")), policy: policy, now: 1)
                == .wait(until: 11))
        let status = try ledger.status(of: record)
        #expect(status.uncertain == ["a@example.org"] && status.counts[.deferred] == 1)
    }

    @Test func aClaimNotSentGoesBackUnchanged() throws {
        let ledger = try ledger()
        let record = try send(ledger, ["a@example.org"])
        let a = try #require(try claim(ledger, record, now: 1))
        _ = try ledger.advance(
            sendID: record.id, finishing: (a, .notAttempted), policy: policy, now: 1, claimNext: false)
        #expect(try ledger.status(of: record).counts[.pending] == 1)
        #expect(try claim(ledger, record, now: 2)?.attempts == 1)
    }

    @Test func aFoldOfManyOutcomesRecordsEachWithItsOwnReply() throws {
        // 38 sent (two groups of 16, then six alone), one deferred among them and one failed.
        let ledger = try ledger()
        let record = try send(ledger, (0..<40).map { "r\($0)@example.org" })
        let run = try Run(ledger, record, policy: policy)
        let batch = try claimBatch(run, 40, at: 1)
        #expect(batch.count == 40)
        let outcomes = batch.enumerated().map { index, recipient in
            let result: DeliveryResult =
                switch index {
                // An empty reply is stored as empty text, not NULL.
                case 5: .deferred(code: 451, reply: "")
                case 30: .failed(code: 550, reply: "550 no")
                default: .sent(reply: "25\(index % 10) ok \(index)", messageID: "<\(index)@x>")
                }
            return (recipient, BatchJournal.Outcome(id: recipient.id, at: 100 + Double(index), result: result))
        }
        _ = try run.writer.fold(
            [.init(outcomes: outcomes, batch: nil, claim: 0)], sendID: record.id, policy: policy, now: 200,
            cursor: &run.cursor)
        let status = try ledger.status(of: record)
        #expect(status.counts[.sent] == 38 && status.counts[.deferred] == 1 && status.counts[.failed] == 1)
        let rows = try ledger.database.read { database in
            try Row.fetchAll(
                database,
                sql: "SELECT email, reply_code, reply, message_id, sent_at FROM recipient WHERE state = 'sent'")
        }
        #expect(rows.count == 38)
        let deferredReply = try ledger.database.read { database in
            try Row.fetchOne(
                database, sql: "SELECT reply IS NULL AS missing, reply FROM recipient WHERE state = 'deferred'")
        }
        #expect(deferredReply?["missing"] == false && deferredReply?["reply"] == "")
        for row in rows {
            let email: String = row["email"]
            let index = try #require(Int(email.dropFirst().prefix { $0.isNumber }))
            #expect(row["reply"] == "25\(index % 10) ok \(index)")
            #expect(row["reply_code"] == 250 + index % 10)
            #expect(row["message_id"] == "<\(index)@x>")
            #expect(row["sent_at"] == 100 + Double(index))
        }
    }

    @Test func aLedgerFromBeforeBatchJournalsKeepsItsMessageInFlightUncertain() throws {
        // As a v2 ledger was left by a send killed with one message in flight: before v3,
        // "sending" meant exactly that, and there were no journals to tell otherwise.
        let path = folder.appending(path: "state.sqlite")
        try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: path.path)
        try StoreSchema.migrator.migrate(old, upTo: "v2")
        try old.write { database in
            try database.execute(
                sql: """
                    INSERT INTO send (id, issue, list, generation, started_at) VALUES (1, 3, 'main', 1, 0);
                    INSERT INTO recipient (send_id, email, email_key, attributes, state, attempts, first_attempt_at)
                    VALUES (1, 'a@example.org', 'a@example.org', '{}', 'sent', 1, 1),
                           (1, 'b@example.org', 'b@example.org', '{}', 'sending', 1, 1),
                           (1, 'c@example.org', 'c@example.org', '{}', 'pending', 0, NULL);
                    """)
        }
        try old.close()

        let ledger = try DeliveryLedger(path: path)
        let record = try #require(try ledger.latestSend(issue: 3, list: "main"))
        #expect(try ledger.recover(sendID: record.id, policy: policy) == 0, "no journals: nothing more to take in")
        let status = try ledger.status(of: record)
        #expect(status.uncertain == ["b@example.org"])
        #expect(status.counts[.sending] == nil && status.counts[.deferred] == 1 && status.counts[.pending] == 1)
        // Retried first, as the second attempt, then the one never tried.
        let run = try Run(ledger, record, policy: policy)
        let resumed = try claimBatch(run, 3, at: 5)
        #expect(resumed.map(\.address) == ["b@example.org", "c@example.org"])
        #expect(resumed.map(\.attempts) == [2, 1])
    }
}
