import Foundation
import NewsletterCore
import NewsletterTestSupport
import Testing

@testable import Feeds

@Suite struct FeedDateTests {
    @Test(arguments: [
        ("Mon, 02 Nov 2026 09:30:00 +0100", "2026-11-02", 1_793_608_200.0),
        ("Wed, 18 Nov 2026 23:30:00 -0500", "2026-11-18", 1_795_062_600.0),
        ("18 Nov 2026 23:30 EST", "2026-11-18", 1_795_062_600.0),
        ("Thu, 19 Nov 2026 10:00:00 GMT", "2026-11-19", 1_795_082_400.0),
        ("2026-11-10T08:15:00+01:00", "2026-11-10", 1_794_294_900.0),
        ("2026-11-20T23:45:00.250-02:00", "2026-11-20", 1_795_225_500.0),
        ("2026-11-21T09:00:00Z", "2026-11-21", 1_795_251_600.0),
        ("2026-11-25", "2026-11-25", 1_795_564_800.0),
        ("Fri, 20 Nov 26 10:00:00 GMT", "2026-11-20", 1_795_168_800.0),
        ("Mon, 2 Nov 2026 9:30:00 +0100 (CET)", "2026-11-02", 1_793_608_200.0),
    ])
    func readsTheDatesFeedsUse(_ text: String, _ day: String, _ instant: Double) throws {
        let parsed = try #require(FeedDate.parse(text))
        #expect(parsed.day.description == day, "the publisher's own day")
        #expect(parsed.instant.timeIntervalSince1970 == instant, "the offset is honoured")
    }

    @Test(arguments: [
        "yesterday", "32 Nov 2026 10:00:00 GMT", "2026-13-01T00:00:00Z", "Mon, 02 Nov 2026 09:30:00 +99", "",
        // Once read as 1999-11-02, 2026-11-02, 99999-11-02 and 2026-11-02.
        "Mon, 02 Nov -0001 09:30:00 GMT", "Mon, 02 Nov 2026 09:30:00 +0100 garbage here",
        "Mon, 02 Nov 99999 09:30:00 GMT", "Mon, 02 Nov 2026 09:3x:00 GMT",
    ])
    func refusesWhatIsNotADate(_ text: String) {
        #expect(FeedDate.parse(text) == nil)
    }
}

@Suite struct MarkdownWriterTests {
    @Test func writesCommonMarkForNewsBodies() {
        let markdown = MarkdownWriter.markdown(
            fromHTML: """
                <h2>Results</h2><p>Text with <strong>bold</strong>, <em>emphasis</em>, <code>code</code> and
                a <a href="https://example.org/a">link</a>.<br>Next line.</p>
                <ul><li>one</li><li>two <b>bold</b></li></ul><ol start="3"><li>three</li></ol>
                <blockquote><p>Quoted.</p></blockquote><pre>let x = 1</pre><hr>
                <table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>
                <p><img src="https://example.org/i.png" alt="Chart"> 5 * 3 = 15 [not a link]</p>
                """)
        #expect(
            markdown == """
                ## Results

                Text with **bold**, *emphasis*, `code` and a [link](https://example.org/a).\\
                Next line.

                - one
                - two **bold**

                3. three

                > Quoted.

                ```
                let x = 1
                ```

                ---

                | A | B |
                | --- | --- |
                | 1 | 2 |

                ![Chart](https://example.org/i.png) 5 \\* 3 = 15 \\[not a link\\]
                """)
    }

    @Test func aBodyNestedBeyondWhatTheParserReadsIsNotWrittenHalf() {
        func nested(_ depth: Int) -> String {
            String(repeating: "<div>", count: depth) + "<p>The end of the story.</p>"
                + String(repeating: "</div>", count: depth)
        }
        #expect(MarkdownWriter.markdown(fromHTML: nested(200)) == "The end of the story.")
        #expect(MarkdownWriter.markdown(fromHTML: nested(300)) == nil)
        #expect(MarkdownWriter.markdown(fromHTML: nested(100_000)) == nil)
    }

    @Test func dropsWhatIsDangerous() {
        let markdown = MarkdownWriter.markdown(
            fromHTML: """
                <p onclick="x()">Read <a href="javascript:alert(1)">this</a>.</p><script>alert(1)</script><style>p{}</style>
                <iframe src="https://evil.example.com/"></iframe><img src="data:image/png;base64,AAAA"><object data="x"></object>
                """)
        #expect(markdown == "Read this.")
    }
}

@Suite struct FeedParserTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Fixtures/feeds")

    func parse(_ name: String) throws -> ParsedFeed {
        try FeedParser.parse(Data(contentsOf: Self.fixtures.appending(path: name)), source: name)
    }

    @Test func rss2() throws {
        let feed = try parse("rss2.xml")
        #expect(feed.format == .rss2)
        #expect(feed.entries.count == 6)
        let first = feed.entries[0]
        #expect(first.title == "Lisbon assembly elects a new board")
        #expect(first.id == "news-2026-0412")
        #expect(first.summary == "The General Assembly met in Lisbon and elected a new board.")
        #expect(first.bodyHTML?.contains("<strong>Northbridge Alliance</strong>") == true)
        #expect(
            feed.entries[1].bodyHTML == "Hospitals and police count <b>different</b> things &amp; the gap is large.")
        #expect(feed.entries[2].title == nil && feed.entries[3].date == nil)
    }

    @Test func rss1() throws {
        let feed = try parse("rss1.rdf")
        #expect(feed.format == .rss1)
        #expect(
            feed.entries.map(\.id) == [
                "https://www.example.org/news/2026/pedestrian-toolkit",
                "https://www.example.org/news/2026/work-programme",
            ])
        #expect(feed.entries.map { $0.date?.day.description } == ["2026-11-10", "2026-11-25"])
    }

    @Test func atomWithHTMLAndXHTMLContent() throws {
        let feed = try parse("atom.xml")
        #expect(feed.format == .atom)
        #expect(feed.entries[0].link == "https://www.example.org/news/2026/awards-jury")
        #expect(
            feed.entries[0].bodyHTML?.hasPrefix("<p>The jury, chaired by <strong>Kateřina Nováková</strong>") == true)
        #expect(feed.entries[0].date?.day.description == "2026-11-20", "published, in its own offset")
        #expect(feed.entries[1].title == "Night-time visibility: seen and safe campaign results")
        #expect(feed.entries[1].bodyHTML?.contains("<b>2 300</b>") == true)
        #expect(feed.entries[2].title == nil)
    }

    @Test func otherEncodings() throws {
        let feed = try parse("latin1.xml")
        #expect(feed.entries.first?.title == "Café meeting in Köln")
        #expect(feed.entries.first?.bodyHTML == "Straße, à bientôt.")
    }

    @Test(arguments: [
        ("hostile-xxe.xml", "declares entities"), ("hostile-bomb.xml", "declares entities"),
        ("malformed.xml", "not well-formed XML"), ("not-a-feed.html", "This is not a feed"),
    ])
    func refusesHostileAndBrokenFeeds(_ name: String, _ message: String) {
        let diagnostics = expectDiagnostics { _ = try parse(name) }
        #expect(diagnostics.first?.message.contains(message) == true, "\(diagnostics)")
        if name == "malformed.xml" { #expect(diagnostics.first?.location?.line == 4) }
    }
}
