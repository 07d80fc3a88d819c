import Foundation
import Testing

/// A person's rights through the built binary: what is held about them, and erasure after an
/// issue was sent to them.
@Suite struct PersonTests {
    @Test func forgettingSomeoneWhoWasMailedLeavesTheCountsAndNothingOfThem() throws {
        let sample = try SampleWorkspace()
        let server = try SMTPTestServer()
        try sample.appendToConfig("[smtp]\nurl = \"\(server.url)\"")
        #expect(try sample.run(["send", "3", "--rate", "500/s"]).status == 0)
        let address = "agnes.banfi@example.org"
        let json = try sample.run(["subscribers", "show", address, "--json"]).stdout
        let record = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(record["email"] as? String == address)
        #expect((record["sends"] as? [[String: Any]])?.first?["issue"] as? Int == 3)
        #expect((record["consent_events"] as? [[String: Any]])?.first?["action"] as? String == "imported")
        let before = try sample.run(["status", "3"]).stdout

        let forgotten = try sample.run(["subscribers", "forget", address])
        #expect(forgotten.status == 0, "\(forgotten.stderr)")
        #expect(try sample.run(["status", "3"]).stdout == before, "the send's counts stay")
        #expect(try sample.run(["subscribers", "show", address]).stdout.contains("was erased at their request"))
        for file in ["state.sqlite", "state.sqlite-wal"] {
            let bytes = (try? Data(contentsOf: sample.root.appending(path: ".newsletter/\(file)"))) ?? Data()
            #expect(bytes.range(of: Data(address.utf8)) == nil, "\(file) holds the address")
            #expect(bytes.range(of: Data("Bánfi".utf8)) == nil, "\(file) holds the name")
        }
        // An old CSV brings them back no more.
        try sample.write("email,name\n\(address),Ágnes Bánfi\n", to: "old.csv")
        let imported = try sample.run(["subscribers", "import", "old.csv"])
        #expect(imported.stdout.contains("Imported 0 new subscribers"))
        #expect(imported.stderr.contains("was erased at their request"))
    }
}
