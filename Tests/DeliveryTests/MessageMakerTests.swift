import Compose
import Foundation
import NewsletterCore
import NewsletterTestSupport
import Testing

@testable import Delivery

@Suite(.timeLimit(.minutes(1))) struct MessageMakerTests {
    /// Time that moves only when a test says so.
    final class TestClock: @unchecked Sendable {
        // `@unchecked`: `time` is touched only while `lock` is held.
        private let lock = NSLock()
        private var time = 1000.0

        var now: Double { lock.withLock { time } }
        func advance(_ seconds: Double) { lock.withLock { time += seconds } }
    }

    /// A started maker for issue 1 of a fresh workspace, with `emailTemplate` if given.
    func startedMaker(clock: TestClock? = nil, emailTemplate: String? = nil) throws -> MessageMaker {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        if let emailTemplate { try temp.write(emailTemplate, to: "templates/email.xhtml.mustache") }
        let workspace = temp.workspace
        let config = try workspace.loadConfig()
        let composer = try IssueComposer(config: config, templates: TemplateSet(workspace: workspace))
        let content = IssueContent(issue: try workspace.loadIssue(1), config: config)
        let secret = try UnsubscribeSecret(bytes: Data(repeating: 7, count: 32))
        let factory = MessageFactory(
            config: config, list: "main", content: content, composer: composer, secret: secret)
        let maker =
            clock.map { clock in MessageMaker(factory: factory, clock: { clock.now }) }
            ?? MessageMaker(factory: factory)
        maker.start(name: "test-maker")
        return maker
    }

    /// Waits (briefly) until the maker has made `count` messages, and says whether it has.
    func waitUntil(_ maker: MessageMaker, made count: Int) -> Bool {
        for _ in 0..<500 where maker.madeCount < count { Thread.sleep(forTimeInterval: 0.01) }
        return maker.madeCount >= count
    }

    func recipient(_ index: Int, city: String? = nil) -> ClaimedRecipient {
        ClaimedRecipient(
            id: Int64(index), address: "r\(index)@example.org", name: nil,
            attributes: city.map { ["city": $0] } ?? [:], attempts: 1, firstAttemptAt: 0)
    }

    func addressee(_ message: MessageFactory.Message) -> String? {
        String(decoding: message.bytes, as: UTF8.self).components(separatedBy: "\r\n")
            .first { $0.hasPrefix("To: ") }.map { String($0.dropFirst(4)) }
    }

    @Test func eachRecipientGetsTheirOwnMessageMadeAhead() throws {
        let maker = try startedMaker()
        defer { maker.close() }
        let recipients = (0..<40).map { recipient($0) }
        maker.enqueue(Array(recipients.prefix(25)))
        maker.enqueue(Array(recipients.dropFirst(25)))
        var messageIDs = Set<String>()
        for recipient in recipients {
            let message = try maker.message(for: recipient)
            #expect(addressee(message) == recipient.address)
            messageIDs.insert(message.messageID)
        }
        #expect(messageIDs.count == recipients.count)
    }

    @Test func theBufferOfASentMessageIsWhereALaterOneIsMade() throws {
        let maker = try startedMaker()
        defer { maker.close() }
        // A buffer far larger than any message: only the recycled one can be that large.
        var spent: [UInt8] = Array(repeating: 0x41, count: 100)
        spent.reserveCapacity(1 << 20)
        maker.recycle(consume spent)
        // Nothing enqueued: the message is made when asked for, after the buffer is back.
        let message = try maker.message(for: recipient(1))
        #expect(addressee(message) == "r1@example.org")
        #expect(message.bytes.capacity >= 1 << 20)
        #expect(message.bytes.prefix(5) == Array("From:".utf8)[...], "the old bytes are gone")
    }

    @Test func aRecipientPassedOverIsDroppedAndOneNeverEnqueuedIsStillMade() throws {
        let maker = try startedMaker()
        defer { maker.close() }
        maker.enqueue((0..<10).map { recipient($0) })
        #expect(try addressee(maker.message(for: recipient(0))) == "r0@example.org")
        // r1 was suppressed meanwhile: the connection goes on with r2.
        #expect(try addressee(maker.message(for: recipient(2))) == "r2@example.org")
        #expect(try addressee(maker.message(for: recipient(99))) == "r99@example.org")
        #expect(try addressee(maker.message(for: recipient(3))) == "r3@example.org")
    }

    @Test func aRecipientWhoseMessageCannotBeMadeGetsTheErrorAndTheOthersTheirMessages() throws {
        // Valid without a city; with one, an unclosed element: that shape fails validation.
        let template = try #require(DefaultTemplates.files["email.xhtml.mustache"])
            .replacingOccurrences(of: "</body>", with: "{{#subscriber.city}}<b>{{/subscriber.city}}</body>")
        let maker = try startedMaker(emailTemplate: template)
        defer { maker.close() }
        let recipients = [recipient(0), recipient(1, city: "Riga"), recipient(2)]
        maker.enqueue(recipients)
        #expect(try addressee(maker.message(for: recipients[0])) == "r0@example.org")
        #expect(throws: (any Error).self) { try maker.message(for: recipients[1]) }
        #expect(try addressee(maker.message(for: recipients[2])) == "r2@example.org")
    }

    @Test func messagesAreMadeAheadAtSpeedAndOnlyWhenAskedForAtASlowPace() throws {
        let clock = TestClock()
        let maker = try startedMaker(clock: clock)
        defer { maker.close() }
        maker.enqueue((0..<100).map { recipient($0) })
        // Taken quickly one after the other: the maker fills its stock.
        _ = try maker.message(for: recipient(0))
        _ = try maker.message(for: recipient(1))
        #expect(waitUntil(maker, made: 2 + MessageMaker.stock))
        Thread.sleep(forTimeInterval: 0.05)
        #expect(maker.madeCount == 2 + MessageMaker.stock, "no more than the stock ahead")
        // Past the stock, a recipient further on: those between were passed over, not made;
        // the stock is filled again after it.
        #expect(try addressee(maker.message(for: recipient(60))) == "r60@example.org")
        #expect(waitUntil(maker, made: 3 + 2 * MessageMaker.stock))
        Thread.sleep(forTimeInterval: 0.05)
        #expect(maker.madeCount == 3 + 2 * MessageMaker.stock)
        // Much later, at a slow pace: the stock is stale, and each message is made when it is
        // asked for, none ahead.
        clock.advance(MessageMaker.freshness + 1)
        let before = maker.madeCount
        #expect(try addressee(maker.message(for: recipient(61))) == "r61@example.org")
        clock.advance(MessageMaker.slowPace * 2)
        #expect(try addressee(maker.message(for: recipient(62))) == "r62@example.org")
        Thread.sleep(forTimeInterval: 0.05)
        #expect(maker.madeCount == before + 2, "made \(maker.madeCount - before) for two slow asks")
    }

    @Test func aMessageReadyForTooLongIsMadeAgain() throws {
        let clock = TestClock()
        let maker = try startedMaker(clock: clock)
        defer { maker.close() }
        maker.enqueue((0..<5).map { recipient($0) })
        _ = try maker.message(for: recipient(0))
        _ = try maker.message(for: recipient(1))
        #expect(waitUntil(maker, made: 5))
        clock.advance(MessageMaker.freshness + 1)
        #expect(try addressee(maker.message(for: recipient(2))) == "r2@example.org")
        #expect(maker.madeCount == 6, "r2's stale message was made again")
        // Asked for again (after a long wait for its slot): made again.
        _ = try maker.message(for: recipient(2))
        #expect(maker.madeCount == 7)
    }

    @Test func closingWithWorkLeftStopsTheMaker() throws {
        let maker = try startedMaker()
        maker.enqueue((0..<500).map { recipient($0) })
        #expect(try addressee(maker.message(for: recipient(0))) == "r0@example.org")
        maker.close()
    }
}
