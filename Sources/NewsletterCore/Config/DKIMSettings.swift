public import Foundation

/// `[dkim]` and its `[[dkim.key]]` tables: the signatures every message carries, so that
/// receivers can check it came from the sender's domain (RFC 6376). Several keys make several
/// signatures: an `rsa-sha256` one and an `ed25519-sha256` one (RFC 8463), while receivers catch up.
public struct DKIMSettings: Sendable, Equatable {
    /// The `d=` domain: by default the sender's.
    public var domain: String
    public var keys: [Key]

    public struct Key: Sendable, Equatable {
        public var selector: String
        public var algorithm: Algorithm
        /// The private key, PEM; relative paths are from the workspace.
        public var file: URL

        public init(selector: String, algorithm: Algorithm, file: URL) {
            self.selector = selector
            self.algorithm = algorithm
            self.file = file
        }
    }

    public enum Algorithm: String, Sendable, CaseIterable {
        case rsaSHA256 = "rsa-sha256"
        case ed25519SHA256 = "ed25519-sha256"
    }

    public init(domain: String, keys: [Key]) {
        self.domain = domain
        self.keys = keys
    }

    /// A selector is one or more DNS labels: letters, digits and hyphens, dots between.
    public static func isSelector(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
    }
}
