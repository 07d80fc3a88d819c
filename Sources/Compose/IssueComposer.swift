import Foundation
public import NewsletterCore

/// The three documents of an issue, as one recipient gets them.
public struct RenderedIssue: Sendable, Equatable {
    /// XHTML 1.0 Transitional, table layout, inline styles: the `text/html` part.
    public var emailXHTML: String
    /// Wrapped at 72 columns with numbered references: the `text/plain` part.
    public var text: String
    /// The HTML5 page of the issue, for the web archive and "view in browser".
    public var webHTML: String
}

/// Renders issues with a workspace's templates and checks the result with libxml2.
public struct IssueComposer: Sendable {
    public let config: NewsletterConfig
    public let templates: TemplateSet

    public init(config: NewsletterConfig, templates: TemplateSet) {
        self.config = config
        self.templates = templates
    }

    /// With the workspace's config and templates; the problems of both are reported together.
    public init(workspace: Workspace) throws {
        var problems = DiagnosticCollector()
        let config = problems.attempt { try workspace.loadConfig() }
        let templates = problems.attempt { try TemplateSet(workspace: workspace) }
        try problems.throwIfAny()
        guard let config, let templates else {
            throw NewsletterError("The workspace's config and templates cannot be read.")
        }
        self.init(config: config, templates: templates)
    }

    /// Renders `issue` for `recipient` (by default the placeholders that sending fills in) and
    /// validates all three documents; every problem is reported, each with its line.
    public func compose(_ issue: Issue, for recipient: Recipient = .placeholder) throws -> RenderedIssue {
        try composeWithWarnings(issue, for: recipient).rendered
    }

    /// `compose`, with what `check` points out without refusing the issue.
    public func composeWithWarnings(_ issue: Issue, for recipient: Recipient = .placeholder) throws -> (
        rendered: RenderedIssue, warnings: [Diagnostic]
    ) {
        try MarkdownNesting.check(issue, allowRawHTML: config.compose.allowRawHTML)
        let content = IssueContent(issue: issue, config: config)
        let values = content.values(for: recipient)
        let rendered = render(content, for: recipient)
        try validate(rendered, issue: issue.number) { kind, document in
            // Only when something is wrong: the template is rendered again, marked.
            templates.lineMap(of: kind, context: values, rendered: document)
        }
        return (rendered, content.warnings)
    }

    /// Renders prepared content for one recipient, without validating.
    public func render(_ content: IssueContent, for recipient: Recipient) -> RenderedIssue {
        let values = content.values(for: recipient)
        return RenderedIssue(
            emailXHTML: templates.render(.email, context: values),
            text: PlainTextLayout.finish(templates.render(.text, context: values)),
            webHTML: templates.render(.web, context: values))
    }

    /// Validates the email against the XHTML DTD and the web page with the HTML parser.
    /// `lineMaps` gives, for a document that fails, which template line made each of its
    /// lines, so that the first problem is reported where the editor can fix it.
    public func validate(_ rendered: RenderedIssue, issue number: Int) throws {
        try validate(rendered, issue: number) { _, _ in nil }
    }

    func validate(
        _ rendered: RenderedIssue, issue number: Int,
        lineMaps: @escaping (TemplateSet.Kind, String) -> TemplateLineMap?
    ) throws {
        var problems = DiagnosticCollector()
        problems.attempt {
            try XHTMLValidator.validate(
                rendered.emailXHTML, name: "email.xhtml (issue \(number))", origin: templates.origin(of: .email),
                templateLines: { lineMaps(.email, rendered.emailXHTML)?.templateLine(forOutputLine: $0) })
        }
        problems.attempt {
            try WebPageChecker.check(
                rendered.webHTML, name: "web.html (issue \(number))", origin: templates.origin(of: .web),
                templateLines: { lineMaps(.web, rendered.webHTML)?.templateLine(forOutputLine: $0) })
        }
        try problems.throwIfAny()
    }
}

/// The last step of the plain-text part: wrapped at 72 columns, no trailing spaces, at most
/// one blank line in a row (Mustache sections leave some behind), one final newline.
enum PlainTextLayout {
    static func finish(_ text: String) -> String {
        var lines: [Substring] = []
        for line in TextLines.split(TextWrapper.wrap(text)) {
            var trimmed = line
            while let last = trimmed.last, last == " " || last == "\t" { trimmed = trimmed.dropLast() }
            if trimmed.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(trimmed)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }
}
