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

    /// The envelope sender for this send and recipient, `bounce` with the tag. Made for every
    /// message, so written as bytes into one buffer (string pieces cost several µs a message).
    public func address(bounce: EmailAddress, signer: Signer) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(bounce.localPart.utf8.count + bounce.domain.utf8.count + 40)
        bytes += bounce.localPart.utf8
        bytes.append(UInt8(ascii: "+"))
        appendTag(mac: signer.mac(of: self), to: &bytes)
        bytes.append(UInt8(ascii: "@"))
        bytes += bounce.domain.utf8
        return String(decoding: bytes, as: UTF8.self)
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
        // Only a tag as `appendTag` writes it is ours (not one with leading zeros, say).
        let valid = secret.verifyingKeys.contains { key in
            var written: [UInt8] = []
            named.appendTag(mac: Signer.mac(of: named, keyed: HMAC(key: key)), to: &written)
            return written.elementsEqual(tag.utf8)
        }
        return valid ? named : nil
    }

    /// `SEND-RECIPIENT-MAC`: the ids in base 36, the MAC's bytes in hex, all lowercase.
    private func appendTag(mac: [UInt8], to bytes: inout [UInt8]) {
        Self.appendBase36(sendID, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.appendBase36(recipientID, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        for byte in mac {
            bytes.append(Self.digits[Int(byte >> 4)])
            bytes.append(Self.digits[Int(byte & 0x0F)])
        }
    }

    private static let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)

    private static func appendBase36(_ value: Int64, to bytes: inout [UInt8]) {
        let start = bytes.count
        var rest = UInt64(max(0, value))
        repeat {
            bytes.append(digits[Int(rest % 36)])
            rest /= 36
        } while rest > 0
        bytes[start...].reverse()
    }

    /// What the MAC signs: the two ids, as 16 bytes.
    private var signedBytes: [UInt8] {
        withUnsafeBytes(of: (sendID.bigEndian, recipientID.bigEndian)) { Array($0) }
    }

    /// Signs tags with one key, set up once: a sending thread keeps one. Not `Sendable`.
    public struct Signer {
        private let keyed: HMAC<SHA256>

        public init(secret: UnsubscribeSecret) {
            keyed = HMAC(key: secret.key)
        }

        func mac(of address: VERPAddress) -> [UInt8] { Self.mac(of: address, keyed: keyed) }

        /// The first 6 bytes (48 bits) of the HMAC of the ids.
        static func mac(of address: VERPAddress, keyed: HMAC<SHA256>) -> [UInt8] {
            var mac = keyed
            mac.update(data: address.signedBytes)
            return Array(mac.finalize().prefix(6))
        }
    }
}
