import Foundation
internal import Mustache

/// Which line of a template made a line of its output, so that a problem libxml2 finds in
/// the rendered email is reported at the template line the editor can fix. The template is
/// rendered a second time with a marker at the start of each of its lines; the markers that
/// reach the output say where each output line came from. A line of a value the template
/// inserts (an item's HTML) maps to the template line that inserts it.
struct TemplateLineMap {
    /// For each output line (0-based), the 1-based template line it came from, when known.
    private let lines: [Int?]

    /// `nil` when the template cannot be marked without changing what it renders (changed
    /// delimiters, a tag over several lines); the problems are then reported in the output.
    init?(template source: String, context: [String: Any], rendered: String) {
        guard let marked = Self.marked(source), let template = try? MustacheTemplate(string: marked) else {
            return nil
        }
        let output = template.render(context)
        // The markers must be all that differs: otherwise the lines would not match.
        guard Self.removingMarkers(from: output) == rendered else { return nil }
        var lines: [Int?] = []
        var current: Int?
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            // The first marker on the line says where it starts; without one, it continues
            // the template line before it (a value over several lines).
            let markers = Self.markers(in: line)
            lines.append(markers.first ?? current)
            current = markers.last ?? current
        }
        self.lines = lines
    }

    func templateLine(forOutputLine line: Int) -> Int? {
        lines.indices.contains(line - 1) ? lines[line - 1] : nil
    }

    private static let open: Character = "\u{E000}"
    private static let close: Character = "\u{E001}"

    /// The template with `open` + line number + `close` at the start of each line that has
    /// text or a value of its own. Lines that hold only sections and comments are left alone:
    /// Mustache removes such a "standalone" line from the output, and a marker would keep it.
    private static func marked(_ source: String) -> String? {
        guard !source.contains(open), !source.contains(close) else { return nil }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        var output = ""
        for (index, line) in lines.enumerated() {
            if index > 0 { output += "\n" }
            guard let hasOwnContent = ownContent(line) else { return nil }
            if hasOwnContent { output += "\(open)\(index + 1)\(close)" }
            output += line
        }
        return output
    }

    /// Whether the line has text outside tags, or a value tag; `nil` when a tag on it is not
    /// closed on it, or changes the delimiters (the marking would then change the template).
    private static func ownContent(_ line: Substring) -> Bool? {
        var rest = line[...]
        var content = false
        while let start = rest.range(of: "{{") {
            if rest[..<start.lowerBound].contains(where: { !$0.isWhitespace }) { content = true }
            let triple = rest[start.upperBound...].hasPrefix("{")
            guard let end = rest[start.upperBound...].range(of: triple ? "}}}" : "}}") else {
                return line.trimmingCharacters(in: .whitespaces).hasPrefix("{{!") ? false : nil
            }
            let tag = rest[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("=") { return nil }
            if triple || !(tag.first.map { "#^/!>".contains($0) } ?? false) { content = true }
            rest = rest[end.upperBound...]
        }
        if rest.contains(where: { !$0.isWhitespace }) { content = true }
        return content
    }

    private static func markers(in line: Substring) -> [Int] {
        var numbers: [Int] = []
        var rest = line[...]
        while let start = rest.firstIndex(of: open), let end = rest[start...].firstIndex(of: close) {
            if let number = Int(rest[rest.index(after: start)..<end]) { numbers.append(number) }
            rest = rest[rest.index(after: end)...]
        }
        return numbers
    }

    private static func removingMarkers(from text: String) -> String {
        var output = ""
        var inside = false
        for character in text {
            if character == open {
                inside = true
            } else if character == close {
                inside = false
            } else if !inside {
                output.append(character)
            }
        }
        return output
    }
}
