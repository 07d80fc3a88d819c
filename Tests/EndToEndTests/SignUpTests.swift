import Compose
import Delivery
import Foundation
import NewsletterCore
import Testing

/// The public sign-up of `newsletter serve`, on a workspace made by `init` (one list, `main`,
/// public, double opt-in): a real browser signing up and confirming from the mail aiosmtpd
/// received, and hostile and odd requests through curl.
@Suite struct SignUpTests {
    /// A workspace, a relay that keeps what it gets, and `serve` mailing through it.
    final class Setup {
        let workspace: NewWorkspace
        let relay: SMTPTestServer
        let server: RunningServer

        /// `limit`: sign-ups an hour from one IP address (the tests' requests all come from one).
        init(limit: Int = 10_000, configure: (inout String) -> Void = { _ in }) throws {
            workspace = try NewWorkspace { config in
                configure(&config)
                if !config.contains("[signup]") { config += "\n[signup]\n" }
                config = config.replacingOccurrences(of: "[signup]\n", with: "[signup]\nper_ip_per_hour = \(limit)\n")
            }
            relay = try SMTPTestServer()
            server = try RunningServer(["serve", "--smtp", relay.url], in: workspace.root)
        }

        func shown(_ address: String) throws -> String {
            try workspace.run(["subscribers", "show", address]).stdout
        }

        /// `curl` with its own arguments, then the URL's path under the server.
        func curl(_ arguments: [String], _ path: String = "subscribe") throws -> (status: Int, body: String) {
            let result = try CommandLineTool.run(
                URL(fileURLWithPath: "/usr/bin/curl"),
                ["-s", "--max-time", "20", "-w", "\n%{http_code}"] + arguments + [server.base + path],
                in: workspace.root)
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
        }

        func signUp(_ fields: String) throws -> (status: Int, body: String) {
            try curl(["-X", "POST", "--data-raw", fields])
        }

        /// The confirmation links the relay received, by address, once `count` (or, after a
        /// few seconds, however many) have arrived: the mails go out after the answers.
        func links(count: Int? = nil) throws -> [(to: String, link: String)] {
            let deadline = Date().addingTimeInterval(10)
            var arrived = try relay.arrivals().count
            while Date() < deadline, count.map({ arrived < $0 }) ?? true {
                Thread.sleep(forTimeInterval: 0.2)
                let now = try relay.arrivals().count
                if count == nil, now == arrived, Date().addingTimeInterval(9.5) > deadline { break }
                arrived = now
            }
            return try relay.messages().compactMap { message in
                let text = message.parts?.first { $0.contentType == "text/plain" }?.text ?? ""
                guard let link = text.firstMatch(of: /https:\/\/\S+\/confirm\/\S+/)?.0 else { return nil }
                return (message.to ?? "", String(link))
            }
        }

        /// The token of a confirmation link.
        func token(of link: String) -> String {
            String(link[link.range(of: "/confirm/")!.upperBound...])
        }
    }

