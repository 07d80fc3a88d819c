import Compose
public import Delivery
import Foundation

/// The offline checks on one message as a subscriber gets it: what `send` runs before it
/// starts, and the preview shows. Each says what was found and what to do.
public enum MessageChecks {
    /// Gmail clips an HTML part over about 102 KB behind "[Message clipped]", the unsubscribe
    /// link with it; warned of with room to spare.
    public static let clippingWarningBytes = 90 * 1024

    public static func findings(for message: MessagePreview) -> [Finding] {
        let outline = HTMLOutline(html: message.html)
        let headers = MessageHeaders(message.raw)
        return [size(of: message)] + images(outline) + [links(outline), textPart(message)]
            + unsubscribe(headers: headers, outline: outline, text: message.text)
            + MessageFormat.findings(for: message.raw, headers: headers)
    }

    static func size(of message: MessagePreview) -> Finding {
        let bytes = message.html.utf8.count
        let size = "\((bytes + 512) / 1024) KB"
        guard bytes <= clippingWarningBytes else {
            return .warning(
                .message,
                "The HTML part is \(size): Gmail clips messages over about 102 KB, hiding the rest and the unsubscribe link.",
                hint:
                    "Shorten the issue, move items to the web page, or lighten the template (inline styles repeated on every item add up)."
            )
        }
        return .passed(.message, "The HTML part is \(size), under Gmail's clipping at about 102 KB.")
    }

    static func images(_ outline: HTMLOutline) -> [Finding] {
        guard !outline.images.isEmpty else { return [.passed(.message, "No images.")] }
        var findings: [Finding] = []
        // XHTML makes alt required, so an image without one has alt="" (all `![](…)` gives).
        let withoutAlt = outline.images.filter { ($0.alt ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
        if !withoutAlt.isEmpty {
            findings.append(
                .warning(
                    .message,
                    "\(count(withoutAlt.count, "image")) without alt text: \(sample(withoutAlt.map(\.source))).",
                    hint:
                        "Many mail programs block images at first, showing the alt text instead: describe each, in the item (`![what it shows](…)`) or the template; only decoration may go without."
                ))
        }
        let withoutSize = outline.images.filter { $0.width == nil || $0.height == nil }
        if !withoutSize.isEmpty {
            findings.append(
                .warning(
                    .message,
                    "\(count(withoutSize.count, "image")) without width and height: \(sample(withoutSize.map(\.source))).",
                    hint:
                        "Without them the layout jumps when images load, and Outlook may show them at full size: set width and height in the template or the item's HTML."
                ))
        }
        return findings.isEmpty
            ? [.passed(.message, "\(count(outline.images.count, "image")), each with alt text and dimensions.")]
            : findings
    }

    static func links(_ outline: HTMLOutline) -> Finding {
        let plain = Set(outline.links.map(\.href).filter { $0.lowercased().hasPrefix("http:") })
        guard plain.isEmpty else {
            return .warning(
                .message, "\(count(plain.count, "link")) over plain http: \(sample(plain.sorted())).",
                hint: "Link to https: addresses; filters count plain http against a message, and browsers warn readers."
            )
        }
        return .passed(.message, "\(count(outline.links.count, "link")), none over plain http.")
    }

    static func textPart(_ message: MessagePreview) -> Finding {
        let text = message.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty,
            String(decoding: message.raw, as: UTF8.self).lowercased().contains("content-type: text/plain")
        else {
            return .refusal(
                .message, "The message has no text part.",
                hint:
                    "An HTML-only message looks like spam to filters: keep templates/email.txt.mustache rendering the issue."
            )
        }
        return .passed(.message, "A text part beside the HTML one.")
    }

    static func unsubscribe(headers: MessageHeaders, outline: HTMLOutline, text: String) -> [Finding] {
        let header = headers.value(of: "list-unsubscribe") ?? ""
        let https = header.split(separator: "<").compactMap { part -> String? in
            let url = part.split(separator: ">").first.map(String.init) ?? ""
            return url.lowercased().hasPrefix("https://") ? url : nil
        }.first
        var findings: [Finding] = []
        if let https, headers.value(of: "list-unsubscribe-post") == "List-Unsubscribe=One-Click" {
            findings.append(.passed(.message, "One-click unsubscribe headers (RFC 8058)."))
            if outline.links.contains(where: { $0.href == https }) {
                findings.append(.passed(.message, "A visible unsubscribe link in the HTML part."))
            } else {
                findings.append(
                    .refusal(
                        .message,
                        "The HTML part shows no unsubscribe link: Gmail and Yahoo require one that readers can see.",
                        hint:
                            "Keep {{unsubscribe_url}} in a link (`<a href=\"{{unsubscribe_url}}\">`) of templates/email.xhtml.mustache."
                    ))
            }
            if !text.contains(https) {
                findings.append(
                    .warning(
                        .message, "The text part shows no unsubscribe link.",
                        hint:
                            "Keep {{unsubscribe_url}} in templates/email.txt.mustache: some readers only see the text.")
                )
            }
        } else {
            findings.append(
                .refusal(
                    .message,
                    "The message lacks the one-click unsubscribe headers (List-Unsubscribe with an https link, List-Unsubscribe-Post).",
                    hint:
                        "Set base_url to the https address where `newsletter serve` answers; the headers are made from it."
                ))
        }
        return findings
    }

    static func count(_ number: Int, _ noun: String) -> String { number == 1 ? "1 \(noun)" : "\(number) \(noun)s" }

    /// Up to three of `values`, and how many more.
    static func sample(_ values: [String]) -> String {
        let shown = values.prefix(3).map { "`\($0)`" }.joined(separator: ", ")
        return values.count > 3 ? "\(shown) and \(values.count - 3) more" : shown
    }
}
