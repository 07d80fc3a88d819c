import Delivery
import Foundation
import Testing

/// The HTTP side against the running binary: unsubscribe endpoints, the archive, the preview.
@Suite struct UnsubscribeServerTests {
    let secret = try! UnsubscribeSecret(bytes: Data(SampleWorkspace.secret.utf8))

    func token(_ address: String, list: String = "main") -> String {
        UnsubscribeToken(list: list, address: address).encoded(with: secret)
    }

    func serve(_ sample: SampleWorkspace) throws -> RunningServer {
        try RunningServer(["serve"], in: sample.root, environment: ["NEWSLETTER_SECRET": SampleWorkspace.secret])
    }

    /// What the store holds of `address`, as `subscribers show --json` prints it.
    func record(_ sample: SampleWorkspace, _ address: String) throws -> String {
        try sample.run(["subscribers", "show", address, "--json"]).stdout
    }

    @Test func oneClickUnsubscribeWritesTheAddressOnceAndAGetChangesNothing() throws {
        let sample = try SampleWorkspace()
        let server = try serve(sample)
        let before = try record(sample, "agnes.banfi@example.org")
        #expect(before.contains("\"status\" : \"confirmed\""))
        let path = "unsubscribe/" + token("agnes.banfi@example.org")

        let page = try server.get(path)
        #expect(page.status == 200)
        #expect(page.headers.lowercased().contains("cache-control: no-store"))
        #expect(page.body.contains("agnes.banfi@example.org") && page.body.contains("<form method=\"post\">"))
        #expect(try record(sample, "agnes.banfi@example.org") == before, "a GET never changes anything")
        let headOnly = try server.head(path)
        #expect(headOnly.status == 200 && headOnly.body.isEmpty, "\(headOnly.headers)")
        #expect(headOnly.headers.lowercased().contains("cache-control: no-store"))
        #expect(try record(sample, "agnes.banfi@example.org") == before, "nor does a HEAD")

        let withoutBody = try server.post(path, body: nil)
        #expect(withoutBody.status == 400)
        #expect(try record(sample, "agnes.banfi@example.org") == before)

        let done = try server.post(path, body: "List-Unsubscribe=One-Click")
        #expect(done.status == 200)
        #expect(done.headers.lowercased().contains("cache-control: no-store"))
        let again = try server.post(path, body: "List-Unsubscribe=One-Click")
        #expect(again.status == 200, "unsubscribing twice is harmless")
        let after = try record(sample, "agnes.banfi@example.org")
        #expect(after.contains("\"status\" : \"unsubscribed\""), "\(after)")
        #expect(after.components(separatedBy: "\"action\" : \"unsubscribed\"").count == 2, "one event: \(after)")
        #expect(!(try sample.activeAddresses().contains("agnes.banfi@example.org")))
    }

    @Test func thePreferencesPageOffersEveryListAndLeavingAllSuppresses() throws {
        let sample = try SampleWorkspace()
        #expect(try sample.run(["subscribers", "add", "agnes.banfi@example.org", "--list", "partners"]).status == 0)
        let server = try serve(sample)
        let path = "unsubscribe/" + token("agnes.banfi@example.org")
        let page = try server.get(path).body
        #expect(page.contains("Leave Northbridge Alliance Newsletter"), "\(page)")
        #expect(page.contains("You are also on: Partners&#39; briefing") || page.contains("You are also on: Partners"))
        #expect(page.contains("name=\"leave\" value=\"all\""))
        let left = try server.post(path, body: "leave=all")
        #expect(left.status == 200 && left.body.contains("will get nothing more"))
        let shown = try sample.run(["subscribers", "show", "agnes.banfi@example.org"]).stdout
        #expect(shown.contains("main: unsubscribed") && shown.contains("partners: unsubscribed"), "\(shown)")
        #expect(shown.contains("Suppressed: unsubscribed"))
    }

    @Test func forgedTruncatedAndUnknownTokensAnswer400WithNothingWritten() throws {
        let sample = try SampleWorkspace()
        let server = try serve(sample)
        let before = try sample.run(["subscribers", "list"]).stdout
        let good = token("agnes.banfi@example.org")
        let other = try UnsubscribeSecret(bytes: Data("a different secret of some length".utf8))
        for bad in [
            String(good.dropLast(3)), String(good.prefix(20)), "x" + good,
            UnsubscribeToken(list: "main", address: "agnes.banfi@example.org").encoded(with: other),
            token("someone@example.org", list: "vip"), "%00", "..%2f..%2fnewsletter.toml",
        ] {
            #expect(try server.post("unsubscribe/" + bad, body: "List-Unsubscribe=One-Click").status == 400, "\(bad)")
            #expect(try server.get("unsubscribe/" + bad).status == 400, "\(bad)")
        }
        #expect(try [404, 405].contains(server.post("unsubscribe/", body: "List-Unsubscribe=One-Click").status))
        #expect(try sample.run(["subscribers", "list"]).stdout == before)
    }

