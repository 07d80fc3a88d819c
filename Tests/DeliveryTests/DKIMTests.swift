import Crypto
import Foundation
import NewsletterCore
import Testing
import _CryptoExtras

@testable import Delivery

/// RFC 8463, Appendix A: its keys, and its message signed by `football.example.com` with
/// Ed25519 (selector `brisbane`) and RSA (selector `test`), byte for byte as published.
enum RFC8463 {
    static let ed25519Seed = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="
    static let ed25519PublicKey = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    static let rsaPublicKey =
        "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"

    static let unsigned = [
        "From: Joe SixPack <joe@football.example.com>",
        "To: Suzie Q <suzie@shopping.example.net>",
        "Subject: Is dinner ready?",
        "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
        "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
        "",
        "Hi.",
        "",
        "We lost the game.  Are you hungry yet?",
        "",
        "Joe.",
        "",
        "",
    ].joined(separator: "\r\n")

    static let signed =
        [
            "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;",
            " d=football.example.com; i=@football.example.com;",
            " q=dns/txt; s=brisbane; t=1528637909; h=from : to :",
            " subject : date : message-id : from : subject : date;",
            " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus",
            " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==",
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;",
            " d=football.example.com; i=@football.example.com;",
            " q=dns/txt; s=test; t=1528637909; h=from : to : subject :",
            " date : message-id : from : subject : date;",
            " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3",
            " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz",
            " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=",
        ].joined(separator: "\r\n") + "\r\n" + unsigned
}

/// What a verifier does with one DKIM-Signature field, on the project's canonicalization: the
/// body hash it claims, and the bytes its signature covers. The signature itself is checked
/// with swift-crypto by the tests; dkimpy checks the whole in the end-to-end tests.
struct SignatureUnderTest {
    let tags: [String: String]
    let signedData: [UInt8]
    let bodyHash: String

    init(_ message: [UInt8], signature index: Int) throws {
        let (fields, body) = DKIMCanonicalization.split(message)
        let signatures = fields.filter { DKIMCanonicalization.name(of: $0) == "dkim-signature" }
        let field = signatures[index]
        let text = String(decoding: field, as: UTF8.self)
        let value = text[text.index(after: try #require(text.firstIndex(of: ":")))...]
        var tags: [String: String] = [:]
        for pair in value.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].filter { !$0.isWhitespace }
            tags[String(name)] = String(parts[1].filter { !$0.isWhitespace })
        }
        self.tags = tags
        bodyHash = Data(SHA256.hash(data: DKIMCanonicalization.body(body))).base64EncodedString()
        // The fields h= names, each the last one not yet used (RFC 6376, 5.4.2), then this one
        // with the value of b= emptied and no final CRLF.
        var unused: [String: [ArraySlice<UInt8>]] = [:]
        for field in fields { unused[DKIMCanonicalization.name(of: field), default: []].append(field) }
        var data: [UInt8] = []
        for name in (tags["h"] ?? "").split(separator: ":").map({ $0.lowercased() }) {
            guard let last = unused[name]?.popLast() else { continue }
            data += DKIMCanonicalization.header(last) + [0x0D, 0x0A]
        }
        let tag = try #require(["; b=", "\tb=", " b="].lazy.compactMap { text.range(of: $0) }.first)
        let end = text[tag.upperBound...].firstIndex(of: ";") ?? text.endIndex
        let emptied = text.replacingCharacters(in: tag.upperBound..<end, with: "")
        data += DKIMCanonicalization.header(Array(emptied.utf8)[...])
        signedData = data
    }

    var signature: Data { Data(base64Encoded: tags["b"] ?? "") ?? Data() }
}

@Suite struct DKIMCanonicalizationTests {
    func relaxedHeaders(_ text: String) -> String {
        let (fields, _) = DKIMCanonicalization.split(Array(text.utf8))
        return fields.map { String(decoding: DKIMCanonicalization.header($0), as: UTF8.self) + "\r\n" }.joined()
    }

    func relaxedBody(_ text: String) -> String {
        String(decoding: DKIMCanonicalization.body(Array(text.utf8)[...]), as: UTF8.self)
    }

    @Test func theExampleOfRFC6376() {
        let message = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n"
        #expect(relaxedHeaders(message) == "a:X\r\nb:Y Z\r\n")
        let (_, body) = DKIMCanonicalization.split(Array(message.utf8))
        #expect(String(decoding: DKIMCanonicalization.body(body), as: UTF8.self) == " C\r\nD E\r\n")
    }

