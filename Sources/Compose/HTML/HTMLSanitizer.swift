internal import CLibXML2
import Foundation
import XMLSupport

/// Keeps only the HTML a newsletter needs, with libxml2 doing the parsing: an allowlist of
/// elements and attributes, all valid in XHTML 1.0 Transitional; no scripts, styles, event
/// handlers, frames or forms; links only to http, https, mailto and tel; images only from
/// http and https. Unknown elements are unwrapped (their text stays), dangerous ones removed
/// with their content. Item headings move down two levels, under the item's own title.
struct HTMLSanitizer {
    /// Whether headings move two levels down, under the item's own title.
    var shiftsHeadings = true

    /// Allowed elements and, for each, its allowed attributes.
    static let allowed: [String: Set<String>] = [
        "a": ["href", "title"], "abbr": ["title"], "acronym": ["title"], "b": [], "strong": [], "i": [], "em": [],
        "u": [], "s": [], "strike": [], "del": [], "ins": [], "sub": [], "sup": [], "small": [], "big": [],
        "code": [], "kbd": [], "samp": [], "var": [], "cite": [], "q": [], "dfn": [], "tt": [], "span": [],
        "p": [], "br": [], "hr": [], "blockquote": [], "pre": [], "div": [], "address": [],
        "ul": [], "ol": ["start"], "li": [], "dl": [], "dt": [], "dd": [],
        "h1": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [],
        "table": ["summary"], "caption": [], "thead": [], "tbody": [], "tfoot": [], "tr": [],
        "th": ["align", "colspan", "rowspan", "scope"], "td": ["align", "colspan", "rowspan"],
        "img": ["src", "alt", "title", "width", "height"],
    ]

    /// Removed together with everything inside them.
    static let removedWithContent: Set<String> = [
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
        "select", "textarea", "option", "noscript", "template", "svg", "math", "head", "title", "meta", "link",
        "base", "audio", "video", "source", "track", "canvas", "map", "area", "param", "dialog",
    ]

    static let linkSchemes: Set<String> = ["http", "https", "mailto", "tel"]
    static let imageSchemes: Set<String> = ["http", "https"]

    /// Cleans the children of `parent`, recursively.
    func clean(children parent: xmlNodePtr) {
        for node in LibXML2.children(of: parent) {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                clean(element: node)
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                continue
            default:
                // Comments, processing instructions and entity references carry nothing for readers.
                remove(node)
            }
        }
    }

    private func clean(element: xmlNodePtr) {
        let name = LibXML2.name(of: element).lowercased()
        if Self.removedWithContent.contains(name) {
            remove(element)
            return
        }
        clean(children: element)
        guard let attributes = Self.allowed[name] else {
            unwrap(element)
            return
        }
        for attribute in LibXML2.attributeNames(of: element) where !attributes.contains(attribute.lowercased()) {
            LibXML2.removeAttribute(attribute, from: element)
        }
        switch name {
        case "a":
            if let href = LibXML2.attribute("href", of: element), !Self.isAllowed(href, schemes: Self.linkSchemes) {
                LibXML2.removeAttribute("href", from: element)
            }
            if LibXML2.attribute("href", of: element) == nil { unwrap(element) }
        case "img":
            guard let source = LibXML2.attribute("src", of: element), Self.isAllowed(source, schemes: Self.imageSchemes)
            else {
                remove(element)
                return
            }
            if LibXML2.attribute("alt", of: element) == nil { LibXML2.setAttribute("alt", "", on: element) }
        case "h1", "h2", "h3", "h4", "h5", "h6":
            guard shiftsHeadings else { break }
            let level = min(6, (Int(name.dropFirst()) ?? 4) + 2)
            xmlNodeSetName(element, "h\(level)")
        default:
            break
        }
    }

    /// Whether `url` is absolute with one of `schemes`. Control characters and spaces inside the
    /// scheme (`java\tscript:`) are what browsers ignore, so they are removed before looking.
    static func isAllowed(_ url: String, schemes: Set<String>) -> Bool {
        let compact = url.unicodeScalars.filter {
            !$0.properties.isWhitespace && $0.properties.generalCategory != .control
        }
        let text = String(String.UnicodeScalarView(compact))
        guard let colon = text.firstIndex(of: ":") else { return false }
        let scheme = text[..<colon].lowercased()
        guard schemes.contains(scheme) else { return false }
        if scheme == "http" || scheme == "https" { return URLCheckForFragments.hasHost(text) }
        return true
    }

    private func remove(_ node: xmlNodePtr) {
        xmlUnlinkNode(node)
        xmlFreeNode(node)
    }

    /// Replaces `element` by its children.
    private func unwrap(_ element: xmlNodePtr) {
        for child in LibXML2.children(of: element) {
            xmlUnlinkNode(child)
            xmlAddPrevSibling(element, child)
        }
        remove(element)
    }
}

enum URLCheckForFragments {
    static func hasHost(_ text: String) -> Bool {
        URL(string: text)?.host?.isEmpty == false
    }
}
