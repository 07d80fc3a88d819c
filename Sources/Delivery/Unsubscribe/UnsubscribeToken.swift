internal import Crypto
import Foundation
import NewsletterCore

/// A link's proof that it was made for one person on one list, with an HMAC-SHA256 under the
/// workspace's secret, base64url: it cannot be forged or guessed without the secret. A send's
/// links name the person by their recipient row in the store (which names the send too), so
/// that no proxy log or referrer holds their address; links from before that name the address,
/// and keep working.
public struct UnsubscribeToken: Sendable, Equatable {
    public var list: String
    public var person: Person

    public enum Person: Sendable, Equatable {
        /// Links from before the store, and test copies: the address itself.
        case address(String)
        /// The recipient row of a send, in the store.
        case recipient(Int64)
    }

    public init(list: String, address: String) {
        self.list = list
        person = .address(address)
    }

    public init(list: String, recipient: Int64) {
        self.list = list
        person = .recipient(recipient)
    }

    /// The address, for a token that holds one.
    public var address: String? {
        if case .address(let address) = person { return address }
        return nil
    }

    /// `PAYLOAD.MAC`, URL-safe.
    public func encoded(with secret: UnsubscribeSecret) -> String {
        UnsubscribeSigner(secret: secret).encoded(self)
    }

    /// The token's list and person, or `nil` when it was not made with this secret (forged,
    /// truncated or altered).
    public static func verify(_ token: String, with secret: UnsubscribeSecret) -> UnsubscribeToken? {
        guard let text = SignedText.verify(token, with: secret) else { return nil }
        let fields = text.split(separator: "\n", omittingEmptySubsequences: false)
        // `~r`, the recipient's id, the list: `~` is in no list's name, so an old token (the
        // list, then the address) never reads as a new one.
        if fields.count == 3, fields[0] == "~r", let id = Int64(fields[1]) {
            return UnsubscribeToken(list: String(fields[2]), recipient: id)
        }
        guard fields.count == 2 else { return nil }
        return UnsubscribeToken(list: String(fields[0]), address: String(fields[1]))
    }

    /// What the token signs.
    var payload: String {
        switch person {
        case .address(let address): "\(list)\n\(address)"
        case .recipient(let id): "~r\n\(id)\n\(list)"
        }
    }
}
