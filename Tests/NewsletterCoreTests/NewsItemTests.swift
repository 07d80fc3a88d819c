import Foundation
import NewsletterTestSupport
import Testing

@testable import NewsletterCore

@Suite struct NewsItemTests {
    let file = URL(fileURLWithPath: "/tmp/item.md")

    func parse(_ text: String) throws -> NewsItem {
        try NewsItem(parsing: text, file: file, displayPath: "issues/inbox/item.md")
    }

    @Test func readsEveryField() throws {
        let item = try parse(
            """
            ---
            title: "Budapest conference: 12–14 May"
            date: 2026-04-07
            summary: >
              Three days of talks,
              in two lines.
            link: https://www.example.org/news/budapest
            attachments:
              - title: Strategic assessment (PDF)
                url: https://www.example.org/files/assessment.pdf
            tags: [conference, police]
            source: https://www.example.org/news/123
            ---
            The body, with **Markdown**.

            """)
        #expect(item.title == "Budapest conference: 12–14 May")
        #expect(item.date == CalendarDate(iso: "2026-04-07"))
        #expect(item.summary == "Three days of talks, in two lines.")
        #expect(item.link == "https://www.example.org/news/budapest")
        #expect(
            item.attachments == [
                .init(title: "Strategic assessment (PDF)", url: "https://www.example.org/files/assessment.pdf")
            ])
        #expect(item.tags == ["conference", "police"])
        #expect(item.source == "https://www.example.org/news/123")
        #expect(item.body == "The body, with **Markdown**.\n")
        #expect(item.bodyLine == 14)
    }

    @Test func needsOnlyTitleAndDate() throws {
        let item = try parse("---\ntitle: Short\ndate: 2026-01-02\n---\n")
        #expect(item.summary == nil && item.link == nil && item.attachments.isEmpty && item.tags.isEmpty)
        #expect(item.body.isEmpty)
    }

    @Test func missingTitle() {
        expectOneProblem(at: "issues/inbox/item.md", line: 1, containing: "`title` is missing") {
            _ = try parse("---\ndate: 2026-01-02\n---\nText\n")
        }
    }

    @Test func emptyTitle() {
        expectOneProblem(at: "issues/inbox/item.md", line: 2, containing: "`title` is empty") {
            _ = try parse("---\ntitle:\ndate: 2026-01-02\n---\nText\n")
        }
    }

    @Test func missingDate() {
        expectOneProblem(at: "issues/inbox/item.md", line: 1, containing: "`date` is missing") {
            _ = try parse("---\ntitle: A title\n---\nText\n")
        }
    }

    @Test func dayFirstDateGetsASuggestion() {
        let diagnostics = expectDiagnostics { _ = try parse("---\ntitle: A title\n\ndate: 7.4.2015\n---\n") }
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.location == SourceLocation(file: "issues/inbox/item.md", line: 4))
        #expect(diagnostics.first?.message == "`date` must be a date written YYYY-MM-DD, found `7.4.2015`.")
        #expect(diagnostics.first?.hint?.contains("date: 2015-04-07") == true)
    }

    @Test func impossibleDate() {
        expectOneProblem(at: "issues/inbox/item.md", line: 3, containing: "found `2026-02-30`") {
            _ = try parse("---\ntitle: A\ndate: 2026-02-30\n---\n")
        }
    }

    @Test func noFrontMatter() {
        expectOneProblem(at: "issues/inbox/item.md", line: 1, containing: "starting with `---`") {
            _ = try parse("# Just a heading\n\nText.\n")
        }
    }

    @Test func frontMatterNeverClosed() {
        expectOneProblem(at: "issues/inbox/item.md", line: 1, containing: "never closed") {
            _ = try parse("---\ntitle: A\ndate: 2026-01-02\nText without the closing line.\n")
        }
    }

    @Test func malformedYAMLNamesTheLine() {
        expectOneProblem(at: "issues/inbox/item.md", line: 3, containing: "not valid YAML") {
            _ = try parse("---\ntitle: A\nsummary: \"unterminated\ndate: 2026-01-02\n---\n")
        }
    }

    @Test func frontMatterThatIsNotAMapping() {
        expectOneProblem(at: "issues/inbox/item.md", line: 2, containing: "`key: value`") {
            _ = try parse("---\n- just\n- a list\n---\n")
        }
    }

    @Test func unknownFieldIsNamed() {
        expectOneProblem(at: "issues/inbox/item.md", line: 4, containing: "Unknown field `summray`") {
            _ = try parse("---\ntitle: A\ndate: 2026-01-02\nsummray: typo\n---\n")
        }
    }

    @Test func everyProblemIsReportedAtOnce() {
        let diagnostics = expectDiagnostics { _ = try parse("---\nsummray: x\ndate: 1.2.2026\nlink: not a url\n---\n") }
        #expect(diagnostics.count == 4)
        #expect(Set(diagnostics.compactMap(\.location?.line)) == [1, 2, 3, 4])
    }

    @Test func attachmentsNeedTitleAndURL() {
        expectOneProblem(at: "issues/inbox/item.md", line: 6, containing: "attachments[2].url") {
            _ = try parse(
                """
                ---
                title: A
                date: 2026-01-02
                attachments:
                  - {title: One, url: "https://example.org/one.pdf"}
                  - {title: Two, url: "javascript:alert(1)"}
                ---
                """)
        }
    }

    @Test func controlCharacterInTitleIsRefused() {
        expectOneProblem(at: "issues/inbox/item.md", line: 2, containing: "control character (U+0007)") {
            _ = try parse("---\ntitle: \"Bell\\a\"\ndate: 2026-01-02\n---\n")
        }
    }

    @Test func lineBreaksInAQuotedTitleBecomeSpaces() throws {
        let item = try parse("---\ntitle: \"Two\\nlines\"\ndate: 2026-01-02\n---\n")
        #expect(item.title == "Two lines")
    }

    @Test func identityIsSourceOrTitleAndDay() throws {
        let one = try parse("---\ntitle: Same Title\ndate: 2026-01-02\n---\n")
        let two = try parse("---\ntitle: same title\ndate: 2026-01-02\nsource: feed:1\n---\n")
        #expect(!Set(one.identityKeys).isDisjoint(with: two.identityKeys))
        #expect(two.identityKeys.contains("source:feed:1"))
    }
}

@Suite struct TextFileTests {
    @Test func refusesBytesThatAreNotUTF8AndNamesTheLine() {
        let latin1 = Data("---\ntitle: Caf".utf8) + Data([0xE9]) + Data("\n---\n".utf8)
        expectOneProblem(at: "issues/inbox/cafe.md", line: 2, containing: "not valid UTF-8") {
            _ = try TextFile.decode(latin1, displayPath: "issues/inbox/cafe.md")
        }
    }

    @Test func acceptsAByteOrderMarkAndCRLF() throws {
        let data = Data([0xEF, 0xBB, 0xBF]) + Data("---\r\ntitle: A\r\n---\r\n".utf8)
        #expect(try TextFile.decode(data, displayPath: "x") == "---\ntitle: A\n---\n")
    }

    @Test func writesAtomicallyAndReplaces() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "textfile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "deep/out.txt")
        try TextFile.writeAtomically("first", to: file)
        try TextFile.writeAtomically("second", to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "second")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path) == ["out.txt"])
    }
}
