import ArgumentParser
import Deliverability
import Delivery
import Foundation
import NewsletterCore

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check what decides whether an issue reaches the inbox, and say what to fix.",
        discussion: """
            Looks at the message as a subscriber gets it (size against Gmail's clipping, images, \
            plain http links, the text part, the unsubscribe headers and link, RFC 5322), the \
            sender domain's DNS (SPF, the DKIM records, DMARC, alignment, where bounces go), the \
            relay (TLS, the login; nothing is sent), SpamAssassin's score when it is installed, \
            and with --links every link. Exits 1 when something would make big mailbox providers \
            refuse the mail; warnings alone exit 0.
            Examples:
              newsletter doctor
              newsletter doctor 3 --links
              newsletter doctor --dns-server 127.0.0.1:5353 --smtp smtp://127.0.0.1:2525
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: "The issue number (default: the newest draft).") var number: Int?
    @Option(help: "The list whose first subscriber the message is made for (default: the config's `lists.default`).")
    var list: String?
    @Option(
        help: ArgumentHelp(
            "The DNS server to ask, such as 127.0.0.1:53 (default: the system's).", valueName: "host:port"))
    var dnsServer: String?
    @Option(help: ArgumentHelp("Another relay to check, such as smtp://127.0.0.1:2525.", valueName: "url"))
    var smtp: String?
    @Flag(help: "Also fetch every link of the issue (HEAD, then GET where HEAD is refused).") var links = false
    @Option(help: ArgumentHelp("Seconds each link may take (default: 10).", valueName: "seconds"))
    var linkTimeout: Int = 10

    func validate() throws {
        if let smtp, SMTPURL.parse(smtp) == nil {
            throw ValidationError("--smtp must be an smtp:// or smtps:// URL, such as smtp://127.0.0.1:2525.")
        }
        guard (1...300).contains(linkTimeout) else { throw ValidationError("--link-timeout must be 1 to 300 seconds.") }
    }

    func run() throws {
        let workspace = try workspaceOptions.workspace()
        let number = try IssueChoice.number(number, in: workspace, command: "doctor")
        let prepared = try PreparedIssue(workspace: workspace, number: number, allowingPlaceholders: true)
        let listName = list ?? prepared.config.lists.defaultList
        let options = Doctor.Options(
            dnsServer: dnsServer, smtpURL: smtp.flatMap(SMTPURL.parse), checkLinks: links, linkTimeout: linkTimeout)
        let findings = try Doctor.run(prepared: prepared, list: listName, options: options)
        Terminal.print(
            FindingsReport.render(
                findings, header: "Issue \(number) to the list `\(listName)`, as its first subscriber gets it:"))
        if findings.hasRefusal { throw ExitCode(1) }
    }
}
