/// Splitting text into lines by its UTF-8 bytes. `String.split` walks grapheme clusters, which
/// costs several times more on the long texts of an issue; a newline byte is always a line
/// break in UTF-8, so the byte view gives the same lines.
public enum TextLines {
    public static func split(_ text: some StringProtocol) -> [Substring] {
        let whole = Substring(text)
        return whole.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs. Foundation's `trimmingCharacters(in:)`
    /// goes through NSString; this stays in Swift, for the paragraphs of every item.
    public var trimmingSpaces: Substring {
        let whole = Substring(self)
        let isSpace = { (scalar: Unicode.Scalar) in scalar == " " || scalar == "\t" }
        guard let first = whole.unicodeScalars.firstIndex(where: { !isSpace($0) }),
            let last = whole.unicodeScalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return whole[first...last]
    }
}
