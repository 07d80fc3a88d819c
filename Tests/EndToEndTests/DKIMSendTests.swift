import Foundation
import Testing

/// DKIM from the editor's side: `dkim keygen`, then sends, test copies and the preview's raw
/// message, every signature checked by dkimpy (Debian's python3-dkim), an independent verifier,
/// given the records keygen printed.
@Suite struct DKIMSendTests {
    static let verifier = SampleWorkspace.repository.appending(path: "Tests/Servers/verify_dkim.py")

    struct Verdict: Decodable {
        var file: String
        var signatures: [Signature]
        var error: String?

        struct Signature: Decodable {
            var selector: String
            var algorithm: String
            var headers: String
            var verified: Bool
        }
    }

    /// A key made by `dkim keygen` in `sample`, with the record it said to publish.
    struct GeneratedKey {
        var selector: String
        var recordName: String
        var recordValue: String
        var output: String
    }

    static func keygen(_ sample: SampleWorkspace, algorithm: String, selector: String) throws -> GeneratedKey {
        let result = try sample.run(["dkim", "keygen", "--algorithm", algorithm, "--selector", selector])
        #expect(result.status == 0, "\(result.stderr)")
        func line(_ label: String) throws -> String {
            let found = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("  \(label)") })
            return found.dropFirst(label.count + 2).trimmingCharacters(in: .whitespaces)
        }
        return GeneratedKey(
            selector: selector, recordName: try line("name:"), recordValue: try line("value:"), output: result.stdout)
    }

    static func configure(_ sample: SampleWorkspace, keys: [(selector: String, algorithm: String)]) throws {
        try sample.appendToConfig(
            "[dkim]\n"
                + keys.map {
                    "[[dkim.key]]\nselector = \"\($0.selector)\"\nalgorithm = \"\($0.algorithm)\"\nfile = \"dkim/\($0.selector).key\"\n"
                }.joined())
    }

    static func verify(_ files: [String], records: [GeneratedKey], in folder: URL) throws -> [Verdict] {
        let keys = folder.appending(path: "dkim-records-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: keys) }
        let map = Dictionary(uniqueKeysWithValues: records.map { ($0.recordName, $0.recordValue) })
        try JSONSerialization.data(withJSONObject: map).write(to: keys)
        let result = try CommandLineTool.run(
            SMTPTestServer.python, [verifier.path, "--keys", keys.path] + files, in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode([Verdict].self, from: Data(result.stdout.utf8))
    }

    @Test func keygenWritesAPrivateKeyOnlyItsOwnerReadsAndPrintsTheRecordAndTheTable() throws {
        let sample = try SampleWorkspace()
        let key = try Self.keygen(sample, algorithm: "ed25519-sha256", selector: "ed2026")
        #expect(key.recordName == "ed2026._domainkey.example.org")
        #expect(key.recordValue.hasPrefix("v=DKIM1; k=ed25519; p="))
        #expect(key.output.contains("[[dkim.key]]\n  selector = \"ed2026\"\n  algorithm = \"ed25519-sha256\""))
        #expect(key.output.contains("file = \"dkim/ed2026.key\""))
        let file = sample.root.appending(path: "dkim/ed2026.key")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // The private key is never printed: no line of its base64 is in the output.
        let pem = try String(contentsOf: file, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        for line in pem.split(separator: "\n") where !line.hasPrefix("-----") {
            #expect(!key.output.contains(line))
        }
        #expect(try sample.read(".gitignore").split(separator: "\n").contains("*.key"))

        let rsa = try Self.keygen(sample, algorithm: "rsa-sha256", selector: "rsa2026")
        #expect(rsa.recordValue.hasPrefix("v=DKIM1; k=rsa; p=MIIBIjAN"), "a 2048-bit SubjectPublicKeyInfo")
        // The record is longer than one TXT string: the zone file form splits it.
        #expect(rsa.output.contains("rsa2026._domainkey.example.org. IN TXT ( \"v=DKIM1; k=rsa; p="))
        #expect(rsa.output.contains("\" \""))

        // The same selector again: refused, and the key there is left as it was.
        let again = try sample.run(["dkim", "keygen", "--algorithm", "ed25519-sha256", "--selector", "ed2026"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("exists already"), "\(again.stderr)")
        #expect(try String(contentsOf: file, encoding: .utf8) == pem)
        let bad = try sample.run(["dkim", "keygen", "--selector", "not a label"])
        #expect(bad.status != 0 && bad.stderr.contains("--selector must be a DNS label"))
    }

    @Test(arguments: [["rsa-sha256"], ["ed25519-sha256"], ["rsa-sha256", "ed25519-sha256"]])
    func everyMessageOfASendVerifiesWithDkimpy(algorithms: [String]) throws {
        let sample = try SampleWorkspace()
        let keys = try algorithms.enumerated().map { index, algorithm in
            try Self.keygen(sample, algorithm: algorithm, selector: "k\(index + 1)")
        }
        try Self.configure(sample, keys: zip(keys, algorithms).map { ($0.selector, $1) })
        let server = try SMTPTestServer()
        let result = try sample.run(["send", "3", "--rate", "200/s", "--smtp", server.url])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try server.arrivals().map { server.maildir.appending(path: "new/\($0.file)").path }
        #expect(files.count == (try sample.activeAddresses()).count)
        let verdicts = try Self.verify(files, records: keys, in: sample.root)
        for verdict in verdicts {
            #expect(verdict.error == nil, "\(verdict.file): \(verdict.error ?? "")")
            // One signature per key, the last table's on top, each verified.
            #expect(verdict.signatures.map(\.algorithm) == algorithms, "\(verdict.file)")
            #expect(verdict.signatures.allSatisfy { $0.verified }, "\(verdict.file): \(verdict.signatures)")
            #expect(verdict.signatures.allSatisfy { $0.headers.hasPrefix("from:from:to:subject:date:message-id") })
            #expect(
                verdict.signatures.allSatisfy { $0.headers.hasSuffix("list-unsubscribe-post:list-unsubscribe-post") })
        }
        // Changed after signing: a word of the body, or a From added on top. Neither verifies.
        let original = try Data(contentsOf: URL(fileURLWithPath: try #require(files.first)))
        let text = String(decoding: original, as: UTF8.self)
        let bodyChanged = sample.root.appending(path: "changed-body.eml")
        try Data(text.replacingOccurrences(of: "Safer Roads", with: "Safer Rodes").utf8).write(to: bodyChanged)
        let fromAdded = sample.root.appending(path: "from-added.eml")
        try Data(("From: Mallory <m@evil.example>\r\n" + text).utf8).write(to: fromAdded)
        let tampered = try Self.verify([bodyChanged.path, fromAdded.path], records: keys, in: sample.root)
        #expect(tampered.count == 2)
        for verdict in tampered {
            #expect(
                !verdict.signatures.isEmpty && verdict.signatures.allSatisfy { !$0.verified },
                "\(verdict.file): \(verdict.error ?? "")")
        }
    }

    @Test func testCopiesDryRunsAndThePreviewsRawMessageAreSignedTheSameWay() throws {
        let sample = try SampleWorkspace()
        let key = try Self.keygen(sample, algorithm: "ed25519-sha256", selector: "ed1")
        let unsigned = try sample.run(["send", "3", "--dry-run"])
        try Self.configure(sample, keys: [("ed1", "ed25519-sha256")])

        let server = try SMTPTestServer()
        let copy = try sample.run(["send", "3", "--test-to", "editor@example.org", "--smtp", server.url])
        #expect(copy.status == 0, "\(copy.stderr)")
        let preview = try RunningServer(["preview", "3"], in: sample.root)
        let raw = try preview.get("message.eml")
        let previewFile = sample.root.appending(path: "preview.eml")
        try Data(raw.body.utf8).write(to: previewFile)
        let files =
            try server.arrivals().map { server.maildir.appending(path: "new/\($0.file)").path } + [previewFile.path]
        #expect(files.count == 2)
        for verdict in try Self.verify(files, records: [key], in: sample.root) {
            #expect(verdict.signatures.count == 1 && verdict.signatures.allSatisfy { $0.verified }, "\(verdict.file)")
        }

        // A dry run signs every message too: its byte count grows by the signatures, and a key
        // it cannot read stops it, named.
        let signed = try sample.run(["send", "3", "--dry-run"])
        #expect(signed.status == 0 && unsigned.status == 0, "\(signed.stderr)")
        #expect(signed.stdout != unsigned.stdout, "the dry run's bytes include the signatures")
        try FileManager.default.removeItem(at: sample.root.appending(path: "dkim/ed1.key"))
        let broken = try sample.run(["send", "3", "--dry-run"])
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("The DKIM key dkim/ed1.key cannot be read"), "\(broken.stderr)")
    }
}
