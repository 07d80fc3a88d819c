import Foundation
import Testing

/// The offline part of `doctor`, run by `send` before anything goes out and shown by the
/// preview: what is wrong with the message itself.
@Suite struct PreSendCheckTests {
    @Test func aMessageWithoutAVisibleUnsubscribeLinkIsNotSentUnlessForced() throws {
        let sample = try SampleWorkspace()
        let template = try sample.read("templates/email.xhtml.mustache")
        let start = try #require(template.range(of: "<a href=\"{{unsubscribe_url}}\""))
        let end = try #require(template.range(of: "</a>", range: start.upperBound..<template.endIndex))
        try sample.write(
            template.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "{{labels.unsubscribe}}"),
            to: "templates/email.xhtml.mustache")
        let server = try SMTPTestServer()

        let refused = try sample.run(["send", "3", "--rate", "200/s", "--smtp", server.url])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("REFUSAL  The HTML part shows no unsubscribe link"), "\(refused.stderr)")
        #expect(refused.stderr.contains("Nothing was sent"), "\(refused.stderr)")
        #expect(refused.stderr.contains("or send anyway with --force"))
        #expect(try server.arrivals().isEmpty)
        #expect(try sample.run(["status", "3"]).stdout.contains("Issue 3 has not been sent."), "no send was started")

        // A dry run shows the same and goes on; the preview shows it beside the validation.
        let dry = try sample.run(["send", "3", "--dry-run"])
        #expect(dry.status == 0 && dry.stderr.contains("shows no unsubscribe link"), "\(dry.stderr)")
        let preview = try RunningServer(["preview", "3"], in: sample.root)
        let page = try preview.get("").body
        #expect(page.contains("Pre-send check: 1 refusal"), "\(page)")
        #expect(page.contains("The HTML part shows no unsubscribe link"))

        let forced = try sample.run(["send", "3", "--rate", "200/s", "--smtp", server.url, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try server.arrivals().count == (try sample.activeAddresses()).count)
    }

    @Test func theSamplesMessageHasNothingToFix() throws {
        let sample = try SampleWorkspace()
        let dry = try sample.run(["send", "3", "--dry-run"])
        #expect(dry.status == 0)
        #expect(!dry.stderr.contains("pre-send check"), "\(dry.stderr)")
        let preview = try RunningServer(["preview", "3"], in: sample.root)
        #expect(try preview.get("").body.contains("Pre-send check: nothing to fix in the message"))
    }

    @Test func imagesPlainLinksAndASizeGmailClipsAreWarnedOf() throws {
        let sample = try SampleWorkspace()
        try sample.write(
            try sample.read("newsletter.toml").replacingOccurrences(
                of: "allow_raw_html = false", with: "allow_raw_html = true"), to: "newsletter.toml")
        let filler = (1...1500).map { "Paragraph \($0) of a long report, which goes on and on about roads." }
            .joined(separator: "\n\n")
        try sample.write(
            """
            ---
            title: "A long report"
            date: 2026-11-30
            ---
            <img src="https://www.example.org/chart.png">

            ![A map of the pilot towns](https://www.example.org/map.png)

            Read [the old page](http://www.example.org/old-report).

            \(filler)
            """, to: "issues/003/items/07-long-report.md")
        let dry = try sample.run(["send", "3", "--dry-run"])
        #expect(dry.status == 0, "warnings do not stop anything: \(dry.stderr)")
        for expected in [
            "Gmail clips messages over about 102 KB", "1 image without alt text: `https://www.example.org/chart.png`",
            "2 images without width and height", "1 link over plain http: `http://www.example.org/old-report`",
        ] {
            #expect(dry.stderr.contains(expected), "\(expected)\n\(dry.stderr)")
        }
        #expect(!dry.stderr.contains("REFUSAL"))
        #expect(dry.stderr.contains("No refusal, 4 warnings"), "\(dry.stderr)")
    }
}
