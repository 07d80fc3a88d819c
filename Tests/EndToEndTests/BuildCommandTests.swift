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
