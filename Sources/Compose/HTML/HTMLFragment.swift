package import CLibXML2
import Foundation

/// A piece of HTML (an item's rendered Markdown, or raw HTML from a feed) parsed by libxml2's
/// HTML parser into a tree that can be sanitised, styled and written out as XHTML.
/// Not `Sendable`: the tree belongs to one thread.
package final class HTMLFragment {
    private let document: htmlDocPtr?
    /// The element that holds the fragment's nodes.
    package let container: xmlNodePtr?
    /// Whether libxml2 read the whole fragment. It stops, keeping only what came before, at an
    /// error it cannot go past: elements nested more than 256 deep.
    package let isComplete: Bool

    private static let containerID = "newsletter-fragment"

    package init(html: String) {
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

    /// Applies `policy` to the tree; returns `self` for chaining.
    @discardableResult
    /// `shiftingHeadings`: move headings two levels down, under an item's own title (what
    /// composing wants; an import keeps the feed's levels).
    package func sanitized(shiftingHeadings: Bool = true) -> HTMLFragment {
        sanitized(HTMLSanitizer(shiftsHeadings: shiftingHeadings))
    }

    func sanitized(_ policy: HTMLSanitizer) -> HTMLFragment {
        if let container { policy.clean(children: container) }
        return self
    }

    /// The fragment as XHTML: void elements self-closed, text UTF-8, no declaration.
    package var xhtml: String {
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
    package var textContent: String {
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

/// Small typed helpers over libxml2's C API.
package enum LibXML2 {
    /// Runs libxml2's one-time set-up once, before threads use the library. The catalog is set
    /// up here too: libxml2 2.9 initialises it lazily without a lock, and two threads validating
    /// at once can then deadlock on the catalog's mutex.
    package static func initialize() { _ = initialized }
    private static let initialized: Void = {
        xmlInitParser()
        xmlInitializeCatalog()
    }()

    package static func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    package static func attribute(_ name: String, of node: xmlNodePtr) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { cnl_xml_free(value) }
        return String(cString: value)
    }

    static func setAttribute(_ name: String, _ value: String, on node: xmlNodePtr) {
        xmlSetProp(node, name, value)
    }

    /// The names of an element's attributes, in order.
    static func attributeNames(of node: xmlNodePtr) -> [String] {
        var names: [String] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            names.append(current.pointee.name.map { String(cString: $0) } ?? "")
            attribute = current.pointee.next
        }
        return names
    }

    static func removeAttribute(_ name: String, from node: xmlNodePtr) {
        if let attribute = xmlHasProp(node, name) { xmlRemoveProp(attribute) }
    }

    package static func children(of node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            result.append(current)
            child = current.pointee.next
        }
        return result
    }
}