    @Test func anEmptyBodyIsNothingAndHashesAsTheRFCSays() {
        #expect(relaxedBody("").isEmpty)
        #expect(relaxedBody("\r\n\r\n").isEmpty)
        // RFC 6376, 3.4.4: the SHA-256 of an empty relaxed body.
        let hash = Data(SHA256.hash(data: DKIMCanonicalization.body([][...]))).base64EncodedString()
        #expect(hash == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        let (fields, body) = DKIMCanonicalization.split(Array("Subject: x\r\n\r\n".utf8))
        #expect(fields.count == 1 && body.isEmpty)
    }

    @Test func linesOfWhitespaceAtTheEndAreDroppedAndTrailingBlanksTrimmed() {
        #expect(relaxedBody("Hi  \t there \r\n \t\r\n\r\n  \r\n") == "Hi there\r\n")
        #expect(relaxedBody("one\r\n\r\ntwo\r\n") == "one\r\n\r\ntwo\r\n", "an empty line inside stays")
        #expect(relaxedBody("no final line break") == "no final line break\r\n")
    }

    @Test func whitespaceAroundTheColonAndInFoldsIsUndone() {
        #expect(relaxedHeaders("Subject \t:   Hi  \r\n  there  \r\n\r\n") == "subject:Hi there\r\n")
        #expect(relaxedHeaders("X-Empty:\r\n\r\n") == "x-empty:\r\n")
        #expect(
            relaxedHeaders("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
                == "list-unsubscribe-post:List-Unsubscribe=One-Click\r\n")
    }
}

