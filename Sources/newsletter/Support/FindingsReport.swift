import Deliverability

/// Findings as the terminal shows them: grouped by topic, each marked `ok`, `warning` or
/// `REFUSAL`, the remedy under each problem, and a last line that says what it adds up to.
enum FindingsReport {
    static func render(_ findings: [Finding], topics: [Finding.Topic] = Finding.Topic.allCases, header: String? = nil)
        -> String
    {
        var lines: [String] = header.map { [$0] } ?? []
        for topic in topics {
            let group = findings.filter { $0.topic == topic }
            guard !group.isEmpty else { continue }
            lines.append(topic.rawValue)
            for finding in group {
                lines.append("  \(mark(finding.severity)) \(finding.message)")
                if let hint = finding.hint { lines.append("           → \(hint)") }
            }
        }
        lines.append(summary(findings))
        return lines.joined(separator: "\n")
    }

    static func mark(_ severity: Finding.Severity) -> String {
        switch severity {
        case .passed: "ok      "
        case .warning: "warning "
        case .refusal: "REFUSAL "
        }
    }

    static func summary(_ findings: [Finding]) -> String {
        let refusals = findings.filter { $0.severity == .refusal }.count
        let warnings = findings.filter { $0.severity == .warning }.count
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        if refusals > 0 {
            return
                "\(count(refusals, "refusal")) and \(count(warnings, "warning")): big mailbox providers would refuse or junk this mail."
        }
        if warnings > 0 {
            return "No refusal, \(count(warnings, "warning")): the mail can go; the warnings are worth fixing."
        }
        return "Nothing to fix."
    }
}
