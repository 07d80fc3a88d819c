import Foundation
import Testing

/// `newsletter doctor` against real parts: dnsmasq serving a good domain and domains with each
/// problem, aiosmtpd as the relay, Python's http.server for the links, SpamAssassin as installed.
@Suite struct DoctorTests {
    /// A sample workspace sending from `newsletter@DOMAIN`, signed with one RSA key made by
    /// `dkim keygen` (selector s1, for `dkimDomain`), and the TXT record that key needs.
    struct Sender {
        let sample: SampleWorkspace
        let keyRecord: String

        init(domain: String, dkimDomain: String? = nil) throws {
            sample = try SampleWorkspace()
            let config = try sample.read("newsletter.toml").replacingOccurrences(
                of: "email = \"newsletter@example.org\"", with: "email = \"newsletter@\(domain)\"")
            try sample.write(config, to: "newsletter.toml")
            let keygen = try sample.run(["dkim", "keygen", "--selector", "s1"])
            #expect(keygen.status == 0, "\(keygen.stderr)")
            let value = try #require(keygen.stdout.split(separator: "\n").first { $0.hasPrefix("  value: ") })
            keyRecord = String(value.dropFirst("  value: ".count))
            try sample.appendToConfig(
                (dkimDomain.map { "[dkim]\ndomain = \"\($0)\"\n" } ?? "[dkim]\n")
                    + "[[dkim.key]]\nselector = \"s1\"\nfile = \"dkim/s1.key\"\n")
        }

        /// The record as dnsmasq takes it: strings of at most 255 characters.
        var keyStrings: [String] {
            stride(from: 0, to: keyRecord.count, by: 255).map {
                let start = keyRecord.index(keyRecord.startIndex, offsetBy: $0)
                return String(
                    keyRecord[
                        start..<(keyRecord.index(start, offsetBy: 255, limitedBy: keyRecord.endIndex)
                            ?? keyRecord.endIndex)])
            }
        }

        func doctor(_ dns: DNSTestServer, relay: SMTPTestServer, _ extra: [String] = []) throws
            -> CommandLineTool.Result
        {
            try sample.run(["doctor", "3", "--dns-server", dns.address, "--smtp", relay.url] + extra)
        }
    }

    /// Everything a domain needs: one SPF record (with an include) ending in ~all, the DKIM key,
    /// a DMARC policy, an MX.
    static func goodRecords(_ domain: String, key: [String]) -> (txt: [(String, [String])], mx: [(String, String)]) {
        (
            [
                (domain, ["v=spf1 ip4:192.0.2.0/24 include:_spf.relay.example ~all"]),
                ("_spf.relay.example", ["v=spf1 ip4:198.51.100.0/24 -all"]),
                ("s1._domainkey.\(domain)", key),
                ("_dmarc.\(domain)", ["v=DMARC1; p=quarantine; rua=mailto:dmarc@\(domain)"]),
            ],
            [(domain, "mx.\(domain)")]
        )
    }

