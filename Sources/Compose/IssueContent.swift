import Foundation
public import NewsletterCore

/// Everything about an issue that is the same for every recipient: its items' Markdown
/// rendered to HTML and text once, and the template values built from them. Rendering for a
/// recipient only adds their own values.
public struct IssueContent: @unchecked Sendable {
    // `@unchecked`: `values` holds only strings, numbers, booleans and arrays and dictionaries
    // of them, all immutable value types, built once in `init` and never changed.
    public let issue: Issue
    let values: [String: Any]

    public init(issue: Issue, config: NewsletterConfig) {
        self.issue = issue
        let locale = config.dateLocale
        let allowRawHTML = config.compose.allowRawHTML
        let intro = MarkdownText(issue.header.intro, allowRawHTML: allowRawHTML)

        let items: [[String: Any]] = issue.items.enumerated().map { index, item in
            Self.values(for: item, position: index + 1, locale: locale, allowRawHTML: allowRawHTML)
        }
        var issueValues: [String: Any] = [
            "number": issue.number,
            "number_padded": IssueNumber.folderName(issue.number),
            "subject": issue.header.subject,
            "date": issue.header.date.formatted(locale: locale),
            "date_iso": issue.header.date.description,
            "web_url": config.webURL(forIssue: issue.number).absoluteString,
            "intro_html": intro.webHTML,
            "intro_email_html": intro.emailHTML,
            "intro_text": intro.text,
            "item_count": issue.items.count,
            "has_items": !issue.items.isEmpty,
        ]
        issueValues["preheader"] = issue.header.preheader
        var organisation: [String: Any] = [
            "name": config.organisation.name,
            "about": config.organisation.about,
            "postal_address": config.organisation.postalAddress,
        ]
        organisation["website"] = config.organisation.website?.absoluteString
        organisation["contact"] = config.organisation.contact
        var sender: [String: Any] = ["name": config.sender.name, "email": config.sender.email]
        sender["reply_to"] = config.sender.replyTo
        values = [
            "newsletter": [
                "name": config.name,
                "base_url": config.baseURL.absoluteString,
                "language": config.locale.replacingOccurrences(of: "_", with: "-"),
            ],
            "sender": sender,
            "organisation": organisation,
            "issue": issueValues,
            "items": items,
        ]
    }

    /// The template values for one recipient.
    func values(for recipient: Recipient) -> [String: Any] {
        var values = values
        values["subscriber"] = recipient.fields
        values["unsubscribe_url"] = recipient.unsubscribeURL
        return values
    }

    private static func values(for item: NewsItem, position: Int, locale: Locale, allowRawHTML: Bool) -> [String: Any] {
        let body = MarkdownText(item.body, allowRawHTML: allowRawHTML, readMoreLink: item.link)
        // The text version numbers the read-more link and the attachments after the body's links.
        var references = body.references
        var values: [String: Any] = [
            "position": position,
            "anchor": "item-\(position)",
            "title": item.title,
            "date": item.date.formatted(locale: locale),
            "date_iso": item.date.description,
            "html": body.webHTML,
            "email_html": body.emailHTML,
            "text": body.text,
        ]
        values["summary"] = item.summary
        if let link = item.link {
            values["link"] = link
            values["link_ref"] = references.number(for: link)
        }
        let attachments: [[String: Any]] = item.attachments.map { attachment in
            ["title": attachment.title, "url": attachment.url, "ref": references.number(for: attachment.url)]
        }
        values["attachments"] = attachments
        values["has_attachments"] = !attachments.isEmpty
        values["tags"] = item.tags
        values["has_tags"] = !item.tags.isEmpty
        values["tags_text"] = item.tags.joined(separator: ", ")
        values["references"] = references.entries.map { ["number": $0.number, "url": $0.url] as [String: Any] }
        values["has_references"] = !references.urls.isEmpty
        return values
    }
}
