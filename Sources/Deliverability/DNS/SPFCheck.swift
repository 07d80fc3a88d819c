/// The sender domain's SPF record (RFC 7208): one record, at most 10 DNS lookups however
/// deep its includes go, and an `all` that says what to do with everyone else.
struct SPFCheck {
    let resolver: DNSResolver
    static let lookupLimit = 10

    /// The terms that cost a DNS lookup (RFC 7208, 4.6.4).
    static let lookupMechanisms: Set<String> = ["include", "a", "mx", "ptr", "exists"]

    func findings(for domain: String) throws -> [Finding] {
        let records = Self.spfRecords(try resolver.txt(domain))
        guard let record = records.first else {
            return [
                .refusal(
                    .dns, "\(domain) has no SPF record: Gmail and Yahoo want SPF for bulk mail.",
                    hint:
                        "Publish a TXT record at \(domain) such as `v=spf1 include:YOUR-RELAYS-SPF ~all` (your relay's documentation names it)."
                )
            ]
        }
        guard records.count == 1 else {
            return [
                .refusal(
                    .dns, "\(domain) has \(records.count) SPF records; receivers then treat SPF as broken (permerror).",
                    hint: "Merge them into one TXT record that starts with v=spf1.")
            ]
        }
        var findings: [Finding] = []
        var visited: Set<String> = [domain.lowercased()]
        var problems: [String] = []
        let lookups = try count(record, visited: &visited, problems: &problems)
        if !problems.isEmpty {
            findings.append(
                .refusal(
                    .dns, "\(domain)'s SPF record is broken: \(problems.joined(separator: "; ")).",
                    hint:
                        "Fix the include or redirect it names; receivers treat the whole record as broken (permerror).")
            )
        }
        if lookups > Self.lookupLimit {
            findings.append(
                .refusal(
                    .dns,
                    "\(domain)'s SPF record takes \(lookups) DNS lookups with its includes; the limit is 10 (permerror).",
                    hint: "Replace includes you no longer use, or a:/mx: terms, with ip4:/ip6: ranges."))
        }
        findings.append(Self.allFinding(record, domain: domain))
        if findings.allSatisfy({ $0.severity == .passed }) {
            findings.insert(
                .passed(.dns, "\(domain) has one SPF record, \(lookups) of 10 lookups: `\(record)`."), at: 0)
        }
        return findings
    }

    static func spfRecords(_ records: [String]) -> [String] {
        records.filter {
            let lowered = $0.lowercased()
            return lowered == "v=spf1" || lowered.hasPrefix("v=spf1 ")
        }
    }

    /// The lookups `record` costs, following its includes and redirect, once each.
    private func count(_ record: String, visited: inout Set<String>, problems: inout [String]) throws -> Int {
        var lookups = 0
        for term in Self.terms(record) {
            guard Self.lookupMechanisms.contains(term.name) || term.name == "redirect" else { continue }
            lookups += 1
            guard term.name == "include" || term.name == "redirect", let target = term.value?.lowercased() else {
                continue
            }
            // Beyond the limit the count no longer matters; a loop would never end.
            guard lookups <= Self.lookupLimit + 1, visited.insert(target).inserted else { continue }
            let nested = Self.spfRecords(try resolver.txt(target))
            guard nested.count == 1, let next = nested.first else {
                problems.append(
                    "`\(term.name == "include" ? "include:" : "redirect=")\(target)` has \(nested.isEmpty ? "no" : "\(nested.count)") SPF record\(nested.count == 1 ? "" : "s")"
                )
                continue
            }
            lookups += try count(next, visited: &visited, problems: &problems)
        }
        return lookups
    }

    struct Term {
        var qualifier: Character
        var name: String
        var value: String?
    }

    /// The record's mechanisms and modifiers after `v=spf1`: `~all`, `include:x`, `redirect=x`.
    static func terms(_ record: String) -> [Term] {
        record.split(separator: " ").dropFirst().map { raw in
            var text = Substring(raw)
            var qualifier: Character = "+"
            if let first = text.first, "+-~?".contains(first) {
                qualifier = first
                text = text.dropFirst()
            }
            let separator = text.firstIndex { $0 == ":" || $0 == "=" || $0 == "/" }
            let name = String(separator.map { text[..<$0] } ?? text).lowercased()
            let value = separator.flatMap { text[$0] == "/" ? nil : String(text[text.index(after: $0)...]) }
            return Term(qualifier: qualifier, name: name, value: value)
        }
    }

    static func allFinding(_ record: String, domain: String) -> Finding {
        let terms = terms(record)
        guard let all = terms.last(where: { $0.name == "all" }) else {
            if terms.contains(where: { $0.name == "redirect" }) {
                return .passed(.dns, "\(domain)'s SPF record ends in a redirect, whose `all` decides.")
            }
            return .warning(
                .dns, "\(domain)'s SPF record ends without `all`: mail from anywhere else is then neutral.",
                hint: "End it with `~all` (soft fail) or `-all` (fail).")
        }
        switch all.qualifier {
        case "-", "~": return .passed(.dns, "\(domain)'s SPF record ends in `\(all.qualifier)all`.")
        case "?":
            return .warning(
                .dns, "\(domain)'s SPF record ends in `?all`: mail from anywhere else is neutral, not a fail.",
                hint: "End it with `~all` or `-all`.")
        default:
            return .warning(
                .dns,
                "\(domain)'s SPF record ends in `+all`: it lets anyone send as \(domain), and filters distrust it.",
                hint: "End it with `~all` or `-all`.")
        }
    }
}
