import Testing

@testable import Compose

@Suite struct PlainTextTests {
    @Test func linksBecomeNumberedReferences() {
        let text = MarkdownText(
            "See [the report](https://example.org/r) and [the data](https://example.org/d), again [the report](https://example.org/r).\n\nWrite to <editor@example.org> or <https://example.org/x>.",
            allowRawHTML: false)
        #expect(
            text.text
                == "See the report [1] and the data [2], again the report [1].\n\nWrite to editor@example.org or https://example.org/x."
        )
        #expect(text.references.urls == ["https://example.org/r", "https://example.org/d"])
    }

    @Test func listsQuotesAndHardBreaks() {
        let text = MarkdownText(
            """
            - one
            - two

            3. three
            4. four

            > “Quoted,” said Bánfi.
            >
            > Second paragraph.

            For further information, please contact:\\
            Ioana Popescu\\
            +32 2 555 01 23
            """, allowRawHTML: false)
        #expect(
            text.text == """
                - one
                - two

                3. three
                4. four

                > “Quoted,” said Bánfi.
                >
                > Second paragraph.

                For further information, please contact:
                Ioana Popescu
                +32 2 555 01 23
                """)
    }

    @Test func narrowTablesAlignWideTablesBecomeRecords() {
        let narrow = MarkdownText("| A | Bee |\n|---|---|\n| 1 | 2 |\n", allowRawHTML: false)
        #expect(narrow.text == "A | Bee\n--+----\n1 | 2")
        // As the table asks: right-aligned numbers, a centred column.
        let aligned = MarkdownText(
            "| Country | Checks | Mid |\n|---|--:|:-:|\n| Denmark | 41 200 | x |\n| Malta | 900 | yy |\n",
            allowRawHTML: false)
        #expect(
            aligned.text
                == "Country | Checks | Mid\n--------+--------+----\nDenmark | 41 200 |  x\nMalta   |    900 | yy")
        let wide = MarkdownText(
            "| Country | Speed checks in 2024 | Speed checks in 2025 | Share of drivers over the limit |\n|---|---|---|---|\n| Denmark | 41 200 | 48 900 | 3.1 % |\n",
            allowRawHTML: false)
        #expect(
            wide.text
                == "Denmark\n  Speed checks in 2024: 41 200\n  Speed checks in 2025: 48 900\n  Share of drivers over the limit: 3.1 %"
        )
    }

    @Test func wrapsAt72ColumnsWithHangingIndents() {
        let long = String(repeating: "word ", count: 40).trimmingCharacters(in: .whitespaces)
        let wrapped = TextWrapper.wrap("- \(long)\n> \(long)\n[12] \(long)")
        let lines = wrapped.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 72 })
        #expect(lines.contains { $0.hasPrefix("  word") })
        #expect(lines.filter { $0.hasPrefix("> ") }.count >= 2)
        #expect(lines.contains { $0.hasPrefix("     word") })
    }

    @Test func neverBreaksAURL() {
        let url = "https://www.example.org/" + String(repeating: "very-long-path-segment/", count: 5)
        let wrapped = TextWrapper.wrap("Read it at \(url) today, please, because it is important to read.")
        #expect(wrapped.split(separator: "\n").contains { $0 == Substring(url) })
    }

    @Test func countsCharactersNotBytes() {
        let line = String(repeating: "Łódź ", count: 14).trimmingCharacters(in: .whitespaces)
        #expect(line.count == 69)
        #expect(TextWrapper.wrap(line) == line)
    }
}
