import Compose
import Foundation
import NewsletterCore
import NewsletterTestSupport
import Testing

@testable import Delivery

@Suite struct PersonalizedRendererTests {
    static let sample = Workspace(
        root: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent())

    let recipients = [
        Recipient(
            email: "agnes@example.org", name: "Ágnes Bánfi", attributes: ["city": "Budapest"],
            unsubscribeURL: "https://n.example.org/u/a?x=1&y=2"),
        Recipient(email: "nobody@example.org", name: nil, attributes: [:], unsubscribeURL: "https://n.example.org/u/b"),
        Recipient(
            email: "eve@example.org", name: "<script>alert('x')</script> & Co", attributes: ["city": ""],
            unsubscribeURL: "https://n.example.org/u/c"),
        Recipient(
            email: "long@example.org", name: String(repeating: "Verylongname ", count: 8), attributes: [:],
            unsubscribeURL: "https://n.example.org/u/d"),
    ]

    func renderers(_ workspace: Workspace, issue: Int = 3) throws -> (PersonalizedRenderer, IssueComposer, IssueContent)
    {
        let composer = try IssueComposer(config: workspace.loadConfig(), templates: TemplateSet(workspace: workspace))
        let content = IssueContent(issue: try workspace.loadIssue(issue), config: composer.config)
        return (PersonalizedRenderer(composer: composer, content: content), composer, content)
    }

    /// Each recipient's parts from `renderer` are what a full Mustache render gives.
    func expectFullRender(from renderer: PersonalizedRenderer, _ composer: IssueComposer, _ content: IssueContent)
        throws
    {
        for recipient in recipients {
            let fast = try renderer.render(for: recipient)
            let full = composer.render(content, for: recipient)
            #expect(fast.html == full.emailXHTML)
            #expect(fast.text == full.text)
        }
    }

    @Test func fastPathEqualsAFullMustacheRender() throws {
        let (renderer, composer, content) = try renderers(Self.sample)
        try expectFullRender(from: renderer, composer, content)
    }

    @Test func encodedPartsDecodeToTheRenderedPartsWithin76Columns() throws {
        let (renderer, _, _) = try renderers(Self.sample)
        for recipient in recipients {
            let strings = try renderer.render(for: recipient)
            let parts = try #require(try renderer.encodedParts(for: recipient))
            var encoded: (text: [UInt8], html: [UInt8]) = ([], [])
            parts.appendText(to: &encoded.text)
            parts.appendHTML(to: &encoded.html)
            #expect(String(decoding: decodeQuotedPrintable(encoded.text), as: UTF8.self) == strings.text)
            #expect(String(decoding: decodeQuotedPrintable(encoded.html), as: UTF8.self) == strings.html)
            #expect(encoded.text.count <= parts.textSizeHint && encoded.html.count <= parts.htmlSizeHint)
            for part in [encoded.text, encoded.html] {
                let lines = String(decoding: part, as: UTF8.self).components(separatedBy: "\r\n")
                #expect(lines.allSatisfy { $0.utf8.count <= 76 })
                #expect(part.allSatisfy { $0 == 13 || $0 == 10 || (0x20...0x7E).contains($0) })
            }
        }
    }

