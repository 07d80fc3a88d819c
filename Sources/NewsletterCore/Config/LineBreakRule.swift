/// `[compose] line_breaks`: what becomes of a line break the editor typed inside a paragraph.
/// CommonMark joins such lines into one ("soft breaks"), which collapses a contact block
/// (name / email / phone, each on its line) into one run-on line; a paragraph wrapped in the
/// source must still stay one paragraph. `Compose.TypedLines` tells the two apart.
public enum LineBreakRule: String, Sendable, CaseIterable {
    /// The default: a line that ends before the paragraph's width is a line the editor ended,
    /// and stays one; lines that reach the width are a wrapped paragraph, and are joined.
    case auto
    /// As CommonMark has it: lines are joined unless one ends with `\` (or two spaces).
    case commonmark
    /// Every line typed stays a line, as in a chat message.
    case keep
}
