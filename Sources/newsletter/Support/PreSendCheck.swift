import Deliverability
import Delivery
import NewsletterCore

/// The offline part of `doctor`, run before a send: its problems are shown, and a refusal stops
/// the send unless --force (a dry run shows them and goes on).
enum PreSendCheck {
    static func run(prepared: PreparedIssue, list: String, issue: Int, stopping: Bool) throws {
        let findings = Doctor.offline(try Doctor.sampleMessage(prepared: prepared, list: list))
        let problems = findings.problems
        guard !problems.isEmpty else { return }
        Terminal.error(FindingsReport.render(problems, header: "The pre-send check of issue \(issue):"))
        guard stopping, findings.hasRefusal else { return }
        throw NewsletterError(
            "Nothing was sent: the message would be refused or junked by big mailbox providers.",
            hint:
                "Fix what is listed above (`newsletter doctor \(issue)` checks the DNS and the relay too), or send anyway with --force."
        )
    }
}
