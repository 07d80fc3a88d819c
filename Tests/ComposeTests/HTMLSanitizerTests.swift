import Testing
import XMLSupport

@testable import Compose

@Suite struct HTMLSanitizerTests {
    func clean(_ html: String) -> String {
        HTMLFragment(html: html).sanitized().xhtml
    }

    @Test func removesScriptsStylesAndTheirContent() {
        #expect(clean("<p>a<script>alert(1)</script>b<style>p{}</style>c</p>") == "<p>abc</p>")
        #expect(
            clean("<iframe src=\"https://evil.example\">x</iframe><object>y</object><form><input></form>ok") == "ok")
        #expect(clean("<svg><script>alert(1)</script></svg><noscript>n</noscript>") == "")
    }

    @Test func removesEventHandlersAndStyleAttributes() {
        #expect(clean("<p onclick=\"x()\" style=\"color:red\" class=\"c\" id=\"i\">t</p>") == "<p>t</p>")
        #expect(
            clean("<img src=\"https://example.org/a.png\" onerror=\"x()\" alt=\"A\">")
                == "<img src=\"https://example.org/a.png\" alt=\"A\" />")
    }

    @Test(arguments: [
        "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
        "java&#x09;script:alert(1)", "vbscript:x", "data:text/html,<script>x</script>", "file:///etc/passwd",
        "/relative",
    ])
    func refusesDangerousLinks(_ href: String) {
        #expect(clean("<a href=\"\(href)\">text</a>") == "text")
    }

    @Test func keepsSafeLinks() {
        #expect(
            clean("<a href=\"https://example.org/x?a=1&amp;b=2\" title=\"T\">t</a>")
                == "<a href=\"https://example.org/x?a=1&amp;b=2\" title=\"T\">t</a>")
        #expect(clean("<a href=\"mailto:editor@example.org\">m</a>") == "<a href=\"mailto:editor@example.org\">m</a>")
    }

    @Test func imagesOnlyFromTheWebAndAlwaysWithAlt() {
        #expect(clean("<img src=\"data:image/png;base64,AAAA\" alt=\"x\">") == "")
        #expect(
            clean("<img src=\"https://example.org/a.png\">") == "<img src=\"https://example.org/a.png\" alt=\"\" />")
    }

    @Test func unwrapsUnknownElementsAndDropsComments() {
        #expect(
            clean("<section><custom-tag>Kept <b>bold</b></custom-tag></section><!-- hidden -->") == "Kept <b>bold</b>")
    }

    @Test func allowedElementsAreValidXHTMLTransitional() throws {
        let body = clean("<p>a<br>b</p><hr><ul><li>x</li></ul><table><tr><td colspan=\"2\">c</td></tr></table>")
        let document = """
            <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
            <html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body>\(body)</body></html>
            """
        #expect(XHTMLValidator.parse(document).isEmpty)
        #expect(body.contains("<br />"))
    }
}
