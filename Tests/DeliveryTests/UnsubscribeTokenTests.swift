import Foundation
import Testing

@testable import Delivery

@Suite struct UnsubscribeTokenTests {
    let secret = try! UnsubscribeSecret(bytes: Data("a secret of thirty-two bytes....".utf8))

    @Test func roundTripsAndIsURLSafe() throws {
        let token = UnsubscribeToken(list: "main", address: "agnes.banfi@example.org").encoded(with: secret)
        #expect(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        #expect(
            UnsubscribeToken.verify(token, with: secret)
                == UnsubscribeToken(list: "main", address: "agnes.banfi@example.org"))
    }

    @Test func aSendsTokenNamesTheRecipientsRowAndNoAddress() throws {
        let token = UnsubscribeToken(list: "partners", recipient: 4711).encoded(with: secret)
        let verified = try #require(UnsubscribeToken.verify(token, with: secret))
        #expect(verified == UnsubscribeToken(list: "partners", recipient: 4711) && verified.address == nil)
        // A rotated key: a token signed with the old one still verifies; the new one signs.
        let rotated = try UnsubscribeSecret(
            bytes: Data("a new secret of thirty-two bytes".utf8),
            previous: [Data("a secret of thirty-two bytes....".utf8)])
        #expect(UnsubscribeToken.verify(token, with: rotated) != nil)
        let newToken = UnsubscribeToken(list: "main", recipient: 1).encoded(with: rotated)
        #expect(UnsubscribeToken.verify(newToken, with: secret) == nil)
        // An old token of a list that looks like the new form's marker is still an old token.
        let old = UnsubscribeToken(list: "r12", address: "a@example.org").encoded(with: secret)
        #expect(UnsubscribeToken.verify(old, with: secret) == UnsubscribeToken(list: "r12", address: "a@example.org"))
    }

    @Test func refusesForgedTruncatedAndForeignTokens() throws {
        let token = UnsubscribeToken(list: "main", address: "agnes.banfi@example.org").encoded(with: secret)
        let other = try UnsubscribeSecret(bytes: Data("another secret of thirty-two b..".utf8))
        let forgedPayload =
            Base64URL.encode(Array("main\nvictim@example.org".utf8)) + "." + token.split(separator: ".")[1]
        for bad in [
            String(token.dropLast()), String(token.dropLast(10)), forgedPayload, token + "x", "", ".", "a.b",
            token.replacingOccurrences(of: ".", with: ""),
            UnsubscribeToken(list: "main", address: "a@example.org").encoded(with: other),
        ] {
            #expect(UnsubscribeToken.verify(bad, with: secret) == nil, "\(bad)")
        }
    }

    @Test func needsALongEnoughSecretFromTheEnvironmentOrAFile() throws {
        #expect(throws: (any Error).self) { try UnsubscribeSecret(bytes: Data("short".utf8)) }
        let settings = try #require(try? ConfigFixture.sending())
        #expect(throws: (any Error).self) { try UnsubscribeSecret.load(settings: settings, environment: [:]) }
        _ = try UnsubscribeSecret.load(settings: settings, environment: ["NEWSLETTER_SECRET": "0123456789abcdef0123"])
    }
}
