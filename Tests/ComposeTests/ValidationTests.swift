import NewsletterTestSupport
import Testing

@testable import Compose

@Suite struct XHTMLValidatorTests {
    func document(_ body: String, doctype: String = "-//W3C//DTD XHTML 1.0 Transitional//EN") -> String {
        """
        <!DOCTYPE html PUBLIC "\(doctype)" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
        <html xmlns="http://www.w3.org/1999/xhtml">
        <head><title>t</title></head>
        <body>
        \(body)
        </body>
        </html>
        """
    }

    @Test func acceptsValidXHTMLWithNamedEntities() throws {
        try XHTMLValidator.validate(
            document("<p>a&nbsp;b &mdash; c</p><table><tr><td>x</td></tr></table>"), name: "t", origin: "o")
    }

    @Test func reportsEachValidityErrorWithItsLine() {
        let diagnostics = expectDiagnostics {
            try XHTMLValidator.validate(
                document("<p>fine</p>\n<blink>no</blink>\n<p><div>block in p</div></p>\n<img src=\"x.png\" />"),
                name: "email.xhtml (issue 3)", origin: "templates/email.xhtml.mustache")
        }
        #expect(diagnostics.count >= 3)
        #expect(diagnostics.contains { $0.location?.line == 6 && $0.message.contains("blink") })
        #expect(diagnostics.contains { $0.location?.line == 7 && $0.message.contains("div") })
        #expect(diagnostics.contains { $0.location?.line == 8 && $0.message.contains("alt") })
        #expect(diagnostics.allSatisfy { $0.location?.file == "email.xhtml (issue 3)" })
        #expect(diagnostics.allSatisfy { $0.hint?.contains("templates/email.xhtml.mustache") == true })
        #expect(diagnostics.first { $0.location?.line == 6 }?.hint?.contains("<blink>no</blink>") == true)
    }

    @Test func reportsMalformedXML() {
        let diagnostics = expectDiagnostics {
            try XHTMLValidator.validate(document("<p>unclosed"), name: "e", origin: "o")
        }
        #expect(diagnostics.contains { $0.message.contains("mismatch") || $0.message.contains("end tag") })
    }

    @Test func refusesAnotherDoctype() {
        let diagnostics = expectDiagnostics {
            try XHTMLValidator.validate(
                document("<p>x</p>", doctype: "-//W3C//DTD XHTML 1.0 Strict//EN"), name: "e", origin: "o")
        }
        #expect(diagnostics.contains { $0.message.contains("not XHTML 1.0 Transitional") })
    }

    @Test func refusesADocumentWithoutDoctype() {
        let diagnostics = expectDiagnostics {
            try XHTMLValidator.validate(
                "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>t</title></head><body></body></html>",
                name: "e", origin: "o")
        }
        #expect(!diagnostics.isEmpty)
    }

    @Test func findsTheDTDInTheCatalog() throws {
        try XHTMLValidator.requireCatalog()
    }
}

@Suite struct WebPageCheckerTests {
    @Test func acceptsHTML5Elements() throws {
        try WebPageChecker.check(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title></head><body><header><time datetime=\"2026-01-01\">1</time></header><main><article><p>x</p></article></main><footer>f</footer></body></html>",
            name: "web.html", origin: "o")
    }

    @Test func reportsUnknownElementsAndBrokenMarkupWithLines() {
        let diagnostics = expectDiagnostics {
            try WebPageChecker.check(
                "<!DOCTYPE html>\n<html><head><title>t</title></head><body>\n<p>fine</p>\n<blink2>x</blink2>\n</span></body></html>",
                name: "web.html", origin: "templates/web.html.mustache")
        }
        #expect(diagnostics.contains { $0.location?.line == 4 && $0.message.contains("blink2") })
        #expect(diagnostics.contains { $0.location?.line == 5 })
    }
}
