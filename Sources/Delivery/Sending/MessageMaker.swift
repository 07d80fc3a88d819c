import Foundation
import NewsletterCore

/// Makes one connection's next messages on a thread of its own, while the connection waits for
/// the relay's replies: on two cores shared with the relay, work taken off the connection's
/// thread shortens every message's turn. It keeps a few messages ready and starts again only
/// when the stock runs low, so the two threads rarely wake each other. Its messages stay
/// fresh: one ready for longer than `freshness` is made again (its Date header would lag), and
/// when the connection takes messages slowly (a low rate), each is made only when asked for.
/// Making a message changes nothing anywhere: this has no part in crash safety.
final class MessageMaker: @unchecked Sendable {
    // `@unchecked`: `factory` is used by the maker's thread only; everything else is touched
    // only while `condition` is locked.
    private let factory: MessageFactory
    private let clock: @Sendable () -> Double
    private let condition = NSCondition()
    private var toMake: [ClaimedRecipient] = []
    /// The recipient whose message is being made.
    private var making: Int64?
    private var ready: [(id: Int64, madeAt: Double, message: Result<MessageFactory.Message, any Error>)] = []
    /// The recipient the connection waits for.
    private var wanted: Int64?
    private var filling = false
    /// Whether the connection takes its messages slowly: then none is made ahead.
    private var slow = false
    private var lastTaken = -Double.infinity
    private var closed = false
    private var finished = false
    private var made = 0
    /// Buffers of sent messages, to make the next ones in.
    private var spareBuffers: [[UInt8]] = []
    /// The maker's thread; started and joined by the connection's thread.
    private var thread: JoinableThread?

    /// The most messages kept ready, and the stock below which the maker starts again.
    static let stock = 16
    static let lowWater = 4
    /// The age at which a ready message is made again.
    static let freshness = 10.0
    /// Messages taken further apart than this are made only when asked for.
    static let slowPace = 0.5

    init(factory: MessageFactory, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.factory = factory
        self.clock = clock
    }

    /// How many messages were made so far.
    var madeCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return made
    }

    /// `envelope`: the envelope senders its messages carry, for the send `sendID`.
    func start(name: String, envelope: EnvelopeSender? = nil, sendID: Int64 = 0) {
        // Before the thread starts, which then owns the factory.
        if let envelope { factory.tagEnvelopes(with: envelope, sendID: sendID) }
        // Scheduled as its connection's thread, which starts it (`SendRun.connectionScheduling`).
        thread = JoinableThread(name: name) { [self] in run() }
    }

    /// Recipients the connection will mail next, in the order it will take them.
    func enqueue(_ recipients: [ClaimedRecipient]) {
        condition.lock()
        toMake += recipients
        condition.broadcast()
        condition.unlock()
    }

    /// The message for `recipient`. Messages made for recipients the connection passed over
    /// (suppressed meanwhile) are dropped; a recipient never enqueued, or whose message has been
    /// taken already or waited too long, is made next.
    func message(for recipient: ClaimedRecipient) throws -> MessageFactory.Message {
        condition.lock()
        defer { condition.unlock() }
        var now = clock()
        slow = now - lastTaken > Self.slowPace
        lastTaken = now
        while true {
            if let index = ready.firstIndex(where: { $0.id == recipient.id }) {
                let entry = ready[index]
                ready.removeFirst(index + 1)
                if ready.count < Self.lowWater { condition.broadcast() }
                if now - entry.madeAt <= Self.freshness {
                    wanted = nil
                    return try entry.message.get()
                }
                // Older messages are older still: make this one and the rest again.
                ready.removeAll()
            }
            precondition(!finished, "a message asked for after the maker closed")
            if making != recipient.id {
                if let index = toMake.firstIndex(where: { $0.id == recipient.id }) {
                    // Those before it were passed over, and everything ready with them.
                    toMake.removeFirst(index)
                    ready.removeAll()
                } else {
                    toMake.insert(recipient, at: 0)
                }
            }
            wanted = recipient.id
            condition.broadcast()
            condition.wait()
            now = clock()
        }
    }

    /// Takes back the buffer of a message that was sent, to make another in.
    func recycle(_ buffer: consuming [UInt8]) {
        condition.lock()
        if spareBuffers.count < Self.stock { spareBuffers.append(buffer) }
        condition.unlock()
    }

    /// Stops the maker's thread once it has made the message in hand, and waits until it has exited.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
        thread?.join()
    }

    private func run() {
        condition.lock()
        while !closed {
            // A ready message the connection waits for is being handed over, not stock: the
            // stock is the same whether or not the connection has woken to take it yet.
            let handingOver = wanted.map { id in ready.contains { $0.id == id } } ?? false
            let starving = wanted != nil && !handingOver
            let stocked = ready.count - (handingOver ? 1 : 0)
            filling = !slow && (filling ? stocked < Self.stock : stocked < Self.lowWater)
            guard !toMake.isEmpty, filling || starving else {
                condition.wait()
                continue
            }
            let recipient = toMake.removeFirst()
            making = recipient.id
            let buffer = spareBuffers.popLast() ?? []
            condition.unlock()
            let message: Result<MessageFactory.Message, any Error>
            do {
                message = .success(
                    try factory.message(
                        to: recipient.address, name: recipient.name, attributes: recipient.attributes,
                        recipientID: recipient.id, reusing: consume buffer))
            } catch {
                message = .failure(error)
            }
            let madeAt = clock()
            condition.lock()
            making = nil
            made += 1
            ready.append((recipient.id, madeAt, message))
            if wanted == recipient.id { condition.broadcast() }
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
