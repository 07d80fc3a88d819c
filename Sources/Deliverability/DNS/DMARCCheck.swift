/// The From domain's DMARC record (RFC 7489) at `_dmarc`, or its organisational domain's, and
/// whether the DKIM `d=` domain lines up with From as the record's `adkim` asks.
struct DMARCCheck {
    let resolver: DNSResolver

    func findings(fromDomain: String, dkimDomain: String?) throws -> [Finding] {
        let organizational = OrganizationalDomain.of(fromDomain)
        var place = "_dmarc.\(fromDomain)"
        var records = Self.dmarcRecords(try resolver.txt(place))
        if records.isEmpty, organizational != fromDomain.lowercased() {
            place = "_dmarc.\(organizational)"
            records = Self.dmarcRecords(try resolver.txt(place))
        }
        var findings: [Finding] = []
        var strict = false
        switch records.count {
        case 0:
            findings.append(
                .refusal(
                    .dns, "\(fromDomain) has no DMARC record: Gmail and Yahoo require one for bulk mail.",
                    hint:
                        "Publish a TXT record at _dmarc.\(organizational) such as `v=DMARC1; p=none; rua=mailto:dmarc@\(organizational)`."
                ))
        case 1:
            let record = records[0]
            strict = record["adkim"]?.lowercased() == "s"
            switch record["p"]?.lowercased() {
            case "none"?:
                findings.append(
                    .passed(
                        .dns,
                        "DMARC at \(place): policy none, which Gmail's rules accept (quarantine or reject once the reports look clean)."
                    ))
            case "quarantine"?, "reject"?:
                findings.append(.passed(.dns, "DMARC at \(place): policy \(record["p"] ?? "")."))
            default:
                findings.append(
                    .refusal(
                        .dns, "The DMARC record at \(place) has no valid policy (p=none, quarantine or reject).",
                        hint: "Write it as `v=DMARC1; p=none; …`: v=DMARC1 first, then p=."))
            }
        default:
            findings.append(
                .refusal(
                    .dns, "\(place) has \(records.count) DMARC records; receivers then ignore DMARC.",
                    hint: "Keep one TXT record starting with v=DMARC1."))
        }
        if let dkimDomain {
            if OrganizationalDomain.aligned(dkimDomain, fromDomain, strict: strict) {
                findings.append(
                    .passed(
                        .dns,
                        "The DKIM domain \(dkimDomain) is aligned with From (\(fromDomain)\(strict ? ", strictly" : ""))."
                    )
                )
            } else {
                findings.append(
                    .refusal(
                        .dns,
                        "The DKIM domain \(dkimDomain) is not aligned with From (\(fromDomain)\(strict ? ": the DMARC record asks for the same domain, adkim=s" : ", another organisational domain")).",
                        hint:
                            "Sign for the From domain: set [dkim] domain to \(strict ? fromDomain : organizational) (or leave it out), and publish the key there."
                    ))
            }
        }
        return findings
    }

    /// The records that are DMARC's: `v=DMARC1` their first tag.
    static func dmarcRecords(_ records: [String]) -> [TagList] {
        records.map(TagList.init).filter { $0.order.first == "v" && $0["v"]?.uppercased() == "DMARC1" }
    }
}
