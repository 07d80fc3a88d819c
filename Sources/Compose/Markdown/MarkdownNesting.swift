internal import CCmarkGFM
import Foundation
public import NewsletterCore
import XMLSupport

/// How deep an issue's Markdown nests (quotes in lists in quotes…). cmark-gfm parses any depth,
/// but what comes after it does not: the plain-text renderer recurses once per level, and
/// libxml2 stops at 256 elements. Text nested deeper than anyone writes is refused with its
/// file and line, before anything is rendered.
public enum MarkdownNesting {
    /// Lists and quotes, one inside the other.
    static let limit = 64
    /// Elements of any kind, one inside the other (emphasis in links in emphasis…).
    static let elementLimit = 200

    /// Every intro and item body of `issue` nested deeper than `limit`, reported together.
    /// `allowRawHTML` (`compose.allow_raw_html`): raw HTML is checked too, as libxml2 will read it.
    static func check(_ issue: Issue, allowRawHTML: Bool) throws {
        let issueFile = "issues/\(IssueNumber.folderName(issue.number))/issue.md"
        try check(
            [(issue.header.intro, issueFile, issue.header.introLine)] + texts(of: issue.items),
            allowRawHTML: allowRawHTML)
    }

    /// The same for items not yet in an issue (the inbox), so that `check` finds them there.
    public static func check(_ items: [NewsItem], allowRawHTML: Bool) throws {
        try check(texts(of: items), allowRawHTML: allowRawHTML)
    }

    private static func texts(of items: [NewsItem]) -> [(text: String, file: String, firstLine: Int)] {
        items.map { ($0.body, $0.displayPath, $0.bodyLine) }
    }

    private static func check(_ texts: [(text: String, file: String, firstLine: Int)], allowRawHTML: Bool) throws {
        var problems = DiagnosticCollector()
        for (text, file, firstLine) in texts {
            if let line = firstTooDeep(in: text) {
                problems.record(
                    Diagnostic(
                        "The Markdown here nests more than \(limit) lists or quotes (or \(elementLimit) elements) one inside the other; no reader can follow that.",
                        at: SourceLocation(file: file, line: firstLine + line - 1),
                        hint: "Flatten the lists and quotes."))
            } else if allowRawHTML, !HTMLFragment(html: MarkdownDocument(text, allowRawHTML: true).html()).isComplete {
                // Raw HTML is not counted above; the HTML parser would stop inside it and drop the rest.
                problems.record(
                    Diagnostic(
                        "The HTML in this text nests elements more than 256 deep; the HTML parser stops there, so the rest would be lost.",
                        at: SourceLocation(file: file, line: firstLine), hint: "Flatten the HTML."))
            }
        }
        try problems.throwIfAny()
    }

    /// The line (from 1) where `text` first goes deeper than `limit`, or nil.
    static func firstTooDeep(in text: String) -> Int? {
        let document = MarkdownDocument(text, allowRawHTML: false)
        guard let iterator = cmark_iter_new(document.root) else { return nil }
        defer { cmark_iter_free(iterator) }
        // The iterator leaves a container with an exit event; a leaf has none.
        var depth = 0
        var blocks = 0
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iterator), !isLeaf(node) else { continue }
            let type = cmark_node_get_type(node)
            let nests = type == CMARK_NODE_BLOCK_QUOTE || type == CMARK_NODE_ITEM
            if event == CMARK_EVENT_EXIT {
                depth -= 1
                if nests { blocks -= 1 }
                continue
            }
            depth += 1
            if nests { blocks += 1 }
            if blocks > limit || depth > elementLimit { return Int(cmark_node_get_start_line(node)) }
        }
        return nil
    }

    private static let leaves: Set<cmark_node_type> = [
        CMARK_NODE_TEXT, CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK, CMARK_NODE_CODE, CMARK_NODE_HTML_INLINE,
        CMARK_NODE_CODE_BLOCK, CMARK_NODE_HTML_BLOCK, CMARK_NODE_THEMATIC_BREAK,
    ]

    private static func isLeaf(_ node: OpaquePointer) -> Bool {
        leaves.contains(cmark_node_get_type(node))
    }
}
