import Testing

@testable import Compose

/// `compose.line_breaks = "auto"`, the rule alone: wrapped paragraphs are joined, lines ended
/// early are kept.
@Suite struct TypedLinesTests {
    static let prose = """
        The statement starts from a simple observation. For every person killed on Europe’s roads, \
        around five are left with serious injuries, many of them life-changing. Whether someone \
        survives a crash, and how well they recover, depends heavily on how quickly they are found, \
        see https://www.example.org/news/2026/joint-statement-post-crash-care-and-rehabilitation \
        for the whole text, and on whether anybody helps them afterwards to return to work.
        """

    /// What a text editor's wrapping does: each line as full as the width allows.
    static func greedy(_ text: String, width: Int) -> [Substring] {
        var lines: [String] = []
        for word in text.split(separator: " ") {
            if let last = lines.last, last.count + 1 + word.count <= width {
                lines[lines.count - 1] += " " + word
            } else {
                lines.append(String(word))
            }
        }
        return lines.map { $0[...] }
    }

    @Test(arguments: [60, 65, 72, 80, 100, 120])
    func aParagraphWrappedAtAnyWidthIsOneParagraph(_ width: Int) {
        let lines = Self.greedy(Self.prose, width: width)
        let kept = TypedLines.keptBreaks(lines)
        #expect(kept.count == lines.count - 1)
        // Only before the long address may a break be kept: where wrapping breaks the line too.
        for (index, isKept) in kept.enumerated() where isKept {
            #expect(lines[index + 1].hasPrefix("https://"), "width \(width), line \(index + 1): \(lines[index])")
        }
    }

    @Test func aContactBlockKeepsEveryLineHoweverLongTheAddress() {
        let block: [Substring] = [
            "For further information, please contact:", "Priya Nair, volunteers coordinator",
            "volunteers.and.events@riverside-energy-cooperative.example", "01632 960 114",
        ]
        #expect(TypedLines.keptBreaks(block) == [true, true, true])
    }

    @Test func aLongRoleBeforeTheEmailAndPhoneIsALineToo() {
        let block: [Substring] = [
            "For further information, please contact:", "Ioana Popescu, programme manager, training and enforcement",
            "ioana.popescu@example.org", "+32 2 555 01 23",
        ]
        #expect(TypedLines.keptBreaks(block) == [true, true, true])
    }

    @Test func aLongLineBeforeTheLastIsJoinedAmongKeptOnes() {
        let lines: [Substring] = [
            "Zoë Müller, volunteers coordinator",
            "For the week and how to take part in it, write to volunteers@example.org",
            "or call +32 2 555 01 20",
        ]
        #expect(TypedLines.keptBreaks(lines) == [true, false])
    }

    @Test func quoteMarkersAndTrailingSpacesAreNotText() {
        let lines: [Substring] = [
            "> A quoted paragraph that was wrapped in the file at about seventy", "> columns, like the rest.",
        ]
        #expect(TypedLines.keptBreaks(lines) == [false])
        let poem: [Substring] = ["> Roses are red,  ", "> violets are blue"]
        #expect(TypedLines.keptBreaks(poem) == [true])
    }
}
