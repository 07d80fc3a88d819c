public import CLibXML2
import Foundation

/// A piece of HTML (an item's rendered Markdown, or raw HTML from a feed) parsed by libxml2's
/// HTML parser into a tree that can be sanitised (Compose's `sanitized`), styled and written out as XHTML.
/// Not `Sendable`: the tree belongs to one thread.
public final class HTMLFragment {
    private let document: htmlDocPtr?
    /// The element that holds the fragment's nodes.
    public let container: xmlNodePtr?
    /// Whether libxml2 read the whole fragment. It stops, keeping only what came before, at an
    /// error it cannot go past: elements nested more than 256 deep.
    public let isComplete: Bool

    private static let containerID = "newsletter-fragment"

    public init(html: String) {
        LibXML2.initialize()
        let wrapped =
            "<html><head><meta charset=\"utf-8\"></head><body><div id=\"\(Self.containerID)\">\(html)</div></body></html>"
        let options = Int32(HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue)
        guard let context = htmlNewParserCtxt() else {
            (document, container, isComplete) = (nil, nil, false)
            return
        }
        defer { htmlFreeParserCtxt(context) }
        document = wrapped.withCString { htmlCtxtReadMemory(context, $0, Int32(strlen($0)), nil, "UTF-8", options) }
        // Ordinary tag soup is repaired and read on; only an error that stops the parser leaves this set.
        isComplete = document != nil && context.pointee.disableSAX == 0
        container = Self.findContainer(in: document.flatMap { xmlDocGetRootElement($0) })
    }

    deinit {
        if let document { xmlFreeDoc(document) }
    }

    /// The fragment as XHTML: void elements self-closed, text UTF-8, no declaration.
    public var xhtml: String {
        guard let container, let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        let options = Int32(XML_SAVE_AS_XML.rawValue | XML_SAVE_XHTML.rawValue | XML_SAVE_NO_DECL.rawValue)
        guard let saver = xmlSaveToBuffer(buffer, "UTF-8", options) else { return "" }
        var child = container.pointee.children
        while let node = child {
            xmlSaveTree(saver, node)
            child = node.pointee.next
        }
        xmlSaveClose(saver)
        return String(cString: xmlBufferContent(buffer))
    }

    /// The text of the fragment, tags removed.
    public var textContent: String {
        guard let container, let content = xmlNodeGetContent(container) else { return "" }
        defer { cnl_xml_free(content) }
        return String(cString: content)
    }

    private static func findContainer(in node: xmlNodePtr?) -> xmlNodePtr? {
        var current = node
        while let element = current {
            if element.pointee.type == XML_ELEMENT_NODE, LibXML2.attribute("id", of: element) == containerID {
                return element
            }
            if let found = findContainer(in: element.pointee.children) { return found }
            current = element.pointee.next
        }
        return nil
    }
}
