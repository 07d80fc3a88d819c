import Foundation
import Testing

/// Who a send mails, from the store, through the built binary to aiosmtpd: part of a list
/// (`--where`), the ones a send missed (`--only-new`), a send ended early (`--cancel`), and a
/// send that mailed nobody taking the list as it is now.
@Suite struct AudienceTests {
    /// The sample with a list of `count` generated readers (city "City 0" to "City 6") and a relay.
    func sample(_ count: Int, connections: Int = 2) throws -> (SampleWorkspace, SMTPTestServer) {
        let sample = try SampleWorkspace()
        try sample.generateList(count)
        let server = try SMTPTestServer()
        try sample.appendToConfig("[smtp]\nurl = \"\(server.url)\"\nconnections = \(connections)")
        return (sample, server)
    }

    @Test func whereSendsToThePartOfAListWhoseAttributesMatch() throws {
        let (sample, server) = try sample(70)
        let dryRun = try sample.run(["send", "3", "--dry-run", "--where", "city=City 2", "--where", "city!=City 3"])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(
            dryRun.stdout.contains("to the list `main` where city=City 2, city!=City 3: 10 messages"),
            "\(dryRun.stdout)")
        #expect(dryRun.stdout.contains("60 not matching"))
        let sent = try sample.run(["send", "3", "--where", "city=City 2", "--rate", "500/s"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let delivered = Set(try server.messages().compactMap(\.to))
        #expect(delivered == Set(stride(from: 2, to: 70, by: 7).map { "reader\($0)@example.org" }))
        #expect(try sample.run(["status", "3"]).stdout.contains("Issue 3 → main where city=City 2 (send 1"))
        let typo = try sample.run(["send", "3", "--where", "city"])
        #expect(typo.status != 0 && typo.stderr.contains("write FIELD=VALUE or FIELD!=VALUE"))
    }

    @Test func onlyNewMailsTheMembersWhoHaveNotReceivedTheIssue() throws {
        let (sample, server) = try sample(20)
        #expect(try sample.run(["send", "3", "--rate", "500/s"]).status == 0)
        // A late sign-up, and a row mended after the send.
        try sample.write("email,name\nlate@example.org,Late\nmended@example.org,Mended\n", to: "late.csv")
        #expect(try sample.run(["subscribers", "import", "late.csv"]).status == 0)
        let refused = try sample.run(["send", "3"])
        #expect(refused.status == 1 && refused.stderr.contains("--only-new mails the members who have not received it"))
        let dryRun = try sample.run(["send", "3", "--only-new", "--dry-run"])
        #expect(
            dryRun.stdout.contains("2 messages") && dryRun.stdout.contains("20 who received it already"),
            "\(dryRun.stdout)")
        let again = try sample.run(["send", "3", "--only-new", "--rate", "500/s"])
        #expect(again.status == 0, "\(again.stderr)")
        let delivered = try server.messages().compactMap(\.to)
        #expect(delivered.count == 22 && Set(delivered).count == 22, "nobody twice")
        #expect(Set(delivered).isSuperset(of: ["late@example.org", "mended@example.org"]))
        let nothingNew = try sample.run(["send", "3", "--only-new", "--dry-run"])
        #expect(nothingNew.stdout.contains("0 messages"))
    }

    @Test func cancelEndsAnUnfinishedSendAndStatusSaysSo() throws {
        let (sample, server) = try sample(60, connections: 1)
        try sample.appendToConfig("[sending]\nrate = \"10/s\"\nburst = 1")
        let process = try sample.start(["send", "3"])
        Thread.sleep(forTimeInterval: 1.5)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let mailed = try server.messages().count
        #expect(mailed > 0 && mailed < 60)
        let cancelled = try sample.run(["send", "3", "--cancel"])
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        #expect(
            cancelled.stdout.contains(
                "Cancelled the send of issue 3 to main: \(60 - mailed) still waiting will not be mailed."),
            "\(cancelled.stdout)")
        let status = try sample.run(["status", "3"]).stdout
        #expect(status.contains(", cancelled 20"), "\(status)")
        #expect(status.contains("sent \(mailed)") && status.contains("cancelled \(60 - mailed)"), "\(status)")
        // Nothing more goes out; the rest can be reached on purpose with --only-new.
        let refused = try sample.run(["send", "3"])
        #expect(refused.status == 1 && refused.stderr.contains("was cancelled on"))
        #expect(try server.messages().count == mailed)
        #expect(try sample.run(["send", "3", "--cancel"]).stderr.contains("There is no unfinished send of issue 3"))
    }

    @Test func aSendThatMailedNobodyTakesTheListAsItIsNowWhenRunAgain() throws {
        let sample = try SampleWorkspace()
        try sample.generateList(10)
        // A wrong relay: the send stops before anyone is mailed.
        let wrong = try sample.run(["send", "3", "--smtp", "smtp://127.0.0.1:9"])
        #expect(wrong.status == 1 && wrong.stderr.contains("Nothing accepts connections"))
        try sample.write("email\nafter@example.org\n", to: "after.csv")
        #expect(try sample.run(["subscribers", "import", "after.csv"]).status == 0)
        #expect(try sample.run(["subscribers", "remove", "reader0@example.org"]).status == 0)
        let server = try SMTPTestServer()
        let right = try sample.run(["send", "3", "--smtp", server.url, "--rate", "500/s"])
        #expect(right.status == 0, "\(right.stderr)")
        #expect(right.stderr.contains("mailed nobody: its audience is taken again from the list as it is now"))
        let delivered = Set(try server.messages().compactMap(\.to))
        #expect(delivered.contains("after@example.org") && !delivered.contains("reader0@example.org"))
        #expect(delivered.count == 10)
    }
}