    @Test func aHundredConcurrentUnsubscribesAreEachWrittenOnce() throws {
        let sample = try SampleWorkspace()
        let server = try serve(sample)
        let addresses = try sample.activeAddresses()
        #expect(addresses.count > 20)
        var arguments = [
            "-s", "-Z", "--parallel-max", "100", "-X", "POST", "--data-binary", "List-Unsubscribe=One-Click",
        ]
        for address in addresses + addresses {
            arguments += ["-o", "/dev/null", server.base + "unsubscribe/" + token(address)]
        }
        let result = try CommandLineTool.run(URL(fileURLWithPath: "/usr/bin/curl"), arguments, in: sample.root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try sample.activeAddresses().isEmpty, "everyone left the list")
        for address in addresses.prefix(5) {
            let events = try record(sample, address).components(separatedBy: "\"action\" : \"unsubscribed\"").count - 1
            #expect(events == 1, "\(address): \(events) events")
        }
    }

    @Test func pathTraversalIsRefused() throws {
        let sample = try SampleWorkspace()
        let server = try serve(sample)
        for path in [
            "../newsletter.toml", "../../newsletter.toml", "%2e%2e/newsletter.toml", "%2E%2E%2Fnewsletter.toml",
            "issues/..%2f..%2f..%2fnewsletter.toml", "issues/%2e%2e/%2e%2e/newsletter.toml", "..\\newsletter.toml",
            "subscribers/main.csv", "../subscribers/main.csv",
        ] {
            let reply = try server.get(path)
            #expect([400, 404].contains(reply.status), "\(path): \(reply.status)")
            #expect(!reply.body.contains("[smtp]") && !reply.body.contains("agnes.banfi"), "\(path) leaked a file")
        }
        // A NUL cut the file lookup short (the page served as plain text), and a redirect
        // echoed what followed into its Location header.
        for path in [
            "index.html%00.txt", "feed.xml%00.html", "issues/001%00%0d%0aSet-Cookie:%20a=b", "index.html%00%FF.txt",
            "index.html%7f",
        ] {
            #expect(try server.get(path).status == 400, "\(path)")
        }
        #expect(try server.get("index.html").status == 200)
    }

    @Test func servesTheArchiveAndItsFeed() throws {
        let sample = try SampleWorkspace()
        let server = try serve(sample)
        let index = try server.get("")
        #expect(index.status == 200)
        #expect(index.body.contains("Issue n. 2") && index.body.contains("Issue n. 1"))
        #expect(
            index.body.range(of: "Issue n. 2")!.lowerBound < index.body.range(of: "Issue n. 1")!.lowerBound,
            "newest first")
        #expect(!index.body.contains("Issue n. 3"), "drafts are not in the archive")
        let page = try server.get("issues/002/")
        #expect(page.status == 200 && page.body.contains("speed, sleep and safer school routes"))
        let feed = try server.get("feed.xml")
        #expect(feed.status == 200 && feed.body.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"))
        // What a link checker asks: the GET's status and headers, no body.
        let feedHead = try server.head("feed.xml")
        #expect(feedHead.status == 200 && feedHead.body.isEmpty)
        #expect(
            feedHead.headers.lowercased().contains("content-length: \(feed.body.utf8.count)"), "\(feedHead.headers)")
        #expect(try server.head("issues/999/").status == 404)
    }
}

@Suite struct PreviewServerTests {
    @Test func showsTheEmailTextRawMessageAndHeadersAsTheSubscriberGetsThem() throws {
        let sample = try SampleWorkspace()
        let server = try RunningServer(["preview", "3", "--as", "jose.pena@example.net"], in: sample.root)
        let index = try server.get("")
        #expect(index.status == 200)
        #expect(index.body.contains("jose.pena@example.net"))
        let indexHead = try server.head("")
        #expect(indexHead.status == 200 && indexHead.body.isEmpty)
        #expect(indexHead.headers.lowercased().contains("content-type: text/html"), "\(indexHead.headers)")
        #expect(index.body.contains("Nominations open for the 2026 Safer Roads Awards"))
        #expect(index.body.contains("the email is valid XHTML 1.0 Transitional"))
        let email = try server.get("email")
        #expect(email.body.hasPrefix("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\""))
        #expect(email.body.contains("at jose.pena@example.net"))
        #expect(try server.get("text").body.contains("IN THIS ISSUE"))
        let raw = try server.get("message.eml")
        #expect(raw.headers.lowercased().contains("content-type: message/rfc822"))
        #expect(raw.body.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
        #expect(raw.body.contains("To: =?UTF-8?Q?Pe=C3=B1a=2C_Jos=C3=A9?= <jose.pena@example.net>"))
        #expect(try server.get("headers").body.contains("Subject: Northbridge Alliance Newsletter"))
        #expect(try server.get("web").body.hasPrefix("<!DOCTYPE html>"))
    }

