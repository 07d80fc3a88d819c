import Foundation
import Testing

@Suite struct EditorWorkflowTests {
    @Test func theWorkspaceMayBeNamedBeforeTheCommandAsWithGit() throws {
        let sample = try SampleWorkspace()
        let elsewhere = FileManager.default.temporaryDirectory
        for arguments in [
            ["-C", sample.root.path, "issue", "list"], ["--workspace=\(sample.root.path)", "issue", "list"],
        ] {
            let result = try CommandLineTool.run(arguments, in: elsewhere)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Northbridge Alliance Newsletter, Issue n. 3"))
        }
        // `help` takes no workspace: the option is dropped before it.
        let help = try CommandLineTool.run(["-C", sample.root.path, "help", "send"], in: elsewhere)
        #expect(help.stdout.contains("OVERVIEW: Mail an issue"), "\(help.stderr)")
    }

    @Test func listAndShowMatchTheGoldenFiles() throws {
        let sample = try SampleWorkspace()
        let list = try sample.run("issue", "list")
        #expect(list.status == 0)
        try Golden.expectMatches(list.stdout, "issue-list.stdout")
        let show = try sample.run("issue", "show", "3")
        #expect(show.status == 0)
        try Golden.expectMatches(show.stdout, "issue-show-3.stdout")
    }

    @Test func theListKeepsItsColumnsInLinePastIssue999() throws {
        let sample = try SampleWorkspace()
        try sample.write(
            "---\nsubject: \"Issue one thousand\"\ndate: 2030-01-01\nstatus: draft\n---\n", to: "issues/1000/issue.md")
        let list = try sample.run("issue", "list")
        #expect(list.status == 0, "\(list.stderr)")
        let rows = list.stdout.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }
        #expect(rows.count == 5)
        #expect(rows.last?.hasPrefix("1000  2030-01-01  draft ") == true, "\(list.stdout)")
        // The header's "Date" and every row's date start in the same column.
        let dateColumns = Set(
            rows.enumerated().map { index, row in
                row.firstRange(of: index == 0 ? "Date" : "20").map {
                    row.distance(from: row.startIndex, to: $0.lowerBound)
                }
            })
        #expect(dateColumns.count == 1 && !dateColumns.contains(nil), "\(list.stdout)")
    }

    @Test func newCollectBuildFromAFreshWorkspace() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "fresh-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let created = try CommandLineTool.run(["init", folder.path], in: FileManager.default.temporaryDirectory)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("templates/email.xhtml.mustache"))

        let inbox = SampleWorkspace.repository.appending(path: "issues/inbox")
        for name in try FileManager.default.contentsOfDirectory(atPath: inbox.path) {
            try FileManager.default.copyItem(
                at: inbox.appending(path: name), to: folder.appending(path: "issues/inbox/\(name)"))
        }
        let run = { (arguments: [String]) in try CommandLineTool.run(arguments, in: folder) }
        let new = try run(["issue", "new", "--date", "2027-02-01", "--preheader", "Lisbon and more"])
        #expect(new.status == 0, "\(new.stderr)")
        #expect(new.stdout.hasPrefix("Started issue 1 in issues/001/"))

        let collect = try run(["issue", "collect", "--until", "2026-11-20"])
        #expect(collect.status == 0, "\(collect.stderr)")
        try Golden.expectMatches(collect.stdout, "collect.stdout")

        let list = try run(["issue", "list"])
        #expect(list.stdout.contains("  1  2027-02-01  draft       3  Example Newsletter, Issue n. 1"))
        #expect(list.stdout.contains("Inbox: 1 item waiting."))

        let build = try run(["build", "1"])
        #expect(build.status == 0, "\(build.stderr)")
        try expectValidWithXmllint(folder.appending(path: "build/001/email.xhtml"))
        let text = try String(contentsOf: folder.appending(path: "build/001/email.txt"), encoding: .utf8)
        #expect(text.contains("Lisbon"))
    }

    @Test func addCopiesAFileFromOutsideTheWorkspace() throws {
        let sample = try SampleWorkspace()
        let outside = FileManager.default.temporaryDirectory.appending(path: "outside-\(UUID().uuidString).md")
        defer { try? FileManager.default.removeItem(at: outside) }
        try Data("---\ntitle: From outside\ndate: 2026-11-28\n---\nText.\n".utf8).write(to: outside)
        let result = try sample.run(
            "issue", "add", "3", outside.path, "issues/inbox/2026-11-02-general-assembly-lisbon.md")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(sample.exists("issues/003/items/07-\(outside.lastPathComponent)"))
        #expect(sample.exists("issues/003/items/08-2026-11-02-general-assembly-lisbon.md"))
        #expect(!sample.exists("issues/inbox/2026-11-02-general-assembly-lisbon.md"))
        #expect(FileManager.default.fileExists(atPath: outside.path))
    }

    @Test func helpExplainsTheCommands() throws {
        let sample = try SampleWorkspace()
        let help = try sample.run("--help")
        for command in ["init", "issue", "build", "check"] { #expect(help.stdout.contains(command)) }
        let buildHelp = try sample.run("build", "--help")
        #expect(buildHelp.stdout.contains("--out <dir>"))
        #expect(buildHelp.stdout.contains("Example: newsletter build 3"))
    }
}
