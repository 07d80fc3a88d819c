import ArgumentParser
import Delivery
import Foundation
import NewsletterCore
import Store

struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Mail an issue to every active subscriber of a list, once each.",
        discussion: """
            The audience (the list, less suppressed and repeated addresses) is frozen when the send \
            starts. If the send is stopped or killed, run the same command again: it continues with \
            whatever is pending or deferred. Ctrl-C stops cleanly after the messages in flight. \
            The SMTP password comes from NEWSLETTER_SMTP_PASSWORD (or smtp.password_file), the \
            unsubscribe key from NEWSLETTER_SECRET (or sending.secret_file).
            Examples:
              newsletter send 3 --dry-run
              newsletter send 3 --test-to editor@example.org
              newsletter send 3 --list main --smtp smtp://127.0.0.1:2525 --rate 50/s
              newsletter send 3 --where city=Riga --where lang!=de
              newsletter send 3 --only-new
              newsletter send 3 --cancel
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: "The issue number (default: the newest draft).") var number: Int?
    @Option(help: "The list (default: the config's `lists.default`).") var list: String?
    @Option(help: ArgumentHelp("Another relay for this run, such as smtp://127.0.0.1:2525.", valueName: "url"))
    var smtp: String?
    @Option(help: "Parallel SMTP connections (default: smtp.connections, 4).") var connections: Int?
    @Option(
        help: ArgumentHelp("Messages per period, such as 50/s or 3000/min (default: sending.rate).", valueName: "rate"))
    var rate: String?
    @Flag(help: "Render, validate and count every message; send nothing.") var dryRun = false
    @Option(
        help: ArgumentHelp("Send one personalised copy to this address only, recorded nowhere.", valueName: "address"))
    var testTo: String?
    @Flag(help: "Send despite a refusal of the pre-send check, or again to a list that already got this issue.")
    var force = false
    @Option(
        name: .customLong("where"),
        help: ArgumentHelp(
            "Only the members whose attribute matches, FIELD=VALUE or FIELD!=VALUE (repeatable; all must hold).",
            valueName: "field=value"))
    var conditions: [String] = []
    @Flag(help: "Only the members who have not received this issue (late sign-ups, a row mended since).")
    var onlyNew = false
    @Flag(help: "End the unfinished send of this issue to the list: its recipients still waiting are not mailed.")
    var cancel = false

    var filters: [AttributeFilter] { conditions.compactMap { AttributeFilter($0) } }

    func validate() throws {
        for condition in conditions where AttributeFilter(condition) == nil {
            throw ValidationError("--where \(condition): write FIELD=VALUE or FIELD!=VALUE, such as city=Riga.")
        }
        if cancel, dryRun || testTo != nil || onlyNew || force || !conditions.isEmpty {
            throw ValidationError("--cancel ends an unfinished send; give it with --list at most.")
        }
        if let connections, !SMTPSettings.connectionRange.contains(connections) {
            throw ValidationError("--connections must be between 1 and \(SMTPSettings.connectionRange.upperBound).")
        }
        if let rate, SendingSettings.Rate(rate) == nil {
            throw ValidationError(
                "--rate must look like 50/s, 3000/min or 10000/h, with a count from 1 to \(SendingSettings.Rate.maximumCount)."
            )
        }
        if let smtp, SMTPURL.parse(smtp) == nil {
            throw ValidationError("--smtp must look like smtp://host:port or smtps://host:port.")
        }
        if dryRun, testTo != nil { throw ValidationError("Use either --dry-run or --test-to.") }
    }

    func run() throws {
        let workspace = try workspaceOptions.workspace()
        let number = try IssueChoice.number(number, in: workspace, command: "send")
        if cancel {
            let config = try workspace.loadConfig()
            let listName = list ?? config.lists.defaultList
            let result = try SendCancellation.cancel(
                issue: number, list: listName, workspace: workspace, config: config)
            Terminal.print(
                "Cancelled the send of issue \(number) to \(listName): \(result.cancelled) still waiting will not be mailed."
            )
            Terminal.print(SendSummary.status(try DeliveryLedger(workspace: workspace).status(of: result.send)))
            return
        }
        let prepared = try PreparedIssue(workspace: workspace, number: number, allowingPlaceholders: testTo != nil)
        for warning in prepared.warnings { Terminal.error(ErrorPresenter.render(warning, as: "warning")) }
        let listName = list ?? prepared.config.lists.defaultList
        let smtpURL = smtp.flatMap(SMTPURL.parse)
        if testTo == nil {
            try PreSendCheck.run(prepared: prepared, list: listName, issue: number, stopping: !dryRun && !force)
        }
        if dryRun {
            let result = try DryRun.run(prepared: prepared, list: listName, filters: filters, onlyNew: onlyNew)
            Terminal.print(
                SendSummary.dryRun(result, issue: number, list: listName, settings: prepared.config.sending, rate: rate)
            )
            return
        }
        if let testTo {
            let address = try EmailAddress.parsed(testTo)
            let (model, reply) = try TestCopy.send(prepared: prepared, list: listName, to: address, smtpURL: smtpURL)
            Terminal.print("Sent a test copy of issue \(number), personalised as \(model), to \(address): \(reply)")
            return
        }
        let request = SendRequest(
            list: listName, smtpURL: smtpURL, connections: connections, rate: rate.flatMap(SendingSettings.Rate.init),
            force: force, filters: filters, onlyNew: onlyNew)
        let sender = try SendRun(prepared: prepared, request: request)
        let control = SendControl(maxErrors: prepared.config.sending.maxErrors)
        let interrupt = InterruptHandler { control.stop(.interrupted) }
        let result = try withExtendedLifetime(interrupt) {
            try sender.run(control: control, reporter: ProgressDisplay(issue: number, list: listName))
        }
        Terminal.print(SendSummary.run(result, issue: number, list: listName))
        if result.nobodyReceived {
            throw NewsletterError(
                "Nobody received issue \(number): issue.md stays a draft.",
                hint:
                    "`newsletter status \(number)` shows the relay's replies; fix the cause and send again with --force."
            )
        }
        switch result.stopReason {
        case .fatal(let problem)?:
            throw NewsletterError(
                problem, hint: "Nothing more was sent. Fix the problem and run the same command to continue.")
        case .tooManyErrors(let count)?:
            throw NewsletterError(
                "The send paused after \(count) failed or deferred messages (sending.max_errors is \(prepared.config.sending.maxErrors)).",
                hint:
                    "`newsletter status \(number)` lists the replies; fix the cause and run the same command to continue."
            )
        case .interrupted?:
            throw ExitCode(130)
        case nil:
            break
        }
    }
}
