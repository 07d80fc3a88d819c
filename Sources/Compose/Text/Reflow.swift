/// Text typed over several lines in the config (the organisation's About paragraph, in a TOML
/// multi-line string) as the paragraphs it means: the lines of a paragraph joined with spaces,
/// paragraphs (a blank line between) kept apart, for `TextWrapper` to wrap at 72 columns.
enum Reflow {
    static func paragraphs(_ text: String) -> String {
        var paragraphs: [[Substring]] = [[]]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.isEmpty {
                if !(paragraphs.last?.isEmpty ?? true) { paragraphs.append([]) }
            } else {
                paragraphs[paragraphs.count - 1] += words
            }
        }
        return paragraphs.filter { !$0.isEmpty }.map { $0.joined(separator: " ") }.joined(separator: "\n\n")
    }
}
