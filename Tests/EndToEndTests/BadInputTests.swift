import Foundation
import Testing

/// Each kind of bad input gets one clear message naming the file and line, and exit status 1.
@Suite struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var command: [String]
        /// Breaks the sample workspace.
        var breakWorkspace: @Sendable (SampleWorkspace) throws -> Void
        /// What standard error must contain.
        var expected: [String]
        var testDescription: String { name }
    }

    static let item = "issues/003/items/02-consultation-response.md"

    static let cases: [Case] = [
        Case(
            name: "malformed front matter", command: ["check", "3"],
            breakWorkspace: { try $0.write("---\ntitle: \"Unclosed\ndate: 2026-08-27\n---\nText\n", to: item) },
            expected: ["error: \(item):2: The front matter is not valid YAML", "hint:"]),
        Case(
            name: "missing front matter", command: ["check", "3"],
            breakWorkspace: { try $0.write("# A heading\n\nText\n", to: item) },
            expected: ["error: \(item):1: Expected YAML front matter starting with `---`"]),
        Case(
            name: "missing title", command: ["check", "3"],
            breakWorkspace: { try $0.write("---\ndate: 2026-08-27\n---\nText\n", to: item) },
            expected: ["error: \(item):1: The required field `title` is missing."]),
        Case(
            name: "missing date", command: ["build", "3"],
            breakWorkspace: { try $0.write("---\ntitle: A title\n---\nText\n", to: item) },
            expected: ["error: \(item):1: The required field `date` is missing."]),
        Case(
            name: "day-first date", command: ["check", "3"],
            breakWorkspace: { try $0.write("---\ntitle: A title\ndate: 7.4.2015\n---\nText\n", to: item) },
            expected: [
                "error: \(item):3: `date` must be a date written YYYY-MM-DD, found `7.4.2015`.",
                "for that day write `date: 2015-04-07`",
            ]),
        Case(
            name: "unknown issue number", command: ["build", "9"], breakWorkspace: { _ in },
            expected: ["error: There is no issue 9 (no issues/009/issue.md).", "The issues are 1, 2, 3"]),
        Case(
            name: "status of an unknown issue", command: ["status", "9"], breakWorkspace: { _ in },
            expected: ["error: There is no issue 9 (no issues/009/issue.md).", "The issues are 1, 2, 3"]),
        Case(
            // Issue 1 of the sample was marked sent with `issue freeze`: no ledger knows its lists.
            name: "send of an issue sent before the ledger", command: ["send", "1", "--list", "partners"],
            breakWorkspace: { _ in },
            expected: [
                "error: issues/001/issue.md: Issue 1 is marked sent on 2026-05-04T08:00:00Z to 27 addresses, but this workspace's ledger has no send of it",
                "add --force to send it anyway",
            ]),
        Case(
            name: "negative issue number", command: ["build", "-1"], breakWorkspace: { _ in },
            expected: ["error: `-1` reads as an option", "issues are numbered from 1", "`--subject=-1`"]),
        Case(
            name: "item in two issues", command: ["check", "3"],
            breakWorkspace: { sample in
                try sample.write(
                    try sample.read("issues/001/items/02-common-curriculum.md"), to: "issues/003/items/07-again.md")
            },
            expected: [
                "error: issues/003/items/07-again.md:1: This item",
                "is already in issue 1 as issues/001/items/02-common-curriculum.md",
            ]),
        Case(
            name: "template syntax error", command: ["build", "3"],
            breakWorkspace: { sample in
                let template = try sample.read("templates/web.html.mustache")
                try sample.write(
                    template.replacingOccurrences(of: "{{/items}}\n</main>", with: "{{/itemz}}\n</main>"),
                    to: "templates/web.html.mustache")
            },
            expected: [
                "error: templates/web.html.mustache:", "syntax error: a section is closed with a different name",
            ]),
        Case(
            // Found by Mustache only at the end of the file: the error names where the section
            // opens, past a comment over two lines that shows a section tag, in a file that
            // does not end with a line break.
            name: "template section left open", command: ["build", "3"],
            breakWorkspace: { sample in
                let template = try sample.read("templates/email.txt.mustache")
                try sample.write(
                    String(
                        template.replacingOccurrences(
                            of: "{{/organisation.website}}",
                            with: "{{! a comment, whose second line\nshows {{#bogus }}"
                        ).trimmingCharacters(in: .newlines)),
                    to: "templates/email.txt.mustache")
            },
            expected: [
                "error: templates/email.txt.mustache:50: The template's section {{#organisation.website}} is not closed by the end of the file.",
                "Close it with {{/organisation.website}}",
            ]),
        Case(
            name: "template rendering invalid XHTML", command: ["check", "3"],
            breakWorkspace: { sample in
                let template = try sample.read("templates/email.xhtml.mustache")
                try sample.write(
                    template.replacingOccurrences(of: "<h1 style", with: "<h7 style"),
                    to: "templates/email.xhtml.mustache")
            },
            expected: [
                "error: templates/email.xhtml.mustache:26: This line makes email.xhtml (issue 3) invalid XHTML", "h7",
            ]),
        Case(
            name: "file that is not UTF-8", command: ["check", "3"],
            breakWorkspace: { sample in
                try sample.write(
                    Data("---\ntitle: Caf".utf8) + Data([0xE9]) + Data("\ndate: 2026-08-27\n---\n".utf8), to: item)
            },
            expected: ["error: \(item):2: The file is not valid UTF-8 text", "Save the file as UTF-8"]),
        Case(
            name: "config with a line break in a header value", command: ["check"],
            breakWorkspace: { sample in
                let config = try sample.read("newsletter.toml")
                try sample.write(
                    config.replacingOccurrences(
                        of: "name = \"Northbridge Alliance\"", with: "name = \"North\\nBcc: x@example.com\""),
                    to: "newsletter.toml")
            },
            expected: ["error: newsletter.toml:12: The setting `sender.name` contains a control character (U+000A)."]),
        Case(
            name: "collect into a sent issue", command: ["issue", "collect", "2"], breakWorkspace: { _ in },
            expected: ["error: issues/002/issue.md: Issue 2 has been sent and cannot be changed."]),
        Case(
            name: "add to a sent issue",
            command: ["issue", "add", "1", "issues/inbox/2026-11-10-pedestrian-toolkit.md"],
            breakWorkspace: { _ in },
            expected: ["error: issues/001/issue.md: Issue 1 has been sent and cannot be changed."]),
    ]

    @Test(arguments: cases)
    func isRefusedWithAClearMessage(_ badInput: Case) throws {
        let sample = try SampleWorkspace()
        try badInput.breakWorkspace(sample)
        let inboxBefore = try FileManager.default.contentsOfDirectory(
            atPath: sample.root.appending(path: "issues/inbox").path
        ).sorted()
        let result = try CommandLineTool.run(badInput.command, in: sample.root)
        #expect(result.status == 1, "exit status for \(badInput.name)")
        for fragment in badInput.expected {
            #expect(result.stderr.contains(fragment), "stderr lacks “\(fragment)”:\n\(result.stderr)")
        }
        #expect(!result.stderr.contains("Fatal error"))
        #expect(!sample.exists("build"), "nothing is written when the input is bad")
        let inboxAfter = try FileManager.default.contentsOfDirectory(
            atPath: sample.root.appending(path: "issues/inbox").path
        ).sorted()
        #expect(inboxAfter == inboxBefore, "nothing is moved when the input is bad")
    }

    @Test func anInboxItemNestedBeyondReasonIsFoundByCheck() throws {
        // It was "readable" until collected into an issue.
        let sample = try SampleWorkspace()
        try sample.write(
            "---\ntitle: Deep\ndate: 2026-11-01\n---\n" + String(repeating: "> ", count: 100) + "x\n",
            to: "issues/inbox/deep.md")
        let result = try sample.run("check")
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: issues/inbox/deep.md:5: The Markdown here nests more than 64"))
        #expect(!result.stdout.contains("all readable"))
    }

    @Test func rawHTMLNestedBeyondWhatTheParserReadsIsRefusedNotCut() throws {
        // Allowed raw HTML is not Markdown nesting: libxml2 stopped inside it and the email lost the rest.
        let sample = try SampleWorkspace()
        let config = try sample.read("newsletter.toml")
        try sample.write(
            config.replacingOccurrences(of: "allow_raw_html = false", with: "allow_raw_html = true"),
            to: "newsletter.toml")
        let deep = String(repeating: "<div>", count: 300) + "Words" + String(repeating: "</div>", count: 300)
        try sample.write("---\ntitle: Deep\ndate: 2026-11-01\n---\n" + deep + "\n", to: "issues/inbox/deep.md")
        let check = try sample.run("check")
        #expect(check.status == 1)
        #expect(
            check.stderr.contains(
                "error: issues/inbox/deep.md:5: The HTML in this text nests elements more than 256 deep"))
        try sample.write("---\ntitle: Deep\ndate: 2026-11-01\n---\n" + deep + "\n", to: "issues/003/items/09-deep.md")
        let build = try sample.run("build", "3")
        #expect(build.status == 1)
        #expect(
            build.stderr.contains("error: issues/003/items/09-deep.md:5: The HTML in this text nests"),
            "\(build.stderr)")
        // Within the limit it is read whole.
        let shallow = String(repeating: "<div>", count: 100) + "Words" + String(repeating: "</div>", count: 100)
        try sample.write(
            "---\ntitle: Deep\ndate: 2026-11-01\n---\n" + shallow + "\n", to: "issues/003/items/09-deep.md")
        try FileManager.default.removeItem(at: sample.root.appending(path: "issues/inbox/deep.md"))
        let fine = try sample.run("build", "3")
        #expect(fine.status == 0, "\(fine.stderr)")
    }

    @Test func whatAFileHoldsIsPrintedHarmlessly() throws {
        let sample = try SampleWorkspace()
        // An escape sequence would clear the screen and retitle the terminal; a megabyte-long
        // address was echoed whole.
        let long = String(repeating: "a", count: 1_000_000)
        try sample.write(
            "email,name\nx\u{1B}[2J\u{1B}]0;pwned\u{07}@example.org,X\n\(long)@example.org,Y\n", to: "evil.csv")
        let result = try sample.run("subscribers", "import", "evil.csv")
        #expect(!result.stderr.utf8.contains(0x1B) && !result.stderr.utf8.contains(0x07))
        #expect(
            result.stderr.contains("x<U+001B>[2J<U+001B>]0;pwned<U+0007>@example.org"), "\(result.stderr.prefix(2000))")
        #expect(result.stderr.utf8.count < 20_000 && result.stderr.contains("characters in all)"))
    }

    @Test func checkListsEveryProblemOfTheWorkspaceAtOnce() throws {
        let sample = try SampleWorkspace()
        try sample.write("---\ntitle: A\ndate: 2026-13-01\n---\n", to: "issues/inbox/bad-date.md")
        try sample.write("---\ndate: 2026-11-01\n---\n", to: "issues/inbox/no-title.md")
        try sample.write("---\ntitle: B\ndate: 2026-11-01\nsummray: x\n---\n", to: "issues/002/items/08-typo.md")
        let result = try sample.run("check")
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: issues/inbox/bad-date.md:3:"))
        #expect(result.stderr.contains("error: issues/inbox/no-title.md:1:"))
        #expect(result.stderr.contains("error: issues/002/items/08-typo.md:4: Unknown field `summray`."))
        #expect(result.stderr.contains("3 problems found."))
        #expect(result.stdout.contains("Issue 1: 6 items"))
        #expect(result.stdout.contains("Issue 3: 6 items"))
    }
}
