internal import CLibXML2
import Compose
import Foundation
import NewsletterCore
import XMLSupport

/// One entry of a feed, as the feed has it.
struct FeedEntry {
    var title: String?
    var link: String?
    /// The entry's guid (RSS 2.0), rdf:about (RSS 1.0) or id (Atom): what recognises it later.
    var id: String?
    var date: FeedDate.Parsed?
    var dateText: String?
    /// A short plain-text summary, when the feed has one besides the body.
    var summary: String?
    /// The body, as HTML.
    var bodyHTML: String?
    /// The line of the feed the entry starts on, for messages.
    var line: Int
}

enum FeedFormat: String {
    case rss2 = "RSS 2.0"
    case rss1 = "RSS 1.0"
    case atom = "Atom 1.0"
}

struct ParsedFeed {
    var format: FeedFormat
    var entries: [FeedEntry]
}

/// Reads RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 with libxml2, as untrusted input: no network, no
/// external entities, no entity expansion (a feed that declares entities is refused outright),
/// and a malformed feed is reported with its line.
enum FeedParser {
    static let atom = "http://www.w3.org/2005/Atom"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let rss1 = "http://purl.org/rss/1.0/"
    static let dublinCore = "http://purl.org/dc/elements/1.1/"
    static let contentModule = "http://purl.org/rss/1.0/modules/content/"
    static let xhtml = "http://www.w3.org/1999/xhtml"

