import Delivery
import Foundation
import Testing

/// Several processes on one store at once, as in real life: a send, `serve` taking sign-ups,
/// confirmations and unsubscribes, and a long import, all on the same workspace.
@Suite struct ConcurrencyTests {
    @Test func signUpsAndUnsubscribesDuringASendAndALongImportLoseNothing() throws {
        let workspace = try NewWorkspace {
            $0 += "\n[signup]\nper_ip_per_hour = 100000\nconfirmations_per_hour = 100000\n"
        }
        let list = (0..<2000).map { "member\($0)@example.org" }
        try workspace.write("email\n" + list.joined(separator: "\n") + "\n", to: "members.csv")
        #expect(try workspace.run(["subscribers", "import", "members.csv"]).status == 0)
        try workspace.write(
            "email,city\n" + (0..<100_000).map { "imported\($0)@example.org,City \($0 % 9)" }.joined(separator: "\n")
                + "\n", to: "big.csv")
        try workspace.writeIssueHeader()
        try workspace.write(
            "---\ntitle: \"News\"\ndate: 2026-11-30\n---\nOne paragraph of news.\n", to: "issues/001/items/01-news.md")
        let relay = try SMTPTestServer()
        let server = try RunningServer(["serve", "--smtp", relay.url], in: workspace.root)
        let key = try #require(try workspace.read("secret.key").split(separator: "\n").first)
        let secret = try UnsubscribeSecret(bytes: Data(key.utf8))

        // The send (200 a second, so about ten seconds) and the import, in the background.
        let send = try workspace.start(["send", "1", "--smtp", relay.url, "--rate", "200/s", "--connections", "2"])
        let importing = try workspace.start(["subscribers", "import", "big.csv"])
        Thread.sleep(forTimeInterval: 0.5)
        // The last twenty of the audience leave while the send has hardly begun.
        let leaving = Array(list.suffix(20))
        try curl(
            leaving.flatMap { address in
                [
                    "-X", "POST", "--data-raw", "List-Unsubscribe=One-Click",
                    server.base + "unsubscribe/"
                        + UnsubscribeToken(list: "main", address: address).encoded(with: secret),
                ]
            }, in: workspace)
        // 200 sign-ups, then their confirmations, from the mails.
        let newcomers = (0..<200).map { "newcomer\($0)@example.org" }
        try curl(
            newcomers.flatMap { ["-X", "POST", "--data-raw", "email=\($0)&list=main", server.base + "subscribe"] },
            in: workspace)
        var links: [String: String] = [:]
        let deadline = Date().addingTimeInterval(60)
        while links.count < 200, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.5)
            for message in try relay.messages() where message.to?.hasPrefix("newcomer") == true {
                let text = message.parts?.first { $0.contentType == "text/plain" }?.text ?? ""
                if let link = text.firstMatch(of: /\/confirm\/(\S+)/)?.1 { links[message.to ?? ""] = String(link) }
            }
        }
        #expect(links.count == 200, "every sign-up got its mail")
        try curl(links.values.flatMap { ["-X", "POST", server.base + "confirm/" + $0] }, in: workspace)

        send.waitUntilExit()
        importing.waitUntilExit()
        #expect(send.terminationStatus == 0)
        #expect(importing.terminationStatus == 0)

        let exported = try workspace.run(["subscribers", "export"]).stdout.split(separator: "\n").dropFirst()
            .map { String($0.split(separator: ",")[0]) }
        #expect(exported.count == Set(exported).count, "nobody twice")
        #expect(Set(exported).isSuperset(of: newcomers), "every confirmed sign-up is there")
        #expect(Set(exported).isDisjoint(with: leaving))
        #expect(exported.count == 2000 - 20 + 100_000 + 200)
        let mailed = try relay.messages().compactMap(\.to).filter { $0.hasPrefix("member") }
        #expect(Set(mailed).isDisjoint(with: leaving), "the send honoured the unsubscribes made during it")
        #expect(mailed.count == Set(mailed).count && mailed.count == 1980)
    }

    /// Runs one curl with several requests at once; fails on a failed request.
    private func curl(_ requests: [String], in workspace: NewWorkspace) throws {
        var arguments = ["-s", "-Z", "--parallel-max", "20", "-o", "/dev/null", "-w", "%{http_code}\n"]
        var current: [String] = []
        var first = true
        for argument in requests {
            current.append(argument)
            if argument.hasPrefix("http") {
                if !first { arguments += ["--next", "-s", "-o", "/dev/null", "-w", "%{http_code}\n"] }
                arguments += current
                current = []
                first = false
            }
        }
        let result = try CommandLineTool.run(URL(fileURLWithPath: "/usr/bin/curl"), arguments, in: workspace.root)
        let codes = result.stdout.split(separator: "\n")
        #expect(codes.allSatisfy { $0 == "200" }, "\(Dictionary(codes.map { ($0, 1) }, uniquingKeysWith: +))")
    }
}
