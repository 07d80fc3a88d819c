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

    var key: SymmetricKey { SymmetricKey(data: bytes) }
    /// Every key a link may have been signed with, the current one first.
    var verifyingKeys: [SymmetricKey] { ([bytes] + previous).map { SymmetricKey(data: $0) } }

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
