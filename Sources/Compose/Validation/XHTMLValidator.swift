internal import CLibXML2
import Foundation
import NewsletterCore

/// Validates the email against the XHTML 1.0 Transitional DTD with libxml2, offline: the DTD
/// comes from the system's XML catalog (Debian's w3c-sgml-lib), never from the network.
public enum XHTMLValidator {
    public static let publicID = "-//W3C//DTD XHTML 1.0 Transitional//EN"
    public static let systemID = "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"

    /// Throws every validity problem of `document`, each with its line; `name` is how messages
    /// call the document and `origin` says which template produced it.
    public static func validate(_ document: String, name: String, origin: String) throws {
        try requireCatalog()
        let problems = parse(document)
        guard !problems.isEmpty else { return }
        throw NewsletterError(
            diagnostics: ValidationReport.diagnostics(for: problems, in: document, name: name, origin: origin))
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
