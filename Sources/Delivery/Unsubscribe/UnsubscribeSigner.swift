internal import Crypto
import Foundation
import NewsletterCore

/// Signs many tokens with one key: the key is set up (two hash blocks) once, and each token
/// starts from a copy of that state. Not `Sendable` (the key is not): one per sending thread.
struct UnsubscribeSigner {
    private let keyed: HMAC<SHA256>

    init(secret: UnsubscribeSecret) {
        keyed = HMAC(key: secret.key)
    }

    func encoded(_ token: UnsubscribeToken) -> String {
        let payload = Array(token.payload.utf8)
        var mac = keyed
        mac.update(data: payload)
        // Both halves into one buffer, and one string made of it: every message has a token.
        var output: [UInt8] = []
        output.reserveCapacity((payload.count + 2) / 3 * 4 + 1 + 43)
        Base64URL.append(payload, to: &output)
        output.append(0x2E)
        mac.finalize().withUnsafeBytes { Base64URL.append($0, to: &output) }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Text signed with the workspace's secret, as a URL-safe `PAYLOAD.MAC` (both base64url): the
/// form of unsubscribe and confirmation tokens.
enum SignedText {
    static func sign(_ text: String, with secret: UnsubscribeSecret) -> String {
        let payload = Data(text.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: secret.key)
        return Base64URL.encode(Array(payload)) + "." + Base64URL.encode(Array(mac))
    }

    /// The signed text, when every key of the secret fails to verify it: `nil`.
    static func verify(_ token: String, with secret: UnsubscribeSecret) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
            secret.verifyingKeys.contains(where: {
                HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: $0)
            })
        else { return nil }
        return String(data: payload, encoding: .utf8)
    }
}
