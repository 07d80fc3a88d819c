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
    /// What `check` points out without refusing the issue: lines joined or kept against what
    /// the editor may have meant (`compose.line_breaks`).
    public let warnings: [Diagnostic]

    public init(issue: Issue, config: NewsletterConfig) {
        self.issue = issue
        let locale = config.dateLocale
        let compose = config.compose
        let intro = MarkdownText(issue.header.intro, allowRawHTML: compose.allowRawHTML, lineBreaks: compose.lineBreaks)
        var warnings = LineBreakWarnings.diagnostics(
            intro.lineBreakFindings, file: "issues/\(IssueNumber.folderName(issue.number))/issue.md",
            firstLine: issue.header.introLine, rule: compose.lineBreaks)

        let items: [[String: Any]] = issue.items.enumerated().map { index, item in
            let body = MarkdownText(
                item.body, allowRawHTML: compose.allowRawHTML, lineBreaks: compose.lineBreaks, readMoreLink: item.link)
            warnings += LineBreakWarnings.diagnostics(
                body.lineBreakFindings, file: item.displayPath, firstLine: item.bodyLine, rule: compose.lineBreaks)
            return Self.values(for: item, body: body, position: index + 1, locale: locale)
        }
        self.warnings = warnings
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
        // Text from the config is one paragraph however it was typed there: the text part
        // wraps it at 72 columns like everything else, instead of keeping the config's lines.
        var organisation: [String: Any] = [
            "name": config.organisation.name,
            "about": Reflow.paragraphs(config.organisation.about),
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
            "labels": Self.labelValues(config.labels, newsletter: config.name),
        ]
    }

    /// `labels.NAME`, with `{newsletter}` filled in, and `labels.upper.NAME` in capitals (the
    /// text part's headings).
    static func labelValues(_ labels: Labels, newsletter: String) -> [String: Any] {
        var values: [String: Any] = [:]
        var upper: [String: String] = [:]
        for key in Labels.keys {
            let text = labels[key].replacingOccurrences(of: "{newsletter}", with: newsletter)
            values[key] = text
            upper[key] = text.uppercased()
        }
        values["upper"] = upper
        return values
    }

    /// The template values for one recipient.
    func values(for recipient: Recipient) -> [String: Any] {
        var values = values
        values["subscriber"] = recipient.fields
        values["unsubscribe_url"] = recipient.unsubscribeURL
        return values
    }

    private static func values(for item: NewsItem, body: MarkdownText, position: Int, locale: Locale) -> [String: Any] {
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
