public import Compose
public import Foundation
public import NewsletterCore

/// The mail that a double opt-in sign-up sends: a text and an HTML part from the workspace's
/// `confirm.txt.mustache` and `confirm.xhtml.mustache`, with the confirmation link. It holds
/// nothing the person typed but their address (no name), so the form cannot carry a stranger's
/// words into anyone's inbox. No List-Unsubscribe: it is no newsletter, and there is nothing yet
/// to leave.
public enum ConfirmationMail {
    public static func bytes(
        to address: EmailAddress, lists: [ListDefinition], link: String, expires: Date, config: NewsletterConfig,
        templates: TemplateSet, now: Date = Date()
    ) -> [UInt8] {
        let values = ConfirmationMail.values(
            address: address, lists: lists, link: link, expires: expires, config: config)
        let text = templates.render(.confirmText, context: values)
        let html = templates.render(.confirmEmail, context: values)
        let boundary = "=_confirm_" + ConfirmationToken.newNonce()
        let domain = config.sender.email.split(separator: "@").last.map(String.init) ?? "localhost"
        var output: [UInt8] = []
        HeaderEncoding.appendField(
            "From", HeaderEncoding.mailbox(name: config.sender.name, address: config.sender.email), to: &output)
        HeaderEncoding.appendField("To", address.description, to: &output)
        HeaderEncoding.appendField(
            "Subject", HeaderEncoding.unstructured("Confirm your subscription to \(config.name)"), to: &output)
        HeaderEncoding.appendField("Date", RFC5322Date.format(now), to: &output)
        HeaderEncoding.appendField("Message-ID", "<confirm.\(ConfirmationToken.newNonce())@\(domain)>", to: &output)
        HeaderEncoding.appendField("MIME-Version", "1.0", to: &output)
        // An answer to the person's own request: vacation responders leave it alone (RFC 3834).
        HeaderEncoding.appendField("Auto-Submitted", "auto-replied", to: &output)
        HeaderEncoding.appendField("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"", to: &output)
        output.append(contentsOf: [13, 10])
        for (body, type) in [(text, "text/plain"), (html, "text/html")] {
            output.append(contentsOf: Array("--\(boundary)\r\nContent-Type: \(type); charset=UTF-8\r\n".utf8))
            output.append(contentsOf: Array("Content-Transfer-Encoding: quoted-printable\r\n\r\n".utf8))
            QuotedPrintable.encode(body, into: &output)
            output.append(contentsOf: [13, 10])
        }
        output.append(contentsOf: Array("--\(boundary)--\r\n".utf8))
        return output
    }

    static func values(
        address: EmailAddress, lists: [ListDefinition], link: String, expires: Date, config: NewsletterConfig
    ) -> [String: Any] {
        [
            "newsletter": ["name": config.name, "language": config.locale.replacingOccurrences(of: "_", with: "-")],
            "organisation": [
                "name": config.organisation.name, "postal_address": config.organisation.postalAddress,
            ],
            "email": address.description,
            "lists": lists.enumerated().map { index, list in
                ["title": list.title, "last": index == lists.count - 1] as [String: Any]
            },
            "confirm_url": link,
            "expires": expires.formatted(Date.FormatStyle(date: .long, time: .shortened).locale(config.dateLocale)),
        ]
    }
}