    static let python =
        ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
        .map { URL(fileURLWithPath: String($0)).appending(path: "python3") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) && $0.path != "/usr/bin/python3" }
        ?? URL(fileURLWithPath: "/usr/bin/python3")

    @Test func aRealBrowserSignsUpAndConfirmsFromTheMail() throws {
        let setup = try Setup()
        let script = SampleWorkspace.repository.appending(path: "Tests/Browser/sign_up.py")
        let result = try CommandLineTool.run(
            Self.python,
            [
                script.path, setup.server.base, "https://news.example.org/newsletter/", setup.relay.maildir.path,
                "browser.user@example.org", "Browser User",
            ], in: setup.workspace.root)
        #expect(result.status == 0, "\(result.stderr)")
        let seen = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(seen["list_checked"] as? Bool == true, "the default list is checked")
        #expect(seen["after_submit"] as? String == "Check your inbox")
        #expect(seen["subject"] as? String == "Confirm your subscription to Example Newsletter")
        #expect(seen["confirm_page"] as? String == "Confirm your subscription")
        #expect(
            (seen["welcome"] as? String)?.contains("browser.user@example.org is subscribed to Example Newsletter")
                == true)
        let shown = try setup.shown("browser.user@example.org")
        #expect(shown.contains("main: confirmed"), "\(shown)")
        #expect(
            shown.contains("asked (main)") && shown.contains("confirmed (main)") && shown.contains("from 127.0.0.1"))
        #expect(shown.contains("HeadlessChrome"), "the browser's user agent is kept: \(shown)")
        #expect(shown.contains("agreed to: I agree to receive this newsletter"))
        // The mail holds the address and nothing the person typed.
        let mail = try #require(try setup.relay.messages().first)
        // The inspector checks a newsletter's list headers too; a confirmation has none.
        #expect(mail.problems.filter { !$0.hasPrefix("list-") }.isEmpty, "\(mail.problems)")
        #expect(mail.problems.contains("list-unsubscribe appears 0 times"))
        #expect(!(mail.parts ?? []).contains { $0.text.contains("Browser User") })
        let artifacts = SampleWorkspace.repository.appending(path: ".build/test-artifacts")
        try? FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: artifacts.appending(path: "sign-up-welcome.png"))
        try? FileManager.default.copyItem(
            at: setup.relay.maildir.appending(path: "welcome.png"), to: artifacts.appending(path: "sign-up-welcome.png")
        )
    }

    @Test func thePagesAreWellFormedHTMLAndTheMailValidXHTML() throws {
        let setup = try Setup()
        let form = try setup.curl([], "subscribe")
        #expect(form.status == 200)
        try WebPageChecker.check(form.body, name: "the sign-up form", origin: "templates/subscribe.html.mustache")
        let asked = try setup.signUp("email=html@example.org&list=main")
        try WebPageChecker.check(asked.body, name: "the sign-up's answer", origin: "templates/subscribe.html.mustache")
        let link = try #require(try setup.links(count: 1).first?.link)
        let confirm = try setup.curl([], "confirm/\(setup.token(of: link))")
        try WebPageChecker.check(
            confirm.body, name: "the confirmation page", origin: "templates/subscribe.html.mustache")
        let html = try #require(try setup.relay.messages().first?.parts?.first { $0.contentType == "text/html" }?.text)
        try XHTMLValidator.validate(html, name: "the confirmation mail", origin: "templates/confirm.xhtml.mustache")
    }

    @Test func theAnswerIsTheSameWhateverTheAddressesStanding() throws {
        let setup = try Setup()
        #expect(try setup.workspace.run(["subscribers", "add", "listed@example.org"]).status == 0)
        #expect(try setup.workspace.run(["subscribers", "add", "gone@example.org"]).status == 0)
        #expect(try setup.workspace.run(["subscribers", "suppress", "gone@example.org"]).status == 0)
        var bodies: [String] = []
        for address in ["new@example.org", "listed@example.org", "gone@example.org", "new@example.org"] {
            let answer = try setup.signUp("email=\(address)&list=main")
            #expect(answer.status == 200)
            bodies.append(answer.body.replacingOccurrences(of: address, with: "ADDRESS"))
        }
        #expect(Set(bodies).count == 1, "nobody learns who is on the list")
        // One mail, to the new address, however often it was entered; none to the listed one.
        let links = try setup.links(count: 1)
        #expect(links.map(\.to) == ["new@example.org"])
        #expect(try setup.shown("listed@example.org").contains("main: confirmed"))
    }

    @Test func aForgedTruncatedExpiredOrUsedLinkChangesNothing() throws {
        let setup = try Setup()
        #expect(try setup.signUp("email=ana@example.org&list=main").status == 200)
        let link = try #require(try setup.links(count: 1).first?.link)
        let token = setup.token(of: link)
        let key = try #require(try setup.workspace.read("secret.key").split(separator: "\n").first)
        let secret = try UnsubscribeSecret(bytes: Data(key.utf8))
        let expired = ConfirmationToken(
            publicID: String(repeating: "A", count: 22), lists: ["main"], expires: Date().addingTimeInterval(-60)
        ).encoded(with: secret)
        let other = try UnsubscribeSecret(bytes: Data("another secret, another workspace".utf8))
        let forged = ConfirmationToken(publicID: "x", lists: ["main"], expires: Date().addingTimeInterval(600))
            .encoded(with: other)
        for (bad, status) in [
            (String(token.dropLast(4)), 400), (String(token.prefix(30)), 400), (forged, 400), (expired, 410),
            ("..%2f..%2fnewsletter.toml", 400),
        ] {
            #expect(try setup.curl(["-X", "POST"], "confirm/\(bad)").status == status, "\(bad)")
            #expect(try setup.curl([], "confirm/\(bad)").status == status, "\(bad)")
        }
        #expect(try setup.shown("ana@example.org").contains("main: unconfirmed"))
        // A GET shows the button and changes nothing; the POST confirms, once.
        #expect(try setup.curl([], "confirm/\(token)").body.contains("<button type=\"submit\">Confirm</button>"))
        #expect(try setup.shown("ana@example.org").contains("main: unconfirmed"))
        let confirmed = try setup.curl(["-X", "POST"], "confirm/\(token)")
        #expect(confirmed.status == 200 && confirmed.body.contains("Welcome"))
        let replayed = try setup.curl(["-X", "POST"], "confirm/\(token)")
        #expect(replayed.status == 410 && replayed.body.contains("was used already"))
        #expect(try setup.shown("ana@example.org").components(separatedBy: "confirmed (main)").count == 2)
    }

    @Test func whoUnsubscribedEarlierNeedsANewConfirmation() throws {
        let setup = try Setup()
        #expect(try setup.workspace.run(["subscribers", "add", "back@example.org"]).status == 0)
        #expect(
            try setup.workspace.run(["subscribers", "suppress", "back@example.org", "--reason", "unsubscribed"]).status
                == 0)
        #expect(try setup.signUp("email=back@example.org&list=main").status == 200)
        #expect(try setup.shown("back@example.org").contains("main: unconfirmed"))
        let link = try #require(try setup.links(count: 1).first { $0.to == "back@example.org" }?.link)
        #expect(try setup.curl(["-X", "POST"], "confirm/\(setup.token(of: link))").status == 200)
        let shown = try setup.shown("back@example.org")
        #expect(shown.contains("main: confirmed") && shown.contains("resubscribed (main)"), "\(shown)")
        #expect(!shown.contains("Suppressed:"), "they asked and confirmed themselves")
    }

    @Test func hostileInputIsRefusedAndStoresNothing() throws {
        let setup = try Setup()
        for fields in [
            "email=a%0D%0ABcc:%20x@example.org&list=main", "email=b@example.org&name=A%0ABcc:%20x&list=main",
            "email=c@example.org%00&list=main", "email=d@example.org&list=ma%0Din", "email=not-an-address&list=main",
            "email=e@example.org&list=vip", "email=f@example.org",
        ] {
            let answer = try setup.signUp(fields)
            #expect(answer.status == 400, "\(fields): \(answer.status)")
        }
        #expect(try setup.signUp("email=not-an-address&list=main").body.contains("not an address mail can be sent to"))
        // JSON with the wrong types.
        for json in [#"{"email": 5}"#, #"{"email": "g@example.org", "list": [1]}"#, #"["g@example.org"]"#, "{"] {
            let answer = try setup.curl(["-X", "POST", "-H", "Content-Type: application/json", "--data-raw", json])
            #expect(answer.status == 400, "\(json)")
            #expect(answer.body.contains("\"ok\":false"), "\(answer.body)")
        }
        let good = try setup.curl([
            "-X", "POST", "-H", "Content-Type: application/json", "--data-raw", #"{"email": "json@example.org"}"#,
        ])
        #expect(good.status == 200 && good.body.contains("\"ok\":true"))
        // A body of 10 MB.
        let big = setup.workspace.root.appending(path: "big.txt")
        try Data(("email=h@example.org&name=" + String(repeating: "x", count: 10_000_000)).utf8).write(to: big)
        #expect(try setup.curl(["-X", "POST", "--data-binary", "@\(big.path)"]).status == 413)
        // The trap field: the same answer, and nothing kept or sent.
        let trapped = try setup.signUp("email=bot@example.org&list=main&website=http://spam.example")
        #expect(trapped.status == 200 && trapped.body.contains("Check your inbox"))
        #expect(try setup.workspace.run(["subscribers", "show", "bot@example.org"]).status == 1)
        let members = try setup.workspace.run(["subscribers", "list"]).stdout
        #expect(members.contains("json@example.org"))
        #expect(
            !members.contains("a\r") && members.split(separator: "\n").filter { $0.contains("@") }.count == 1,
            "\(members)")
        #expect(try setup.links(count: 1).map(\.to) == ["json@example.org"])
    }

    @Test func signUpsFromOneAddressAreLimitedAndOneAddressIsMailedOnce() throws {
        let setup = try Setup(limit: 10)
        var arguments = ["-s", "-Z", "--parallel-max", "50", "-w", "%{http_code}\n", "-o", "/dev/null"]
        for index in 0..<500 {
            arguments += [
                "-X", "POST", "--data-raw", "email=many\(index)@example.org&list=main",
                setup.server.base + "subscribe",
            ]
            if index < 499 { arguments += ["--next", "-s", "-w", "%{http_code}\n", "-o", "/dev/null"] }
        }
        let result = try CommandLineTool.run(URL(fileURLWithPath: "/usr/bin/curl"), arguments, in: setup.workspace.root)
        let codes = result.stdout.split(separator: "\n")
        #expect(codes.count == 500)
        #expect(codes.filter { $0 == "200" }.count == 10, "ten an hour from one address")
        #expect(codes.filter { $0 == "429" }.count == 490)
        #expect(try setup.links(count: 10).count == 10)

        // Behind a trusted proxy, each client is counted by the address the proxy saw.
        let trusted = try Setup { $0 += "\n[signup]\ntrusted_proxies = [\"127.0.0.1\"]\n" }
        for index in 0..<50 {
            let answer = try trusted.curl([
                "-X", "POST", "-H", "X-Forwarded-For: 203.0.113.\(index)", "--data-raw",
                "email=same@example.org&list=main",
            ])
            #expect(answer.status == 200, "client \(index)")
        }
        #expect(try trusted.links().count == 1, "fifty sign-ups of one address, one mail")
        #expect(try trusted.shown("same@example.org").contains("from 203.0.113.0"), "the proxy's client is kept")
        // Untrusted, a forged header changes nothing: all from 127.0.0.1.
        let untrusted = try Setup(limit: 10)
        var statuses: [Int] = []
        for index in 0..<12 {
            statuses.append(
                try untrusted.curl([
                    "-X", "POST", "-H", "X-Forwarded-For: 198.51.100.\(index)", "--data-raw",
                    "email=u\(index)@example.org&list=main",
                ]).status)
        }
        #expect(statuses.filter { $0 == 429 }.count == 2)
    }
}
