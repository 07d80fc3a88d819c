internal import Crypto
internal import Foundation
public import NewsletterCore
internal import _CryptoExtras

/// A DKIM private key, read from its PEM file: RSA (PKCS #1 or PKCS #8, what `openssl` and
/// `dkim keygen` write) or Ed25519 (PKCS #8, RFC 8410). The key is never printed or logged.
public struct DKIMKey: Sendable {
    public let selector: String
    public let algorithm: DKIMSettings.Algorithm
    /// The key file, as the editor names it (relative to the workspace).
    public let displayPath: String
    private let signer: Signer

    // swift-crypto does not mark Curve25519 keys Sendable on Linux; the key is never changed
    // after it is read, so the threads that sign may share it.
    private enum Signer: @unchecked Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    public init(_ setting: DKIMSettings.Key, displayPath: String) throws {
        selector = setting.selector
        algorithm = setting.algorithm
        self.displayPath = displayPath
        guard let pem = try? String(contentsOf: setting.file, encoding: .utf8) else {
            throw NewsletterError(
                "The DKIM key \(displayPath) cannot be read.",
                hint:
                    "Check the `file` of its [[dkim.key]] table and the file's permissions; `newsletter dkim keygen` makes one."
            )
        }
        do {
            switch setting.algorithm {
            case .rsaSHA256:
                // RFC 8301 lets receivers accept 1024 bits; swift-crypto's safe reader wants 2048.
                let key = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem)
                guard key.keySizeInBits >= 1024 else {
                    throw NewsletterError(
                        "The DKIM key \(displayPath) has \(key.keySizeInBits) bits; receivers refuse fewer than 1024 (RFC 8301).",
                        hint: "Make a new one with `newsletter dkim keygen`, which makes 2048-bit keys.")
                }
                signer = .rsa(key)
            case .ed25519SHA256:
                signer = .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: Self.ed25519Seed(fromPEM: pem)))
            }
        } catch let error as NewsletterError {
            throw error
        } catch {
            throw NewsletterError(
                "The DKIM key \(displayPath) is not \(setting.algorithm == .rsaSHA256 ? "an RSA" : "an Ed25519") private key in PEM.",
                hint:
                    "Check the table's `algorithm`; `newsletter dkim keygen --algorithm \(setting.algorithm.rawValue)` makes a key of that kind."
            )
        }
    }

    /// Signs a header hash input: RSA with PKCS #1 v1.5 over its SHA-256 (RFC 6376; swift-crypto
    /// would use PSS without being told), Ed25519 over its SHA-256 digest (RFC 8463, section 3).
    func sign(_ input: [UInt8]) throws -> Data {
        switch signer {
        case .rsa(let key):
            return try key.signature(for: input, padding: .insecurePKCS1v1_5).rawRepresentation
        case .ed25519(let key):
            return try key.signature(for: Data(SHA256.hash(data: input)))
        }
    }

    /// The `p=` of the DNS record: the public key, base64 (RSA: its SubjectPublicKeyInfo; Ed25519:
    /// its 32 bytes, as RFC 8463 says).
    public var publicKeyBase64: String {
        switch signer {
        case .rsa(let key): key.publicKey.derRepresentation.base64EncodedString()
        case .ed25519(let key): key.publicKey.rawRepresentation.base64EncodedString()
        }
    }

    /// The TXT record to publish at `SELECTOR._domainkey.DOMAIN`.
    public var dnsRecord: String {
        "v=DKIM1; k=\(algorithm == .rsaSHA256 ? "rsa" : "ed25519"); p=\(publicKeyBase64)"
    }

    /// The DER of an Ed25519 private key in PKCS #8 is always these 16 bytes and then the 32 of
    /// the key (RFC 8410, section 7): read without an ASN.1 parser, which swift-crypto does not
    /// offer for this key type.
    static let ed25519PKCS8Prefix: [UInt8] = [
        0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]

    static func ed25519Seed(fromPEM pem: String) throws -> Data {
        let base64 = pem.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        guard let der = Data(base64Encoded: base64), der.count == 48, Array(der.prefix(16)) == ed25519PKCS8Prefix else {
            throw NewsletterError("not an Ed25519 key")
        }
        return der.suffix(32)
    }

    static func ed25519PEM(seed: Data) -> String {
        let der = Data(ed25519PKCS8Prefix) + seed
        return "-----BEGIN PRIVATE KEY-----\n\(der.base64EncodedString())\n-----END PRIVATE KEY-----\n"
    }

    /// A new key of `algorithm`, as PEM: RSA 2048 bits, or Ed25519.
    public static func generatePEM(_ algorithm: DKIMSettings.Algorithm) throws -> String {
        switch algorithm {
        case .rsaSHA256: try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
        case .ed25519SHA256: ed25519PEM(seed: Curve25519.Signing.PrivateKey().rawRepresentation)
        }
    }
}
