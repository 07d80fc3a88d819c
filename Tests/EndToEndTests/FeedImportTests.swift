import Foundation
import Testing

/// `newsletter news import` against a real HTTP server on loopback (Python's http.server,
/// `Tests/Servers/http_server.py`), serving the feeds written for these tests.
final class HTTPTestServer {
    static let script = SampleWorkspace.repository.appending(path: "Tests/Servers/http_server.py")
    static let feeds = SampleWorkspace.repository.appending(path: "Tests/Fixtures/feeds")
    let process = Process()
    let base: String

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.script.path, "--root", Self.feeds.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard line.hasPrefix("READY "),
            let port = Int(line.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            kill(process.processIdentifier, SIGKILL)
            throw SMTPTestServer.ServerError(message: "the HTTP server did not start: \(line)")
        }
        base = "http://127.0.0.1:\(port)/"
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

@Suite struct FeedImportTests {
    func inbox(_ sample: SampleWorkspace) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: sample.root.appending(path: "issues/inbox").path).sorted()
    }

    @Test func importsOverHTTPAndTwiceAddsNothing() throws {
        let sample = try SampleWorkspace()
        let server = try HTTPTestServer()
        let before = try inbox(sample)
        let first = try sample.run(["news", "import", server.base + "files/rss2.xml", "--since", "2026-01-01"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            first.stdout.contains(
                "RSS 2.0 feed: added 2, skipped 2 (1 repeated in the feed, 1 older than 2026-01-01), refused 2"))
        #expect(first.stderr.contains("rss2.xml:25: The entry `news-2026-untitled` has no title; it is skipped."))
        #expect(first.stderr.contains("The entry “An entry without a date” is skipped: it has no date."))
        let added = Set(try inbox(sample)).subtracting(before)
        #expect(
            added == [
                "2026-11-02-lisbon-assembly-elects-a-new-board.md",
                "2026-11-18-survey-how-many-e-scooter-injuries-go-unrecorded.md",
            ])
        let item = try sample.read("issues/inbox/2026-11-02-lisbon-assembly-elects-a-new-board.md")
        #expect(item.contains("source: \"news-2026-0412\"") && item.contains("**Northbridge Alliance**"))
        #expect(try sample.run(["check"]).status == 0, "imported items are valid items")

        let second = try sample.run(["news", "import", server.base + "redirect/5/rss2.xml", "--since", "2026-01-01"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("added 0"))
        #expect(try inbox(sample).count == before.count + 2)
    }

    @Test func entriesAlreadyInAnIssueAreRecognised() throws {
        let sample = try SampleWorkspace()
        let server = try HTTPTestServer()
        #expect(try sample.run(["news", "import", server.base + "files/atom.xml"]).status == 0)
        #expect(try sample.run(["issue", "new", "--date", "2027-01-01"]).status == 0)
        #expect(try sample.run(["issue", "collect", "4"]).status == 0)
        let again = try sample.run(["news", "import", server.base + "files/atom.xml"])
        #expect(again.stdout.contains("added 0, skipped 2 (2 already imported)"))
    }

    @Test(arguments: [
        ("redirect/6/rss2.xml", [], "redirects more than 5 times"),
        ("status/404", [], "The server answered HTTP 404"),
        ("status/500", [], "The server answered HTTP 500"),
        ("slow", ["--timeout", "2"], "did not arrive within 2 seconds"),
        ("huge", ["--max-size", "1"], "larger than 1 MB; it was cut off"),
        ("files/not-a-feed.html", [], "This is not a feed: its root element is <html>"),
        ("files/hostile-xxe.xml", [], "declares entities"),
        ("files/hostile-bomb.xml", [], "declares entities"),
        ("files/malformed.xml", [], "malformed.xml:4: The feed is not well-formed XML"),
    ])
    func badFeedsAreRefusedAndNothingIsWritten(_ path: String, _ options: [String], _ message: String) throws {
        let sample = try SampleWorkspace()
        let server = try HTTPTestServer()
        let before = try inbox(sample)
        let result = try sample.run(["news", "import", server.base + path] + options)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(try inbox(sample) == before)
    }

    @Test func hostileHTMLIsSanitisedAndXXENeverReadsAFile() throws {
        let sample = try SampleWorkspace()
        let server = try HTTPTestServer()
        #expect(try sample.run(["news", "import", server.base + "files/hostile-content.xml"]).status == 0)
        let item = try sample.read("issues/inbox/2026-11-24-nice-looking-news.md")
        for forbidden in ["script", "javascript", "onclick", "onmouseover", "iframe", "evil", "data:", "style"] {
            #expect(!item.contains(forbidden), "\(forbidden)")
        }
        #expect(
            item.contains("[that](https://www.example.org/ok)")
                && item.contains("![A chart](https://www.example.org/chart.png)"))
    }
}

@Suite struct FeedWithoutIdsTests {
    @Test func entriesWithoutIdsAreRecognisedByLinkOrTitle() throws {
        let sample = try SampleWorkspace()
        let feed = HTTPTestServer.feeds.appending(path: "no-ids.xml").path
        let first = try sample.run(["news", "import", feed])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("added 2"))
        let webinar = try sample.read("issues/inbox/2026-11-28-webinar-on-speed-management.md")
        #expect(
            webinar.contains("source: \"https://www.example.org/news/2026/webinar-speed\""),
            "the link stands in for a missing guid")
        let office = try sample.read("issues/inbox/2026-11-29-office-closed-between-the-holidays.md")
        #expect(office.contains("source: \"\(feed)#Office closed between the holidays\""))
        #expect(try sample.run(["news", "import", feed]).stdout.contains("added 0, skipped 2 (2 already imported)"))
    }

    @Test func anEntryTooDeeplyNestedToReadIsRefusedAndTheOthersImported() throws {
        let sample = try SampleWorkspace()
        func entry(_ title: String, _ html: String) -> String {
            "<item><title>\(title)</title><guid>\(title)</guid><pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate>"
                + "<description>\(html.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;"))</description></item>"
        }
        let deep = String(repeating: "<div>", count: 5000) + "Lost words" + String(repeating: "</div>", count: 5000)
        try sample.write(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>News</title>"
                + entry("Deep", deep) + entry("Plain", "<p>Kept words</p>") + "</channel></rss>",
            to: "deep.xml")
        let before = try FileManager.default.contentsOfDirectory(
            atPath: sample.root.appending(path: "issues/inbox").path)
        let result = try sample.run(["news", "import", sample.root.appending(path: "deep.xml").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("added 1"), "\(result.stdout)")
        #expect(
            result.stderr.contains(
                "deep.xml:1: The entry “Deep” is skipped: its HTML nests elements more than 256 deep"),
            "\(result.stderr)")
        let added = try FileManager.default.contentsOfDirectory(
            atPath: sample.root.appending(path: "issues/inbox").path
        )
        .filter { !before.contains($0) }
        #expect(added == ["2026-11-30-plain.md"])
        #expect(try sample.read("issues/inbox/2026-11-30-plain.md").contains("Kept words"))
    }
}
