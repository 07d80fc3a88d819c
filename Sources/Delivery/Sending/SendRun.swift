import Compose
public import Foundation
import NewsletterCore
import Store
import Synchronization

/// Mails one issue to one list: starts N connections, each on its own thread, which connect
/// while the audience is frozen (or the send that was interrupted is resumed), then mail,
/// sharing one rate limiter and the ledger, until everyone has an outcome, the editor
/// interrupts, or errors pile up. One run: a send stopped and resumed is several runs of it.
public final class SendRun: Sendable {
    public let prepared: PreparedIssue
    public let request: SendRequest
    /// What the workers connect to and sign links with.
    let endpoint: SMTPEndpoint
    let secret: UnsubscribeSecret
    let ledger: DeliveryLedger
    private let settings: SendingSettings

    public init(
        prepared: PreparedIssue, request: SendRequest,
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        throws
    {
        self.prepared = prepared
        self.request = request
        ledger = try DeliveryLedger(workspace: prepared.workspace)
        let latest = try ledger.latestSend(issue: prepared.issue.number, list: request.list)
        if !request.force, !request.onlyNew, let latest, let completed = latest.completedAt {
            let ended =
                latest.cancelledAt != nil
                ? "was cancelled on \(ISO8601DateFormatter().string(from: completed))"
                : "completed \(ISO8601DateFormatter().string(from: completed))"
            throw NewsletterError(
                "Issue \(latest.issue) was already sent to the list `\(request.list)` (\(latest.audience) recipients; the send \(ended)).",
                hint:
                    "`newsletter status \(latest.issue)` shows that send; --only-new mails the members who have not received it, --force the whole list again."
            )
        }
        if request.onlyNew, let latest, latest.completedAt == nil {
            throw NewsletterError(
                "A send of issue \(latest.issue) to the list `\(request.list)` is not finished.",
                hint:
                    "Finish it first (the same command without --only-new), or end it with `newsletter send \(latest.issue) --cancel`."
            )
        }
        if let latest, latest.completedAt == nil, latest.filter != request.filterText {
            throw NewsletterError(
                "A send of issue \(latest.issue) to the list `\(request.list)`\(latest.filter.isEmpty ? "" : " where \(latest.filter)") is not finished, and this one asks for \(request.filters.isEmpty ? "the whole list" : "where \(request.filterText)").",
                hint:
                    "Finish that one first (give the same --where), or end it with `newsletter send \(latest.issue) --cancel`."
            )
        }
        if !request.force, !request.onlyNew {
            try Self.refuseUnrecordedSentIssue(prepared, ledger: ledger, list: request.list)
        }
        endpoint = try SMTPEndpoint.resolve(
            settings: prepared.config.smtp, override: request.smtpURL, environment: environment)
        secret = try UnsubscribeSecret.load(settings: prepared.config.sending, environment: environment)
        var settings = prepared.config.sending
        if let rate = request.rate {
            settings.rate = rate
            settings.burst = max(1, Int(rate.perSecond.rounded(.up)))
        }
        self.settings = settings
    }

    /// An issue marked sent that the ledger has no send of was mailed some other way (or the
    /// ledger was lost), and marked with `issue freeze`: which lists got it is unknown, so
    /// mailing it to any list could mail someone twice. A sent issue the ledger knows may go to
    /// a list it has not been to; one it went to is refused above.
    private static func refuseUnrecordedSentIssue(_ prepared: PreparedIssue, ledger: DeliveryLedger, list: String)
        throws
    {
        let issue = prepared.issue
        guard issue.isSent, try ledger.sends(issue: issue.number).isEmpty else { return }
        throw NewsletterError(
            "Issue \(issue.number) is \(issue.header.markedSent), but this workspace's ledger has no send of it, so which lists got it is unknown.",
            at: SourceLocation(file: prepared.workspace.displayPath(issue.folder.appending(path: "issue.md"))),
            hint: "If the list `\(list)` did not get it, add --force to send it anyway.")
    }

    public func run(control: SendControl, reporter: some SendReporter) throws -> SendRunResult {
        let workspace = prepared.workspace
        let lock = try ProcessLock(file: workspace.stateFolder.appending(path: ProcessLock.sendLockName), patience: 5)
        defer { withExtendedLifetime(lock) {} }
        let checkpointer = Checkpointer(ledger: ledger)
        defer { checkpointer.stop() }
        // The connections connect and log in while the audience is frozen (and the first
        // subscriber's templates are compiled); they start mailing once the send is set up.
        let connections = request.connections ?? prepared.config.smtp.connections
        let shapes = ShapeCache()
        let gate = StartGate()
        // Every thread this starts has exited when it returns, whatever happens: the process may
        // exit next, and the libraries' exit handlers (OpenSSL's, libxml2's) must not run while
        // a thread still uses them.
        let (group, threads, failures) = startConnections(connections, control: control, shapes: shapes, gate: gate)
        defer { for thread in threads { thread.join() } }
        let setup: SendSetup
        var remainingAtStart: Int
        let opened: OpenedSend
        do {
            (setup, remainingAtStart, opened) = try setUp(connections: connections, shapes: shapes, reporter: reporter)
        } catch {
            // Cancelling cuts the connections' sockets, so even one still waiting for a slow
            // relay ends at once (one still looking up the relay's name, within the connect
            // timeout); none touched the ledger.
            gate.cancel()
            throw error
        }
        defer { opened.compile?.join() }
        var send = setup.send
        let start = Date()
        gate.open(setup)
        // A long list: the rest of its audience goes in while the first recipients are mailed.
        var freezeError: (any Error)?
        if let rest = opened.rest {
            (remainingAtStart, freezeError) = freezeRest(
                rest, of: &send, through: setup.queue, control: control, reporter: reporter)
        }
        // Progress while the connections work; the main thread only waits and reports.
        // Counted from this run's outcomes, not the ledger: counting a large audience four times
        // a second would cost more than the sending.
        while group.wait(timeout: .now() + 0.25) == .timedOut {
            let counts = control.snapshot
            reporter.progress(
                counts, remaining: max(0, remainingAtStart - counts.sent - counts.failed - counts.suppressed),
                elapsed: Date().timeIntervalSince(start))
        }
        if let error = freezeError ?? failures.first { throw error }
        // Completing the send changes none of the counts.
        var status =
            try Self.statusFromThisRun(send, resumed: opened.resumed, counts: control.snapshot)
            ?? ledger.status(of: send)
        reporter.progress(control.snapshot, remaining: status.remaining, elapsed: Date().timeIntervalSince(start))
        if status.remaining == 0, send.frozen {
            // As the ledger gives it back.
            let completed = Date(timeIntervalSince1970: Date().timeIntervalSince1970)
            try ledger.markCompleted(sendID: send.id, at: completed)
            status.send.completedAt = completed
            if (status.counts[.sent] ?? 0) > 0 {
                do {
                    try IssueFreezer.freeze(
                        prepared.issue, composer: prepared.composer, workspace: workspace, sentAt: completed,
                        audience: send.audience)
                } catch {
                    // The send is complete: sending again (which only --force allows) would mail
                    // everyone twice. What is missing is only the issue's record.
                    let number = prepared.issue.number
                    throw NewsletterError(
                        "Issue \(number) went out to everyone, but it could not be marked sent: \(error)",
                        hint:
                            "Do not send it again. Once issues/\(IssueNumber.folderName(number)) is writable, run `newsletter issue freeze \(number) --sent \(ISO8601DateFormatter().string(from: completed)) --audience \(send.audience)`."
                    )
                }
            }
            // Otherwise every message was refused (a header the relay would not take, say): the
            // issue did not go out, and stays a draft to be mended (`SendRunResult.nobodyReceived`).
        }
        return SendRunResult(
            status: status, counts: control.snapshot, stopReason: control.reason,
            elapsed: Date().timeIntervalSince(start))
    }

    /// Starts `count` connections, each on a thread of its own; the group is left when their
    /// work ends (the threads to join then), and the box holds the first error one of them threw.
    private func startConnections(_ count: Int, control: SendControl, shapes: ShapeCache, gate: StartGate) -> (
        DispatchGroup, [JoinableThread], FailureBox
    ) {
        let group = DispatchGroup()
        let failures = FailureBox()
        let threads = (0..<count).map { index in
            group.enter()
            let worker = SendWorker(index: index, sender: self, control: control, shapes: shapes, gate: gate)
            return JoinableThread(name: "smtp-\(index)", scheduling: Self.connectionScheduling(relay: endpoint.url)) {
                do {
                    try worker.run()
                } catch {
                    failures.record(error)
                    control.stop(.fatal("\(error)"))
                }
                group.leave()
            }
        }
        return (group, threads, failures)
    }

    /// How the connections' threads are scheduled. Each wakes for every reply, four times a
    /// message. A relay on this host shares its cores with them, and one preempted at each of
    /// those wakes answers more slowly: there they are batch threads, whose wakes preempt
    /// nothing. A batch thread's wake waits for the running task's turn instead, which costs
    /// when the host is busy with other work: a relay elsewhere gains nothing from batch
    /// threads, so they are normal ones there. docs/benchmarks.md has the measurements.
    static func connectionScheduling(relay url: URL) -> JoinableThread.Scheduling {
        SMTPSettings.isLoopback(url.host ?? "") ? .batch : .inherited
    }

    /// The status of a new send that this run took from start to end with every recipient sent
    /// or suppressed, as its own counts prove it: scanning the audience again would only say so. `nil` otherwise (a resumed send, a long list stopped before its whole
    /// audience was in, a failure, a retry): the ledger has the answer.
    static func statusFromThisRun(_ send: SendRecord, resumed: Bool, counts: SendControl.RunCounts) -> SendStatus? {
        guard !resumed, send.frozen, counts.deferred == 0, counts.failed == 0,
            counts.sent + counts.suppressed == send.audience
        else { return nil }
        var byState: [RecipientState: Int] = [:]
        if counts.sent > 0 { byState[.sent] = counts.sent }
        if counts.suppressed > 0 { byState[.suppressed] = counts.suppressed }
        return SendStatus(
            send: send, counts: byState, uncertain: [], uncertainCount: 0, failures: [], deferred: [])
    }

    /// Opens the send (see `openSend`), takes in what a dead run left, and readies what the
    /// connections share; returns that, how many recipients are left to mail (as far as the
    /// ledger knows yet), and how the send was opened.
    private func setUp(connections: Int, shapes: ShapeCache, reporter: some SendReporter) throws -> (
        SendSetup, remaining: Int, opened: OpenedSend
    ) {
        let opened = try openSend(shapes: shapes, reporter: reporter)
        do {
            let (setup, remaining) = try setUp(opened, connections: connections, reporter: reporter)
            return (setup, remaining, opened)
        } catch {
            opened.rest?.abandon()
            opened.compile?.join()
            throw error
        }
    }

    private func setUp(_ opened: OpenedSend, connections: Int, reporter: some SendReporter) throws -> (
        SendSetup, remaining: Int
    ) {
        let (send, resumed) = (opened.send, opened.resumed)
        let (recovered, lastEpoch) = try ledger.recoverJournals(sendID: send.id, policy: policy)
        // Other sends that died (other issues or lists): what they sent counts in the window.
        try ledger.recoverEveryJournal(policy: policy)
        // A new send has everyone to mail; counting would cost a scan of the audience. A long
        // list's count is known once the rest of it is frozen; `run` reports the start then.
        let remaining = resumed ? try ledger.remaining(sendID: send.id) : send.frozen ? send.audience : Int.max
        if send.frozen {
            reporter.started(send, resumed: resumed, recoveredInFlight: recovered, remaining: remaining)
        }

        let people = try PeopleAccess.open(prepared.workspace).store
        let suppression = try SuppressionWatch(people: people, list: request.list)
        let window = settings.window?.period ?? 0
        let limiter = RateLimiter(
            settings: settings,
            history: window > 0 ? try ledger.sentTimes(since: Date().addingTimeInterval(-window)) : [])
        let setup = SendSetup(
            send: send, limiter: limiter, suppression: suppression, people: people,
            queue: try LedgerQueue(
                ledger: ledger, sendID: send.id, policy: policy, connections: connections,
                audienceComplete: send.frozen),
            journalFolder: ledger.journalFolder,
            // A long list's size is not known yet: its first rows, frozen already, are the estimate.
            batchSize: Self.batchSize(remaining: min(remaining, Self.firstFrozen), connections: connections),
            lastEpoch: lastEpoch)
        return (setup, remaining)
    }

    var policy: RetryPolicy { RetryPolicy(settings: settings) }

    /// How many recipients a connection claims at once: up to 64, which makes the ledger's
    /// share of the work small, but an eighth of a connection's share on a short list, so that
    /// every connection has some and the last batches end close together. A new long list
    /// counts as its first frozen rows: with 64 connections to a relay 20 ms away, batches of 64
    /// (six seconds each) left connections idle at the end, and a send of 6,400 took 10.7 s
    /// where smtp-source took 9.4 (`scripts/bench-send --remote`).
    static func batchSize(remaining: Int, connections: Int) -> Int {
        min(64, max(1, remaining / (max(1, connections) * 8)))
    }
}

/// The first error a worker thread hit, for the main thread to report.
private final class FailureBox: Sendable {
    private let error = Mutex<(any Error)?>(nil)

    func record(_ error: any Error) { self.error.withLock { if $0 == nil { $0 = error } } }
    var first: (any Error)? { error.withLock { $0 } }
}
