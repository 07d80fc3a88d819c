import Foundation
import NewsletterTestSupport
import Testing

@testable import Compose
@testable import NewsletterCore

@Suite struct IssueComposerTests {
    static let sample = Workspace(
        root: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent())

    func compose(_ workspace: Workspace, _ number: Int) throws -> RenderedIssue {
        try IssueBuild(workspace: workspace, number: number).rendered
    }

    @Test(arguments: [1, 2, 3])
    func sampleIssuesAreValid(_ number: Int) throws {
        let rendered = try compose(Self.sample, number)
        let issue = try Self.sample.loadIssue(number)
        for item in issue.items {
            let escapedTitle = item.title.replacingOccurrences(of: "&", with: "&amp;")
            #expect(rendered.emailXHTML.contains(escapedTitle))
            #expect(rendered.webHTML.contains(escapedTitle))
            #expect(rendered.text.contains(item.title.prefix(40)))
        }
    }

    @Test func emailHasTheRequiredShape() throws {
        let email = try compose(Self.sample, 3).emailXHTML
        #expect(email.hasPrefix("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\""))
        #expect(email.contains("<html xmlns=\"http://www.w3.org/1999/xhtml\""))
        #expect(email.contains("charset=UTF-8"))
        #expect(email.contains("width=\"600\""))
        #expect(email.contains("max-width:600px"))
        #expect(!email.contains("<link") && !email.contains("<style"))
        // The preheader, hidden in the message.
        #expect(email.contains("<div style=\"display:none;") && email.contains("Meet this year’s award winners"))
        #expect(
            email.contains("Issue n.&#160;3 &#183; 1 December 2026")
                || email.contains("Issue n.\u{A0}3 · 1 December 2026"))
        // Placeholders that sending fills in.
        #expect(email.contains("href=\"{{unsubscribe_url}}\""))
        #expect(email.contains("https://news.example.org/northbridge/issues/003/"))
    }

    @Test func theAboutParagraphIsPrintedOnceInTheFooter() throws {
        let rendered = try compose(Self.sample, 2)
        let about = "brings together 41 road-safety organisations"
        #expect(rendered.emailXHTML.components(separatedBy: about).count == 2)
        #expect(rendered.webHTML.components(separatedBy: about).count == 2)
        #expect(rendered.text.replacingOccurrences(of: "\n", with: " ").components(separatedBy: about).count == 2)
    }

    @Test func everyImageHasAnAlt() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        try temp.write(
            "---\ntitle: Pictures\ndate: 2026-01-01\n---\n![](https://example.org/a.png) and ![A chart](https://example.org/b.png)\n",
            to: "issues/001/items/01-p.md")
        let email = try compose(temp.workspace, 1).emailXHTML
        #expect(email.contains("<img src=\"https://example.org/a.png\" alt=\"\""))
        #expect(email.contains("alt=\"A chart\""))
    }

    @Test func markdownNestedBeyondReasonIsRefusedWithItsLine() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        // Ten levels are fine; 20,000 once overflowed the plain-text renderer's stack.
        let fine = (0..<10).map { String(repeating: "  ", count: $0) + "- level \($0)" }.joined(separator: "\n")
        try temp.write("---\ntitle: Fine\ndate: 2026-01-01\n---\n\(fine)\n", to: "issues/001/items/01-fine.md")
        #expect(try compose(temp.workspace, 1).text.contains("level 9"))
        let deep = "Intro.\n\n" + String(repeating: "- ", count: 20_000) + "x\n"
        try temp.write("---\ntitle: Deep\ndate: 2026-01-01\n---\n\(deep)", to: "issues/001/items/02-deep.md")
        try temp.write(
            "---\nsubject: \"Issue 1\"\ndate: 2026-12-01\nstatus: draft\n---\n" + String(repeating: "> ", count: 100)
                + "x\n",
            to: "issues/001/issue.md")
        // Emphasis in emphasis, 250 deep: no list or quote, too many elements.
        let emphasis =
            (0..<250).map { ($0 % 2 == 0 ? "_" : "*") + "x " }.joined()
            + (0..<250).reversed().map { "y" + ($0 % 2 == 0 ? "_" : "*") }.joined(separator: " ")
        try temp.write("---\ntitle: Emphasis\ndate: 2026-01-01\n---\n\(emphasis)\n", to: "issues/001/items/03-em.md")
        let diagnostics = expectDiagnostics { _ = try compose(temp.workspace, 1) }
        let places = diagnostics.map { "\($0.location?.file ?? ""):\($0.location?.line ?? 0)" }
        #expect(places == ["issues/001/issue.md:6", "issues/001/items/02-deep.md:7", "issues/001/items/03-em.md:5"])
        #expect(diagnostics.allSatisfy { $0.message.contains("more than 64 lists or quotes") })
    }

    @Test func itemTextIsEscapedInEveryDocument() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        try temp.write(
            "---\ntitle: \"<script>alert('x')</script> & friends\"\ndate: 2026-01-01\nsummary: \"\\\"quoted\\\" <b>\"\n---\nBody <em>raw</em>.\n",
            to: "issues/001/items/01-x.md")
        let rendered = try compose(temp.workspace, 1)
        #expect(rendered.emailXHTML.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; friends"))
        #expect(!rendered.emailXHTML.contains("<script"))
        #expect(!rendered.webHTML.contains("<script"))
        #expect(!rendered.emailXHTML.contains("<em>raw</em>"))
        #expect(rendered.text.contains("<script>alert('x')</script> & friends"))
    }

    @Test func plainTextIsWrappedWithReferencesUnderEachItem() throws {
        let text = try compose(Self.sample, 1).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 72 || !$0.contains(" ") || $0.hasPrefix("[") })
        #expect(text.contains("[1] https://www.example.org/"))
        #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"))
        #expect(!text.contains("\n\n\n"))
    }

    @Test func aTemplateSyntaxErrorNamesFileAndLine() throws {
        let temp = try TemporaryWorkspace()
        try temp.write("line one\n{{#items}}\n<p>{{title}}</p>{{/item}}\n", to: "templates/email.xhtml.mustache")
        expectOneProblem(at: "templates/email.xhtml.mustache", line: 3, containing: "closed with a different name") {
            _ = try TemplateSet(workspace: temp.workspace)
        }
    }

    @Test func aTemplateThatRendersInvalidXHTMLFailsWithTheLine() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        let template = DefaultTemplates.files["email.xhtml.mustache"]!.replacingOccurrences(
            of: "<title>{{issue.subject}}</title>", with: "<title>{{issue.subject}}</title>\n<marquee>x</marquee>")
        try temp.write(template, to: "templates/email.xhtml.mustache")
        // The first problem, at the template's own line (the marquee is on line 10 of it), not
        // at a line of the rendered email.
        let line = template.split(separator: "\n", omittingEmptySubsequences: false).firstIndex {
            $0.contains("marquee")
        }
        let diagnostics = expectDiagnostics { _ = try compose(temp.workspace, 1) }
        #expect(diagnostics.count == 1)
        #expect(
            diagnostics.first?.location
                == SourceLocation(file: "templates/email.xhtml.mustache", line: line.map { $0 + 1 }))
        #expect(diagnostics.first?.message.contains("marquee") == true)
    }

    @Test func anUnclosedBreakInATemplateIsReportedAtItsLineWithTheFix() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        try temp.write(
            TemporaryWorkspace.config.replacingOccurrences(
                of: "postal_address", with: "contact = \"editor@example.org\"\npostal_address"),
            to: "newsletter.toml")
        // Inside a section and after a multi-line comment, both of which shift the output's lines.
        let template = DefaultTemplates.files["email.xhtml.mustache"]!.replacingOccurrences(
            of: "{{#organisation.contact}}<br />", with: "{{#organisation.contact}}<br>")
        try temp.write(template, to: "templates/email.xhtml.mustache")
        let line = template.split(separator: "\n", omittingEmptySubsequences: false).firstIndex {
            $0.contains("{{#organisation.contact}}<br>")
        }
        let diagnostics = expectDiagnostics { _ = try compose(temp.workspace, 1) }
        #expect(diagnostics.count == 1)
        #expect(
            diagnostics.first?.location
                == SourceLocation(file: "templates/email.xhtml.mustache", line: line.map { $0 + 1 }))
        #expect(diagnostics.first?.hint?.contains("Write `<br />`") == true)
        #expect(diagnostics.first?.hint?.contains("the first of") == true)
    }

    @Test func personalValuesAreEscapedForTheRecipient() throws {
        let workspace = Self.sample
        let composer = try IssueComposer(config: workspace.loadConfig(), templates: TemplateSet(workspace: workspace))
        let content = IssueContent(issue: try workspace.loadIssue(3), config: composer.config)
        let recipient = Recipient(
            email: "jose@example.org", name: "Peña, José <b>", unsubscribeURL: "https://news.example.org/u/abc?x=1&y=2")
        let rendered = composer.render(content, for: recipient)
        try composer.validate(rendered, issue: 3)
        #expect(rendered.emailXHTML.contains("jose@example.org"))
        #expect(rendered.emailXHTML.contains("href=\"https://news.example.org/u/abc?x=1&amp;y=2\""))
        #expect(rendered.text.contains("Unsubscribe: https://news.example.org/u/abc?x=1&y=2"))
        #expect(!rendered.webHTML.contains("jose@example.org"))
    }
}
