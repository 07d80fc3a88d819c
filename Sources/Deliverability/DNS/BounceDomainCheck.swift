/// The domain of the envelope sender, where bounces go: receivers refuse mail whose return
/// address cannot be answered, so it needs an MX record or at least an address.
struct BounceDomainCheck {
    let resolver: DNSResolver

    func finding(address: String) throws -> Finding {
        let domain = String(address.split(separator: "@").last ?? "")
        let exchangers = try resolver.mx(domain)
        if let first = exchangers.first {
            return .passed(.dns, "Bounces to \(address) can be delivered: \(domain) has an MX record (\(first)).")
        }
        if try resolver.hasAddress(domain) {
            return .passed(.dns, "Bounces to \(address) go to \(domain)'s address (it has no MX record).")
        }
        return .refusal(
            .dns,
            "\(domain), the domain of the bounce address \(address), has no MX record and no address: receivers refuse mail from it.",
            hint: "Publish an MX record for \(domain), or send from an address whose domain receives mail.")
    }
}
