import NewsletterCore

/// Wraps plain text at 72 columns for the `text/plain` part. A long line keeps its leading
/// quote markers and indentation, and a list marker or `[n]` reference label becomes a hanging
/// indent. Words are never split, so a URL longer than the width stands alone on its line.
public enum TextWrapper {
    public static let width = 72

    public static func wrap(_ text: String, width: Int = width) -> String {
        TextLines.split(text).map { wrapLine($0, width: width) }.joined(separator: "\n")
    }

    static func wrapLine(_ line: Substring, width: Int) -> String {
        // A line of at most `width` bytes has at most `width` characters: most lines stop here.
        guard line.utf8.count > width, line.count > width else { return String(line) }
        let (prefix, hanging) = prefixes(of: line)
        // Words split at spaces by scalar, and measured in scalars: a combining accent counts
        // as a column, so a line may wrap a little early but never runs past the width.
        let words = line.dropFirst(prefix.count).unicodeScalars
            .split(separator: " ", omittingEmptySubsequences: true).map { Substring($0) }
        var lines: [String] = []
        var current = prefix
        var currentLength = prefix.count
        var currentHasWord = false
        for word in words {
            let wordLength = word.unicodeScalars.count
            if currentHasWord, currentLength + 1 + wordLength > width {
                lines.append(current)
                current = hanging
                currentLength = hanging.count
                currentHasWord = false
            }
            if currentHasWord {
                current += " "
                currentLength += 1
            }
            current += word
            currentLength += wordLength
            currentHasWord = true
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }

    /// The prefix of the first line and the one continuation lines get: `> > - ` continues as
    /// `> >   `, `[12] ` as five spaces.
    static func prefixes(of line: Substring) -> (first: String, hanging: String) {
        var rest = line[...]
        var quote = ""
        // Leading spaces and quote markers repeat on every line.
        while let next = rest.first, next == " " || next == ">" {
            quote.append(next)
            rest = rest.dropFirst()
        }
        var marker = ""
        if rest.hasPrefix("- ") || rest.hasPrefix("* ") || rest.hasPrefix("• ") {
            marker = String(rest.prefix(2))
        } else {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            let afterDigits = rest.dropFirst(digits.count)
            if !digits.isEmpty, digits.count <= 3, afterDigits.hasPrefix(". ") || afterDigits.hasPrefix(") ") {
                marker = String(digits) + String(afterDigits.prefix(2))
            } else if rest.hasPrefix("["), let close = rest.firstIndex(of: "]"),
                rest[rest.index(after: rest.startIndex)..<close].allSatisfy({ $0.isASCII && $0.isNumber }),
                rest[rest.index(after: close)...].hasPrefix(" ")
            {
                marker = String(rest[...close]) + " "
            }
        }
        let first = quote + marker
        // A prefix that takes most of the line would leave no room: continue at the margin.
        guard first.count < width / 2 else { return ("", "") }
        return (first, quote + String(repeating: " ", count: marker.count))
    }
}
