internal import Crypto
public import Foundation
public import NewsletterCore

/// Signs each message with every key of `[dkim]`: a `DKIM-Signature` header per key, relaxed/
/// relaxed, over the final bytes of the personalised message (RFC 6376; Ed25519 as RFC 8463).
/// The header fields that matter to receivers are signed, and From and the List-Unsubscribe
/// ones once more than they appear, so that none can be added on the way without breaking it.
public struct DKIMSigner: Sendable {
    public let domain: String
    public let keys: [DKIMKey]

    /// In the order they are signed; a name more often than it appears is a field that cannot
    /// be added (RFC 6376, section 8.15).
    static let signedFields = [
        "from", "to", "subject", "date", "message-id", "mime-version", "content-type", "list-id", "list-unsubscribe",
        "list-unsubscribe-post",
    ]
    static let oversigned: Set<String> = ["from", "list-unsubscribe", "list-unsubscribe-post"]

    public init(domain: String, keys: [DKIMKey]) {
        self.domain = domain
        self.keys = keys
    }

    /// The keys of `settings`, read from their files; `nil` when there are none.
    public static func load(_ settings: DKIMSettings, workspace: Workspace) throws -> DKIMSigner? {
        guard !settings.keys.isEmpty else { return nil }
        var problems = DiagnosticCollector()
        let keys = settings.keys.compactMap { key in
            problems.attempt { try DKIMKey(key, displayPath: workspace.displayPath(key.file)) }
        }
        try problems.throwIfAny()
        return DKIMSigner(domain: settings.domain, keys: keys)
    }

    /// `message` with a DKIM-Signature header per key in front of it.
    public func sign(_ message: [UInt8], at date: Date = Date()) throws -> [UInt8] {
        let (fields, body) = DKIMCanonicalization.split(message)
        let bodyHash = Data(SHA256.hash(data: DKIMCanonicalization.body(body))).base64EncodedString()
        // Which field each name in h= takes: the last not yet taken (RFC 6376, 5.4.2).
        var byName: [String: [ArraySlice<UInt8>]] = [:]
        for field in fields { byName[DKIMCanonicalization.name(of: field), default: []].append(field) }
        var names: [String] = []
        var hashed: [UInt8] = []
        for name in Self.signedFields {
            let present = byName[name] ?? []
            for field in present.reversed() {
                names.append(name)
                hashed += DKIMCanonicalization.header(field) + [0x0D, 0x0A]
            }
            if Self.oversigned.contains(name) { names.append(name) }
        }
        let fieldList = Self.folded(names, separator: ":", firstLineRoom: 75)
        var signatures: [UInt8] = []
        for key in keys {
            let head = Array(
                """
                DKIM-Signature: v=1; a=\(key.algorithm.rawValue); c=relaxed/relaxed;\r
                \td=\(domain); s=\(key.selector); t=\(Int(date.timeIntervalSince1970));\r
                \tbh=\(bodyHash);\r
                \th=\(fieldList);\r
                \tb=
                """.utf8)
            // What is signed has b= empty; its value is folded after, which verifiers undo
            // (RFC 6376, 3.5: whitespace in b= is ignored).
            let input = hashed + DKIMCanonicalization.header(head[...])
            let signature = try key.sign(input).base64EncodedString()
            signatures += head + Array(Self.folded(signature, firstLineRoom: 74).utf8) + [0x0D, 0x0A]
        }
        return signatures + message
    }

    /// `names` joined by `separator`, folded (CRLF and a tab) before a name that would take its
    /// line past 78 characters with the separator or `;` after it (RFC 5322, 2.1.1).
    static func folded(_ names: [String], separator: String, firstLineRoom: Int) -> String {
        var text = ""
        var room = firstLineRoom
        for (index, name) in names.enumerated() {
            // The name and what follows it: the separator, or the `;` that ends the tag.
            let needed = name.count + 1
            if index > 0, needed > room {
                text += "\r\n\t"
                room = 77
            }
            text += name + (index < names.count - 1 ? separator : "")
            room -= needed
        }
        return text
    }

    /// Base64 cut into lines that fit in 78 characters.
    static func folded(_ base64: String, firstLineRoom: Int) -> String {
        var lines: [Substring] = [base64.prefix(firstLineRoom)]
        var rest = base64.dropFirst(firstLineRoom)
        while !rest.isEmpty {
            lines.append(rest.prefix(76))
            rest = rest.dropFirst(76)
        }
        return lines.joined(separator: "\r\n\t")
    }
}
