import Delivery
import NewsletterCore

/// Each `[[dkim.key]]`'s record at `SELECTOR._domainkey.DOMAIN`: present, of the key's kind,
/// and holding the public half of the local key, so that receivers can verify what is signed.
struct DKIMRecordCheck {
    let resolver: DNSResolver

    func findings(domain: String, keys: [DKIMKey]) throws -> [Finding] {
        guard !keys.isEmpty else {
            return [
                .refusal(
                    .dns,
                    "The messages are not DKIM-signed: Gmail and Yahoo want DKIM for bulk mail, aligned with From.",
                    hint: "Run `newsletter dkim keygen`, publish the record it prints and add its [[dkim.key]] table.")
            ]
        }
        return try keys.map { key in
            let name = "\(key.selector)._domainkey.\(domain)"
            let records = try resolver.txt(name).map(TagList.init).filter { $0["p"] != nil }
            guard let record = records.first else {
                return .refusal(
                    .dns, "No DKIM record at \(name): receivers cannot verify the \(key.algorithm.rawValue) signature.",
                    hint: "Publish the TXT record `\(key.dnsRecord)` there (`newsletter dkim keygen` printed it).")
            }
            let published = (record["p"] ?? "").filter { !$0.isWhitespace }
            let kind = (record["k"] ?? "rsa").lowercased()
            let expected = key.algorithm == .rsaSHA256 ? "rsa" : "ed25519"
            if published.isEmpty {
                return .refusal(
                    .dns, "The DKIM record at \(name) is revoked (empty p=).",
                    hint: "Publish the key's record again, or remove its [[dkim.key]] table.")
            }
            if kind != expected {
                return .refusal(
                    .dns, "The DKIM record at \(name) is for k=\(kind), but the local key is \(expected).",
                    hint: "Publish `\(key.dnsRecord)` there, or fix the table's `algorithm`.")
            }
            guard published == key.publicKeyBase64 else {
                return .refusal(
                    .dns,
                    "The DKIM record at \(name) holds another key than \(key.displayPath): signatures will not verify.",
                    hint: "Publish `\(key.dnsRecord)` there, or point the table's `file` at the key it was made for.")
            }
            return .passed(.dns, "The DKIM record at \(name) matches the local \(key.algorithm.rawValue) key.")
        }
    }
}
