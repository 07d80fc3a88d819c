internal import CLibXML2
import Foundation
import NewsletterCore
import XMLSupport

/// Validates the email against the XHTML 1.0 Transitional DTD with libxml2, offline: the DTD
/// comes from the system's XML catalog (Debian's w3c-sgml-lib), never from the network.
public enum XHTMLValidator {
    public static let publicID = "-//W3C//DTD XHTML 1.0 Transitional//EN"
    public static let systemID = "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"

    /// Throws the validity problems of `document`; `name` is how messages call the document
    /// and `origin` says which template produced it. With `templateLines`, the first problem
    /// is reported at the template's line, with the count of the rest (which mostly follow from
    /// it); without, every problem at its line of the document.
    public static func validate(
        _ document: String, name: String, origin: String, templateLines: ((Int) -> Int?)? = nil
    ) throws {
        try requireCatalog()
        let problems = parse(document)
        guard !problems.isEmpty else { return }
        throw NewsletterError(
            diagnostics: ValidationReport.diagnostics(
                for: problems, in: document, name: name, origin: origin, templateLines: templateLines,
                rules: "XHTML"))
    }

    /// libxml2's problems with `document`: well-formedness, the doctype, and validity.
    static func parse(_ document: String) -> [XMLProblem] {
        let (problems, collected) = XMLErrorCollector.collecting { () -> [XMLProblem] in
            guard let context = xmlNewParserCtxt() else {
                return [XMLProblem(line: 0, message: "out of memory", code: 0, isWarning: false)]
            }
            defer { xmlFreeParserCtxt(context) }
            let options = Int32(XML_PARSE_DTDLOAD.rawValue | XML_PARSE_DTDVALID.rawValue | XML_PARSE_NONET.rawValue)
            let parsed = document.withCString { text in
                xmlCtxtReadMemory(context, text, Int32(strlen(text)), "email.xhtml", "UTF-8", options)
            }
            guard let parsed else { return [] }
            defer { xmlFreeDoc(parsed) }
            return doctypeProblems(parsed)
        }
        return (collected + problems).filter { !$0.isWarning }
    }

    /// The DTD must be XHTML 1.0 Transitional: validating against another doctype proves nothing.
    private static func doctypeProblems(_ document: xmlDocPtr) -> [XMLProblem] {
        let declared = document.pointee.intSubset.flatMap { $0.pointee.ExternalID }.map { String(cString: $0) }
        guard declared != publicID else { return [] }
        return [
            XMLProblem(
                line: 1,
                message:
                    "The document declares \(declared.map { "the doctype “\($0)”" } ?? "no doctype"), not XHTML 1.0 Transitional",
                code: 0, isWarning: false)
        ]
    }

    /// A missing catalog or DTD would make every document fail (or, worse, pass unchecked):
    /// say which package provides it.
    static func requireCatalog() throws {
        LibXML2.initialize()
        guard let resolved = xmlCatalogResolve(publicID, systemID) else {
            throw NewsletterError(
                "The XHTML 1.0 DTD is not in the XML catalog (\(ProcessInfo.processInfo.environment["XML_CATALOG_FILES"] ?? "/etc/xml/catalog")), so emails cannot be validated.",
                hint:
                    "Install Debian's w3c-sgml-lib package: `sudo apt-get install w3c-sgml-lib` (scripts/setup does this)."
            )
        }
        cnl_xml_free(resolved)
    }
}

/// Turns libxml2's problems into diagnostics that show the offending line of the rendered document.
enum ValidationReport {
    /// With `templateLines` that place the first problem in the template: that problem alone,
    /// at the template's line, with the fix and the count of the others (one unclosed `<br>`
    /// makes ten errors further down). Otherwise every problem, at its line of the document.
    /// `rules` names what the document must be ("XHTML", "HTML").
    static func diagnostics(
        for problems: [XMLProblem], in document: String, name: String, origin: String,
        templateLines: ((Int) -> Int?)?, rules: String
    ) -> [Diagnostic] {
        if let first = problems.first, let templateLines {
            let line = TagMismatch(first)?.openingLine ?? first.line
            if let templateLine = templateLines(line) {
                return [
                    firstProblem(
                        first, count: problems.count, at: templateLine, origin: origin, name: name, rules: rules)
                ]
            }
        }
        return diagnostics(for: problems, in: document, name: name, origin: origin)
    }

    private static func firstProblem(
        _ problem: XMLProblem, count: Int, at line: Int, origin: String, name: String, rules: String
    ) -> Diagnostic {
        let message = problem.message.hasSuffix(".") ? String(problem.message.dropLast()) : problem.message
        var hint: String
        if let mismatch = TagMismatch(problem), TagMismatch.voidElements.contains(mismatch.element.lowercased()) {
            hint =
                "Write `<\(mismatch.element) />`: the email is XHTML, where every element is closed, even an empty one."
        } else if let mismatch = TagMismatch(problem) {
            hint =
                "The element `<\(mismatch.element)>` opened here is not closed where it should be; close it with `</\(mismatch.element)>`."
        } else {
            hint = "Fix the template's markup on that line."
        }
        if count > 1 {
            hint +=
                " It is the first of \(count) problems in \(name); the others may follow from it: fix it and run `newsletter check` again."
        }
        return Diagnostic(
            "This line makes \(name) invalid \(rules): libxml2 says “\(message)” (line \(problem.line) of the rendered document).",
            at: SourceLocation(file: origin, line: line), hint: hint)
    }

    static func diagnostics(for problems: [XMLProblem], in document: String, name: String, origin: String)
        -> [Diagnostic]
    {
        let lines = document.split(separator: "\n", omittingEmptySubsequences: false)
        return problems.map { problem in
            var hint = "It was rendered from \(origin)."
            if problem.line >= 1, problem.line <= lines.count {
                let text = lines[problem.line - 1].trimmingCharacters(in: .whitespaces)
                let excerpt = text.count > 120 ? String(text.prefix(117)) + "…" : text
                hint = "The line reads `\(excerpt)`; it was rendered from \(origin)."
            }
            return Diagnostic(
                problem.message.hasSuffix(".") ? problem.message : problem.message + ".",
                at: SourceLocation(file: name, line: problem.line > 0 ? problem.line : nil),
                hint: hint)
        }
    }
}

/// libxml2's "Opening and ending tag mismatch: br line 26 and td": the element left open and
/// the line it opens on, which is where the mistake is (the error's own line is where the
/// parser noticed it, further down).
struct TagMismatch {
    var element: String
    var openingLine: Int?

    /// Elements that XHTML writes `<br />` and HTML `<br>`: the usual way a template goes wrong.
    static let voidElements: Set<String> = ["br", "hr", "img", "meta", "link", "input", "area", "base", "col", "param"]

    init?(_ problem: XMLProblem) {
        guard problem.code == Int32(XML_ERR_TAG_NAME_MISMATCH.rawValue), let element = problem.detail else {
            return nil
        }
        self.element = element
        let words = problem.message.split(separator: " ")
        openingLine = words.indices.dropLast().first { words[$0] == "line" }.flatMap { Int(words[$0 + 1]) }
    }
}