    static func parse(_ data: Data, source: String) throws -> ParsedFeed {
        if data.range(of: Data("<!ENTITY".utf8)) != nil {
            throw NewsletterError(
                "The feed declares entities (<!ENTITY …>), which an untrusted feed can use to read local files or exhaust memory; it is refused.",
                at: SourceLocation(file: source), hint: "Nothing was imported. A real news feed never needs them.")
        }
        LibXML2.initialize()
        let (document, problems) = XMLErrorCollector.collecting { () -> xmlDocPtr? in
            data.withUnsafeBytes { bytes -> xmlDocPtr? in
                guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
                // No entity substitution, no DTD loading, no network; CDATA as plain text.
                return xmlReadMemory(
                    base, Int32(bytes.count), source, nil, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue))
            }
        }
        defer { if let document { xmlFreeDoc(document) } }
        let errors = problems.filter { !$0.isWarning }
        guard let document, errors.isEmpty, let root = xmlDocGetRootElement(document) else {
            let first = errors.first
            throw NewsletterError(
                "The feed is not well-formed XML: \(first?.message ?? "it is empty").",
                at: SourceLocation(file: source, line: first.map(\.line)),
                hint: "Nothing was imported. If the address is a web page, look on it for the feed's own address.")
        }
        switch (Node.name(root), Node.namespace(root)) {
        case ("rss", _):
            let channel = Node.children(root).first { Node.name($0) == "channel" }
            let items = channel.map { Node.children($0).filter { Node.name($0) == "item" } } ?? []
            return ParsedFeed(format: .rss2, entries: items.map(rssEntry))
        case ("RDF", rdf):
            let items = Node.children(root).filter { Node.name($0) == "item" }
            return ParsedFeed(format: .rss1, entries: items.map(rssEntry))
        case ("feed", atom):
            let entries = Node.children(root).filter { Node.name($0) == "entry" && Node.namespace($0) == atom }
            return ParsedFeed(format: .atom, entries: entries.map(atomEntry))
        default:
            throw NewsletterError(
                "This is not a feed: its root element is <\(Node.name(root))>, not <rss>, <rdf:RDF> or <feed>.",
                at: SourceLocation(file: source, line: Int(xmlGetLineNo(root))),
                hint: "Nothing was imported. Look on the website for its RSS or Atom feed's address.")
        }
    }

    private static func rssEntry(_ item: xmlNodePtr) -> FeedEntry {
        let children = Node.children(item)
        func text(_ name: String, _ namespace: String? = nil) -> String? {
            children.first { Node.name($0) == name && (namespace == nil || Node.namespace($0) == namespace) }
                .map(Node.text).flatMap { $0.isEmpty ? nil : $0 }
        }
        let dateText = text("pubDate") ?? text("date", dublinCore)
        let description = text("description")
        let content = text("encoded", contentModule)
        return FeedEntry(
            title: text("title").map(Self.plainTitle), link: text("link"),
            id: text("guid") ?? Node.attribute("about", of: item) ?? text("link"),
            date: dateText.flatMap(FeedDate.parse), dateText: dateText,
            summary: content == nil ? nil : description.map(Self.plainText),
            bodyHTML: content ?? description, line: Int(xmlGetLineNo(item)))
    }

    private static func atomEntry(_ entry: xmlNodePtr) -> FeedEntry {
        let children = Node.children(entry).filter { Node.namespace($0) == atom }
        func element(_ name: String) -> xmlNodePtr? { children.first { Node.name($0) == name } }
        let links = children.filter { Node.name($0) == "link" }
        let alternate = links.first { (Node.attribute("rel", of: $0) ?? "alternate") == "alternate" }
        let dateText = element("published").map(Node.text) ?? element("updated").map(Node.text)
        let title = element("title").map { node in
            Node.attribute("type", of: node) == "text" || Node.attribute("type", of: node) == nil
                ? Node.text(node) : plainTitle(textOf(node))
        }
        let summary = element("summary").map { plainText(textOf($0)) }.flatMap { $0.isEmpty ? nil : $0 }
        let body = element("content").map(htmlOf) ?? element("summary").map(htmlOf)
        return FeedEntry(
            title: title.flatMap { $0.isEmpty ? nil : $0 }, link: alternate.flatMap { Node.attribute("href", of: $0) },
            id: element("id").map(Node.text), date: dateText.flatMap(FeedDate.parse), dateText: dateText,
            summary: element("content") == nil ? nil : summary, bodyHTML: body, line: Int(xmlGetLineNo(entry)))
    }

    /// An Atom text construct as HTML: `html` is HTML already, `xhtml` is the inner markup of
    /// its div, `text` is escaped.
    private static func htmlOf(_ node: xmlNodePtr) -> String {
        switch Node.attribute("type", of: node) {
        case "html": return Node.text(node)
        case "xhtml":
            let div = Node.children(node).first { Node.name($0) == "div" }
            return div.map(Node.innerMarkup) ?? ""
        default:
            return Node.text(node).split(separator: "\n\n").map { "<p>\(HTMLText.escape(String($0)))</p>" }.joined()
        }
    }

    /// An Atom text construct's text, with the markup of html and xhtml types removed.
    private static func textOf(_ node: xmlNodePtr) -> String {
        Node.attribute("type", of: node) == "text" || Node.attribute("type", of: node) == nil
            ? Node.text(node) : htmlOf(node)
    }

    static func plainText(_ html: String) -> String {
        HTMLFragment(html: html).sanitized(shiftingHeadings: false).textContent
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func plainTitle(_ text: String) -> String {
        let plain = text.contains("<") ? plainText(text) : text
        return plain.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// Reading libxml2's tree.
enum Node {
    static func name(_ node: xmlNodePtr) -> String { LibXML2.name(of: node) }

    static func namespace(_ node: xmlNodePtr) -> String? {
        node.pointee.ns?.pointee.href.map { String(cString: $0) }
    }

    static func children(_ node: xmlNodePtr) -> [xmlNodePtr] {
        LibXML2.children(of: node).filter { $0.pointee.type == XML_ELEMENT_NODE }
    }

    static func attribute(_ name: String, of node: xmlNodePtr) -> String? { LibXML2.attribute(name, of: node) }

    /// The text inside, entities and CDATA as text, trimmed.
    static func text(_ node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { cnl_xml_free(content) }
        return String(cString: content).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The markup of a node's children.
    static func innerMarkup(_ node: xmlNodePtr) -> String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        for child in LibXML2.children(of: node) { xmlNodeDump(buffer, node.pointee.doc, child, 0, 0) }
        return String(cString: xmlBufferContent(buffer))
    }
}
