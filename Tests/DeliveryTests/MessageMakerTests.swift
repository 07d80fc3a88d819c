import Compose
import Foundation
import NewsletterCore
import NewsletterTestSupport
import Testing

@testable import Delivery

@Suite(.timeLimit(.minutes(1))) struct MessageMakerTests {
    func maker(_ workspace: Workspace, issue: Int) throws -> MessageMaker {
        let config = try workspace.loadConfig()
        let composer = try IssueComposer(config: config, templates: TemplateSet(workspace: workspace))
        let content = IssueContent(issue: try workspace.loadIssue(issue), config: config)
        let secret = try UnsubscribeSecret(bytes: Data(repeating: 7, count: 32))
        return MessageMaker(
            factory: MessageFactory(config: config, list: "main", content: content, composer: composer, secret: secret))
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
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        let maker = try maker(temp.workspace, issue: 1)
        maker.start(name: "test-maker")
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

    @Test func aRecipientPassedOverIsDroppedAndOneNeverEnqueuedIsStillMade() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        let maker = try maker(temp.workspace, issue: 1)
        maker.start(name: "test-maker")
        defer { maker.close() }
        maker.enqueue((0..<10).map { recipient($0) })
        #expect(try addressee(maker.message(for: recipient(0))) == "r0@example.org")
        // r1 was suppressed meanwhile: the connection goes on with r2.
        #expect(try addressee(maker.message(for: recipient(2))) == "r2@example.org")
        #expect(try addressee(maker.message(for: recipient(99))) == "r99@example.org")
        #expect(try addressee(maker.message(for: recipient(3))) == "r3@example.org")
    }

    @Test func aRecipientWhoseMessageCannotBeMadeGetsTheErrorAndTheOthersTheirMessages() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        // Valid without a city; with one, an unclosed element: that shape fails validation.
        let template = try #require(DefaultTemplates.files["email.xhtml.mustache"])
            .replacingOccurrences(of: "</body>", with: "{{#subscriber.city}}<b>{{/subscriber.city}}</body>")
        try temp.write(template, to: "templates/email.xhtml.mustache")
        let maker = try maker(temp.workspace, issue: 1)
        maker.start(name: "test-maker")
        defer { maker.close() }
        let recipients = [recipient(0), recipient(1, city: "Riga"), recipient(2)]
        maker.enqueue(recipients)
        #expect(try addressee(maker.message(for: recipients[0])) == "r0@example.org")
        #expect(throws: (any Error).self) { try maker.message(for: recipients[1]) }
        #expect(try addressee(maker.message(for: recipients[2])) == "r2@example.org")
    }

    @Test func closingWithWorkLeftStopsTheMaker() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        let maker = try maker(temp.workspace, issue: 1)
        maker.start(name: "test-maker")
        maker.enqueue((0..<500).map { recipient($0) })
        #expect(try addressee(maker.message(for: recipient(0))) == "r0@example.org")
        maker.close()
    }
}
