internal import Crypto
public import NewsletterCore

/// VERP (variable envelope return path): each message's envelope sender is the bounce address
/// with a tag naming the send and the recipient, `LOCAL+SEND-RECIPIENT-MAC@DOMAIN`, so that a
/// bounce to it names its recipient beyond doubt. The MAC (48 bits of an HMAC-SHA256 under the
/// workspace's secret) makes a tag impossible to forge: a bounce with a made-up tag matches
/// nobody, so it cannot unsubscribe someone else. Everything in the tag is lowercase letters,
/// digits and hyphens: mail servers that change the case of local parts change nothing here.
public struct VERPAddress: Sendable, Equatable {
    public var sendID: Int64
    /// The recipient's row in the ledger.
    public var recipientID: Int64

    public init(sendID: Int64, recipientID: Int64) {
        self.sendID = sendID
        self.recipientID = recipientID
    }

    /// The envelope sender for this send and recipient, `bounce` with the tag.
    public func address(bounce: EmailAddress, signer: Signer) -> String {
        "\(bounce.localPart)+\(tag(signer.mac(of: self)))@\(bounce.domain)"
    }

    /// The send and recipient an envelope address names, when it is `bounce`'s with a tag
    /// that every key of `secret` but none fails to verify: `nil` otherwise.
    public static func read(_ address: String, bounce: EmailAddress, secret: UnsubscribeSecret) -> VERPAddress? {
        let lowered = address.lowercased()
        let prefix = bounce.localPart.lowercased() + "+"
        let suffix = "@" + bounce.domain.lowercased()
        guard lowered.hasPrefix(prefix), lowered.hasSuffix(suffix), lowered.count > prefix.count + suffix.count
        else { return nil }
        let tag = lowered.dropFirst(prefix.count).dropLast(suffix.count)
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let send = Int64(parts[0], radix: 36), let recipient = Int64(parts[1], radix: 36),
            send > 0, recipient > 0
        else { return nil }
        let named = VERPAddress(sendID: send, recipientID: recipient)
        // Written by `tag` only: a tag spelt any other way (leading zeros, say) is not ours.
        guard named.tag(String(parts[2])) == String(tag) else { return nil }
        let valid = secret.verifyingKeys.contains { key in
            Signer.mac(of: named, keyed: HMAC(key: key)) == String(parts[2])
        }
        return valid ? named : nil
    }

    private func tag(_ mac: String) -> String {
        "\(String(sendID, radix: 36))-\(String(recipientID, radix: 36))-\(mac)"
    }

    private var signedText: String { "verp \(sendID) \(recipientID)" }

    /// Signs tags with one key, set up once: a sending thread keeps one. Not `Sendable`.
    public struct Signer {
        private let keyed: HMAC<SHA256>

        public init(secret: UnsubscribeSecret) {
            keyed = HMAC(key: secret.key)
        }

        func mac(of address: VERPAddress) -> String { Self.mac(of: address, keyed: keyed) }

        static func mac(of address: VERPAddress, keyed: HMAC<SHA256>) -> String {
            var mac = keyed
            mac.update(data: Array(address.signedText.utf8))
            return mac.finalize().prefix(6).map { byte in
                let hex = String(byte, radix: 16)
                return hex.count == 1 ? "0" + hex : hex
            }.joined()
        }
    }
}
