import Foundation
public import NewsletterCore
import Store

/// One message exactly as a subscriber would get it, for the preview: the HTML and text parts,
/// the raw message and its headers. Nothing is sent or recorded.
public struct MessagePreview: Sendable {
    public var recipient: String
    public var html: String
    public var text: String
    /// The whole message, CRLF line endings, as it would go to the relay.
    public var raw: [UInt8]

    /// The header block of `raw`.
    public var headers: String {
        let text = String(decoding: raw, as: UTF8.self)
        return text.components(separatedBy: "\r\n\r\n").first?.replacingOccurrences(of: "\r\n", with: "\n") ?? ""
    }

    /// Renders issue `prepared` for the subscriber `address` of `list` (default: its first active
    /// subscriber; the sender's own address when the list is empty). Unsubscribe links are made
    /// with `secret`; a preview may use a throwaway one.
    public static func render(prepared: PreparedIssue, list: String, as address: String?, secret: UnsubscribeSecret)
        throws
        -> MessagePreview
    {
        let audience = try Audience(workspace: prepared.workspace, config: prepared.config, list: list)
        let wanted = try address.map { try EmailAddress.parsed($0).key }
        let chosen = try audience.people.members(of: list).first {
            $0.isActive && (wanted == nil || $0.subscriber.address.key == wanted)
        }?.subscriber
        if let address, chosen == nil { throw notActive(address, list: list) }
        let fallback = Subscriber(
            address: try EmailAddress.parsed(prepared.config.sender.email), name: prepared.config.sender.name)
        let subscriber = chosen ?? fallback
        let factory = MessageFactory(
            config: prepared.config, list: list, content: prepared.content, composer: prepared.composer, secret: secret,
            dkim: prepared.dkim)
        let personal = try factory.parts(
            for: subscriber.address.description, name: subscriber.name, attributes: subscriber.attributes)
        let message = try factory.message(
            to: subscriber.address.description, name: subscriber.name, attributes: subscriber.attributes)
        return MessagePreview(
            recipient: subscriber.address.description, html: personal.html, text: personal.text, raw: message.bytes)
    }
}

extension MessagePreview {
    /// Refuses `address` unless it is an active subscriber of `list`: `preview --as` checks it
    /// as it starts, so that a typing mistake shows where it was typed, not only in the page.
    public static func requireActiveSubscriber(
        _ address: String, of list: String, in workspace: Workspace, config: NewsletterConfig
    ) throws {
        let wanted = try EmailAddress.parsed(address).key
        let members = try Audience(workspace: workspace, config: config, list: list).people.members(of: list)
        if !members.contains(where: { $0.isActive && $0.subscriber.address.key == wanted }) {
            throw notActive(address, list: list)
        }
    }

    private static func notActive(_ address: String, list: String) -> NewsletterError {
        NewsletterError(
            "\(address) is not an active subscriber of the list `\(list)`.",
            hint: "Choose an address from `newsletter subscribers list --list \(list)`, or leave out --as.")
    }
}

extension EmailAddress {
    /// An address from the editor, with the problem as a full sentence.
    public static func parsed(_ text: String) throws -> EmailAddress {
        do {
            return try EmailAddress(text)
        } catch {
            throw NewsletterError(
                "`\(text)` is not a usable address: \(error.reason).",
                hint: "Write a plain address such as name@example.org.")
        }
    }
}
