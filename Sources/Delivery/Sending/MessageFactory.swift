import Compose
import Foundation
import NewsletterCore

/// Turns a recipient into the bytes of their message: personalised parts, their unsubscribe
/// token and links, and the headers. Not `Sendable`: one per sending thread.
final class MessageFactory {
    private let list: String
    private let signer: UnsubscribeSigner
    private let renderer: PersonalizedRenderer
    private let layout: MessageLayout
    /// `https://…/unsubscribe/`: a token is URL-safe, so each link is this and the token.
    private let unsubscribePrefix: String
    private let messageIDDomain: String
    private var tokens = UniqueTokens()
    /// The DKIM signatures each message gets, when `[dkim]` has keys.
    private let dkim: DKIMSigner?
    /// The Date header changes once a second; thousands of messages share it.
    private var date: (second: Int, text: String) = (-1, "")

    /// `shapes`: where the send's compiled templates are shared between its connections.
    init(
        config: NewsletterConfig, list: String, content: IssueContent, composer: IssueComposer,
        secret: UnsubscribeSecret, shapes: ShapeCache = ShapeCache(), dkim: DKIMSigner? = nil
    ) {
        self.list = list
        self.dkim = dkim
        signer = UnsubscribeSigner(secret: secret)
        renderer = PersonalizedRenderer(composer: composer, content: content, shapes: shapes)
        let host = config.baseURL.host ?? "localhost"
        layout = MessageLayout(
            fromName: config.sender.name, fromAddress: config.sender.email, replyTo: config.sender.replyTo,
            subject: content.issue.header.subject, listID: "\(HeaderEncoding.phrase(config.name)) <\(list).\(host)>",
            unsubscribeMailto: "mailto:\(config.sending.unsubscribeEmail)?subject=unsubscribe")
        unsubscribePrefix = config.unsubscribeURL(token: "").absoluteString
        messageIDDomain = config.sender.email.split(separator: "@").last.map(String.init) ?? host
    }

    struct Message {
        var bytes: [UInt8]
        var messageID: String
        /// Its envelope sender, once the send's envelopes are tagged (`tagEnvelopes`).
        var envelopeSender: String?
    }

    /// The envelope senders of a send's messages (VERP), made with each message, on the
    /// maker's thread: measured, the tag's HMAC cost the connection's thread about 8 µs a message.
    private var envelope: (sender: EnvelopeSender, sendID: Int64)?

    /// From now on each message made for a recipient of `sendID` carries its envelope sender.
    func tagEnvelopes(with sender: EnvelopeSender, sendID: Int64) {
        envelope = (sender, sendID)
    }

    /// Compiles the templates for the shape of `subscriber` (which fields they have), ahead of
    /// the first message of that shape.
    func prepare(for subscriber: Subscriber) throws {
        try renderer.prepare(
            for: Recipient(
                email: subscriber.address.description, name: subscriber.name, attributes: subscriber.attributes,
                unsubscribeURL: unsubscribePrefix))
    }

    /// The personalised HTML and text parts alone.
    func parts(for address: String, name: String?, attributes: [String: String], recipientID: Int64? = nil) throws
        -> (html: String, text: String)
    {
        let token = signer.encoded(self.token(address: address, recipientID: recipientID))
        return try renderer.render(
            for: Recipient(
                email: address, name: name, attributes: attributes, unsubscribeURL: unsubscribePrefix + token))
    }

    /// A send's links name the recipient's row in the store, not the address; a test copy or a
    /// preview, which have no row, the address.
    private func token(address: String, recipientID: Int64?) -> UnsubscribeToken {
        recipientID.map { UnsubscribeToken(list: list, recipient: $0) }
            ?? UnsubscribeToken(list: list, address: address)
    }

    func message(
        to address: String, name: String?, attributes: [String: String], recipientID: Int64? = nil, now: Date = Date(),
        reusing buffer: consuming [UInt8] = []
    ) throws -> Message {
        let token = signer.encoded(self.token(address: address, recipientID: recipientID))
        let unsubscribeURL = unsubscribePrefix + token
        let recipient = Recipient(email: address, name: name, attributes: attributes, unsubscribeURL: unsubscribeURL)
        let text: MessageLayout.Body
        let html: MessageLayout.Body
        if let encoded = try renderer.encodedParts(for: recipient) {
            text = .encoded(sizeHint: encoded.textSizeHint, write: encoded.appendText)
            html = .encoded(sizeHint: encoded.htmlSizeHint, write: encoded.appendHTML)
        } else {
            let parts = try renderer.render(for: recipient)
            (text, html) = (.plain(parts.text), .plain(parts.html))
        }
        let second = Int(now.timeIntervalSince1970)
        if second != date.second { date = (second, RFC5322Date.format(now)) }
        let milliseconds = String(UInt64(now.timeIntervalSince1970 * 1000), radix: 36)
        let messageID = "<\(milliseconds).\(tokens.word())@\(messageIDDomain)>"
        let bytes = layout.bytes(
            MessageLayout.Personal(
                toName: name, toAddress: address, date: date.text, messageID: messageID, unsubscribeURL: unsubscribeURL,
                text: text, html: html, boundary: "=_newsletter_" + String(tokens.next(), radix: 36)),
            reusing: consume buffer)
        // Signed last, over the final bytes, as the relay gets them.
        let envelopeSender = envelope.flatMap { envelope in
            recipientID.map { envelope.sender.address(sendID: envelope.sendID, recipientID: $0) }
        }
        return Message(
            bytes: try dkim?.sign(bytes, at: now) ?? bytes, messageID: messageID, envelopeSender: envelopeSender)
    }
}