@Suite struct DKIMSignatureTests {
    static func rfcKey() throws -> (key: DKIMKey, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appending(path: "dkim-\(UUID().uuidString)")
        let file = folder.appending(path: "brisbane.key")
        try SecretFile.create(
            DKIMKey.ed25519PEM(seed: try #require(Data(base64Encoded: RFC8463.ed25519Seed))), at: file)
        let key = try DKIMKey(
            .init(selector: "brisbane", algorithm: .ed25519SHA256, file: file), displayPath: "brisbane.key")
        return (key, folder)
    }

    @Test func theRFCsOwnSignedMessageVerifiesWithTheProjectsCanonicalization() throws {
        let message = Array(RFC8463.signed.utf8)
        let ed = try SignatureUnderTest(message, signature: 0)
        #expect(ed.tags["bh"] == ed.bodyHash)
        let edKey = try Curve25519.Signing.PublicKey(
            rawRepresentation: try #require(Data(base64Encoded: RFC8463.ed25519PublicKey)))
        #expect(edKey.isValidSignature(ed.signature, for: Data(SHA256.hash(data: ed.signedData))))

        let rsa = try SignatureUnderTest(message, signature: 1)
        #expect(rsa.tags["bh"] == rsa.bodyHash)
        let rsaKey = try _RSA.Signing.PublicKey(
            unsafeDERRepresentation: try #require(Data(base64Encoded: RFC8463.rsaPublicKey)))
        #expect(
            rsaKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: rsa.signature), for: rsa.signedData,
                padding: .insecurePKCS1v1_5))

        // One byte changed in a signed field, and neither verifies any more.
        let changed = Array(RFC8463.signed.replacingOccurrences(of: "dinner", with: "supper").utf8)
        let edChanged = try SignatureUnderTest(changed, signature: 0)
        #expect(!edKey.isValidSignature(edChanged.signature, for: Data(SHA256.hash(data: edChanged.signedData))))
    }

    @Test func theRFCsKeyIsReadAsTheRFCPublishesIt() throws {
        let (key, folder) = try Self.rfcKey()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(key.publicKeyBase64 == RFC8463.ed25519PublicKey)
        #expect(key.dnsRecord == "v=DKIM1; k=ed25519; p=\(RFC8463.ed25519PublicKey)")
    }

    @Test func theRFCMessageSignedByTheProjectVerifiesAgainstThePublishedKey() throws {
        let (key, folder) = try Self.rfcKey()
        defer { try? FileManager.default.removeItem(at: folder) }
        let signer = DKIMSigner(domain: "football.example.com", keys: [key])
        let signed = try signer.sign(Array(RFC8463.unsigned.utf8), at: Date(timeIntervalSince1970: 1_528_637_909))
        #expect(String(decoding: signed, as: UTF8.self).hasSuffix(RFC8463.unsigned), "the message itself is untouched")
        let signature = try SignatureUnderTest(signed, signature: 0)
        // The same body as the RFC's, so the same body hash.
        #expect(signature.tags["bh"] == "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=")
        #expect(signature.tags["a"] == "ed25519-sha256" && signature.tags["c"] == "relaxed/relaxed")
        #expect(signature.tags["d"] == "football.example.com" && signature.tags["s"] == "brisbane")
        #expect(signature.tags["t"] == "1528637909")
        // List-Unsubscribe and List-Unsubscribe-Post are absent, and signed as absent: none can be added.
        #expect(signature.tags["h"] == "from:from:to:subject:date:message-id:list-unsubscribe:list-unsubscribe-post")
        let published = try Curve25519.Signing.PublicKey(
            rawRepresentation: try #require(Data(base64Encoded: RFC8463.ed25519PublicKey)))
        #expect(published.isValidSignature(signature.signature, for: Data(SHA256.hash(data: signature.signedData))))
    }

    @Test func everyListedFieldIsSignedAndFromAndTheUnsubscribeOnesOnceMore() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "dkim-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "s1.key")
        try SecretFile.create(try DKIMKey.generatePEM(.rsaSHA256), at: file)
        let key = try DKIMKey(.init(selector: "s1", algorithm: .rsaSHA256, file: file), displayPath: "s1.key")
        let message = [
            "From: A <a@example.org>", "To: b@example.net", "Subject: Hi", "Date: Fri, 04 Dec 2026 10:00:00 +0000",
            "Message-ID: <1@example.org>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "List-Id: <main.example.org>", "List-Unsubscribe: <https://example.org/u/1>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "X-Other: not signed", "", "Hello.", "",
        ].joined(separator: "\r\n")
        let signed = try DKIMSigner(domain: "example.org", keys: [key]).sign(Array(message.utf8))
        let signature = try SignatureUnderTest(signed, signature: 0)
        #expect(
            signature.tags["h"]
                == "from:from:to:subject:date:message-id:mime-version:content-type:list-id:list-unsubscribe:list-unsubscribe:list-unsubscribe-post:list-unsubscribe-post"
        )
        #expect(key.publicKeyBase64.count > 300, "a 2048-bit key")
        let publicKey = try _RSA.Signing.PublicKey(
            derRepresentation: try #require(Data(base64Encoded: key.publicKeyBase64)))
        #expect(
            publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature.signature), for: signature.signedData,
                padding: .insecurePKCS1v1_5))
        // Every line of the signature field fits in 78 characters (RFC 5322, 2.1.1), b= and h= folded.
        let header = String(decoding: signed, as: UTF8.self).components(separatedBy: "\r\nFrom:")[0]
        let lines = header.components(separatedBy: "\r\n")
        #expect(lines.count > 6 && lines.allSatisfy { $0.count <= 78 }, "\(lines)")
    }

    @Test func aKeyOfTheWrongKindOrTooShortIsNamedWithWhatToDo() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "dkim-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let ed = folder.appending(path: "ed.key")
        try SecretFile.create(try DKIMKey.generatePEM(.ed25519SHA256), at: ed)
        let wrong = #expect(throws: NewsletterError.self) {
            try DKIMKey(.init(selector: "s", algorithm: .rsaSHA256, file: ed), displayPath: "dkim/ed.key")
        }
        #expect(
            wrong?.description.contains("dkim/ed.key is not an RSA private key") == true, "\(String(describing: wrong))"
        )
        #expect(wrong?.diagnostics.first?.hint?.contains("algorithm") == true)
        let missing = #expect(throws: NewsletterError.self) {
            try DKIMKey(
                .init(selector: "s", algorithm: .rsaSHA256, file: folder.appending(path: "none.key")),
                displayPath: "dkim/none.key")
        }
        #expect(missing?.description.contains("cannot be read") == true)
        let short = folder.appending(path: "short.key")
        try SecretFile.create(
            try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024)).pemRepresentation, at: short)
        #expect(throws: Never.self) {
            try DKIMKey(.init(selector: "s", algorithm: .rsaSHA256, file: short), displayPath: "dkim/short.key")
        }
    }
}
