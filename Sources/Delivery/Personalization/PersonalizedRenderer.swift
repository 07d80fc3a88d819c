import Compose
import Foundation
import NewsletterCore

/// Renders an issue for each subscriber fast. The templates are rendered once per "shape" of
/// subscriber (which fields they have) with a unique marker in place of each personal value;
/// the result is cut at the markers, validated once, and each subscriber's message is then
/// joined from those pieces with their own values, escaped as the template asked. A template
/// that transforms a personal value (so its marker cannot be found) is rendered in full for
/// every subscriber instead: slower, never wrong. Not `Sendable`: one per sending thread; the
/// connections of a send share their compiled shapes through a `ShapeCache`.
final class PersonalizedRenderer {
    private let composer: IssueComposer
    private let content: IssueContent
    private let nonce = String(UInt64.random(in: .min ... .max), radix: 36)
    private let compiled: ShapeCache
    /// The shape of the last recipient: nearly every recipient of a list has the same one, and
    /// checking it costs a few lookups where a key costs a sort and a join.
    private var lastShape: (keys: [String], shape: CompiledShape)?

    init(composer: IssueComposer, content: IssueContent, shapes: ShapeCache = ShapeCache()) {
        self.composer = composer
        self.content = content
        compiled = shapes
    }

    /// Compiles (and validates) the shape of `recipient` now, so that the first message of that
    /// shape does not wait for it.
    func prepare(for recipient: Recipient) throws {
        _ = try shape(of: Self.slotValues(of: recipient))
    }

    /// The HTML and text parts for `recipient`. The first recipient of each shape also
    /// validates that shape's HTML, so an invalid template is found before anything is sent.
    func render(for recipient: Recipient) throws -> (html: String, text: String) {
        let values = Self.slotValues(of: recipient)
        guard let shape = try shape(of: values), let html = shape.html, let text = shape.text else {
            let rendered = composer.render(content, for: recipient)
            return (rendered.emailXHTML, rendered.text)
        }
        return (html.render(values), text.render(values))
    }

    /// Both parts for `recipient`, to be written quoted-printable: what goes on the wire,
    /// without making the parts as strings first. The text between personal values is encoded
    /// once per shape. `nil` when the shape needs a full render; then encode `render(for:)`.
    func encodedParts(for recipient: Recipient) throws -> EncodedParts? {
        let values = Self.slotValues(of: recipient)
        guard let shape = try shape(of: values), let html = shape.html, let text = shape.text else { return nil }
        return EncodedParts(text: text, html: html, values: values)
    }

    /// One recipient's parts, written into their message when it is put together.
    struct EncodedParts {
        fileprivate let text: SlotTemplate
        fileprivate let html: SlotTemplate
        fileprivate let values: [String: String]

        var textSizeHint: Int { text.encodedSizeHint(values) }
        var htmlSizeHint: Int { html.encodedSizeHint(values) }
        func appendText(to output: inout [UInt8]) { text.appendEncoded(values, to: &output) }
        func appendHTML(to output: inout [UInt8]) { html.appendEncoded(values, to: &output) }
    }

    private func shape(of values: [String: String]) throws -> CompiledShape? {
        if let lastShape, lastShape.keys.count == values.count, lastShape.keys.allSatisfy({ values[$0] != nil }) {
            return lastShape.shape
        }
        let keys = values.keys.sorted()
        let shape = try compiled.shape(for: keys.joined(separator: "\u{1F}")) { try compile(keys: keys) }
        lastShape = (keys, shape)
        return shape
    }

    /// The personal values by template path: `subscriber.email`, `subscriber.city`, `unsubscribe_url`.
    static func slotValues(of recipient: Recipient) -> [String: String] {
        var values: [String: String] = [:]
        values.reserveCapacity(recipient.attributes.count + 3)
        // `Recipient.fields`, made once per message without a dictionary of its own.
        for (name, value) in recipient.attributes where !value.isEmpty { values["subscriber." + name] = value }
        values["subscriber.email"] = recipient.email
        if let name = recipient.name, !name.isEmpty { values["subscriber.name"] = name }
        values["unsubscribe_url"] = recipient.unsubscribeURL
        return values
    }

    private func marker(_ index: Int) -> String {
        // Private-use characters around a random nonce: no item text can contain it by chance.
        // The `>` shows whether Mustache escaped the value (`&gt;`) or not; unescaped, it is
        // still well-formed XML, in text and in attributes alike.
        "\u{E000}\(nonce)>\(index)\u{E001}"
    }

    private func compile(keys: [String]) throws -> CompiledShape {
        var fields: [String: String] = [:]
        var unsubscribe = ""
        for (index, key) in keys.enumerated() {
            if key == "unsubscribe_url" {
                unsubscribe = marker(index)
            } else {
                fields[String(key.dropFirst("subscriber.".count))] = marker(index)
            }
        }
        let email = fields.removeValue(forKey: "email") ?? ""
        let name = fields.removeValue(forKey: "name")
        let probe = Recipient(email: email, name: name, attributes: fields, unsubscribeURL: unsubscribe)
        let rendered = composer.render(content, for: probe)
        try composer.validate(rendered, issue: content.issue.number)
        try requireEscapedSubscriberValues(keys: keys)
        return CompiledShape(
            html: SlotTemplate(rendered.emailXHTML, keys: keys, nonce: nonce, escapesHTML: true),
            text: SlotTemplate(rendered.text, keys: keys, nonce: nonce, escapesHTML: false, rewrapLines: true))
    }
}

extension PersonalizedRenderer {
    /// A subscriber's own text never becomes markup in the HTML part: rendered once with a `<`
    /// in each of their values, the email must show it escaped. (`TemplateSet` names the line of
    /// the plain `{{{subscriber.…}}}`; this also catches sections, transforms and custom
    /// delimiters, and a message that no validation saw can then never go out broken.)
    fileprivate func requireEscapedSubscriberValues(keys: [String]) throws {
        // Private-use characters around it, which no case transform changes and no item holds.
        let probe = "\u{E000}<\u{E001}"
        var fields: [String: String] = [:]
        for key in keys where key.hasPrefix("subscriber.") {
            fields[String(key.dropFirst("subscriber.".count))] = probe
        }
        guard !fields.isEmpty else { return }
        let email = fields.removeValue(forKey: "email") ?? "probe@example.org"
        let recipient = Recipient(
            email: email, name: fields.removeValue(forKey: "name"), attributes: fields, unsubscribeURL: "")
        guard composer.render(content, for: recipient).emailXHTML.contains(probe) else { return }
        throw NewsletterError(
            "The email template puts a subscriber's value in the HTML unescaped, so their own text would become markup.",
            at: SourceLocation(file: composer.templates.origin(of: .email)),
            hint: "Write subscriber values with two braces, such as {{subscriber.city}}: Mustache then escapes them.")
    }
}