    @Test func anAddressThatIsNoSubscriberIsRefusedAsThePreviewStarts() throws {
        let sample = try SampleWorkspace()
        // Under `timeout`: a preview that started serving would never end by itself.
        let result = try CommandLineTool.run(
            URL(fileURLWithPath: "/usr/bin/timeout"),
            ["30", CommandLineTool.binary.path, "preview", "3", "--as", "nobody@example.org", "--port", "0"],
            in: sample.root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("nobody@example.org is not an active subscriber of the list `main`."))
        #expect(!result.stdout.contains("Previewing"))
    }

    @Test func reloadsAfterAChangeAndShowsABuildErrorInsteadOfDying() throws {
        let sample = try SampleWorkspace()
        let server = try RunningServer(["preview", "3"], in: sample.root)
        let events = FileManager.default.temporaryDirectory.appending(path: "events-\(UUID().uuidString)")
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        listener.arguments = ["-s", "-N", "--max-time", "8", "-o", events.path, server.base + "events"]
        try listener.run()
        defer {
            listener.terminate()
            try? FileManager.default.removeItem(at: events)
        }
        Thread.sleep(forTimeInterval: 1)
        let item = "issues/003/items/02-consultation-response.md"
        let original = try sample.read(item)
        try sample.write(original.replacingOccurrences(of: "date: 2026-08-27", with: "date: 27.8.2026"), to: item)
        var reloaded = false
        for _ in 0..<40 where !reloaded {
            Thread.sleep(forTimeInterval: 0.1)
            reloaded = ((try? String(contentsOf: events, encoding: .utf8)) ?? "").contains("data: reload")
        }
        #expect(reloaded, "the page is told to reload after the item changed")

        let broken = try server.get("")
        #expect(broken.status == 200)
        #expect(broken.body.contains("does not build"))
        #expect(broken.body.contains("\(item):3"))
        #expect(broken.body.contains("`date` must be a date written YYYY-MM-DD, found `27.8.2026`."))
        #expect(server.isRunning)
        try sample.write(original, to: item)
        #expect(try server.get("").body.contains("the email is valid"))
    }
}

/// A real browser: headless Chromium (Debian `chromium`) loads the preview and the archive;
/// screenshots are kept in `.build/test-artifacts/` for a person to look at.
@Suite struct BrowserTests {
    static let chromium = URL(fileURLWithPath: "/usr/bin/chromium")
    static let artifacts = SampleWorkspace.repository.appending(path: ".build/test-artifacts")

    func chromium(_ arguments: [String]) throws -> CommandLineTool.Result {
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        return try CommandLineTool.run(
            Self.chromium,
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"] + arguments,
            in: Self.artifacts)
    }

    @Test func thePreviewAndTheArchiveRenderInChromium() throws {
        let sample = try SampleWorkspace()
        let issue = try sample.run(["issue", "show", "3"]).stdout
        let preview = try RunningServer(["preview", "3"], in: sample.root)
        let dom = try chromium(["--dump-dom", preview.base])
        #expect(dom.status == 0, "\(dom.stderr)")
        for title in ["Nominations open for the 2026 Safer Roads Awards", "Safer Roads Awards 2026: the winners"] {
            #expect(issue.contains(title) && dom.stdout.contains(title))
        }
        let shot = try chromium([
            "--window-size=900,1400", "--screenshot=\(Self.artifacts.path)/preview.png", preview.base + "email",
        ])
        #expect(shot.status == 0)
        #expect(FileManager.default.fileExists(atPath: Self.artifacts.appending(path: "preview.png").path))

        let archive = try RunningServer(
            ["serve"], in: sample.root, environment: ["NEWSLETTER_SECRET": SampleWorkspace.secret])
        let archiveDOM = try chromium(["--dump-dom", archive.base])
        #expect(archiveDOM.stdout.contains("a common curriculum for crash investigators"))
        #expect(archiveDOM.stdout.contains("speed, sleep and safer school routes"))
        _ = try chromium(["--window-size=900,1200", "--screenshot=\(Self.artifacts.path)/archive.png", archive.base])
        #expect(FileManager.default.fileExists(atPath: Self.artifacts.appending(path: "archive.png").path))
    }
}
