import Foundation
import Synchronization
import Testing

@testable import Compose

@Suite struct MarkdownTextTests {
    @Test func rendersGitHubFlavouredMarkdown() {
        let text = MarkdownText(
            """
            | Country | Checks |
            |---|--:|
            | Denmark | 41 200 |

            See <https://www.example.org/events> and ~~12 May~~ 19 May.
            """, allowRawHTML: false)
        #expect(text.webHTML.contains("<table>"))
        #expect(text.webHTML.contains("<td align=\"right\">41 200</td>"))
        #expect(text.webHTML.contains("<a href=\"https://www.example.org/events\">https://www.example.org/events</a>"))
        #expect(text.webHTML.contains("<del>12 May</del> 19 May"))
    }

    /// cmark-gfm's table of special characters is global, and each parser changes it as it
    /// finishes: parsed at once on several threads (preview requests, these tests), documents
    /// lost their strikethrough or their links now and then.
    @Test func documentsParsedAtOnceOnManyThreadsKeepTheirExtensions() {
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<300 {
                let html = MarkdownText("Moved from ~~12 May~~ to 19 May, see www.example.org.", allowRawHTML: false)
                    .webHTML
                if !html.contains("<del>12 May</del>") || !html.contains("<a href=\"http://www.example.org\">") {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        #expect(failures.withLock { $0 } == 0)
    }

    @Test func makesPunctuationTypographic() {
        let text = MarkdownText("\"Quoted\" -- and it's done...", allowRawHTML: false)
        #expect(text.webHTML == "<p>“Quoted” – and it’s done…</p>\n")
    }

    @Test func dropsRawHTMLUnlessAllowed() {
        let markdown =
            "An <abbr title=\"European Union\">EU</abbr> rule.\n\n<script>alert(1)</script>\n\n<div onclick=\"x()\">Block</div>\n"
        let dropped = MarkdownText(markdown, allowRawHTML: false)
        #expect(dropped.webHTML == "<p>An EU rule.</p>\n")
        #expect(!dropped.webHTML.contains("raw HTML omitted"))

        let kept = MarkdownText(markdown, allowRawHTML: true)
        #expect(kept.webHTML.contains("<abbr title=\"European Union\">EU</abbr>"))
        #expect(kept.webHTML.contains("<div>Block</div>"))
        #expect(!kept.webHTML.contains("script"))
        #expect(!kept.webHTML.contains("alert"))
        #expect(!kept.webHTML.contains("onclick"))
        #expect(kept.text.contains("Block"))
        #expect(!kept.text.contains("alert"))
    }

    @Test func escapesTextEverywhere() {
        let text = MarkdownText("Fish & chips < 5 € > 3 and `<b>code</b>`", allowRawHTML: false)
        #expect(text.webHTML == "<p>Fish &amp; chips &lt; 5 € &gt; 3 and <code>&lt;b&gt;code&lt;/b&gt;</code></p>\n")
        #expect(text.text == "Fish & chips < 5 € > 3 and <b>code</b>")
    }

    @Test func emailHTMLCarriesInlineStyles() {
        let text = MarkdownText("Para with [a link](https://example.org).\n\n> Quote\n", allowRawHTML: false)
        #expect(text.emailHTML.contains("<p style=\"margin:0 0 16px 0;"))
        #expect(text.emailHTML.contains("<a href=\"https://example.org\" style=\"color:#0b5cad;"))
        #expect(
            text.emailHTML.contains(
                "<blockquote style=\"margin:0 0 16px 0;padding:4px 0 4px 16px;border-left:4px solid"))
        #expect(!text.webHTML.contains("style="))
    }

    @Test func itemHeadingsMoveBelowTheItemTitle() {
        let text = MarkdownText("# Big\n\n## Smaller\n\n##### Tiny\n", allowRawHTML: false)
        #expect(text.webHTML == "<h3>Big</h3>\n<h4>Smaller</h4>\n<h6>Tiny</h6>\n")
    }

    @Test func dropsAParagraphThatOnlyRepeatsTheReadMoreLink() {
        let markdown =
            "Text.\n\n[Read the full article](https://example.org/a)\n\nContact: [me](https://example.org/a) or not.\n"
        let text = MarkdownText(markdown, allowRawHTML: false, readMoreLink: "https://example.org/a")
        #expect(!text.webHTML.contains("Read the full article"))
        #expect(text.webHTML.contains("Contact: <a href=\"https://example.org/a\">me</a> or not."))
    }

    @Test func keepsNonASCIITextAsUTF8() {
        let text = MarkdownText("Ágnes Bánfi, Malmström — Łódź", allowRawHTML: false)
        #expect(text.webHTML == "<p>Ágnes Bánfi, Malmström — Łódź</p>\n")
    }
}
