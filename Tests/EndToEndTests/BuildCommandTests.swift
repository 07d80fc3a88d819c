import Foundation
import Testing

@Suite struct BuildCommandTests {
    @Test func buildingTheSampleIssueMatchesTheGoldenFiles() throws {
        let sample = try SampleWorkspace()
        let result = try sample.run("build", "3", "--out", "out")
        #expect(result.status == 0, "\(result.stderr)")
        try Golden.expectMatches(result.stdout, "build-3.stdout")
        for name in ["email.xhtml", "email.txt", "web.html"] {
            try Golden.expectMatches(try sample.read("out/\(name)"), "issue-003/\(name)")
        }
        try expectValidWithXmllint(sample.root.appending(path: "out/email.xhtml"))
    }

    @Test(arguments: [1, 2, 3])
    func everySampleIssueBuildsAndPassesXmllint(_ number: Int) throws {
        let sample = try SampleWorkspace()
        let result = try sample.run("build", String(number))
        #expect(result.status == 0, "\(result.stderr)")
        let folder = "build/" + String(format: "%03d", number)
        #expect(sample.exists("\(folder)/email.txt") && sample.exists("\(folder)/web.html"))
        try expectValidWithXmllint(sample.root.appending(path: "\(folder)/email.xhtml"))
    }

    @Test func checkValidatesEverythingAndWritesNothing() throws {
        let sample = try SampleWorkspace()
        let result = try sample.run("check")
        #expect(result.status == 0, "\(result.stderr)")
        try Golden.expectMatches(result.stdout, "check.stdout")
        #expect(!sample.exists("build"))
    }

    @Test func aFailedBuildLeavesThePreviousOutputAlone() throws {
        let sample = try SampleWorkspace()
        #expect(try sample.run("build", "3").status == 0)
        let before = try sample.read("build/003/email.xhtml")
        let template = try sample.read("templates/email.xhtml.mustache")
        try sample.write(
            template.replacingOccurrences(of: "</title>", with: "</title><marquee>x</marquee>"),
            to: "templates/email.xhtml.mustache")
        let result = try sample.run("build", "3")
        #expect(result.status == 1)
        #expect(try sample.read("build/003/email.xhtml") == before)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: sample.root.appending(path: "build/003").path).sorted()
                == ["email.txt", "email.xhtml", "web.html"])
    }

    @Test func aMissingXMLCatalogIsAnErrorThatNamesThePackage() throws {
        let sample = try SampleWorkspace()
        let result = try CommandLineTool.run(
            ["check", "3"], in: sample.root, environment: ["XML_CATALOG_FILES": "/nonexistent/catalog"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not in the XML catalog"))
        #expect(result.stderr.contains("w3c-sgml-lib"))
    }
}

@Suite struct ArchiveCommandTests {
    @Test func theSampleArchiveIsRegeneratedAndEveryPageChecked() throws {
        let sample = try SampleWorkspace()
        let result = try sample.run(["archive", "--out", "site"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Wrote the archive of 2 issues"))
        for file in ["site/index.html", "site/feed.xml", "site/issues/001/index.html", "site/issues/002/index.html"] {
            #expect(sample.exists(file), "\(file)")
        }
        #expect(!sample.exists("site/issues/003/index.html"), "a draft is not archived")
        // The frozen page is served as it was sent, even after the templates change.
        #expect(try sample.read("site/issues/002/index.html") == sample.read("issues/002/sent/web.html"))
        let feed = try CommandLineTool.run(
            URL(fileURLWithPath: "/usr/bin/xmllint"), ["--noout", "site/feed.xml"], in: sample.root)
        #expect(feed.status == 0, "\(feed.stderr)")
        let atom = try sample.read("site/feed.xml")
        #expect(atom.contains("<id>https://news.example.org/northbridge/issues/002/</id>"))
        #expect(atom.contains("<updated>2026-08-03T08:00:00Z</updated>"))
    }

    @Test func aBrokenArchiveTemplateWritesNothing() throws {
        let sample = try SampleWorkspace()
        try sample.write(
            try sample.read("templates/feed.atom.mustache").replacingOccurrences(of: "</feed>", with: "</fed>"),
            to: "templates/feed.atom.mustache")
        let result = try sample.run(["archive", "--out", "site"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: feed.xml:"))
        #expect(!sample.exists("site"))
    }

    @Test func aSentIssueWithoutAFrozenCopyIsLeftOutWithAWarning() throws {
        let sample = try SampleWorkspace()
        try FileManager.default.removeItem(at: sample.root.appending(path: "issues/001/sent"))
        let result = try sample.run(["archive", "--out", "site"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("warning: issues/001/issue.md: Issue 1 is marked sent but has no frozen copy"))
        #expect(result.stdout.contains("Wrote the archive of 1 issue "))
    }
}