    @Test func sectionsOnSubscriberFieldsFollowEachSubscriber() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        let template =
            DefaultTemplates.files["email.txt.mustache"]!
            + "{{#subscriber.name}}Dear {{subscriber.name}}{{/subscriber.name}}{{^subscriber.name}}Dear reader{{/subscriber.name}} in {{subscriber.city}}\n"
        try temp.write(template, to: "templates/email.txt.mustache")
        let (renderer, composer, content) = try renderers(temp.workspace, issue: 1)
        for recipient in recipients {
            let fast = try renderer.render(for: recipient)
            #expect(fast.text == composer.render(content, for: recipient).text)
        }
        #expect(try renderer.render(for: recipients[1]).text.contains("Dear reader in \n") == false)
        #expect(try renderer.render(for: recipients[1]).text.hasSuffix("Dear reader in\n"))
        #expect(try renderer.render(for: recipients[0]).text.hasSuffix("Dear Ágnes Bánfi in Budapest\n"))
    }

    @Test func unescapedValuesOfOurOwnWorkAndSubscribersValuesMustBeEscaped() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        let email = DefaultTemplates.files["email.xhtml.mustache"]!
        // The unsubscribe link is ours (URL-safe): three braces are fine. Its marker once held a
        // raw `&`, which made every such template fail validation at the first message.
        try temp.write(
            email.replacingOccurrences(
                of: "</body>", with: "<p><a href=\"{{{unsubscribe_url}}}\">Leave</a></p></body>"),
            to: "templates/email.xhtml.mustache")
        let (renderer, composer, content) = try renderers(temp.workspace, issue: 1)
        for recipient in recipients {
            #expect(try renderer.render(for: recipient).html == composer.render(content, for: recipient).emailXHTML)
        }
        // A subscriber's own text would become markup.
        try temp.write(
            email.replacingOccurrences(of: "</body>", with: "\n<p>{{{ subscriber.city }}}</p></body>"),
            to: "templates/email.xhtml.mustache")
        let diagnostics = expectDiagnostics { _ = try TemplateSet(workspace: temp.workspace) }
        #expect(diagnostics.first?.location?.file == "templates/email.xhtml.mustache")
        #expect(diagnostics.first?.message.contains("puts a subscriber's value in the HTML unescaped") == true)
        // Forms no reading of the template's text can see are caught when the shape is compiled.
        for unescaped in ["{{#subscriber}}{{{city}}}{{/subscriber}}", "{{=<% %>=}}<%& subscriber.city %><%={{ }}=%>"] {
            try temp.write(
                email.replacingOccurrences(of: "</body>", with: "<p>\(unescaped)</p></body>"),
                to: "templates/email.xhtml.mustache")
            let (renderer, _, _) = try renderers(temp.workspace, issue: 1)
            let refused = expectDiagnostics { _ = try renderer.render(for: recipients[0]) }
            #expect(refused.first?.message.contains("puts a subscriber's value in the HTML unescaped") == true)
        }
    }

    @Test func aTransformedValueFallsBackToAFullRender() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        let template = DefaultTemplates.files["email.txt.mustache"]! + "Hello {{ uppercased(subscriber.email) }}\n"
        try temp.write(template, to: "templates/email.txt.mustache")
        let (renderer, _, _) = try renderers(temp.workspace, issue: 1)
        #expect(try renderer.render(for: recipients[0]).text.hasSuffix("Hello AGNES@EXAMPLE.ORG\n"))
    }

    @Test func renderersSharingShapesGiveWhatAFullRenderGives() throws {
        let (_, composer, content) = try renderers(Self.sample)
        let shapes = ShapeCache()
        // Compiled ahead by one renderer (as while the audience is frozen), used by others,
        // each with its own markers.
        try PersonalizedRenderer(composer: composer, content: content, shapes: shapes).prepare(for: recipients[0])
        let others = (0..<2).map { _ in PersonalizedRenderer(composer: composer, content: content, shapes: shapes) }
        for renderer in others { try expectFullRender(from: renderer, composer, content) }
    }

    @Test func aShapeIsCompiledOnceAndAFailedCompileIsNotKept() throws {
        struct Broken: Error {}
        let shapes = ShapeCache()
        var compiles = 0
        #expect(throws: Broken.self) {
            try shapes.shape(for: "subscriber.email") {
                compiles += 1
                throw Broken()
            }
        }
        let compiled = CompiledShape(html: nil, text: nil)
        for _ in 0..<3 {
            _ = try shapes.shape(for: "subscriber.email") {
                compiles += 1
                return compiled
            }
        }
        #expect(compiles == 2)
    }
}
