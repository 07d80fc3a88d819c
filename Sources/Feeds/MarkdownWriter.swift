internal import CLibXML2
import Compose
import Foundation
import XMLSupport

/// Turns an entry's sanitised HTML into CommonMark, so an imported item is like one written by
/// hand: the editor reads and edits Markdown, and composing treats raw HTML as untrusted. It
/// covers what news bodies use: paragraphs, headings, lists, quotes, links, images, emphasis,
/// code, line breaks and simple tables; anything else becomes its text.
enum MarkdownWriter {
    /// `nil` when libxml2 could not read the whole of `html` (see `HTMLFragment.isComplete`):
    /// the rest of the body would be lost without a word.
    static func markdown(fromHTML html: String) -> String? {
        let fragment = HTMLFragment(html: html).sanitized(shiftingHeadings: false)
        guard fragment.isComplete else { return nil }
        guard let container = fragment.container else { return "" }
        let blocks = withExtendedLifetime(fragment) { Self.blocks(of: container) }
        return blocks.joined(separator: "\n\n")
    }

    // MARK: Blocks

    private static let blockElements: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "hr", "table", "address", "dl",
    ]

    /// The blocks under `parent`; runs of inline content between blocks become paragraphs.
    private static func blocks(of parent: xmlNodePtr) -> [String] {
        var result: [String] = []
        var inline: [xmlNodePtr] = []
        func flushInline() {
            let text = inlines(inline).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { result.append(text) }
            inline.removeAll()
        }
        for node in LibXML2.children(of: parent) {
            let name = node.pointee.type == XML_ELEMENT_NODE ? LibXML2.name(of: node) : ""
            guard blockElements.contains(name) else {
                inline.append(node)
                continue
            }
            flushInline()
            if let block = block(node, name: name), !block.isEmpty { result.append(block) }
        }
        flushInline()
        return result
    }

    private static func block(_ node: xmlNodePtr, name: String) -> String? {
        switch name {
        case "p", "address":
            return inlines(LibXML2.children(of: node)).trimmingCharacters(in: .whitespacesAndNewlines)
        case "div", "dl":
            return blocks(of: node).joined(separator: "\n\n")
        case "h1", "h2", "h3", "h4", "h5", "h6":
            let level = Int(name.dropFirst()) ?? 2
            let text = inlines(LibXML2.children(of: node)).replacingOccurrences(of: "\n", with: " ")
            return String(repeating: "#", count: level) + " " + text.trimmingCharacters(in: .whitespaces)
        case "ul", "ol":
            return list(node, ordered: name == "ol")
        case "blockquote":
            return blocks(of: node).joined(separator: "\n\n").split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n")
        case "pre":
            let code = rawText(node).trimmingCharacters(in: .newlines)
            let fence = code.contains("```") ? "~~~" : "```"
            return "\(fence)\n\(code)\n\(fence)"
        case "hr":
            return "---"
        case "table":
            return table(node)
        default:
            return nil
        }
    }

    private static func list(_ node: xmlNodePtr, ordered: Bool) -> String {
        var number = Int(LibXML2.attribute("start", of: node) ?? "") ?? 1
        var items: [String] = []
        for item in LibXML2.children(of: node)
        where item.pointee.type == XML_ELEMENT_NODE && LibXML2.name(of: item) == "li" {
            let marker = ordered ? "\(number). " : "- "
            let content = blocks(of: item).joined(separator: "\n\n")
            let indent = String(repeating: " ", count: marker.count)
            let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
            items.append(
                lines.enumerated().map { index, line in index == 0 ? marker + line : (line.isEmpty ? "" : indent + line)
                }
                .joined(separator: "\n"))
            number += 1
        }
        return items.joined(separator: "\n")
    }

    /// A GFM table, the first row as its header.
    private static func table(_ node: xmlNodePtr) -> String {
        var rows: [[String]] = []
        func collect(_ parent: xmlNodePtr) {
            for child in LibXML2.children(of: parent) where child.pointee.type == XML_ELEMENT_NODE {
                switch LibXML2.name(of: child) {
                case "tr":
                    rows.append(
                        LibXML2.children(of: child).filter { ["td", "th"].contains(LibXML2.name(of: $0)) }.map {
                            inlines(LibXML2.children(of: $0)).replacingOccurrences(of: "\n", with: " ")
                                .replacingOccurrences(of: "|", with: "\\|").trimmingCharacters(in: .whitespaces)
                        })
                case "thead", "tbody", "tfoot": collect(child)
                default: break
                }
            }
        }
        collect(node)
        guard let header = rows.first, !header.isEmpty else { return "" }
        let width = rows.map(\.count).max() ?? header.count
        func row(_ cells: [String]) -> String {
            "| " + (cells + Array(repeating: "", count: width - cells.count)).joined(separator: " | ") + " |"
        }
        return ([row(header), "|" + String(repeating: " --- |", count: width)] + rows.dropFirst().map(row)).joined(
            separator: "\n")
    }

    // MARK: Inlines

    private static func inlines(_ nodes: [xmlNodePtr]) -> String {
        var output = ""
        for node in nodes {
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                output += escape(collapse(rawText(node)))
            case XML_ELEMENT_NODE:
                output += inline(node)
            default:
                break
            }
        }
        return output
    }

    private static func inline(_ node: xmlNodePtr) -> String {
        let name = LibXML2.name(of: node)
        let content = { inlines(LibXML2.children(of: node)) }
        switch name {
        case "strong", "b": return wrap(content(), "**")
        case "em", "i", "cite", "dfn": return wrap(content(), "*")
        case "del", "s", "strike": return wrap(content(), "~~")
        case "code", "kbd", "samp", "tt":
            let code = collapse(rawText(node))
            return code.contains("`") ? "`` \(code) ``" : "`\(code)`"
        case "br": return "\\\n"
        case "a":
            let text = content()
            guard let href = LibXML2.attribute("href", of: node) else { return text }
            if text == escape(href) { return "<\(href)>" }
            return "[\(text)](\(destination(href)))"
        case "img":
            guard let source = LibXML2.attribute("src", of: node) else { return "" }
            return "![\(escape(LibXML2.attribute("alt", of: node) ?? ""))](\(destination(source)))"
        default:
            // A block element inside an inline one, or an element without Markdown: its text.
            return blockElements.contains(name)
                ? "\n\n" + blocks(of: node).joined(separator: "\n\n") + "\n\n" : content()
        }
    }

    private static func wrap(_ text: String, _ marker: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return text }
        let leading = text.prefix { $0 == " " }
        let trailing = String(text.reversed().prefix { $0 == " " })
        return leading + marker + trimmed + marker + trailing
    }

    /// A link destination, in angle brackets when it has spaces or parentheses.
    private static func destination(_ url: String) -> String {
        url.contains(where: { $0 == " " || $0 == "(" || $0 == ")" || $0 == "<" || $0 == ">" })
            ? "<\(url.replacingOccurrences(of: ">", with: "%3E"))>" : url
    }

    private static func rawText(_ node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { cnl_xml_free(content) }
        return String(cString: content)
    }

    /// HTML's whitespace rule: any run of spaces, tabs and line breaks is one space.
    private static func collapse(_ text: String) -> String {
        var output = ""
        var previousWasSpace = false
        for character in text {
            if character.isWhitespace && character != "\u{A0}" {
                if !previousWasSpace { output.append(" ") }
                previousWasSpace = true
            } else {
                output.append(character)
                previousWasSpace = false
            }
        }
        return output
    }

    /// Backslashes the characters that would start Markdown syntax in running text.
    private static func escape(_ text: String) -> String {
        var output = ""
        for character in text {
            if "\\`*_[]<>".contains(character) { output.append("\\") }
            output.append(character)
        }
        // A line that starts like a heading or a list would become one.
        if let first = output.first, first == "#" || first == "+" || first == "-" || first == "=" {
            output = "\\" + output
        }
        return output
    }
}
