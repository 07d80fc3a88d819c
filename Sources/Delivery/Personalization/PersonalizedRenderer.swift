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

struct CompiledShape: Sendable {
    /// `nil` when the markers could not all be found: render in full.
    var html: SlotTemplate?
    var text: SlotTemplate?
}

/// A rendered document cut at its personal values.
struct SlotTemplate: Sendable {
    enum Piece: Sendable {
        case literal(String)
        case value(key: String, escaped: Bool)
        /// The end of a line that held a value: wrap it again once the values are in.
        case rewrapPoint
    }

    private var pieces: [Piece] = []
    /// The same document for the wire: quoted-printable, with the text between values encoded
    /// once here and each value encoded per message.
    private var encodedPieces: [EncodedPiece] = []
    /// The bytes of the encoded shared text, and the number of places that take values.
    private var sharedSize = 0
    private var slots = 0

    private enum EncodedPiece: Sendable {
        /// Quoted-printable of shared text, ending at the start of a line (after a line break or
        /// a soft line break, `=` CRLF, which decoders remove).
        case encoded([UInt8])
        case value(key: String, escaped: Bool)
        /// A text line that holds values: made, wrapped and encoded per message.
        case line([Piece])
    }

    /// Cuts `document` at the markers `\u{E000}NONCE>INDEX\u{E001}` (or `&gt;` for an escaped
    /// one); `nil` if a marker was altered, so that some value cannot be placed.
    init?(_ document: String, keys: [String], nonce: String, escapesHTML: Bool, rewrapLines: Bool = false) {
        let lines = rewrapLines ? TextLines.split(document).map(String.init) : [document]
        for (lineIndex, line) in lines.enumerated() {
            var rest = Substring(line)
            var lineHasValue = false
            while let start = rest.firstIndex(of: "\u{E000}") {
                pieces.append(.literal(String(rest[..<start])))
                let afterStart = rest[rest.index(after: start)...]
                guard afterStart.hasPrefix(nonce), let end = afterStart.firstIndex(of: "\u{E001}") else { return nil }
                var inner = afterStart[afterStart.index(afterStart.startIndex, offsetBy: nonce.count)..<end]
                let escaped = inner.hasPrefix("&gt;")
                inner = inner.dropFirst(escaped ? 4 : 1)
                guard let index = Int(inner), keys.indices.contains(index) else { return nil }
                pieces.append(.value(key: keys[index], escaped: escaped && escapesHTML))
                lineHasValue = true
                rest = afterStart[afterStart.index(after: end)...]
            }
            pieces.append(.literal(String(rest)))
            if lineHasValue, rewrapLines { pieces.append(.rewrapPoint) }
            if lineIndex < lines.count - 1 { pieces.append(.literal("\n")) }
        }
        encodedPieces = Self.encode(pieces, byLine: rewrapLines)
        for piece in encodedPieces {
            switch piece {
            case .encoded(let bytes): sharedSize += bytes.count
            case .value: slots += 1
            case .line(let parts):
                slots += 1
                for case .literal(let text) in parts { sharedSize += text.utf8.count * 3 }
            }
        }
    }

    /// About the size of `appendEncoded`'s output, for reserving room: the shared text, and
    /// every slot with the longest value, quoted-printable at its usual worst. Only a hint:
    /// an output that grows past it is copied once.
    func encodedSizeHint(_ values: [String: String]) -> Int {
        let longest = values.values.reduce(0) { max($0, $1.utf8.count) }
        return sharedSize + slots * (longest * 6 + 80)
    }

    /// Groups the pieces for `appendEncoded`: runs of shared text encoded now.
    private static func encode(_ pieces: [Piece], byLine: Bool) -> [EncodedPiece] {
        var result: [EncodedPiece] = []
        var shared = ""
        func flush() {
            guard !shared.isEmpty else { return }
            var bytes: [UInt8] = []
            QuotedPrintable.encode(shared, into: &bytes)
            if !shared.hasSuffix("\n") { bytes.append(contentsOf: QuotedPrintable.softBreak) }
            result.append(.encoded(bytes))
            shared = ""
        }
        if byLine {
            // Text: a line with a value is made whole per message, so that it can be wrapped.
            var line: [Piece] = []
            for piece in pieces {
                if case .literal("\n") = piece {
                    if line.contains(where: { if case .rewrapPoint = $0 { true } else { false } }) {
                        flush()
                        result.append(.line(line))
                        shared = "\n"
                    } else {
                        for part in line { if case .literal(let text) = part { shared += text } }
                        shared += "\n"
                    }
                    line = []
                } else {
                    line.append(piece)
                }
            }
            if line.contains(where: { if case .rewrapPoint = $0 { true } else { false } }) {
                flush()
                result.append(.line(line))
            } else {
                for part in line { if case .literal(let text) = part { shared += text } }
            }
        } else {
            for piece in pieces {
                switch piece {
                case .literal(let text): shared += text
                case .value(let key, let escaped):
                    flush()
                    result.append(.value(key: key, escaped: escaped))
                case .rewrapPoint: break
                }
            }
        }
        flush()
        return result
    }

    /// Appends the document with `values`, quoted-printable, to `output`: what `render` gives,
    /// encoded, with extra soft line breaks where shared text meets a value.
    func appendEncoded(_ values: [String: String], to output: inout [UInt8]) {
        for piece in encodedPieces {
            switch piece {
            case .encoded(let bytes):
                output.append(contentsOf: bytes)
            case .value(let key, let escaped):
                let value = values[key] ?? ""
                QuotedPrintable.encode(escaped ? HTMLText.escape(value) : value, into: &output)
                output.append(contentsOf: QuotedPrintable.softBreak)
            case .line(let parts):
                let line = SlotTemplate(pieces: parts).render(values)
                QuotedPrintable.encode(line, into: &output)
                output.append(contentsOf: QuotedPrintable.softBreak)
            }
        }
    }

    private init(pieces: [Piece]) {
        self.pieces = pieces
    }

    func render(_ values: [String: String]) -> String {
        var output = ""
        var lineStart = output.endIndex
        for piece in pieces {
            switch piece {
            case .literal(let text):
                output += text
                if text == "\n" { lineStart = output.endIndex }
            case .value(let key, let escaped):
                let value = values[key] ?? ""
                output += escaped ? HTMLText.escape(value) : value
            case .rewrapPoint:
                // Only the line's own values can have made it long: wrap it alone.
                let line = output[lineStart...]
                if line.utf8.count > TextWrapper.width {
                    let wrapped = TextWrapper.wrapLine(line)
                    output.removeSubrange(lineStart...)
                    output += wrapped
                }
            }
        }
        return output
    }
}
