import Foundation
import NewsletterTestSupport
import Testing

@testable import NewsletterCore

@Suite struct IssueEditorTests {
    let config = try! ConfigLoader.parse(TemporaryWorkspace.config)
    let date = CalendarDate(iso: "2026-12-01")!

    @Test func newIssuesAreNumberedAndPadded() throws {
        let temp = try TemporaryWorkspace()
        let editor = IssueEditor(workspace: temp.workspace)
        let first = try editor.createIssue(subject: nil, date: date, preheader: "Short", config: config)
        #expect(first.number == 1)
        // What the editor did not give is a placeholder, found as such; what they gave is not.
        #expect(first.header.subject == "Test Newsletter, Issue n. 1 (write the subject here)")
        #expect(first.header.preheader == "Short")
        #expect(first.header.status == .draft)
        #expect(IssuePlaceholder.remaining(in: first.header) == [.subject, .introduction])
        try temp.issue(9)
        let next = try editor.createIssue(
            subject: "Ten: “quotes” and \\ backslash", date: date, preheader: nil, config: config)
        #expect(next.number == 10)
        #expect(next.folder.lastPathComponent == "010")
        #expect(try temp.workspace.loadIssue(10).header.subject == "Ten: “quotes” and \\ backslash")
        #expect(IssuePlaceholder.remaining(in: next.header) == [.preheader, .introduction])
    }

    @Test func subjectsWithLineBreaksAreRefused() throws {
        let temp = try TemporaryWorkspace()
        expectDiagnostics {
            _ = try IssueEditor(workspace: temp.workspace).createIssue(
                subject: "A\r\nBcc: x@example.com", date: date, preheader: nil, config: config)
        }
        #expect(try temp.workspace.issueNumbers().isEmpty)
    }

    @Test func collectMovesInboxItemsInDateOrderAfterExistingOnes() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        try temp.item("issues/001/items/01-existing.md", title: "Existing", date: "2026-10-01")
        try temp.item("issues/inbox/zeta.md", title: "Early", date: "2026-11-01")
        try temp.item("issues/inbox/alpha.md", title: "Late", date: "2026-11-20")
        try temp.item("issues/inbox/middle.md", title: "Middle", date: "2026-11-10")
        let (number, placed) = try IssueEditor(workspace: temp.workspace).collect(into: nil, since: nil, until: nil)
        #expect(number == 1)
        #expect(placed.map(\.item.title) == ["Early", "Middle", "Late"])
        #expect(
            try temp.files(in: "issues/001/items") == ["01-existing.md", "02-zeta.md", "03-middle.md", "04-alpha.md"])
        #expect(try temp.files(in: "issues/inbox").isEmpty)
        #expect(try temp.workspace.loadIssue(1).items.map(\.title) == ["Existing", "Early", "Middle", "Late"])
    }

    @Test func collectHonoursTheDateRange() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        try temp.item("issues/inbox/a.md", title: "A", date: "2026-10-31")
        try temp.item("issues/inbox/b.md", title: "B", date: "2026-11-01")
        try temp.item("issues/inbox/c.md", title: "C", date: "2026-11-30")
        try temp.item("issues/inbox/d.md", title: "D", date: "2026-12-01")
        let (_, placed) = try IssueEditor(workspace: temp.workspace).collect(
            into: 1, since: CalendarDate(iso: "2026-11-01"), until: CalendarDate(iso: "2026-11-30"))
        #expect(placed.map(\.item.title) == ["B", "C"])
        #expect(try temp.files(in: "issues/inbox") == ["a.md", "d.md"])
    }

    @Test func collectChoosesTheNewestDraft() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        try temp.issue(2)
        try temp.issue(3, status: "sent")
        try temp.item("issues/inbox/a.md", title: "A", date: "2026-10-31")
        #expect(try IssueEditor(workspace: temp.workspace).collect(into: nil, since: nil, until: nil).issue == 2)
    }

    @Test func aSentIssueCannotBeChanged() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1, status: "sent")
        try temp.item("issues/inbox/a.md", title: "A", date: "2026-10-31")
        let editor = IssueEditor(workspace: temp.workspace)
        expectOneProblem(at: "issues/001/issue.md", line: nil, containing: "has been sent") {
            _ = try editor.collect(into: 1, since: nil, until: nil)
        }
        expectOneProblem(at: "issues/001/issue.md", line: nil, containing: "has been sent") {
            _ = try editor.add([temp.root.appending(path: "issues/inbox/a.md")], to: 1)
        }
        expectDiagnostics { _ = try editor.collect(into: nil, since: nil, until: nil) }
        #expect(try temp.files(in: "issues/inbox") == ["a.md"])
        #expect(try temp.files(in: "issues/001/items").isEmpty)
    }

    @Test func addMovesFromTheInboxAndCopiesFromElsewhere() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        try temp.item("issues/inbox/a.md", title: "A", date: "2026-10-31")
        try temp.item("elsewhere/b.md", title: "B", date: "2026-10-01")
        let placed = try IssueEditor(workspace: temp.workspace).add(
            [temp.root.appending(path: "elsewhere/b.md"), temp.root.appending(path: "issues/inbox/a.md")], to: 1)
        #expect(placed.map(\.item.title) == ["B", "A"])
        #expect(try temp.files(in: "issues/001/items") == ["01-b.md", "02-a.md"])
        #expect(try temp.files(in: "issues/inbox").isEmpty)
        #expect(try temp.files(in: "elsewhere") == ["b.md"])
    }

    @Test func anItemAlreadyInAnIssueIsRefusedAndNothingMoves() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1, status: "sent")
        try temp.issue(2)
        try temp.item("issues/001/items/01-a.md", title: "Award winners", date: "2026-10-31")
        try temp.item("issues/inbox/fine.md", title: "Fine", date: "2026-11-01")
        try temp.item("issues/inbox/copy.md", title: "award winners", date: "2026-10-31")
        let diagnostics = expectDiagnostics {
            _ = try IssueEditor(workspace: temp.workspace).collect(into: 2, since: nil, until: nil)
        }
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.location?.file == "issues/inbox/copy.md")
        #expect(diagnostics.first?.message.contains("already in issue 1 as issues/001/items/01-a.md") == true)
        #expect(try temp.files(in: "issues/inbox") == ["copy.md", "fine.md"])
        #expect(try temp.files(in: "issues/002/items").isEmpty)
    }

    @Test func addingAFileOfAnotherIssueIsRefused() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        try temp.issue(2)
        try temp.item("issues/001/items/01-a.md", title: "A", date: "2026-10-31")
        expectOneProblem(at: "issues/001/items/01-a.md", line: 1, containing: "already in issue 1") {
            _ = try IssueEditor(workspace: temp.workspace).add(
                [temp.root.appending(path: "issues/001/items/01-a.md")], to: 2)
        }
    }

    @Test func duplicatesAcrossIssuesAreFoundByTheCheck() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        try temp.issue(2)
        try temp.item("issues/001/items/01-a.md", title: "A", date: "2026-10-31", extra: "source: feed:42\n")
        try temp.item("issues/002/items/01-b.md", title: "B, renamed", date: "2026-11-02", extra: "source: feed:42\n")
        expectOneProblem(
            at: "issues/002/items/01-b.md", line: 1, containing: "already in issue 1 as issues/001/items/01-a.md"
        ) {
            try temp.workspace.checkNoDuplicates(in: temp.workspace.loadIssue(2))
        }
    }

    @Test func unknownIssueNumberListsTheKnownOnes() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        try temp.issue(2)
        let diagnostics = expectDiagnostics { _ = try temp.workspace.loadIssue(7) }
        #expect(diagnostics.first?.message.contains("There is no issue 7") == true)
        #expect(diagnostics.first?.hint?.contains("1, 2") == true)
    }

    @Test func itemsAreOrderedByTheirNumber() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        for (file, title) in [("10-k.md", "Ten"), ("2-b.md", "Two"), ("01-a.md", "One")] {
            try temp.item("issues/001/items/\(file)", title: title, date: "2026-10-01")
        }
        #expect(try temp.workspace.loadIssue(1).items.map(\.title) == ["One", "Two", "Ten"])
    }
}

