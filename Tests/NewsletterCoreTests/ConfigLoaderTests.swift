import Foundation
import NewsletterTestSupport
import Testing

@testable import NewsletterCore

@Suite struct ConfigLoaderTests {
    @Test func readsTheSampleWorkspaceConfig() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let config = try ConfigLoader.load(from: root.appending(path: "newsletter.toml"))
        #expect(config.name == "Northbridge Alliance Newsletter")
        #expect(config.sender.email == "newsletter@example.org")
        #expect(config.organisation.about.hasPrefix("The Northbridge Alliance for Safer Roads brings together"))
        #expect(config.webURL(forIssue: 7).absoluteString == "https://news.example.org/northbridge/issues/007/")
        #expect(config.compose.allowRawHTML == false)
    }

    @Test func defaultsWhatIsOptional() throws {
        let config = try ConfigLoader.parse(TemporaryWorkspace.config)
        #expect(config.locale == "en_GB")
        #expect(config.lists.defaultList == "main")
        #expect(config.sender.replyTo == nil)
    }

    @Test func listsAreDeclaredWithTheirTitleDescriptionAndOptIn() throws {
        let config = try ConfigLoader.parse(
            TemporaryWorkspace.config
                + """

                [lists]
                default = "main"

                [lists.main]
                title = "Test News"
                description = "Four times a year."
                public = true

                [lists.partners]
                title = "Partners"
                opt_in = "single"
                """)
        #expect(config.lists.lists.map(\.name) == ["main", "partners"])
        let main = try config.lists.require("main")
        #expect(main.title == "Test News" && main.description == "Four times a year." && main.isPublic)
        #expect(main.optIn == .double, "double opt-in is the default")
        #expect(config.lists.definition(of: "partners")?.isPublic == false)
        #expect(config.lists.definition(of: "partners")?.optIn == .single)
        let unknown = expectDiagnostics { _ = try config.lists.require("members") }
        #expect(unknown.first?.hint?.contains("`main`, `partners`") == true)
        // Without any table, the default list is declared by itself, as older configs have it.
        let old = try ConfigLoader.parse(TemporaryWorkspace.config)
        #expect(
            old.lists.lists == [
                ListDefinition(name: "main", title: "Test Newsletter", description: nil, isPublic: true, optIn: .double)
            ])
    }

    @Test func aListsOptInAndTheDefaultListAreChecked() {
        expectOneProblem(
            at: "newsletter.toml", line: 15, containing: "`lists.main.opt_in` must be `double` or `single`"
        ) {
            _ = try ConfigLoader.parse(
                TemporaryWorkspace.config + "\n[lists.main]\ntitle = \"T\"\nopt_in = \"triple\"\n")
        }
        expectOneProblem(at: "newsletter.toml", line: 14, containing: "no `[lists.news]` is declared") {
            _ = try ConfigLoader.parse(
                TemporaryWorkspace.config + "\n[lists]\ndefault = \"news\"\n[lists.main]\ntitle = \"T\"\n")
        }
    }

    @Test func syntaxErrorNamesTheLine() {
        expectOneProblem(at: "newsletter.toml", line: 3, containing: "not valid TOML") {
            _ = try ConfigLoader.parse("name = \"A\"\nbase_url = \"https://example.org\"\n[sender\n")
        }
    }

    @Test func unknownSettingNamesTheLine() {
        expectOneProblem(at: "newsletter.toml", line: 7, containing: "Unknown setting `sender.emial`") {
            _ = try ConfigLoader.parse(
                TemporaryWorkspace.config.replacingOccurrences(
                    of: "email = \"newsletter@example.org\"", with: "email = \"newsletter@example.org\"\nemial = \"x\"")
            )
        }
    }

    @Test func missingSetting() {
        expectOneProblem(at: "newsletter.toml", line: nil, containing: "`base_url` is missing") {
            _ = try ConfigLoader.parse(
                TemporaryWorkspace.config.replacingOccurrences(
                    of: "base_url = \"https://news.example.org/test\"", with: ""))
        }
    }

    @Test func lineBreakInAHeaderValueIsRefused() {
        expectOneProblem(at: "newsletter.toml", line: 5, containing: "`sender.name` contains a control character") {
            _ = try ConfigLoader.parse(
                TemporaryWorkspace.config.replacingOccurrences(
                    of: "name = \"Test Sender\"", with: "name = \"Test\\r\\nBcc: victim@example.com\""))
        }
    }

    @Test func dkimKeysDefaultToTheSendersDomainAndRSA() throws {
        let config = try ConfigLoader.parse(
            TemporaryWorkspace.config + "[dkim]\n[[dkim.key]]\nselector = \"s1\"\nfile = \"dkim/s1.key\"\n")
        #expect(config.dkim.domain == "example.org")
        #expect(config.dkim.keys.map(\.selector) == ["s1"] && config.dkim.keys.first?.algorithm == .rsaSHA256)
        #expect(try ConfigLoader.parse(TemporaryWorkspace.config).dkim.keys.isEmpty)
    }

    @Test func bouncesGoToTheSenderWithVERPUnlessTheConfigSaysOtherwise() throws {
        let plain = try ConfigLoader.parse(TemporaryWorkspace.config)
        #expect(plain.bounces == BouncesSettings(address: plain.sender.email, verp: true))
        let set = try ConfigLoader.parse(
            TemporaryWorkspace.config + "[bounces]\naddress = \"Bounces@Example.org\"\nverp = false\n")
        #expect(set.bounces == BouncesSettings(address: "Bounces@example.org", verp: false))
    }

    @Test func aBounceAddressThatIsNoAddressIsNamedAtItsLine() {
        let lines = TemporaryWorkspace.config.split(separator: "\n", omittingEmptySubsequences: false).count
        expectOneProblem(
            at: "newsletter.toml", line: lines + 1, containing: "`bounces.address` must be a plain email address"
        ) {
            _ = try ConfigLoader.parse(TemporaryWorkspace.config + "[bounces]\naddress = \"Bounces <b@example.org>\"\n")
        }
    }

    @Test func aDKIMKeysBadSelectorOrAlgorithmIsNamedAtItsLine() {
        let keys = """
            [dkim]
            [[dkim.key]]
            selector = "good"
            algorithm = "ed25519-sha256"
            file = "dkim/good.key"
            [[dkim.key]]
            selector = "bad selector"
            algorithm = "ed25519-sha256"
            file = "dkim/bad.key"
            """
        // The config has 11 lines; the second table's selector is line 18, its algorithm 19.
        expectOneProblem(at: "newsletter.toml", line: 18, containing: "`dkim.key[2].selector` must be a DNS label") {
            _ = try ConfigLoader.parse(TemporaryWorkspace.config + keys)
        }
        expectOneProblem(at: "newsletter.toml", line: 19, containing: "must be `rsa-sha256` or `ed25519-sha256`") {
            _ = try ConfigLoader.parse(
                TemporaryWorkspace.config
                    + keys.replacingOccurrences(of: "bad selector", with: "s2").replacingOccurrences(
                        of: "algorithm = \"ed25519-sha256\"\nfile = \"dkim/bad.key\"",
                        with: "algorithm = \"rsa-sha1\"\nfile = \"dkim/bad.key\""))
        }
    }

    @Test func senderAddressMustBePlain() {
        expectOneProblem(at: "newsletter.toml", line: 6, containing: "plain email address") {
            _ = try ConfigLoader.parse(
                TemporaryWorkspace.config.replacingOccurrences(
                    of: "email = \"newsletter@example.org\"", with: "email = \"Test <newsletter@example.org>\""))
        }
    }

    @Test func baseURLMustBeAbsolute() {
        expectOneProblem(at: "newsletter.toml", line: 2, containing: "absolute http or https URL") {
            _ = try ConfigLoader.parse(
                TemporaryWorkspace.config.replacingOccurrences(
                    of: "https://news.example.org/test", with: "news.example.org"))
        }
    }

    @Test func numbersOutsideWhatASendCanUseAreRefused() {
        // A thread, a curl handle and a journal each: a billion used to trap on the way.
        expectOneProblem(
            at: "newsletter.toml", line: 13, containing: "`smtp.connections` must be a whole number from 1 to 256"
        ) {
            _ = try ConfigLoader.parse(TemporaryWorkspace.config + "[smtp]\nconnections = 1000000000\n")
        }
        expectOneProblem(at: "newsletter.toml", line: 13, containing: "`sending.rate` must be a count per period") {
            _ = try ConfigLoader.parse(TemporaryWorkspace.config + "[sending]\nrate = \"9223372036854775807/s\"\n")
        }
        #expect(SendingSettings.Rate("1000000000/s") != nil && SendingSettings.Rate("1000000001/s") == nil)
    }

    @Test func valuesTheLibrariesWouldMangleAreRefused() {
        // TOMLKit cut a string at a NUL, hiding what followed from the control-character check.
        expectOneProblem(at: "newsletter.toml", line: 1, containing: "A NUL character") {
            _ = try ConfigLoader.parse(
                TemporaryWorkspace.config.replacingOccurrences(
                    of: "name = \"Test Newsletter\"", with: "name = \"AB\\u0000CD\""))
        }
        // A backslash followed by the text u0000, and a comment, are no NUL.
        #expect(ConfigLoader.holdsNULEscape(#"name = "AB\\u0000""#) == false)
        #expect(ConfigLoader.holdsNULEscape(#"name = "AB" # not \u0000"#) == false)
        #expect(ConfigLoader.holdsNULEscape(#"name = "AB\\\u0000""#) == true)
        for locale in ["de", "pt-BR", "en_US_POSIX"] {
            let config = try? ConfigLoader.parse(
                TemporaryWorkspace.config.replacingOccurrences(
                    of: "base_url = \"https://news.example.org/test\"",
                    with: "base_url = \"https://news.example.org/test\"\nlocale = \"\(locale)\""))
            #expect(config?.locale == locale.replacingOccurrences(of: "-", with: "_"), "\(locale)")
        }
        for locale in ["../../etc/passwd", "xx_INVALID"] {
            expectOneProblem(at: "newsletter.toml", line: 3, containing: "`locale` must be a locale the system knows") {
                _ = try ConfigLoader.parse(
                    TemporaryWorkspace.config.replacingOccurrences(
                        of: "base_url = \"https://news.example.org/test\"",
                        with: "base_url = \"https://news.example.org/test\"\nlocale = \"\(locale)\""))
            }
        }
        expectOneProblem(at: "newsletter.toml", line: 4, containing: "`sender` must be a section") {
            _ = try ConfigLoader.parse(
                TemporaryWorkspace.config.replacingOccurrences(
                    of: "[sender]\nname = \"Test Sender\"\nemail = \"newsletter@example.org\"", with: "sender = 5"))
        }
    }

    @Test func wrongType() {
        expectOneProblem(
            at: "newsletter.toml", line: 13, containing: "`compose.allow_raw_html` has a value of the wrong type"
        ) {
            _ = try ConfigLoader.parse(TemporaryWorkspace.config + "[compose]\nallow_raw_html = \"yes\"\n")
        }
    }
}
