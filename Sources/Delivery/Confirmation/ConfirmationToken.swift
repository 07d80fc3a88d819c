public import Foundation

/// The link of a confirmation mail, `BASE_URL/confirm/TOKEN`: the person by their random id in
/// the store (no address), the lists they asked for, when it expires and a nonce, which makes it
/// work once; signed with the workspace's secret as unsubscribe links are.
public struct ConfirmationToken: Sendable, Equatable {
    public var publicID: String
    public var lists: [String]
    public var expires: Date
    public var nonce: String

    public init(publicID: String, lists: [String], expires: Date, nonce: String = ConfirmationToken.newNonce()) {
        self.publicID = publicID
        self.lists = lists
        self.expires = expires
        self.nonce = nonce
    }

    public static func newNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    public func encoded(with secret: UnsubscribeSecret) -> String {
        SignedText.sign(
            "~c\n\(publicID)\n\(lists.joined(separator: ","))\n\(Int(expires.timeIntervalSince1970))\n\(nonce)",
            with: secret)
    }

    public enum Problem: Error, Sendable, Equatable {
        /// Not made with this secret: forged, cut short or altered.
        case invalid
        case expired
    }

    public static func verify(_ token: String, with secret: UnsubscribeSecret, now: Date = Date()) -> Result<
        ConfirmationToken, Problem
    > {
        guard let text = SignedText.verify(token, with: secret) else { return .failure(.invalid) }
        let fields = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == "~c", let seconds = Int(fields[3]), !fields[2].isEmpty else {
            return .failure(.invalid)
        }
        let token = ConfirmationToken(
            publicID: String(fields[1]), lists: fields[2].split(separator: ",").map(String.init),
            expires: Date(timeIntervalSince1970: Double(seconds)), nonce: String(fields[4]))
        return token.expires < now ? .failure(.expired) : .success(token)
    }
}