@Suite struct WorkspaceInitializerTests {
    @Test func createsAWorkspaceThatLoads() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "init-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let files = try WorkspaceInitializer.create(at: root)
        #expect(files.contains("templates/email.xhtml.mustache"))
        let workspace = Workspace(root: root)
        #expect(try workspace.loadConfig().name == "Example Newsletter")
        #expect(try workspace.issueNumbers().isEmpty)
        #expect(try workspace.inboxItems().isEmpty)
        expectDiagnostics { _ = try WorkspaceInitializer.create(at: root) }
    }

    @Test func writesTheSameTemplatesAsTheSampleWorkspace() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for (name, text) in DefaultTemplates.files {
            #expect(
                try String(contentsOf: sample.appending(path: "templates/\(name)"), encoding: .utf8) == text, "\(name)")
        }
        // The issue's five, and the sign-up's three (its pages and the two parts of its mail).
        #expect(DefaultTemplates.files.count == 8)
    }
}

@Suite struct IssueHeaderTests {
    @Test func recordsSendsAndKeepsTheIntroduction() throws {
        let temp = try TemporaryWorkspace()
        try temp.write(
            "---\nsubject: \"Issue 1\"\ndate: 2026-12-01\nstatus: draft\n---\nThe intro, kept.\n",
            to: "issues/001/issue.md")
        let editor = IssueEditor(workspace: temp.workspace)
        let first = Date(timeIntervalSince1970: 1_796_000_000)
        try editor.recordSend(1, at: first, audience: 30)
        try editor.recordSend(1, at: first.addingTimeInterval(3600), audience: 8)
        let header = try temp.workspace.loadIssue(1).header
        #expect(header.status == .sent && header.sent == first && header.audience == 38)
        #expect(header.intro == "The intro, kept.\n")
        #expect(header.fileText.contains("sent: 2026-11-30T00:53:20Z\naudience: 38\n"))
    }

    @Test func refusesAMalformedSendRecord() {
        let diagnostics = expectDiagnostics {
            _ = try IssueHeader(
                parsing: "---\nsubject: S\ndate: 2026-12-01\nstatus: sent\nsent: yesterday\naudience: many\n---\n",
                displayPath: "issue.md")
        }
        #expect(diagnostics.map(\.location?.line) == [5, 6])
    }
}
