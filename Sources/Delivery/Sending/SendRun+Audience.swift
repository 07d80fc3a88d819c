import Foundation
import NewsletterCore
import Store

/// How a send gets its audience: a new send freezes the list into the ledger (a long one from
/// its first rows, the rest while those are mailed), a resumed one finishes what a stopped run
/// began.
extension SendRun {
    /// How many of a new send's recipients go into the ledger before the first message: a list
    /// this long or shorter is frozen whole first; the rest of a longer one follows
    /// (`AudienceRest`) while they are mailed, so that a long list starts at once.
    static let firstFrozen = 2048

    /// The send to work on: the unfinished one of this issue and list, or a new one. The
    /// templates for the shape of the list's first subscriber are compiled into `shapes`
    /// meanwhile, on the thread `OpenedSend.compile`.
    func openSend(shapes: ShapeCache, reporter: some SendReporter) throws -> OpenedSend {
        let issue = prepared.issue.number
        // A finished send without --force was refused when the sender was made.
        if let latest = try ledger.latestSend(issue: issue, list: request.list), latest.completedAt == nil,
            try !discardUntouched(latest, reporter: reporter)
        {
            guard !latest.frozen else { return OpenedSend(send: latest, resumed: true) }
            // A run stopped before the rest of a long list was in: that comes first, whole.
            reporter.freezing(audience: Audience.describe(list: request.list, filters: request.filters))
            let audience = try self.audience()
            let send = try ledger.completeFreeze(of: latest) { insert in
                _ = try ReadAhead.run(producing: { emit in try audience.readEach(emit) }, consuming: insert)
            }
            AudienceReport.note(audience, frozen: send.audience, completing: true, reporter: reporter)
            return OpenedSend(send: send, resumed: true)
        }
        // Said first: the list is read once the connections wait for the relay, and a list that
        // cannot be read is the send's error from here on.
        reporter.freezing(audience: Audience.describe(list: request.list, filters: request.filters))
        let audience = try self.audience()
        let reader = AudienceReader.start { emit in try audience.readEach(emit) }
        var compile: JoinableThread?
        do {
            let send = try ledger.startSend(
                issue: issue, list: request.list, filter: request.filterText, now: Date(), firstRows: Self.firstFrozen
            ) {
                guard let subscriber = try reader.next() else { return nil }
                if compile == nil { compile = prepareShape(of: subscriber, in: shapes) }
                return subscriber
            }
            guard send.frozen else {
                let rest = AudienceRest(reader: reader, audience: audience)
                return OpenedSend(send: send, resumed: false, rest: rest, compile: compile)
            }
            _ = try reader.finish()
            AudienceReport.note(audience, frozen: send.audience, reporter: reporter)
            return OpenedSend(send: send, resumed: false, compile: compile)
        } catch {
            reader.stop()
            compile?.join()
            throw error
        }
    }

    /// Who this send mails, from the store as it is now.
    func audience() throws -> Audience {
        try Audience(
            workspace: prepared.workspace, config: prepared.config, list: request.list, filters: request.filters,
            notReceiving: request.onlyNew ? prepared.issue.number : nil)
    }

    /// An unfinished send that mailed nobody (it stopped at a wrong relay, say) is dropped, so
    /// that this run takes the list as it is now: people added or gone since are counted right.
    private func discardUntouched(_ send: SendRecord, reporter: some SendReporter) throws -> Bool {
        guard try ledger.discardIfUntouched(send) else { return false }
        reporter.note(
            "The send started \(ISO8601DateFormatter().string(from: send.startedAt)) mailed nobody: its audience is taken again from the list as it is now."
        )
        return true
    }

    /// Compiles the templates for the shape of `subscriber` on a thread of its own; a failure is
    /// left for the first message of that shape to report.
    private func prepareShape(of subscriber: Subscriber, in shapes: ShapeCache) -> JoinableThread {
        let (prepared, list, secret) = (prepared, request.list, secret)
        return JoinableThread(name: "first-shape") {
            let factory = MessageFactory(
                config: prepared.config, list: list, content: prepared.content, composer: prepared.composer,
                secret: secret, shapes: shapes, dkim: prepared.dkim)
            try? factory.prepare(for: subscriber)
        }
    }

    /// What the progress display counts from, for a send stopped before its whole audience was
    /// in: what this run mailed and what the ledger holds yet.
    private func shownWhenStoppedEarly(_ send: SendRecord, counts: SendControl.RunCounts) -> Int {
        counts.sent + counts.failed + counts.suppressed + ((try? ledger.remaining(sendID: send.id)) ?? 0)
    }

    /// Freezes a long list's rest (`AudienceRest`) while the connections mail its first rows,
    /// and reports the start once the audience is known. Returns what the progress display
    /// counts from, and the error that stopped the freeze, if one did: the connections were then
    /// told to stop, and the next run freezes the rest.
    func freezeRest(
        _ rest: AudienceRest, of send: inout SendRecord, through queue: LedgerQueue, control: SendControl,
        reporter: some SendReporter
    ) -> (remaining: Int, error: (any Error)?) {
        do {
            guard let audience = try rest.freeze(through: queue, control: control) else {
                return (shownWhenStoppedEarly(send, counts: control.snapshot), nil)
            }
            (send.audience, send.frozen) = (audience, true)
            AudienceReport.note(rest.audience, frozen: audience, reporter: reporter)
            reporter.started(send, resumed: false, recoveredInFlight: 0, remaining: audience)
            return (audience, nil)
        } catch {
            control.stop(.fatal("the audience could not be frozen: \(error)"))
            return (shownWhenStoppedEarly(send, counts: control.snapshot), error)
        }
    }
}
