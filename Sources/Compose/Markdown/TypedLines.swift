/// `compose.line_breaks = "auto"`: which line ends of a paragraph the editor meant as line
/// breaks. A text editor that wraps a paragraph (or an editor who wraps it by hand) ends a
/// line only when the next word would not fit; so a line ended early was ended on purpose:
/// one on which the next line's first word would have fitted, within the paragraph's width
/// (its longest line with a space in it: a long address alone on its line says nothing of the
/// width), one that is short, at most `shortLine` characters, as the lines of a contact
/// block or a postal address are, however long the address on the next line, or one followed
/// by such a short line that wrapping cannot explain: not the paragraph's last, and not one
/// before a word too long to join it ("Name, a long role" / "email" / "phone"). A paragraph
/// wrapped narrower than `shortLine` reads as lines: no one wraps prose so narrow.
enum TypedLines {
    /// Two thirds of the text part's 72 columns: shorter than any line of a paragraph wrapped
    /// for reading, but for one before a very long word.
    static let shortLine = 48

    /// For each line end of `lines` (one fewer than the lines), whether it is kept as a break.
    static func keptBreaks(_ lines: [Substring]) -> [Bool] {
        // Trailing spaces left out: two of them make a hard break, and they are not text.
        let trimmed = lines.map { line in
            line[..<(line.lastIndex { $0 != " " && $0 != "\t" }.map(line.index(after:)) ?? line.startIndex)]
        }
        let width = trimmed.filter { content(of: $0).contains(" ") }.map(\.count).max() ?? 0
        // Short lines only (a long address among them): a block of lines, every one kept.
        if width <= shortLine { return Array(repeating: true, count: max(0, lines.count - 1)) }
        let last = trimmed.count - 1
        return trimmed.indices.dropLast().map { index in
            let length = trimmed[index].count
            let next = trimmed[index + 1]
            let firstWord = content(of: next).prefix { $0 != " " && $0 != "\t" }
            // Wrapping leaves a short line only at a paragraph's end, or before a word too long
            // to join it: any other short line is a line of its own, and so the line before it
            // ended on purpose too.
            let nextIsShortLineOfItsOwn =
                index + 1 < last && next.count <= shortLine
                && next.count + 1 + content(of: trimmed[index + 2]).prefix { $0 != " " && $0 != "\t" }.count <= width
            return length <= shortLine || length + 1 + firstWord.count <= width || nextIsShortLineOfItsOwn
        }
    }

    /// The line without the indentation and quote markers (`> `) its containers put before it.
    private static func content(of line: Substring) -> Substring {
        line.drop { $0 == " " || $0 == "\t" || $0 == ">" }
    }
}

/// A paragraph whose line breaks `check` points out, with its lines in the Markdown text.
struct LineBreakFinding: Sendable, Equatable {
    enum Kind: Sendable {
        /// `auto`: a line joined to the next (it reaches the paragraph's width) in a paragraph
        /// whose other lines stay lines.
        case joinedAmongKept
        /// `commonmark`: short lines that `auto` would keep, joined into one.
        case joinedShortLines
    }

    var kind: Kind
    var line: Int
    var lastLine: Int
}
