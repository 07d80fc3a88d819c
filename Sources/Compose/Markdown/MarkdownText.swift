import NewsletterCore
import XMLSupport

/// One piece of Markdown (an item's body, the intro, the About paragraph) rendered the three
/// ways an issue needs it: HTML for the web page, inline-styled XHTML for the email, and plain
/// text with numbered references.
struct MarkdownText {
    var webHTML: String
    var emailHTML: String
    var text: String
    var references: ReferenceList
    /// Paragraphs whose line breaks `check` points out (`compose.line_breaks`).
    var lineBreakFindings: [LineBreakFinding]

    /// `readMoreLink`: the item's own link, which the templates print; a paragraph that only
    /// repeats it is dropped. `lineBreaks`: which typed lines stay lines.
    init(_ markdown: String, allowRawHTML: Bool, lineBreaks: LineBreakRule = .auto, readMoreLink: String? = nil) {
        let document = MarkdownDocument(markdown, allowRawHTML: allowRawHTML)
        lineBreakFindings = document.applyLineBreaks(lineBreaks, source: markdown)
        if let readMoreLink { document.removeStandaloneLinks(to: readMoreLink) }
        let fragment = HTMLFragment(html: document.html()).sanitized()
        webHTML = fragment.xhtml
        emailHTML = fragment.styledForEmail().xhtml
        var renderer = PlainTextRenderer()
        text = renderer.render(document)
        self.references = renderer.references
    }
}
