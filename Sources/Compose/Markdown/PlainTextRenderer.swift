internal import CCmarkGFM
import Foundation
import NewsletterCore
import XMLSupport

/// Renders a Markdown tree as plain text for the `text/plain` part: paragraphs as single long
/// lines (`TextWrapper` wraps them), lists with `- ` or `1. `, quotes with `> `, links as
/// `text [n]` with the addresses collected in a `ReferenceList`.
struct PlainTextRenderer {
    private(set) var references: ReferenceList

    init(references: ReferenceList = ReferenceList()) {
        self.references = references
    }

    /// The text of `document`, blocks separated by blank lines, without a final newline.
    mutating func render(_ document: MarkdownDocument) -> String {
        blocks(of: document.root).joined(separator: "\n\n")
    }

    // MARK: Blocks

    /// The rendered blocks under `parent`, each a string that may span several lines.
    private mutating func blocks(of parent: OpaquePointer) -> [String] {
        children(of: parent).compactMap { block($0) }.filter { !$0.isEmpty }
    }

    private mutating func block(_ node: OpaquePointer) -> String? {
        let type = cmark_node_get_type(node)
        switch type {
        case CMARK_NODE_PARAGRAPH:
            return String(inlines(of: node).trimmingSpaces)
        case CMARK_NODE_HEADING:
            let text = String(inlines(of: node).trimmingSpaces)
            return cmark_node_get_heading_level(node) <= 2 ? text.uppercased() : text
        case CMARK_NODE_BLOCK_QUOTE:
            return prefixing(blocks(of: node).joined(separator: "\n\n"), first: "> ", rest: "> ")
        case CMARK_NODE_LIST:
            return list(node)
        case CMARK_NODE_CODE_BLOCK:
            let code = String(cString: cmark_node_get_literal(node)).trimmingCharacters(in: .newlines)
            return prefixing(code, first: "    ", rest: "    ")
        case CMARK_NODE_THEMATIC_BREAK:
            return String(repeating: "-", count: 20)
        case CMARK_NODE_HTML_BLOCK:
            // Only present when raw HTML is allowed; its sanitised text stands in for it.
            let html = String(cString: cmark_node_get_literal(node))
            return HTMLFragment(html: html).sanitized().textContent
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: "\n")
        default:
            if typeName(node) == "table" { return table(node) }
            return blocks(of: node).joined(separator: "\n\n")
        }
    }

    private mutating func list(_ node: OpaquePointer) -> String {
        let ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
        var number = Int(cmark_node_get_list_start(node))
        let tight = cmark_node_get_list_tight(node) != 0
        var items: [String] = []
        for item in children(of: node) {
            let marker = ordered ? "\(number). " : "- "
            let content = blocks(of: item).joined(separator: tight ? "\n" : "\n\n")
            items.append(prefixing(content, first: marker, rest: String(repeating: " ", count: marker.count)))
            number += 1
        }
        return items.joined(separator: tight ? "\n" : "\n\n")
    }

    /// A GFM table as aligned columns (left, or right and centred as the table's `--:` and
    /// `:-:` ask); a table too wide for that becomes one block per row, each row named by its
    /// first cell and each other cell under its column's heading.
    private mutating func table(_ node: OpaquePointer) -> String {
        var rows: [[String]] = []
        for row in children(of: node) {
            rows.append(children(of: row).map { String(inlines(of: $0).trimmingSpaces) })
        }
        guard let header = rows.first else { return "" }
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        guard widths.reduce(0, +) + 3 * max(0, columns - 1) <= TextWrapper.width else {
            return rows.dropFirst().map { cells in
                let fields = cells.enumerated().dropFirst().map { column, cell in
                    "  " + (column < header.count ? "\(header[column]): " : "") + cell
                }
                return ([cells.first ?? ""] + fields).joined(separator: "\n")
            }.joined(separator: "\n\n")
        }
        let alignments = Self.alignments(of: node, columns: columns)
        var lines = rows.map { cells in
            cells.enumerated().map { column, cell in
                let room = widths[column] - cell.count
                // The last column gains no trailing spaces.
                let after = column < cells.count - 1
                switch alignments[column] {
                case UInt8(ascii: "r"):
                    return String(repeating: " ", count: room) + cell
                case UInt8(ascii: "c"):
                    return String(repeating: " ", count: room / 2) + cell
                        + (after ? String(repeating: " ", count: room - room / 2) : "")
                default:
                    return after ? cell + String(repeating: " ", count: room) : cell
                }
            }.joined(separator: " | ")
        }
        if lines.count > 1 {
            lines.insert(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-"), at: 1)
        }
        return lines.joined(separator: "\n")
    }

    /// Each column's alignment as cmark-gfm keeps it: `l`, `c`, `r`, or 0 when none was asked.
    private static func alignments(of table: OpaquePointer, columns: Int) -> [UInt8] {
        let stored = Int(cmark_gfm_extensions_get_table_columns(table))
        guard let pointer = cmark_gfm_extensions_get_table_alignments(table) else {
            return Array(repeating: 0, count: columns)
        }
        return (0..<columns).map { $0 < stored ? pointer[$0] : 0 }
    }

    // MARK: Inlines

    private mutating func inlines(of parent: OpaquePointer) -> String {
        children(of: parent).map { inline($0) }.joined()
    }

    private mutating func inline(_ node: OpaquePointer) -> String {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_TEXT, CMARK_NODE_CODE:
            return String(cString: cmark_node_get_literal(node))
        case CMARK_NODE_SOFTBREAK:
            return " "
        case CMARK_NODE_LINEBREAK:
            return "\n"
        case CMARK_NODE_HTML_INLINE:
            // A tag alone (`<abbr …>`); the text between tags is in the text nodes around it.
            return ""
        case CMARK_NODE_LINK:
            return link(node, text: inlines(of: node))
        case CMARK_NODE_IMAGE:
            let alt = inlines(of: node)
            return link(node, text: alt.isEmpty ? "image" : alt)
        default:
            // Struck-out text is a correction: readers of the plain text get the corrected version.
            if typeName(node) == "strikethrough" { return "" }
            return inlines(of: node)
        }
    }

    /// `text [n]`; an address shown as its own text (an autolink, an email address) stays inline.
    private mutating func link(_ node: OpaquePointer, text: String) -> String {
        let url = String(cString: cmark_node_get_url(node))
        guard !url.isEmpty else { return text }
        let shown = url.hasPrefix("mailto:") ? String(url.dropFirst("mailto:".count)) : url
        if text == url || text == shown { return shown }
        return "\(text) [\(references.number(for: url))]"
    }

    // MARK: Tree helpers

    private func children(of node: OpaquePointer) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            result.append(current)
            child = cmark_node_next(current)
        }
        return result
    }

    private func typeName(_ node: OpaquePointer) -> String {
        cmark_node_get_type_string(node).map { String(cString: $0) } ?? ""
    }

    /// Puts `first` before the first line of `text` and `rest` before each following line.
    private func prefixing(_ text: String, first: String, rest: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            let prefix = index == 0 ? first : rest
            return line.isEmpty ? prefix.trimmingCharacters(in: .whitespaces) : prefix + line
        }.joined(separator: "\n")
    }
}
