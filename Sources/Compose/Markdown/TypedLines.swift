/// `compose.line_breaks = "auto"`: which line ends of a paragraph the editor meant as line
/// breaks. A text editor that wraps a paragraph (or an editor who wraps it by hand) ends a
/// line only when the next word would not fit; so where the next line's first word would
/// have fitted on the line, within the paragraph's own width, the line was ended on purpose.
/// The width is that of the paragraph's longest line with a space in it (a long address alone
/// on its line says nothing of the width), and at least `minimumWidth` columns, so that a
/// block of short lines (a contact block, a postal address) keeps all of them.
enum TypedLines {
    static let minimumWidth = 60

    /// For each line end of `lines` (one fewer than the lines), whether it is kept as a break.
    static func keptBreaks(_ lines: [Substring]) -> [Bool] {
        // Trailing spaces left out: two of them make a hard break, and they are not text.
        let trimmed = lines.map { line in
            line[..<(line.lastIndex { $0 != " " && $0 != "\t" }.map(line.index(after:)) ?? line.startIndex)]
        }
        let width = max(minimumWidth, trimmed.filter { content(of: $0).contains(" ") }.map(\.count).max() ?? 0)
        return trimmed.indices.dropLast().map { index in
            let firstWord = content(of: trimmed[index + 1]).prefix { $0 != " " && $0 != "\t" }
            return trimmed[index].count + 1 + firstWord.count <= width
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
