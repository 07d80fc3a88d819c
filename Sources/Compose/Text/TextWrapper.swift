import NewsletterCore

/// Wraps plain text at 72 columns for the `text/plain` part. A long line keeps its leading
/// quote markers and indentation, and a list marker or `[n]` reference label becomes a hanging
/// indent. Words are never split, so a URL longer than the width stands alone on its line.
public enum TextWrapper {
    public static let width = 72

    public static func wrap(_ text: String, width: Int = width) -> String {
        TextLines.split(text).map { wrapLine($0, width: width) }.joined(separator: "\n")
    }

    /// Wraps one line (no line breaks in it). Sending re-wraps each subscriber's personal lines
    /// with it, so it works on UTF-8 bytes: a space is one byte and never part of another
    /// character, and a word's scalars are its bytes that do not continue a character.
    public static func wrapLine(_ line: Substring, width: Int = width) -> String {
        // A line of at most `width` bytes has at most `width` characters: most lines stop here;
        // in an ASCII line a byte is a character, which spares counting them.
        guard line.utf8.count > width, line.utf8.allSatisfy({ $0 < 0x80 }) || line.count > width else {
            return String(line)
        }
        let (prefix, hanging) = prefixes(of: line)
        // Words are measured in scalars: a combining accent counts as a column, so a line may
        // wrap a little early but never runs past the width. The prefix is the line's own start.
        let words = Array(line.utf8.dropFirst(prefix.utf8.count))
        var output = Array(prefix.utf8)
        output.reserveCapacity(words.count + output.count + 16)
        var currentLength = prefix.unicodeScalars.count
        var currentHasWord = false
        // Each run of bytes between spaces, found by index rather than by `split`, which makes
        // an array of its pieces first.
        var start = 0
        while start < words.count {
            guard words[start] != 0x20 else {
                start += 1
                continue
            }
            let end = words[start...].firstIndex(of: 0x20) ?? words.count
            let word = words[start..<end]
            start = end
            let wordLength = word.count { $0 & 0xC0 != 0x80 }
            if currentHasWord, currentLength + 1 + wordLength > width {
                output.append(0x0A)
                output.append(contentsOf: hanging.utf8)
                currentLength = hanging.unicodeScalars.count
                currentHasWord = false
            }
            if currentHasWord {
                output.append(0x20)
                currentLength += 1
            }
            output.append(contentsOf: word)
            currentLength += wordLength
            currentHasWord = true
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The prefix of the first line and the one continuation lines get: `> > - ` continues as
    /// `> >   `, `[12] ` as five spaces.
    static func prefixes(of line: Substring) -> (first: String, hanging: String) {
        // Most lines start with none of the characters a prefix can start with.
        guard let byte = line.utf8.first, " >-*[".utf8.contains(byte) || byte == 0xE2 || (0x30...0x39).contains(byte)
        else { return ("", "") }
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
