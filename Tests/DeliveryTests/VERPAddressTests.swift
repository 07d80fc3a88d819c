import Foundation
import NewsletterCore
import Testing

@testable import Delivery

@Suite struct VERPAddressTests {
    let secret = try! UnsubscribeSecret(bytes: Data("verp-test-secret-0123456789".utf8))
    let bounce = try! EmailAddress("bounces@example.org")

    func address(_ send: Int64, _ recipient: Int64, secret: UnsubscribeSecret? = nil) -> String {
        VERPAddress(sendID: send, recipientID: recipient).address(
            bounce: bounce, signer: VERPAddress.Signer(secret: secret ?? self.secret))
    }

    @Test func anAddressNamesItsSendAndRecipientAndReadsBack() throws {
        let written = address(12, 987_654)
        #expect(written.hasPrefix("bounces+c-l62u-") && written.hasSuffix("@example.org"), "\(written)")
        #expect(written.utf8.count < 64, "the local part stays short")
        #expect(
            VERPAddress.read(written, bounce: bounce, secret: secret) == VERPAddress(sendID: 12, recipientID: 987_654))
        // A server that upper-cases local parts changes nothing.
        #expect(VERPAddress.read(written.uppercased(), bounce: bounce, secret: secret)?.recipientID == 987_654)
    }

    @Test func aForgedOrForeignTagMatchesNobody() throws {
        let written = address(3, 41)
        let mac = written.split(separator: "-").last!.split(separator: "@").first!
        // Another recipient with this recipient's MAC: a forged bounce.
        #expect(VERPAddress.read("bounces+3-42-\(mac)@example.org", bounce: bounce, secret: secret) == nil)
        #expect(VERPAddress.read("bounces+3-41-000000000000@example.org", bounce: bounce, secret: secret) == nil)
        // Signed under another workspace's secret.
        let other = try UnsubscribeSecret(bytes: Data("another-workspace-secret-000".utf8))
        #expect(VERPAddress.read(address(3, 41, secret: other), bounce: bounce, secret: secret) == nil)
        // Not the bounce address, or no tag at all, or a tag spelt another way.
        #expect(
            VERPAddress.read(
                written.replacingOccurrences(of: "bounces+", with: "news+"), bounce: bounce, secret: secret) == nil)
        #expect(
            VERPAddress.read(
                written.replacingOccurrences(of: "example.org", with: "example.net"), bounce: bounce, secret: secret)
                == nil)
        #expect(VERPAddress.read("bounces@example.org", bounce: bounce, secret: secret) == nil)
        #expect(VERPAddress.read("bounces+03-41-\(mac)@example.org", bounce: bounce, secret: secret) == nil)
        #expect(VERPAddress.read("bounces+3-41-\(mac)-x@example.org", bounce: bounce, secret: secret) == nil)
    }

    @Test func aTagSignedWithARotatedKeyStillReads() throws {
        let old = Data("the-old-key-0123456789abcdef".utf8)
        let written = address(5, 6, secret: try UnsubscribeSecret(bytes: old))
        let rotated = try UnsubscribeSecret(bytes: Data("the-new-key-0123456789abcdef".utf8), previous: [old])
        #expect(VERPAddress.read(written, bounce: bounce, secret: rotated) == VERPAddress(sendID: 5, recipientID: 6))
    }

    @Test func withVERPOffTheEnvelopeIsTheBounceAddress() {
        let off = EnvelopeSender(settings: BouncesSettings(address: "bounces@example.org", verp: false), secret: secret)
        #expect(off.address(sendID: 1, recipientID: 2) == "bounces@example.org")
        let on = EnvelopeSender(settings: BouncesSettings(address: "bounces@example.org"), secret: secret)
        #expect(on.address(sendID: 1, recipientID: 2) == address(1, 2))
    }
}
