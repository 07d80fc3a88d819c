import Delivery
import Foundation
import NewsletterCore
import Testing

/// The editor's first hour (issue 16), on workspaces made by `newsletter init` the way a new
/// user makes them, with the real parts the rest of the suite uses: the built binary, aiosmtpd,
/// xmllint, curl.
@Suite struct FirstHourTests {
    // MARK: 1. Lines the editor typed stay lines

    @Test func aContactBlockKeepsItsLinesAndAWrappedParagraphStaysOne() throws {
        let workspace = try NewWorkspace()
        try workspace.addItemsAndList()
        try workspace.writeIssueOne()
        let build = try workspace.run(["build", "1"])
        #expect(build.status == 0, "\(build.stderr)")
        try expectValidWithXmllint(workspace.root.appending(path: "build/001/email.xhtml"))
        let text = try workspace.read("build/001/email.txt")
        for line in [
            "For further information, please contact:", "Zoë Müller, volunteers coordinator", "volunteers@example.org",
            "+32 2 555 01 20",
        ] {
            #expect(text.contains("\n\(line)\n"), "`\(line)` is a line of its own in the text part:\n\(text)")
        }
        // The paragraph wrapped in the file is one paragraph, wrapped again at 72 columns.
        #expect(text.replacingOccurrences(of: "\n", with: " ").contains("visit schools, speak to parents and"))
        #expect(!text.contains("visit schools,\n"), "the file's line ends are not kept:\n\(text)")
        let email = try workspace.read("build/001/email.xhtml")
        #expect(email.contains("please contact:<br />"))
        #expect(email.contains("volunteers coordinator<br />"))
        #expect(!email.contains("visit schools,<br />"), "a wrapped line is a space, not a break")
        let check = try workspace.run(["check"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(!check.stderr.contains("warning"), "\(check.stderr)")
    }

    @Test func commonMarkModeJoinsTheLinesAndCheckSaysHowToKeepThem() throws {
        let workspace = try NewWorkspace {
            $0 = $0.replacingOccurrences(of: "line_breaks = \"auto\"", with: "line_breaks = \"commonmark\"")
        }
        try workspace.addItemsAndList()
        try workspace.writeIssueOne()
        let check = try workspace.run(["check", "1"])
        #expect(check.status == 0, "warnings do not fail the check: \(check.stderr)")
        #expect(
            check.stderr.contains(
                "warning: issues/001/items/01-2026-11-20-volunteers.md:9: Lines 9 to 12 are joined into one line"),
            "\(check.stderr)")
        #expect(check.stderr.contains("End each line that should stay a line with a backslash"))
        _ = try workspace.run(["build", "1"])
        let text = try workspace.read("build/001/email.txt").replacingOccurrences(of: "\n", with: " ")
        #expect(text.contains("please contact: Zoë Müller, volunteers coordinator volunteers@example.org"))
    }

    @Test func aLineJoinedAmongKeptOnesIsPointedOut() throws {
        let workspace = try NewWorkspace()
        try workspace.addItemsAndList()
        // The middle line is as long as a wrapped one: it is joined to the last, the short one kept.
        try workspace.write(
            NewWorkspace.contactItem.replacingOccurrences(
                of:
                    "For further information, please contact:\nZoë Müller, volunteers coordinator\nvolunteers@example.org\n+32 2 555 01 20",
                with:
                    "Zoë Müller, volunteers coordinator\nFor the week and how to take part in it, write to volunteers@example.org\nor call +32 2 555 01 20"
            ),
            to: "issues/inbox/2026-11-20-volunteers.md")
        try workspace.writeIssueOne()
        let check = try workspace.run(["check", "1"])
        #expect(check.status == 0)
        #expect(
            check.stderr.contains(
                "warning: issues/001/items/01-2026-11-20-volunteers.md:10: This line is joined to the next one"),
            "\(check.stderr)")
        #expect(check.stderr.contains("end it with a backslash"))
    }

