internal import Crypto
public import Foundation
public import NewsletterCore

/// The key that signs unsubscribe links: `NEWSLETTER_SECRET`, or the file `sending.secret_file`
/// names (`newsletter init` makes one). Never printed. Every link already mailed carries a
/// signature under it, so a new key would break them all: to rotate it, the file holds the new
/// key on its first line and older ones below, which still verify until their lines go.
public struct UnsubscribeSecret: Sendable {
    /// The key's bytes; `SymmetricKey` itself is not `Sendable`, so one is made for each use.
    private let bytes: Data
    /// Keys of earlier links: they verify, they never sign.
    private let previous: [Data]

    fileprivate var key: SymmetricKey { SymmetricKey(data: bytes) }
    /// Every key a link may have been signed with, the current one first.
    fileprivate var verifyingKeys: [SymmetricKey] { ([bytes] + previous).map { SymmetricKey(data: $0) } }

    public static let environmentVariable = "NEWSLETTER_SECRET"

    public init(bytes: Data, previous: [Data] = []) throws {
        guard bytes.count >= 16 else {
            throw NewsletterError(
                "The unsubscribe secret is too short (\(bytes.count) bytes; at least 16 are needed).",
                hint:
                    "Make one with `openssl rand -hex 32` and put it in \(Self.environmentVariable) or the file sending.secret_file names."
            )
        }
        self.bytes = bytes
        self.previous = previous
    }

    /// Reads the secret from the environment, else from the configured file.
    public static func load(
        settings: SendingSettings, environment: [String: String] = ProcessInfo.processInfo.environment
    )
        throws -> UnsubscribeSecret
    {
        if let value = environment[environmentVariable], !value.isEmpty {
            return try UnsubscribeSecret(bytes: Data(value.utf8))
        }
        if let file = settings.secretFile {
            guard let data = try? Data(contentsOf: file) else {
                throw NewsletterError(
                    "The unsubscribe secret file \(file.path) cannot be read.",
                    hint: "Check `sending.secret_file` in newsletter.toml and the file's permissions.")
            }
            // One key a line, the signing one first; blank lines and `#` comments are not keys.
            let keys = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
                .map { Data($0.utf8) }
            guard let first = keys.first else {
                throw NewsletterError(
                    "The unsubscribe secret file \(file.path) holds no key.",
                    hint: "Put a key on its first line, such as the output of `openssl rand -hex 32`.")
            }
            return try UnsubscribeSecret(bytes: first, previous: Array(keys.dropFirst()))
        }
        throw NewsletterError(
            "There is no secret for unsubscribe links.",
            hint:
                "Set \(environmentVariable) (for example to the output of `openssl rand -hex 32`) or name a file in `sending.secret_file`."
        )
    }
}

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

enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Base64 with the URL-safe alphabet and no padding (RFC 4648, section 5).
    static func encode(_ data: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((data.count + 2) / 3 * 4)
        append(data, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// `encode`, into `output`. Every message carries a token, so this does not go through
    /// Foundation's string replacing.
    static func append(_ data: some RandomAccessCollection<UInt8>, to output: inout [UInt8]) {
        let data = Array(data)
        var index = data.startIndex
        while index < data.endIndex {
            let count = min(3, data.endIndex - index)
            let b0 = UInt32(data[index])
            let b1 = count > 1 ? UInt32(data[index + 1]) : 0
            let b2 = count > 2 ? UInt32(data[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            if count > 1 { output.append(alphabet[Int(group >> 6 & 63)]) }
            if count > 2 { output.append(alphabet[Int(group & 63)]) }
            index += count
        }
    }

    static func decode(_ text: Substring) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return nil
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
