/// One piece of Markdown (an item's body, the intro, the About paragraph) rendered the three
/// ways an issue needs it: HTML for the web page, inline-styled XHTML for the email, and plain
/// text with numbered references.
struct MarkdownText {
    var webHTML: String
    var emailHTML: String
    var text: String
    var references: ReferenceList

    /// `readMoreLink`: the item's own link, which the templates print; a paragraph that only
    /// repeats it is dropped.
    init(_ markdown: String, allowRawHTML: Bool, readMoreLink: String? = nil) {
        let document = MarkdownDocument(markdown, allowRawHTML: allowRawHTML)
        if let readMoreLink { document.removeStandaloneLinks(to: readMoreLink) }
        let fragment = HTMLFragment(html: document.html()).sanitized()
        webHTML = fragment.xhtml
        emailHTML = fragment.styledForEmail().xhtml
        var renderer = PlainTextRenderer()
        text = renderer.render(document)
        self.references = renderer.references
    }
}
