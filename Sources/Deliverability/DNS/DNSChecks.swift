public import Delivery
public import NewsletterCore

/// What the sender domain's DNS says to receivers: SPF, DKIM, DMARC and alignment, and where
/// bounces go. A server that cannot be asked is a warning: nothing is known, nothing is wrong yet.
public struct DNSChecks {
    let resolver: DNSResolver

    public init(resolver: DNSResolver) {
        self.resolver = resolver
    }

    public func findings(config: NewsletterConfig, dkim: DKIMSigner?) -> [Finding] {
        let fromDomain = String(config.sender.email.split(separator: "@").last ?? "").lowercased()
        // SPF applies to the envelope sender: the bounce address (by default the sender's).
        let bounce = config.bounces.address
        let envelopeDomain = String(bounce.split(separator: "@").last ?? "").lowercased()
        let keys = dkim?.keys ?? []
        var findings: [Finding] = []
        findings += asking { try SPFCheck(resolver: resolver).findings(for: envelopeDomain) }
        findings += asking { try DKIMRecordCheck(resolver: resolver).findings(domain: config.dkim.domain, keys: keys) }
        findings += asking {
            try DMARCCheck(resolver: resolver).findings(
                fromDomain: fromDomain, dkimDomain: keys.isEmpty ? nil : config.dkim.domain)
        }
        findings += asking { [try BounceDomainCheck(resolver: resolver).finding(address: bounce)] }
        return findings
    }

    private func asking(_ check: () throws -> [Finding]) -> [Finding] {
        do {
            return try check()
        } catch let failure as DNSResolver.Failure {
            return [
                .warning(
                    .dns, "\(resolver.serverDescription) could not answer for \(failure.name): \(failure.reason).",
                    hint: "Try again, or ask another server with --dns-server HOST:PORT.")
            ]
        } catch {
            return [.warning(.dns, "A DNS check failed: \(error).", hint: "Try again.")]
        }
    }
}
