import Compose
import Foundation
import NewsletterCore

/// Turns a recipient into the bytes of their message: personalised parts, their unsubscribe
/// token and links, and the headers. Not `Sendable`: one per sending thread.
final class MessageFactory {
    private let config: NewsletterConfig
    private let list: String
    private let subject: String
    private let secret: UnsubscribeSecret
    private let renderer: PersonalizedRenderer
    private let listID: String
    private let messageIDDomain: String
    private var tokens = UniqueTokens()

    init(
        config: NewsletterConfig, list: String, content: IssueContent, composer: IssueComposer,
        secret: UnsubscribeSecret
    ) {
        self.config = config
        self.list = list
        self.subject = content.issue.header.subject
        self.secret = secret
        renderer = PersonalizedRenderer(composer: composer, content: content)
        let host = config.baseURL.host ?? "localhost"
        listID = "\(HeaderEncoding.phrase(config.name)) <\(list).\(host)>"
        messageIDDomain = config.sender.email.split(separator: "@").last.map(String.init) ?? host
    }

    struct Message {
        var bytes: [UInt8]
        var messageID: String
    }

    func message(to address: String, name: String?, attributes: [String: String], now: Date = Date()) throws -> Message
    {
        let token = UnsubscribeToken(list: list, address: address).encoded(with: secret)
        let unsubscribeURL = config.unsubscribeURL(token: token).absoluteString
        let recipient = Recipient(email: address, name: name, attributes: attributes, unsubscribeURL: unsubscribeURL)
        let (html, text) = try renderer.render(for: recipient)
        let milliseconds = String(UInt64(now.timeIntervalSince1970 * 1000), radix: 36)
        let messageID = "<\(milliseconds).\(tokens.word())@\(messageIDDomain)>"
        let message = OutgoingMessage(
            fromName: config.sender.name, fromAddress: config.sender.email, toName: name, toAddress: address,
            replyTo: config.sender.replyTo, subject: subject, date: now, messageID: messageID, listID: listID,
            unsubscribeURL: unsubscribeURL,
            unsubscribeMailto: "mailto:\(config.sending.unsubscribeEmail)?subject=unsubscribe",
            text: text, html: html, boundary: "=_newsletter_" + String(tokens.next(), radix: 36))
        return Message(bytes: message.bytes(), messageID: messageID)
    }
}