    @Test func anImportedFeedsParagraphsStayParagraphs() throws {
        let workspace = try NewWorkspace()
        let feed = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
            <title>News</title><link>https://www.example.org/</link><description>News</description>
            <item><title>A long report</title><link>https://www.example.org/report</link><guid>r1</guid>
            <pubDate>Mon, 02 Nov 2026 09:30:00 +0100</pubDate>
            <content:encoded><![CDATA[<p>The report, written over several lines
            of the website's HTML, as content management systems do,
            is one paragraph.</p><p>Contact: Ioana Popescu<br>press@example.org</p>]]></content:encoded></item>
            </channel></rss>
            """
        try workspace.write(feed, to: "feed.xml")
        let imported = try workspace.run(["news", "import", "feed.xml"])
        #expect(imported.status == 0, "\(imported.stderr)")
        try workspace.writeIssueOne()
        #expect(try workspace.run(["build", "1"]).status == 0)
        let email = try workspace.read("build/001/email.xhtml")
        #expect(
            email.contains("of the website’s HTML, as content management systems do, is one paragraph."), "\(email)")
        #expect(email.contains("Contact: Ioana Popescu<br />"))
        let item = try #require(email.range(of: "A long report")).upperBound
        let footer = try #require(email.range(of: "About Example Organisation")).lowerBound
        #expect(email[item..<footer].components(separatedBy: "<br />").count == 2, "only the feed's <br> is a break")
    }

    // MARK: 2. The placeholder never goes out

    @Test func checkAndSendRefuseTheIssueNewPlaceholders() throws {
        let workspace = try NewWorkspace()
        try workspace.addItemsAndList()
        #expect(try workspace.run(["issue", "new"]).status == 0)
        let check = try workspace.run(["check"])
        #expect(check.status == 1)
        for (line, part) in [(2, "subject"), (4, "preheader"), (8, "introduction")] {
            #expect(
                check.stderr.contains(
                    "error: issues/001/issue.md:\(line): The \(part) of issue 1 is still the placeholder that `issue new` wrote."
                ), "\(check.stderr)")
        }
        let dryRun = try workspace.run(["send", "1", "--dry-run"])
        #expect(dryRun.status == 1)
        #expect(dryRun.stderr.contains("The introduction of issue 1 is still the placeholder"))
        let server = try SMTPTestServer()
        let send = try workspace.run(["send", "1", "--smtp", server.url])
        #expect(send.status == 1)
        #expect(try server.messages().isEmpty)
        // `build` says so and still writes the files, for the editor to look at.
        let build = try workspace.run(["build", "1"])
        #expect(build.status == 0)
        #expect(build.stderr.contains("warning: issues/001/issue.md:8: The introduction"))

        try workspace.writeIssueHeader()
        #expect(try workspace.run(["check"]).status == 0)
    }

    // MARK: 3. Config text is reflowed

    @Test func theAboutParagraphFromTheConfigIsReflowedTo72Columns() throws {
        let workspace = try NewWorkspace()
        try workspace.addItemsAndList()
        try workspace.writeIssueOne()
        #expect(try workspace.run(["build", "1"]).status == 0)
        let text = try workspace.read("build/001/email.txt")
        let about =
            "The Example Organisation brings people together. Write two or three sentences here about who you are; they appear once at the foot of every issue."
        #expect(text.contains(Self.wrapped(about)), "the config's line break is gone:\n\(text)")
        #expect(!text.contains("here about\nwho you are"))
    }

    /// Greedy wrapping at 72 columns, as the text part's paragraphs are wrapped.
    static func wrapped(_ text: String) -> String {
        var lines: [String] = []
        for word in text.split(separator: " ") {
            if let last = lines.last, last.count + 1 + word.count <= 72 {
                lines[lines.count - 1] += " " + word
            } else {
                lines.append(String(word))
            }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: 4. Version and mistyped commands

    @Test func theVersionIsPrintedAndAMistypedCommandSuggestsTheNearest() throws {
        let workspace = try NewWorkspace()
        let version = try workspace.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let typo = try workspace.run(["isue", "list"])
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("error: `isue` is not a command of `newsletter`: did you mean `issue`?"))
        let nested = try workspace.run(["subscribers", "improt", "x.csv"])
        #expect(nested.stderr.contains("`improt` is not a command of `newsletter subscribers`: did you mean `import`?"))
        let unknown = try workspace.run(["frobnicate"])
        #expect(unknown.stderr.contains("The commands are `init`, `issue`"), "\(unknown.stderr)")
    }

    // MARK: 5. The unsubscribe key

    @Test func initMakesAPrivateKeyFileThatSendUsesAndGitIgnores() throws {
        let workspace = try NewWorkspace()
        let key = workspace.root.appending(path: "secret.key")
        let attributes = try FileManager.default.attributesOfItem(atPath: key.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try workspace.read("newsletter.toml").contains("secret_file = \"secret.key\""))
        let git = URL(fileURLWithPath: "/usr/bin/git")
        _ = try CommandLineTool.run(git, ["init", "-q"], in: workspace.root)
        let ignored = try CommandLineTool.run(git, ["check-ignore", "secret.key"], in: workspace.root)
        #expect(ignored.status == 0, "secret.key is ignored by git")

        try workspace.addItemsAndList()
        try workspace.writeIssueOne()
        let server = try SMTPTestServer()
        let send = try workspace.run(["send", "1", "--smtp", server.url, "--rate", "100/s"])
        #expect(send.status == 0, "\(send.stderr)")
        let fileKey = try #require(try workspace.read("secret.key").split(separator: "\n").first)
        let secret = try UnsubscribeSecret(bytes: Data(fileKey.utf8))
        let messages = try server.messages()
        #expect(messages.count == 20)
        let ledger = try DeliveryLedger(workspace: Workspace(root: workspace.root))
        for message in messages {
            let token = try #require(message.listUnsubscribe?.firstMatch(of: /unsubscribe\/([^>]+)>/)?.1)
            let verified = try #require(UnsubscribeToken.verify(String(token), with: secret))
            guard case .recipient(let id) = verified.person else {
                Issue.record("the token names no recipient")
                continue
            }
            #expect(try ledger.recipient(id: id)?.address == message.to)
        }
    }

    @Test func theEnvironmentWinsAndARotatedKeyStillAcceptsOldLinks() throws {
        let workspace = try NewWorkspace()
        try workspace.addItemsAndList()
        let old = try #require(try workspace.read("secret.key").split(separator: "\n").first).description
        let oldToken = UnsubscribeToken(list: "main", address: "reader1@example.org")
            .encoded(with: try UnsubscribeSecret(bytes: Data(old.utf8)))
        // Rotated as the docs say: the new key first, the old one kept below it.
        let new = String(repeating: "ab", count: 32)
        try workspace.write("\(new)\n\(old)\n", to: "secret.key")
        let server = try RunningServer(["serve"], in: workspace.root, environment: ["NEWSLETTER_SECRET": ""])
        #expect(try server.post("/unsubscribe/\(oldToken)", body: "List-Unsubscribe=One-Click").status == 200)
        #expect(
            try workspace.run(["subscribers", "show", "reader1@example.org"]).stdout.contains("main: unsubscribed"))
        // NEWSLETTER_SECRET, when set, is the key: the file's keys are not used.
        let fromEnvironment = try RunningServer(
            ["serve"], in: workspace.root, environment: ["NEWSLETTER_SECRET": String(repeating: "cd", count: 32)])
        let other = UnsubscribeToken(list: "main", address: "reader2@example.org")
            .encoded(with: try UnsubscribeSecret(bytes: Data(old.utf8)))
        #expect(try fromEnvironment.post("/unsubscribe/\(other)", body: "List-Unsubscribe=One-Click").status == 400)
    }

    // MARK: 6. A relay that is not set, or wrong

    @Test func aSendWithoutARelaySaysNoneIsSetAndAWrongOneSaysWhy() throws {
        let workspace = try NewWorkspace { $0 += "\n" }
        try workspace.addItemsAndList()
        try workspace.writeIssueOne()
        let unset = try workspace.run(["send", "1"])
        #expect(unset.status == 1)
        #expect(unset.stderr.contains("No relay is set: newsletter.toml has no `smtp.url`"), "\(unset.stderr)")
        #expect(unset.stderr.contains("--smtp URL"))

        let closed = try workspace.run(["send", "1", "--smtp", "smtp://127.0.0.1:9"])
        #expect(closed.status == 1)
        #expect(closed.stderr.contains("Nothing accepts connections at smtp://127.0.0.1:9"), "\(closed.stderr)")
        #expect(closed.stderr.contains("`smtp.url` in newsletter.toml, or `--smtp URL`"))
    }

    @Test func plainSMTPToAPortThatWantsTLSFirstSaysToUseSMTPS() throws {
        let workspace = try NewWorkspace {
            $0 = $0.replacingOccurrences(of: "# connect_timeout = 10", with: "connect_timeout = 2")
        }
        try workspace.addItemsAndList()
        try workspace.writeIssueOne()
        let certificate = try TestCertificate(in: workspace.root)
        let server = try SMTPTestServer(options: [
            "--tls-cert", certificate.certificate.path, "--tls-key", certificate.key.path, "--implicit-tls",
        ])
        let started = Date()
        let send = try workspace.run(["send", "1", "--smtp", server.url])
        #expect(send.status == 1)
        #expect(Date().timeIntervalSince(started) < 10, "smtp.connect_timeout bounds the wait")
        #expect(send.stderr.contains("did not greet"), "\(send.stderr)")
        #expect(send.stderr.contains("needs smtps://"))
        #expect(try server.messages().isEmpty)
    }

    // MARK: 7. A folder that is not a workspace

    @Test func everyCommandRefusesAFolderThatIsNotAWorkspace() throws {
        let elsewhere = FileManager.default.temporaryDirectory
        for arguments in [["issue", "list"], ["check"], ["status"], ["subscribers", "list"], ["build"]] {
            let missing = try CommandLineTool.run(["-C", "no-such-folder"] + arguments, in: elsewhere)
            #expect(missing.status == 1, "\(arguments)")
            #expect(missing.stderr.contains("The folder `no-such-folder` does not exist"), "\(missing.stderr)")
            #expect(missing.stderr.contains("newsletter init no-such-folder"))
        }
        let empty = elsewhere.appending(path: "empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let notWorkspace = try CommandLineTool.run(["issue", "list", "-C", empty.path], in: elsewhere)
        #expect(notWorkspace.status == 1)
        #expect(notWorkspace.stderr.contains("is not a newsletter workspace: it has no newsletter.toml"))
    }

    // MARK: 8. A template that renders invalid XHTML

    @Test func anUnclosedBreakIsReportedAtTheTemplatesLineWithTheFix() throws {
        let workspace = try NewWorkspace()
        try workspace.addItemsAndList()
        try workspace.writeIssueOne()
        let template = try workspace.read("templates/email.xhtml.mustache")
        let lines = template.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains("{{labels.issue}}&#160;{{issue.number}}") })
        try workspace.write(
            lines.enumerated().map { $0.offset == line ? $0.element + "<br>" : String($0.element) }
                .joined(separator: "\n"), to: "templates/email.xhtml.mustache")
        let check = try workspace.run(["check", "1"])
        #expect(check.status == 1)
        let errors = check.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1, "one problem, not a cascade: \(check.stderr)")
        #expect(
            errors.first?.hasPrefix("error: templates/email.xhtml.mustache:\(line + 1): ") == true, "\(check.stderr)")
        #expect(check.stderr.contains("Write `<br />`: the email is XHTML"))
        #expect(check.stderr.contains("It is the first of"))
    }

    // MARK: 9. Labels in the locale's language

    @Test(arguments: [
        ("de_DE", "In dieser Ausgabe", "Abbestellen"), ("fr_FR", "Dans ce numéro", "Se désabonner"),
        ("es_ES", "En este número", "Darse de baja"), ("it_IT", "In questo numero", "Annulla l’iscrizione"),
        ("nl_NL", "In dit nummer", "Afmelden"), ("pt_PT", "Nesta edição", "Cancelar a subscrição"),
        ("en_GB", "In this issue", "Unsubscribe"),
    ])
    func theTemplatesWordsAreInTheLocalesLanguage(_ locale: String, _ inThisIssue: String, _ unsubscribe: String)
        throws
    {
        let workspace = try NewWorkspace {
            $0 = $0.replacingOccurrences(of: "locale = \"en_GB\"", with: "locale = \"\(locale)\"")
        }
        try workspace.addItemsAndList()
        try workspace.writeIssueOne()
        let build = try workspace.run(["build", "1"])
        #expect(build.status == 0, "\(build.stderr)")
        for file in ["email.xhtml", "web.html"] {
            #expect(try workspace.read("build/001/\(file)").contains(inThisIssue), "\(locale) \(file)")
        }
        let text = try workspace.read("build/001/email.txt")
        #expect(text.contains(inThisIssue.uppercased()), "\(locale)")
        #expect(text.contains("\(unsubscribe): {{unsubscribe_url}}"), "\(locale)")
        try expectValidWithXmllint(workspace.root.appending(path: "build/001/email.xhtml"))
    }

    @Test func aLabelCanBeReplacedInTheConfigAndAnUnknownOneIsRefused() throws {
        let workspace = try NewWorkspace {
            $0 =
                $0.replacingOccurrences(of: "locale = \"en_GB\"", with: "locale = \"de_AT\"")
                + "\n[labels]\nread_more = \"Weiterlesen\"\n"
        }
        try workspace.addItemsAndList()
        try workspace.writeIssueOne()
        try workspace.write(
            NewWorkspace.contactItem.replacingOccurrences(
                of: "date: 2026-11-20", with: "date: 2026-11-20\nlink: https://example.org/a"),
            to: "issues/001/items/01-2026-11-20-volunteers.md")
        #expect(try workspace.run(["build", "1"]).status == 0)
        let email = try workspace.read("build/001/email.xhtml")
        #expect(email.contains("Weiterlesen &#8594;") || email.contains("Weiterlesen →"), "\(email)")
        #expect(email.contains("Dokumente") || email.contains("In dieser Ausgabe"))

        let config = try workspace.read("newsletter.toml")
        try workspace.write(config + "read_mroe = \"x\"\n", to: "newsletter.toml")
        let refused = try workspace.run(["check"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("Unknown label `labels.read_mroe`."), "\(refused.stderr)")
        #expect(refused.stderr.contains("The labels are `issue`"))
    }

    // MARK: 10. Names that render as nothing

    @Test func checkWarnsAboutAFieldNoSubscriberHasAndAMisspeltValue() throws {
        let workspace = try NewWorkspace()
        try workspace.addItemsAndList()
        try workspace.writeIssueOne()
        let template = try workspace.read("templates/email.txt.mustache")
        try workspace.write(
            template.replacingOccurrences(
                of: "{{issue.subject}}\n",
                with: "{{issue.subjet}}\nDear {{subscriber.first_name}}, {{subscriber.city}}\n"),
            to: "templates/email.txt.mustache")
        let check = try workspace.run(["check", "1"])
        #expect(check.status == 0, "warnings only: \(check.stderr)")
        #expect(
            check.stderr.contains(
                "warning: templates/email.txt.mustache:5: `issue.subjet` is not one of the templates' values"),
            "\(check.stderr)")
        #expect(check.stderr.contains("Did you mean `issue.subject`?"))
        #expect(check.stderr.contains("warning: templates/email.txt.mustache:6: No subscriber has a `first_name`"))
        #expect(!check.stderr.contains("`city`:"), "city is a column of the list")
    }

    // MARK: 11. The newest draft by default

    @Test func buildPreviewAndSendWithoutANumberTakeTheNewestDraftAndSaySo() throws {
        let workspace = try NewWorkspace()
        try workspace.addItemsAndList()
        try workspace.writeIssueOne()
        let build = try workspace.run(["build"])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stderr.contains("Taking issue 1, the newest draft"))
        #expect(build.stdout.contains("Built issue 1"))
        let preview = try RunningServer(["preview"], in: workspace.root)
        #expect(try preview.get("").body.contains("Issue 1: Example Newsletter, Issue n. 1: volunteers"))
        let server = try SMTPTestServer()
        let send = try workspace.run(["send", "--smtp", server.url, "--rate", "100/s"])
        #expect(send.status == 0, "\(send.stderr)")
        #expect(send.stderr.contains("Taking issue 1, the newest draft"))
        #expect(try server.messages().count == 20)
        // Issue 1 is sent now: nothing is a draft.
        let none = try workspace.run(["build"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("There is no draft issue: every issue (1) has been sent."))
    }

    // MARK: 12. The servers stop at once

    @Test(arguments: [["preview", "1"], ["serve"]], [SIGINT, SIGTERM])
    func theServersStopAtOnceWithAPageStillOpen(_ command: [String], _ signal: Int32) throws {
        let workspace = try NewWorkspace()
        try workspace.addItemsAndList()
        try workspace.writeIssueOne()
        let server = try RunningServer(command, in: workspace.root)
        // An open preview tab holds the reload stream; a visitor's connection stays open too.
        let stream = Process()
        stream.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        stream.arguments = ["-s", "-N", "--max-time", "30", server.base + (command[0] == "preview" ? "events" : "")]
        stream.standardOutput = FileHandle.nullDevice
        try stream.run()
        defer { stream.terminate() }
        Thread.sleep(forTimeInterval: 0.5)
        let started = Date()
        kill(server.process.processIdentifier, signal)
        server.process.waitUntilExit()
        #expect(Date().timeIntervalSince(started) < 1.5, "\(command) stopped in \(Date().timeIntervalSince(started)) s")
    }
}
