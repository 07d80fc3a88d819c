import Foundation
import NewsletterCore
import Store

/// One connection of a send, on its own thread: connects and logs in while the audience is
/// frozen, then takes a recipient from its batch, takes their message from its `MessageMaker`
/// (which makes the batch's messages ahead on a thread of its own), waits for the rate limiter,
/// sends the message, records the reply, and so on until the ledger has nothing left or the
/// send is told to stop.
final class SendWorker: @unchecked Sendable {
    // `@unchecked`: a worker is created on the main thread and then used by its own thread only.
    private let index: Int
    private let sender: SendRun
    private let control: SendControl
    private let shapes: ShapeCache
    private let gate: StartGate
    private let policy: RetryPolicy

    init(index: Int, sender: SendRun, control: SendControl, shapes: ShapeCache, gate: StartGate) {
        self.index = index
        self.sender = sender
        policy = sender.policy
        self.control = control
        self.shapes = shapes
        self.gate = gate
    }

    func run() throws {
        let prepared = sender.prepared
        let connection = SMTPConnection(endpoint: sender.endpoint)
        let maker = MessageMaker(
            factory: MessageFactory(
                config: prepared.config, list: sender.request.list, content: prepared.content,
                composer: prepared.composer, secret: sender.secret, shapes: shapes, dkim: sender.prepared.dkim))
        guard gate.register(connection.sockets) else { return }
        let opened = connection.open()
        // Cut because the send cannot start: the reason is the main thread's to give.
        if gate.isCancelled { return }
        switch opened {
        case .accepted:
            break
        case .fatal(let problem):
            control.stop(.fatal(problem))
            return
        case .deferred(_, let reply), .rejected(_, let reply), .unconfirmed(let reply):
            control.stop(
                .fatal("The relay at \(sender.endpoint.url.absoluteString) cannot be used: \(reply)."))
            return
        }
        guard let setup = gate.wait() else { return }
        let batch = ConnectionBatch(
            queue: setup.queue, folder: setup.journalFolder, sendID: setup.send.id, slot: index, size: setup.batchSize,
            epoch: setup.lastEpoch)
        batch.claimed = maker.enqueue
        maker.start(
            name: "make-\(index)", envelope: EnvelopeSender(settings: prepared.config.bounces, secret: sender.secret),
            sendID: setup.send.id)
        defer {
            maker.close()
            batch.claimed = { _ in }
        }
        do {
            try mailUntilDone(with: connection, maker: maker, setup: setup, batch: batch)
        } catch {
            // The outcomes so far and the untried rest of the batch go to the ledger; if that
            // fails too, the journal has them for the next run.
            try? batch.finish(now: Self.now)
            throw error
        }
        try batch.finish(now: Self.now)
    }

    private func mailUntilDone(
        with connection: SMTPConnection, maker: MessageMaker, setup: SendSetup, batch: ConnectionBatch
    ) throws {
        // The clock is read when something has happened (a reply, a pause), not at every step.
        var now = Self.now
        while true {
            if control.shouldStop { return }
            switch try batch.take(now: now) {
            case .finished:
                return
            case .wait(let until):
                // Until a retry is due or the others are done, or sooner if they fold: the
                // last batches of a send end together, not a polling interval apart.
                pause(until: until, wakingWhenOthersFold: batch)
                now = Self.now
            case .mail(let recipient):
                let key = recipient.address.lowercased()
                if setup.suppression.contains(key, now: Date(timeIntervalSince1970: now)) {
                    try batch.record(recipient, .suppressed, at: now)
                    control.count(.suppressed)
                    continue
                }
                // The message is made (ahead, by the maker) before the slot is reserved: the first
                // one of a new shape of subscriber also compiles and validates its templates, and
                // that must not delay a reserved slot (the delayed messages would then bunch with
                // the next ones).
                var message = try maker.message(for: recipient)
                let ready = Self.now
                let slot = setup.limiter.reserve(at: ready)
                let wait = slot - ready
                if wait > 0 { pause(until: slot) }
                // A long wait for the slot (a window cap, a slow rate) would leave the Date
                // header behind: the message is made again.
                if wait > MessageMaker.freshness, !control.shouldStop { message = try maker.message(for: recipient) }
                if control.shouldStop {
                    batch.putBack()
                    return
                }
                let result = deliver(message, to: recipient, with: connection)
                maker.recycle((consume message).bytes)
                now = Self.now
                try batch.record(recipient, result, at: now)
                // Counted as the ledger records it when it folds the batch (a moment later, by
                // the same rule): a deferral that is the recipient's last is a failure.
                let transition = RecipientLifecycle.transition(of: recipient, after: result, at: now, policy: policy)
                control.count(transition)
                if case .failed(_, let reply, _) = transition, RecipientLifecycle.isBadMailbox(reply),
                    let address = try? EmailAddress(recipient.address)
                {
                    // 5.1.x: the mailbox does not exist. Never try that address again.
                    _ = try setup.people.suppress(
                        address, reason: .hardBounce,
                        source: ConsentSource("the relay's reply to issue \(sender.prepared.issue.number): \(reply)"),
                        now: Date(timeIntervalSince1970: now))
                }
            }
        }
    }

    private func deliver(
        _ message: MessageFactory.Message, to recipient: ClaimedRecipient, with connection: SMTPConnection
    ) -> DeliveryResult {
        let from = message.envelopeSender ?? sender.prepared.config.bounces.address
        switch connection.send(from: from, to: recipient.address, message: message.bytes) {
        case .accepted(let reply):
            return .sent(reply: reply, messageID: message.messageID)
        case .deferred(let code, let reply):
            return .deferred(code: code, reply: reply)
        case .unconfirmed(let reply):
            return .unconfirmed(reply: reply)
        case .rejected(let code, let reply):
            return .failed(code: code, reply: reply)
        case .fatal(let problem):
            control.stop(.fatal(problem))
            return .notAttempted
        }
    }

    /// Sleeps until `time`, waking early when the send is told to stop.
    /// With `batch`, also as soon as another connection folds outcomes into the ledger.
    private func pause(until time: Double, wakingWhenOthersFold batch: ConnectionBatch? = nil) {
        while !control.shouldStop {
            let remaining = time - Self.now
            if remaining <= 0 { return }
            let slice = min(remaining, 0.2)
            if let batch {
                if batch.waitForOthers(until: Self.now + slice) { return }
            } else {
                Thread.sleep(forTimeInterval: slice)
            }
        }
    }

    static var now: Double { Date().timeIntervalSince1970 }
}
