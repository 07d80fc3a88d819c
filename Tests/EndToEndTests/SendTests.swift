import Foundation
import NewsletterCore
import Testing

@testable import Delivery

/// Sends to a real SMTP server (aiosmtpd) on loopback, and reads what it received with
/// Python's email package.
@Suite struct SendTests {
    @Test func everyActiveSubscriberGetsOnePersonalisedMessageOverTLSWithAuth() throws {
        let sample = try SampleWorkspace()
        let certificate = try TestCertificate(in: sample.root)
        let server = try SMTPTestServer(options: [
            "--tls-cert", certificate.certificate.path, "--tls-key", certificate.key.path, "--require-tls", "--auth",
            "newsletter:s3cret",
        ])
        try sample.appendToConfig(
            """
            [smtp]
            url = "smtp://localhost:\(server.port)"
            username = "newsletter"
            starttls = "required"
            ca_file = "relay-cert.pem"
            """)
        let result = try sample.run(
            ["send", "3", "--rate", "200/s"], environment: ["NEWSLETTER_SMTP_PASSWORD": "s3cret"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Sent issue 3 to main"))
        #expect(!result.stdout.contains("s3cret") && !result.stderr.contains("s3cret"))

        let expected = try sample.activeAddresses()
        // The closing counts (from the run's own outcomes) are what `status` reads from the ledger.
        let counts = "pending 0 · sending 0 · sent \(expected.count) · deferred 0 · failed 0 · suppressed 0"
        #expect(result.stdout.contains(counts), "\(result.stdout)")
        #expect(try sample.run(["status", "3"]).stdout.contains(counts))
        // Without a number: the issue of the send started last.
        #expect(try sample.run(["status"]).stdout.contains("Issue 3 → main (send 1"))
        #expect(
            try sample.run(["status", "--list", "partners"]).stdout.contains(
                "Nothing has been sent from this workspace yet to the list `partners`."))
        let messages = try server.messages()
        #expect(messages.count == expected.count)
        #expect(Set(messages.compactMap(\.to)) == Set(expected))
        #expect(!messages.contains { $0.to == "uwe.schaefer@example.net" || $0.to == "newsletter.desk@example.net" })
        let arrivals = try server.arrivals()
        #expect(arrivals.allSatisfy { $0.tls && $0.auth })
        // VERP: each envelope sender is the bounce address (the sender's) tagged for its
        // recipient, and the tag names that recipient's row of this send in the ledger.
        let verpSecret = try UnsubscribeSecret(bytes: Data(SampleWorkspace.secret.utf8))
        let bounce = try EmailAddress("newsletter@example.org")
        let verpLedger = try DeliveryLedger(workspace: Workspace(root: sample.root))
        for arrival in arrivals {
            #expect(arrival.from.hasPrefix("newsletter+") && arrival.from.hasSuffix("@example.org"), "\(arrival.from)")
            let tag = VERPAddress.read(arrival.from, bounce: bounce, secret: verpSecret)
            #expect(tag?.sendID == 1)
            #expect(try tag.flatMap { try verpLedger.recipient(id: $0.recipientID)?.address } == arrival.to.first)
        }
        #expect(Set(arrivals.map(\.from)).count == arrivals.count, "one envelope sender per recipient")
        #expect(arrivals.allSatisfy { $0.helo == "news.example.org" }, "the EHLO name is the base URL's host")
        #expect(Set(arrivals.map(\.peer)).count <= 4, "each of the four connections is reused across messages")

        let secret = try UnsubscribeSecret(bytes: Data(SampleWorkspace.secret.utf8))
        let ledger = try DeliveryLedger(workspace: Workspace(root: sample.root))
        for message in messages {
            #expect(message.problems.isEmpty, "\(message.file): \(message.problems)")
            #expect(message.subject == "Northbridge Alliance Newsletter, Issue n. 3: the 2026 Safer Roads Awards")
            #expect(message.fromName == "Northbridge Alliance" && message.replyTo == "editor@example.org")
            #expect(message.listId == "Northbridge Alliance Newsletter <main.news.example.org>")
            #expect(message.listUnsubscribePost == "List-Unsubscribe=One-Click")
            #expect(message.contentType == "multipart/alternative")
            let parts = message.parts ?? []
            #expect(parts.map(\.contentType) == ["text/plain", "text/html"])
            #expect(parts.allSatisfy { $0.charset == "utf-8" && $0.transferEncoding == "quoted-printable" })
            // The unsubscribe link is this subscriber's own, and the token checks out.
            let header = message.listUnsubscribe ?? ""
            #expect(header.contains("<mailto:newsletter@example.org?subject=unsubscribe>"))
            let url = try #require(header.split(separator: "<").dropFirst().first?.split(separator: ">").first)
            #expect(url.hasPrefix("https://news.example.org/northbridge/unsubscribe/"))
            // It names the recipient's row in the store, which is this subscriber: no address in it.
            let text = String(url.split(separator: "/").last ?? "")
            let token = try #require(UnsubscribeToken.verify(text, with: secret))
            guard case .recipient(let id) = token.person else {
                Issue.record("\(message.to ?? ""): the token names no recipient")
                continue
            }
            #expect(token.list == "main")
            #expect(try ledger.recipient(id: id)?.address == message.to)
            let payload = String(
                decoding: Data(base64Encoded: Self.base64(text.split(separator: ".")[0])) ?? Data(), as: UTF8.self)
            #expect(!payload.contains("@"), "a link holds no address: \(payload)")
            #expect(parts.first?.text.contains(String(url)) == true)
            #expect(parts.last?.text.contains("at \(message.to ?? "")") == true)
        }
        let jose = try #require(messages.first { $0.to == "jose.pena@example.net" })
        #expect(jose.toName == "Peña, José")
        let idn = try #require(messages.first { $0.to == "redaktion@xn--bcher-kva.example.org" })
        #expect(idn.toName == "Redaktion Bücherstube")
        #expect(Set(messages.compactMap(\.messageId)).count == messages.count)

        let status = try sample.run(["status", "3"])
        #expect(status.stdout.contains("sent \(expected.count)"))
        let header = try sample.read("issues/003/issue.md")
        #expect(
            header.contains("status: sent") && header.contains("audience: \(expected.count)")
                && header.contains("sent: 20"))
        // Frozen as sent: the archive shows this even after the templates change.
        #expect(sample.exists("issues/003/sent/web.html") && sample.exists("issues/003/sent/email.xhtml"))
        #expect(try !sample.read("issues/003/sent/email.xhtml").contains("agnes.banfi"), "no personal data is kept")
        let again = try sample.run(["send", "3", "--smtp", server.url])
        #expect(again.status == 1)
        #expect(
            again.stderr.contains("already sent to the list `main`") && again.stderr.contains("--force"),
            "\(again.stderr)")
    }

    @Test func aWrongPasswordIsAClearErrorAndNothingIsLost() throws {
        let (sample, server, result) = try sendLoggingIn(password: "wrong", relay: ["--auth", "newsletter:right"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("refused the username or password"))
        #expect(!result.stderr.contains("wrong") || !result.stderr.contains("NEWSLETTER_SMTP_PASSWORD=wrong"))
        #expect(try server.messages().isEmpty)
        let status = try sample.run(["status", "3"])
        #expect(status.stdout.contains("sent 0"))
        #expect(status.stdout.contains("pending \(try sample.activeAddresses().count)"))
    }

    @Test func aListThatCannotBeReadStopsTheSendWithItsOwnErrorAndMailsNobody() throws {
        // The connections open while the audience is frozen: here they had connected already.
        let (sample, server) = try sampleSendingToAServer(listSize: 10, connections: 4)
        let result = try sample.run(["send", "3", "--list", "absent"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("There is no list `absent` in newsletter.toml."), "\(result.stderr)")
        #expect(try server.messages().isEmpty)
        #expect(try sample.run(["status", "3"]).stdout.contains("has not been sent"))
    }

    @Test func statusTellsAnIssueMarkedSentWithoutALedgerFromOneNeverSent() throws {
        // The sample's issue 1 was marked sent with `issue freeze`; issue 3 is a draft.
        let sample = try SampleWorkspace()
        #expect(
            try sample.run(["status", "1"]).stdout.contains(
                "Issue 1 is marked sent on 2026-05-04T08:00:00Z to 27 addresses, but this workspace's ledger has no send of it."
            ))
        #expect(try sample.run(["status", "3"]).stdout.contains("Issue 3 has not been sent."))
        #expect(try sample.run(["status"]).stdout.contains("Nothing has been sent from this workspace yet."))
    }

    @Test func aLoginAnsweredWithNeitherYesNorNoIsAClearError() throws {
        let (_, server, result) = try sendLoggingIn(
            password: "secret", relay: ["--auth", "newsletter:secret", "--auth-answer", "250 2.0.0 Ok"])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains("or it answered the login with “250 2.0.0 Ok”, where 235 accepts and 535 refuses"),
            "\(result.stderr)")
        #expect(!result.stderr.contains("refused the username"))
        #expect(try server.messages().isEmpty)
    }

    @Test func aRelayOfferingNoLoginMethodCurlKnowsIsAClearError() throws {
        let (_, server, result) = try sendLoggingIn(
            password: "secret", relay: ["--auth", "newsletter:secret", "--auth-unknown-only"])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains("The login did not go through, though the relay refused nothing"), "\(result.stderr)"
        )
        #expect(try server.messages().isEmpty)
    }

    @Test func aRelayWithoutTLSIsRefusedWhenTLSIsRequired() throws {
        let sample = try SampleWorkspace()
        let server = try SMTPTestServer()
        try sample.appendToConfig("[smtp]\nurl = \"\(server.url)\"\nstarttls = \"required\"")
        let result = try sample.run(["send", "3"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("does not offer STARTTLS"))
        #expect(try server.messages().isEmpty)
    }

    @Test func faultsAreRetriedAndBadMailboxesSuppressed() throws {
        let sample = try SampleWorkspace()
        try sample.generateList(120)
        let rejected = ["reader7@example.org", "reader99@example.org"]
        // Faults in about one attempt in five. Retries back off from 1 s, doubling: a recipient
        // unlucky five times in a row waits 31 s in all, six times 63 s; rarer faults keep that
        // tail short.
        let server = try SMTPTestServer(
            options: [
                "--tempfail", "0.1", "--drop-in-data", "0.04", "--drop-after-data", "0.05", "--seed", "7", "--reject",
            ]
                + rejected)
        try sample.appendToConfig(
            "[sending]\nretry_after = 1\nmax_attempts = 20\nmax_errors = 1000\n[smtp]\nurl = \"\(server.url)\"\nconnections = 3"
        )
        let result = try sample.run(["send", "3", "--rate", "500/s"])
        #expect(result.status == 0, "\(result.stderr)")

        let delivered = try server.messages().compactMap(\.to)
        let deliverable = Set((0..<120).map { "reader\($0)@example.org" }).subtracting(rejected)
        #expect(Set(delivered) == deliverable, "every deliverable subscriber gets the issue")
        let status = try sample.run(["status", "3"]).stdout
        // Exactly one each, apart from those whose connection broke after the whole message
        // went out and before the relay answered: retried, and reported as uncertain.
        let counts = Dictionary(delivered.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(status.contains("Uncertain"), "connections broken after a whole message are reported")
        for (address, count) in counts where count > 1 {
            #expect(
                status.contains("    \(address)\n") && status.contains("Uncertain"),
                "\(address) got \(count) and is not reported")
        }
        #expect(status.contains("failed 2"))
        for address in rejected {
            #expect(status.contains("\(address)  550 5.1.1"))
        }
        for address in rejected {
            let shown = try sample.run(["subscribers", "show", address]).stdout
            #expect(shown.contains("Suppressed: hard-bounce"), "\(shown)")
            #expect(shown.contains("bounced  the relay's reply to issue 3: 550 5.1.1"), "\(shown)")
        }
    }

    @Test func theRunsCountsAgreeWithTheLedgerWhenRetriesRunOut() throws {
        // Every attempt is refused for now; the second is each recipient's last.
        let sample = try SampleWorkspace()
        try sample.generateList(5)
        let server = try SMTPTestServer(options: ["--tempfail", "1"])
        try sample.appendToConfig(
            "[sending]\nretry_after = 1\nmax_attempts = 2\nmax_errors = 1000\n[smtp]\nurl = \"\(server.url)\"\nconnections = 2"
        )
        let result = try sample.run(["send", "3", "--rate", "500/s"])
        #expect(result.stdout.contains("0 sent, 5 failed, 5 deferred"), "\(result.stdout)")
        #expect(result.stdout.contains("sent 0 · deferred 0 · failed 5"), "\(result.stdout)")
        #expect(try server.messages().isEmpty)
    }

    @Test func killedAtRandomMomentsItFinishesWithNobodySkipped() throws {
        // A run mails at most its burst (20 at once) and 20/s for under a second (a loaded
        // machine's sleeps overshoot), so every run is cut short well before the 200 are done.
        try killThenFinish(listSize: 200, rate: "20/s", kills: 4, after: 0.3...0.9)
    }

    @Test func killedAtFullSpeedInTheMiddleOfBatchesItFinishesWithNobodySkipped() throws {
        // Batches of 50 per connection, each done in about a second at 200/s: at every kill each
        // connection has outcomes that are only in its journal. A run mails at most its burst
        // (200 at once) and 200/s for about a second, so the three runs cannot mail all 1,600
        // however fast the machine.
        try killThenFinish(listSize: 1600, rate: "200/s", kills: 3, after: 0.5...1.0)
    }

    /// `send 3` of the sample as the user `newsletter` with `password` (from a file), to a relay
    /// started with `relay`'s options, without TLS.
    private func sendLoggingIn(password: String, relay: [String]) throws -> (
        SampleWorkspace, SMTPTestServer, CommandLineTool.Result
    ) {
        let sample = try SampleWorkspace()
        let server = try SMTPTestServer(options: relay)
        try sample.write(password + "\n", to: "smtp-password")
        try sample.appendToConfig(
            "[smtp]\nurl = \"\(server.url)\"\nusername = \"newsletter\"\npassword_file = \"smtp-password\"\nstarttls = \"off\""
        )
        return (sample, server, try sample.run(["send", "3"]))
    }

    /// The sample workspace with `listSize` generated subscribers, sending to a plain SMTP
    /// server of its own over `connections` connections.
    /// Base64url without padding, as base64.
    static func base64(_ text: Substring) -> String {
        let base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4)
    }

    private func sampleSendingToAServer(listSize: Int, connections: Int) throws -> (SampleWorkspace, SMTPTestServer) {
        let sample = try SampleWorkspace()
        try sample.generateList(listSize)
        let server = try SMTPTestServer()
        try sample.appendToConfig("[smtp]\nurl = \"\(server.url)\"\nconnections = \(connections)")
        return (sample, server)
    }

    private func killThenFinish(listSize: Int, rate: String, kills: Int, after delay: ClosedRange<Double>) throws {
        let (sample, server) = try sampleSendingToAServer(listSize: listSize, connections: 4)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<kills {
            let process = try sample.start(["send", "3", "--rate", rate])
            Thread.sleep(forTimeInterval: Double.random(in: delay, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let afterKills = try server.messages().count
        #expect(afterKills > 0 && afterKills < listSize, "every run was cut short: \(afterKills) delivered")
        let finish = try sample.run(["send", "3", "--rate", "100000/s"])
        #expect(finish.status == 0, "\(finish.stderr)")

        let delivered = try server.messages().compactMap(\.to)
        let audience = Set((0..<listSize).map { "reader\($0)@example.org" })
        #expect(Set(delivered) == audience, "nobody is skipped")
        let counts = Dictionary(delivered.map { ($0, 1) }, uniquingKeysWith: +)
        let duplicates = Set(counts.filter { $0.value > 1 }.keys)
        let status = try sample.run(["status", "3"]).stdout
        let uncertain = Set(
            status.components(separatedBy: "Uncertain").dropFirst().first?.split(separator: "\n").dropFirst()
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? [])
        #expect(
            duplicates.isSubset(of: uncertain), "duplicates \(duplicates) are all reported as uncertain \(uncertain)")
        #expect(uncertain.count <= kills * 4, "at most one per connection per kill")
        #expect(status.contains("sent \(listSize)"))
    }

    @Test func withVERPOffEveryEnvelopeIsTheBounceAddress() throws {
        let sample = try SampleWorkspace()
        try sample.generateList(12)
        let server = try SMTPTestServer()
        try sample.appendToConfig(
            "[smtp]\nurl = \"\(server.url)\"\nconnections = 2\n[bounces]\naddress = \"bounces@example.org\"\nverp = false"
        )
        let result = try sample.run(["send", "3", "--rate", "100000/s"])
        #expect(result.status == 0, "\(result.stderr)")
        let arrivals = try server.arrivals()
        #expect(arrivals.count == 12)
        #expect(arrivals.allSatisfy { $0.from == "bounces@example.org" }, "\(arrivals.map(\.from))")
        // The header From is the sender's, whatever the envelope.
        #expect(try server.messages().allSatisfy { $0.from?.contains("newsletter@example.org") == true })
    }

    @Test func twoHundredFiftySixConnectionsMailEveryoneOnce() throws {
        // The most `--connections` allows: more connections than a batch has recipients.
        let listSize = 600
        let (sample, server) = try sampleSendingToAServer(listSize: listSize, connections: 1)
        let result = try sample.run(["send", "3", "--connections", "256", "--rate", "100000/s"])
        #expect(result.status == 0, "\(result.stderr)")
        let delivered = try server.messages().compactMap(\.to)
        #expect(delivered.count == listSize, "nobody twice")
        #expect(Set(delivered) == Set((0..<listSize).map { "reader\($0)@example.org" }), "nobody skipped")
        #expect(Set(try server.arrivals().map(\.peer)).count > 64, "the connections were used, not only a few")
        let refused = try sample.run(["send", "3", "--connections", "257", "--dry-run"])
        #expect(refused.status != 0 && refused.stderr.contains("--connections must be between 1 and 256"))
    }

    @Test func aListLongerThanTheFirstFrozenRowsIsMailedWholeOnceEach() throws {
        // The first 2,048 are frozen before the first message, the rest while they are mailed.
        let listSize = SendRun.firstFrozen + 100
        let (sample, server) = try sampleSendingToAServer(listSize: listSize, connections: 4)
        let result = try sample.run(["send", "3", "--rate", "100000/s"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "The list `main`: \(listSize) to mail; 0 suppressed, 0 unconfirmed, 0 unsubscribed."),
            "\(result.stderr)")
        #expect(result.stderr.contains("Sending issue 3 to main: \(listSize) recipients."))
        let delivered = try server.messages().compactMap(\.to)
        #expect(delivered.count == listSize)
        #expect(Set(delivered) == Set((0..<listSize).map { "reader\($0)@example.org" }))
        let status = try sample.run(["status", "3"]).stdout
        #expect(status.contains("\(listSize) recipients") && status.contains("sent \(listSize) ·"), "\(status)")
    }

    @Test func aSendStoppedBeforeItsAudienceWasAllInFreezesTheRestFirst() throws {
        let (sample, server) = try sampleSendingToAServer(listSize: 300, connections: 2)
        // What a run stopped while the rest of a long list was going in leaves: the send, its
        // first 100 recipients (40 already mailed), and no more.
        let ledger = try DeliveryLedger(workspace: Workspace(root: sample.root))
        var index = 0
        let send = try ledger.startSend(issue: 3, list: "main", now: Date(), firstRows: 100) {
            defer { index += 1 }
            return Subscriber(
                address: try EmailAddress("reader\(index)@example.org"), name: "Reader \(index)", attributes: [:])
        }
        #expect(!send.frozen)
        let queue = try LedgerQueue(
            ledger: ledger, sendID: send.id, policy: RetryPolicy(maxAttempts: 3, retryAfter: 1, maxAge: 60))
        let batch = ConnectionBatch(
            queue: queue, folder: ledger.journalFolder, sendID: send.id, slot: 0, size: 40, epoch: 0)
        for _ in 0..<40 {
            guard case .mail(let recipient) = try batch.take(now: 100) else { break }
            try batch.record(recipient, .sent(reply: "250 ok", messageID: "<\(recipient.id)@x>"), at: 100)
        }
        try batch.finish(now: 100)
        let unfinished = try sample.run(["status", "3"]).stdout
        #expect(unfinished.contains("the audience is not all in the ledger yet"), "\(unfinished)")

        let result = try sample.run(["send", "3", "--rate", "100000/s"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains("The list `main`: the rest of the audience is in the ledger; 300 to mail in all."),
            "\(result.stderr)")
        #expect(result.stderr.contains("Resuming the send of issue 3 to main: 260 of 300 still to go."))
        let delivered = try server.messages().compactMap(\.to)
        #expect(delivered.count == 260)
        #expect(Set(delivered) == Set((40..<300).map { "reader\($0)@example.org" }), "the first 40 were mailed already")
        #expect(try sample.run(["status", "3"]).stdout.contains("300 recipients"))
    }

    @Test func statusDuringASendSaysSoAndShowsTheClaimedRecipients() throws {
        let (sample, server) = try sampleSendingToAServer(listSize: 200, connections: 2)
        let process = try sample.start(["send", "3", "--rate", "20/s"])
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // The relay runs until the send is stopped.
            withExtendedLifetime(server) {}
        }
        Thread.sleep(forTimeInterval: 1.5)
        let status = try sample.run(["status", "3"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stderr.contains("a send is running in this workspace"), "\(status.stderr)")
        let sending = status.stdout.components(separatedBy: "sending ").dropFirst().first?.prefix { $0.isNumber }
        #expect(Int(sending ?? "") ?? 0 > 0, "\(status.stdout)")
    }

    @Test func anUnsubscribeDuringASendIsHonouredByIt() throws {
        let (sample, server) = try sampleSendingToAServer(listSize: 40, connections: 1)
        let process = try sample.start(["send", "3", "--rate", "10/s"])
        Thread.sleep(forTimeInterval: 1.5)
        let late = ["reader38@example.org", "reader39@example.org"]
        for address in late {
            #expect(try sample.run(["subscribers", "suppress", address, "--reason", "unsubscribed"]).status == 0)
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let delivered = Set(try server.messages().compactMap(\.to))
        #expect(delivered.isDisjoint(with: late))
        #expect(delivered.count == 38)
        #expect(try sample.run(["status", "3"]).stdout.contains("suppressed 2"))
    }

    @Test func dryRunAndTestCopiesRecordNothing() throws {
        let sample = try SampleWorkspace()
        let server = try SMTPTestServer()
        let dry = try sample.run(["send", "3", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("30 messages rendered and validated"))
        #expect(dry.stdout.contains("2 suppressed"))
        let test = try sample.run(["send", "3", "--test-to", "editor@example.org", "--smtp", server.url])
        #expect(test.status == 0, "\(test.stderr)")
        #expect(test.stdout.contains("personalised as"))
        let messages = try server.messages()
        #expect(messages.map(\.to) == ["editor@example.org"])
        #expect(messages.first?.problems.isEmpty == true)
        #expect(try sample.run(["status", "3"]).stdout.contains("has not been sent"))
        #expect(try !sample.read("issues/003/issue.md").contains("status: sent"))
    }

    @Test func anIssueThatNobodyReceivedStaysADraft() throws {
        let sample = try SampleWorkspace()
        try sample.generateList(3)
        let server = try SMTPTestServer(options: ["--reject"] + (0..<3).map { "reader\($0)@example.org" })
        let result = try sample.run(["send", "3", "--smtp", server.url])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Nobody received issue 3: issue.md stays a draft"), "\(result.stderr)")
        #expect(try server.messages().isEmpty)
        #expect(try !sample.read("issues/003/issue.md").contains("status: sent"))
        #expect(try sample.run(["status", "3"]).stdout.contains("failed 3"))
    }

    @Test func withoutASecretNothingIsSent() throws {
        let sample = try SampleWorkspace()
        let result = try CommandLineTool.run(
            ["send", "3", "--smtp", "smtp://127.0.0.1:9"], in: sample.root, environment: ["NEWSLETTER_SECRET": ""])
        #expect(result.status == 1)
        #expect(result.stderr.contains("There is no secret for unsubscribe links"))
    }

    @Test func smtpsSpeaksTLSFromTheFirstByte() throws {
        let sample = try SampleWorkspace()
        let certificate = try TestCertificate(in: sample.root)
        let server = try SMTPTestServer(options: [
            "--tls-cert", certificate.certificate.path, "--tls-key", certificate.key.path, "--implicit-tls",
        ])
        try sample.appendToConfig("[smtp]\nurl = \"smtps://localhost:\(server.port)\"\nca_file = \"relay-cert.pem\"")
        let result = try sample.run(["send", "3", "--rate", "500/s"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try server.messages().count == sample.activeAddresses().count)
    }

    @Test func tooManyErrorsPauseTheSend() throws {
        let sample = try SampleWorkspace()
        let server = try SMTPTestServer(options: ["--tempfail", "1.0"])
        try sample.appendToConfig(
            "[sending]\nmax_errors = 5\nretry_after = 60\n[smtp]\nurl = \"\(server.url)\"\nconnections = 1")
        let result = try sample.run(["send", "3", "--rate", "500/s"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("The send paused after 5 failed or deferred messages"))
        let status = try sample.run(["status", "3"]).stdout
        #expect(status.contains("deferred 5") && status.contains("sending 0"))
    }

    /// SIGTERM (systemd, `timeout`, `docker stop`) as Ctrl-C: it once ended the process at once,
    /// leaving a message per connection uncertain.
    @Test(arguments: [SIGINT, SIGTERM])
    func ctrlCOrTermStopsAfterTheMessagesInFlightAndTheSendResumes(_ signal: Int32) throws {
        let sample = try SampleWorkspace()
        try sample.generateList(40)
        let server = try SMTPTestServer()
        try sample.appendToConfig(
            "[sending]\nrate = \"5/s\"\nburst = 1\n[smtp]\nurl = \"\(server.url)\"\nconnections = 2")
        let process = try sample.start(["send", "3"])
        Thread.sleep(forTimeInterval: 1.5)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let stopped = try sample.run(["status", "3"]).stdout
        #expect(stopped.contains("sending 0"), "nothing is left in flight: \(stopped)")
        #expect(stopped.contains("not finished"))
        #expect(!stopped.contains("Uncertain"))
        let sentBefore = try server.messages().count
        #expect(sentBefore > 0 && sentBefore < 40)

        let resumed = try sample.run(["send", "3", "--rate", "500/s"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let delivered = try server.messages().compactMap(\.to)
        #expect(delivered.count == 40 && Set(delivered).count == 40)
    }
}
