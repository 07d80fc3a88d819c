internal import CLibXML2
import Foundation
import XMLSupport

/// The images and links of a whole HTML or XHTML document, read with libxml2's HTML parser:
/// what the pre-send check looks at (alt text, dimensions, `http:` links, the unsubscribe link).
public struct HTMLOutline: Sendable {
    public struct Image: Sendable, Equatable {
        public var source: String
        public var alt: String?
        public var width: String?
        public var height: String?
        /// In the document.
        public var line: Int
    }

    public struct Link: Sendable, Equatable {
        public var href: String
        /// Its text, whitespace collapsed.
        public var text: String
        public var line: Int
    }

    public private(set) var images: [Image] = []
    public private(set) var links: [Link] = []

    public init(html: String) {
        LibXML2.initialize()
        let options = Int32(
            HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue
                | HTML_PARSE_NODEFDTD.rawValue)
        let document = html.withCString { htmlReadMemory($0, Int32(strlen($0)), "email.html", "UTF-8", options) }
        defer { if let document { xmlFreeDoc(document) } }
        visit(document.flatMap { xmlDocGetRootElement($0) })
    }

    private mutating func visit(_ first: xmlNodePtr?) {
        var current = first
        while let node = current {
            if node.pointee.type == XML_ELEMENT_NODE {
                let line = Int(xmlGetLineNo(node))
                switch LibXML2.name(of: node).lowercased() {
                case "img":
                    images.append(
                        Image(
                            source: LibXML2.attribute("src", of: node) ?? "", alt: LibXML2.attribute("alt", of: node),
                            width: LibXML2.attribute("width", of: node),
                            height: LibXML2.attribute("height", of: node), line: line))
                case "a":
                    if let href = LibXML2.attribute("href", of: node) {
                        links.append(Link(href: href, text: Self.text(of: node), line: line))
                    }
                default:
                    break
                }
            }
            visit(node.pointee.children)
            current = node.pointee.next
        }
    }

    private static func text(of node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { cnl_xml_free(content) }
        return String(cString: content).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