    @Test func aWellSetUpDomainHasNothingToFix() throws {
        let sender = try Sender(domain: "good.example")
        let records = Self.goodRecords("good.example", key: sender.keyStrings)
        let relay = try SMTPTestServer()
        let dns = try DNSTestServer(txt: records.txt, mx: records.mx)
        let result = try sender.doctor(dns, relay: relay)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("REFUSAL") && !result.stdout.contains("warning "), "\(result.stdout)")
        for expected in [
            "good.example has one SPF record, 1 of 10 lookups", "ends in `~all`",
            "The DKIM record at s1._domainkey.good.example matches the local rsa-sha256 key",
            "DMARC at _dmarc.good.example: policy quarantine", "The DKIM domain good.example is aligned with From",
            "good.example has an MX record (mx.good.example)", "answers (on this machine, where TLS is not needed)",
            "A visible unsubscribe link in the HTML part", "SpamAssassin scores the message", "Nothing to fix.",
        ] {
            #expect(result.stdout.contains(expected), "\(expected)\n\(result.stdout)")
        }
        #expect(try relay.arrivals().isEmpty, "nothing is sent")
    }

    /// One problem each: the domain's records, what is changed, and what doctor must say.
    struct Problem: Sendable, CustomTestStringConvertible {
        var name: String
        var domain: String
        var dkimDomain: String? = nil
        var change:
            @Sendable (_ txt: inout [(String, [String])], _ mx: inout [(String, String)], _ key: [String]) -> Void
        var hosts: [(String, String)] = []
        var expected: String
        var refusal = true
        var testDescription: String { name }
    }

    static let problems: [Problem] = [
        Problem(
            name: "no SPF", domain: "nospf.example", change: { txt, _, _ in txt.removeAll { $0.0 == "nospf.example" } },
            expected: "nospf.example has no SPF record"),
        Problem(
            name: "two SPF records", domain: "twospf.example",
            change: { txt, _, _ in txt.append(("twospf.example", ["v=spf1 -all"])) },
            expected: "twospf.example has 2 SPF records"),
        Problem(
            name: "too many lookups", domain: "deep.example",
            change: { txt, _, _ in
                txt.removeAll { $0.0 == "deep.example" }
                txt.append(("deep.example", ["v=spf1 include:one.deep.example include:two.deep.example -all"]))
                txt.append(("one.deep.example", ["v=spf1 a mx a:x.example mx:y.example exists:z.example -all"]))
                txt.append(("two.deep.example", ["v=spf1 a mx a:x.example mx:y.example ptr -all"]))
            }, expected: "takes 12 DNS lookups with its includes; the limit is 10"),
        Problem(
            name: "an include without SPF", domain: "brokeninclude.example",
            change: { txt, _, _ in
                txt.removeAll { $0.0 == "brokeninclude.example" }
                txt.append(("brokeninclude.example", ["v=spf1 include:missing.example -all"]))
            }, expected: "`include:missing.example` has no SPF record"),
        Problem(
            name: "?all", domain: "neutral.example",
            change: { txt, _, _ in
                txt.removeAll { $0.0 == "neutral.example" }
                txt.append(("neutral.example", ["v=spf1 ip4:192.0.2.0/24 ?all"]))
            }, expected: "ends in `?all`", refusal: false),
        Problem(
            name: "no DKIM record", domain: "nodkim.example",
            change: { txt, _, _ in txt.removeAll { $0.0.hasPrefix("s1._domainkey") } },
            expected: "No DKIM record at s1._domainkey.nodkim.example"),
        Problem(
            name: "another DKIM key", domain: "otherkey.example",
            change: { txt, _, _ in
                txt.removeAll { $0.0.hasPrefix("s1._domainkey") }
                txt.append(
                    (
                        "s1._domainkey.otherkey.example",
                        ["v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="]
                    ))
            }, expected: "is for k=ed25519, but the local key is rsa"),
        Problem(
            name: "a revoked DKIM key", domain: "revoked.example",
            change: { txt, _, _ in
                txt.removeAll { $0.0.hasPrefix("s1._domainkey") }
                txt.append(("s1._domainkey.revoked.example", ["v=DKIM1; k=rsa; p="]))
            }, expected: "is revoked (empty p=)"),
        Problem(
            name: "no DMARC", domain: "nodmarc.example",
            change: { txt, _, _ in txt.removeAll { $0.0.hasPrefix("_dmarc") } },
            expected: "nodmarc.example has no DMARC record"),
        Problem(
            name: "a DMARC record without policy", domain: "nopolicy.example",
            change: { txt, _, _ in
                txt.removeAll { $0.0.hasPrefix("_dmarc") }
                txt.append(("_dmarc.nopolicy.example", ["v=DMARC1; rua=mailto:x@nopolicy.example"]))
            }, expected: "has no valid policy"),
        Problem(
            name: "DKIM not aligned", domain: "brand.example", dkimDomain: "mailer.example",
            change: { txt, _, key in
                txt.removeAll { $0.0.hasPrefix("s1._domainkey") }
                txt.append(("s1._domainkey.mailer.example", key))
            }, expected: "The DKIM domain mailer.example is not aligned with From (brand.example"),
        Problem(
            name: "strict alignment", domain: "strict.example", dkimDomain: "news.strict.example",
            change: { txt, _, key in
                txt.removeAll { $0.0.hasPrefix("s1._domainkey") || $0.0.hasPrefix("_dmarc") }
                txt.append(("s1._domainkey.news.strict.example", key))
                txt.append(("_dmarc.strict.example", ["v=DMARC1; p=reject; adkim=s"]))
            }, expected: "the DMARC record asks for the same domain, adkim=s"),
        Problem(
            name: "bounces nowhere", domain: "nomx.example", change: { _, mx, _ in mx.removeAll() },
            expected:
                "nomx.example, the domain of the bounce address newsletter@nomx.example, has no MX record and no address"
        ),
    ]

    @Test(arguments: problems)
    func everyProblemIsFoundAndSaysWhatToDo(_ problem: Problem) throws {
        let sender = try Sender(domain: problem.domain, dkimDomain: problem.dkimDomain)
        var (txt, mx) = Self.goodRecords(problem.domain, key: sender.keyStrings)
        problem.change(&txt, &mx, sender.keyStrings)
        let dns = try DNSTestServer(txt: txt, mx: mx, hosts: problem.hosts)
        let relay = try SMTPTestServer()
        let result = try sender.doctor(dns, relay: relay)
        #expect(result.stdout.contains(problem.expected), "\(result.stdout)")
        let line = result.stdout.split(separator: "\n").first { $0.contains(problem.expected) } ?? ""
        #expect(line.contains(problem.refusal ? "REFUSAL" : "warning"), "\(line)")
        #expect(result.status == (problem.refusal ? 1 : 0), "\(result.stdout)")
        // Each problem comes with what to do, on the next line.
        let lines = result.stdout.split(separator: "\n")
        let index = try #require(lines.firstIndex { $0.contains(problem.expected) })
        #expect(lines[index + 1].contains("→"), "\(lines[index + 1])")
        // And it is the only problem of its domain.
        #expect(lines.filter { $0.contains("REFUSAL") || $0.contains("warning ") }.count == 1, "\(result.stdout)")
    }

    @Test func aBounceDomainWithAnAddressButNoMXIsFine() throws {
        let sender = try Sender(domain: "addr.example")
        var records = Self.goodRecords("addr.example", key: sender.keyStrings)
        records.mx.removeAll()
        let dns = try DNSTestServer(txt: records.txt, mx: records.mx, hosts: [("addr.example", "192.0.2.7")])
        let relay = try SMTPTestServer()
        let result = try sender.doctor(dns, relay: relay)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("go to addr.example's address (it has no MX record)"), "\(result.stdout)")
    }

    @Test func aDNSServerThatDoesNotAnswerIsAWarningNotAVerdict() throws {
        let sender = try Sender(domain: "good.example")
        // Nothing listens there: every question times out.
        let relay = try SMTPTestServer()
        let result = try sender.sample.run(["doctor", "3", "--dns-server", "127.0.0.1:9", "--smtp", relay.url])
        #expect(result.stdout.contains("127.0.0.1:9 could not answer for good.example"), "\(result.stdout)")
        #expect(
            !result.stdout.split(separator: "\n").contains { $0.contains("REFUSAL") && $0.contains("good.example") })
        let bad = try sender.sample.run(["doctor", "3", "--dns-server", "not a server"])
        #expect(bad.status != 0 && bad.stderr.contains("--dns-server must be HOST:PORT"), "\(bad.stderr)")
    }

    @Test func theRelaysLoginAndTLSAreChecked() throws {
        let sender = try Sender(domain: "good.example")
        let records = Self.goodRecords("good.example", key: sender.keyStrings)
        let dns = try DNSTestServer(txt: records.txt, mx: records.mx)
        let certificate = try TestCertificate(in: sender.sample.root)
        let relay = try SMTPTestServer(options: [
            "--tls-cert", certificate.certificate.path, "--tls-key", certificate.key.path, "--require-tls", "--auth",
            "newsletter:s3cret",
        ])
        try sender.sample.appendToConfig(
            """
            [smtp]
            url = "smtp://localhost:\(relay.port)"
            username = "newsletter"
            starttls = "required"
            ca_file = "relay-cert.pem"
            """)
        let good = try sender.sample.run(
            ["doctor", "3", "--dns-server", dns.address], environment: ["NEWSLETTER_SMTP_PASSWORD": "s3cret"])
        #expect(good.status == 0, "\(good.stdout)")
        #expect(good.stdout.contains("answers over TLS and accepts the login of newsletter"), "\(good.stdout)")
        let wrong = try sender.sample.run(
            ["doctor", "3", "--dns-server", dns.address], environment: ["NEWSLETTER_SMTP_PASSWORD": "wrong"])
        #expect(wrong.status == 1)
        let line = wrong.stdout.split(separator: "\n").first { $0.contains("REFUSAL") } ?? ""
        #expect(line.lowercased().contains("password") || line.lowercased().contains("login"), "\(wrong.stdout)")
        #expect(!wrong.stdout.contains("wrong") && !wrong.stdout.contains("s3cret"), "no password is printed")
        #expect(try relay.arrivals().isEmpty)
    }

    @Test func brokenLinksAreNamedWithTheItemTheyCameFrom() throws {
        let sender = try Sender(domain: "good.example")
        // A new issue holding only the item below: the sample's own links lead nowhere here.
        let new = try sender.sample.run(["issue", "new", "--date", "2026-12-04", "--subject", "Links"])
        #expect(new.status == 0, "\(new.stderr)")
        let web = try HTTPTestServer()
        let links = [
            "files/atom.xml", "moved/atom.xml", "nohead/atom.xml", "status/404", "status/500", "silent",
        ].map { "[\($0)](\(web.base)\($0))" }.joined(separator: " · ")
        try sender.sample.write(
            """
            ---
            title: "Links to check"
            date: 2026-11-30
            ---
            Read on: \(links).
            """, to: "issues/004/items/01-links.md")
        let records = Self.goodRecords("good.example", key: sender.keyStrings)
        let dns = try DNSTestServer(txt: records.txt, mx: records.mx)
        let relay = try SMTPTestServer()
        let started = Date()
        let result = try sender.sample.run(
            ["doctor", "4", "--dns-server", dns.address, "--smtp", relay.url, "--links", "--link-timeout", "2"])
        #expect(Date().timeIntervalSince(started) < 30, "the links are fetched in parallel, each within its timeout")
        let broken = result.stdout.split(separator: "\n").filter { $0.contains("is broken") }
        #expect(broken.count == 3, "\(result.stdout)")
        for (path, reason) in [("status/404", "HTTP 404"), ("status/500", "HTTP 500"), ("silent", "no answer in time")]
        {
            #expect(
                broken.contains {
                    $0.contains("issues/004/items/01-links.md: \(web.base)\(path) is broken (\(reason))")
                },
                "\(path)\n\(result.stdout)")
        }
        #expect(result.status == 0, "broken links are warnings: \(result.stdout)")
    }
}
