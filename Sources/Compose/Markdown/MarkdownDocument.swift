internal import CCmarkGFM
import Foundation
import NewsletterCore

/// A CommonMark document parsed by cmark-gfm, the reference implementation, with the GFM
/// table, autolink and strikethrough extensions. Not `Sendable`: the tree belongs to one thread.
final class MarkdownDocument {
    /// The root `cmark_node`.
    let root: OpaquePointer
    private let parser: OpaquePointer
    private let options: Int32

    /// Parses `text`. Raw HTML is removed from the tree unless `allowRawHTML`; when it is kept,
    /// the HTML it renders to must go through `HTMLSanitizer`.
    init(_ text: String, allowRawHTML: Bool) {
        _ = Self.registerExtensions
        // Smart punctuation: straight quotes and dashes become typographic ones, as in print.
        options = CMARK_OPT_SMART | (allowRawHTML ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT)
        // cmark_parser_new only fails when memory runs out.
        guard let parser = cmark_parser_new(options) else {
            preconditionFailure("cmark-gfm could not allocate a parser")
        }
        for name in ["table", "autolink", "strikethrough"] {
            if let extensionPointer = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, extensionPointer)
            }
        }
        text.utf8CString.withUnsafeBufferPointer { buffer in
            // The buffer ends with a NUL that is not part of the text.
            cmark_parser_feed(parser, buffer.baseAddress, buffer.count - 1)
        }
        self.parser = parser
        guard let root = Self.finishing.withLock({ cmark_parser_finish(parser) }) else {
            preconditionFailure("cmark-gfm returned no document")
        }
        self.root = root
        if !allowRawHTML { removeRawHTML() }
    }

    deinit {
        cmark_node_free(root)
        cmark_parser_free(parser)
    }

    /// The document as an HTML fragment.
    func html() -> String {
        guard let rendered = cmark_render_html(root, options, cmark_parser_get_syntax_extensions(parser)) else {
            return ""
        }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// Every node, depth first, entering each once.
    func forEachNode(_ body: (OpaquePointer) -> Void) {
        guard let iterator = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) { body(node) }
        }
    }

    /// Removes the paragraphs that are only a link to `url`. News copied from a website often
    /// has a "Read the full article" line; the templates print their own read-more link.
    func removeStandaloneLinks(to url: String) {
        var paragraph = cmark_node_first_child(root)
        while let current = paragraph {
            paragraph = cmark_node_next(current)
            guard cmark_node_get_type(current) == CMARK_NODE_PARAGRAPH,
                let link = cmark_node_first_child(current), cmark_node_next(link) == nil,
                cmark_node_get_type(link) == CMARK_NODE_LINK,
                String(cString: cmark_node_get_url(link)) == url
            else { continue }
            cmark_node_unlink(current)
            cmark_node_free(current)
        }
    }

    /// Applies `rule` to the line ends inside paragraphs: a soft break that stays a line is made
    /// a hard one (a `<br />` in HTML, a new line in the text part). `source` is the text the
    /// document was parsed from. Returns what `check` should point out, with lines of `source`.
    func applyLineBreaks(_ rule: LineBreakRule, source: String) -> [LineBreakFinding] {
        let sourceLines = source.split(separator: "\n", omittingEmptySubsequences: false)
        var paragraphs: [OpaquePointer] = []
        forEachNode { node in
            if cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH { paragraphs.append(node) }
        }
        var findings: [LineBreakFinding] = []
        for paragraph in paragraphs {
            let first = Int(cmark_node_get_start_line(paragraph))
            let last = Int(cmark_node_get_end_line(paragraph))
            guard first >= 1, last > first, last <= sourceLines.count else { continue }
            let breaks = lineEnds(in: paragraph)
            // A code span or raw HTML over two lines hides a line end: the breaks cannot be
            // matched to lines, and the paragraph is left as CommonMark reads it.
            guard breaks.count == last - first else { continue }
            let kept = TypedLines.keptBreaks(Array(sourceLines[(first - 1)..<last]))
            let soft = breaks.indices.filter { cmark_node_get_type(breaks[$0]) == CMARK_NODE_SOFTBREAK }
            switch rule {
            case .keep:
                for index in soft { makeHard(breaks[index]) }
            case .auto:
                for index in soft where kept[index] { makeHard(breaks[index]) }
                // Some lines kept, some joined: the editor may have meant the joined ones too.
                if soft.contains(where: { kept[$0] }) {
                    findings += soft.filter { !kept[$0] }.map {
                        LineBreakFinding(kind: .joinedAmongKept, line: first + $0, lastLine: first + $0 + 1)
                    }
                }
            case .commonmark:
                if soft.contains(where: { kept[$0] }) {
                    findings.append(LineBreakFinding(kind: .joinedShortLines, line: first, lastLine: last))
                }
            }
        }
        return findings
    }

    /// The soft and hard breaks of a paragraph, in order.
    private func lineEnds(in paragraph: OpaquePointer) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        guard let iterator = cmark_iter_new(paragraph) else { return result }
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK { result.append(node) }
        }
        return result
    }

    private func makeHard(_ softBreak: OpaquePointer) {
        guard let hard = cmark_node_new(CMARK_NODE_LINEBREAK) else { return }
        if cmark_node_replace(softBreak, hard) != 0 {
            cmark_node_free(softBreak)
        } else {
            cmark_node_free(hard)
        }
    }

    private func removeRawHTML() {
        var rawHTML: [OpaquePointer] = []
        forEachNode { node in
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE { rawHTML.append(node) }
        }
        for node in rawHTML {
            cmark_node_unlink(node)
            cmark_node_free(node)
        }
    }

    /// Finishing a document parses its inlines, and cmark-gfm keeps the inline parser's tables
    /// of special characters in globals, which each parser fills with its extensions'
    /// characters (`~` for strikethrough, `:` and `w` for autolinks) as it finishes and
    /// empties after. Two documents finished at once on two threads (two preview requests)
    /// lost their strikethrough or their links now and then. So one at a time, process-wide;
    /// feeding text (block parsing) and rendering touch neither table.
    private static let finishing = NSLock()
    /// The extensions register once per process; cmark's own registration is not thread-safe.
    private static let registerExtensions: Void = cmark_gfm_core_extensions_ensure_registered()
}
