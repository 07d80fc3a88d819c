internal import CLibXML2
import Foundation
import NewsletterCore
import XMLSupport

/// Checks the web page with libxml2's HTML parser. libxml2 knows HTML 4, so the HTML5 elements
/// it does not recognise are accepted by name; every other parser error fails the check.
public enum WebPageChecker {
    static let html5Elements: Set<String> = [
        "article", "aside", "footer", "header", "main", "nav", "section", "figure", "figcaption", "time", "mark",
        "picture", "source", "summary", "details", "svg", "path", "template", "wbr",
    ]

    /// `templateLines`: as for `XHTMLValidator.validate`.
    public static func check(
        _ page: String, name: String, origin: String, templateLines: ((Int) -> Int?)? = nil
    ) throws {
        let problems = parse(page)
        guard !problems.isEmpty else { return }
        throw NewsletterError(
            diagnostics: ValidationReport.diagnostics(
                for: problems, in: page, name: name, origin: origin, templateLines: templateLines, rules: "HTML"))
    }

    static func parse(_ page: String) -> [XMLProblem] {
        let ((), problems) = XMLErrorCollector.collecting {
            let options = Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_NODEFDTD.rawValue)
            let parsed = page.withCString { text in
                htmlReadMemory(text, Int32(strlen(text)), "web.html", "UTF-8", options)
            }
            if let parsed { xmlFreeDoc(parsed) }
        }
        let unknownTag = Int32(XML_HTML_UNKNOWN_TAG.rawValue)
        return problems.filter { problem in
            !problem.isWarning && !(problem.code == unknownTag && html5Elements.contains(problem.detail ?? ""))
        }
    }
}
