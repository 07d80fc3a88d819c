import Foundation

/// Makes one connection's next messages on a thread of its own, while the connection waits for
/// the relay's replies: on two cores shared with the relay, work taken off the connection's
/// thread shortens every message's turn. It keeps a few messages ready (so that at slow rates
/// a Date header is never much older than its send), and starts again only when the stock runs
/// low, so the two threads rarely wake each other. Making a message changes nothing anywhere:
/// this has no part in crash safety.
final class MessageMaker: @unchecked Sendable {
    // `@unchecked`: `factory` is used by the maker's thread only; everything else is touched
    // only while `condition` is locked.
    private let factory: MessageFactory
    private let condition = NSCondition()
    private var toMake: [ClaimedRecipient] = []
    /// The recipient whose message is being made.
    private var making: Int64?
    private var ready: [(id: Int64, message: Result<MessageFactory.Message, any Error>)] = []
    /// The recipient the connection waits for.
    private var wanted: Int64?
    private var filling = false
    private var closed = false
    private var finished = false

    /// The most messages kept ready, and the stock below which the maker starts again.
    static let stock = 16
    static let lowWater = 4

    init(factory: MessageFactory) {
        self.factory = factory
    }

    func start(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Recipients the connection will mail next, in the order it will take them.
    func enqueue(_ recipients: [ClaimedRecipient]) {
        condition.lock()
        toMake += recipients
        condition.broadcast()
        condition.unlock()
    }

    /// The message for `recipient`. Messages made for recipients the connection passed over
    /// (suppressed meanwhile) are dropped; a recipient never enqueued is made next.
    func message(for recipient: ClaimedRecipient) throws -> MessageFactory.Message {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let index = ready.firstIndex(where: { $0.id == recipient.id }) {
                let message = ready[index].message
                ready.removeFirst(index + 1)
                wanted = nil
                if ready.count < Self.lowWater { condition.broadcast() }
                return try message.get()
            }
            precondition(!finished, "a message asked for after the maker closed")
            if making != recipient.id, !toMake.contains(where: { $0.id == recipient.id }) {
                toMake.insert(recipient, at: 0)
            }
            wanted = recipient.id
            condition.broadcast()
            condition.wait()
        }
    }

    /// Stops the maker's thread once it has made the message in hand, and waits for it.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while !closed {
            let starving = wanted.map { id in !ready.contains { $0.id == id } } ?? false
            filling = filling ? ready.count < Self.stock : ready.count < Self.lowWater
            guard !toMake.isEmpty, filling || starving else {
                condition.wait()
                continue
            }
            let recipient = toMake.removeFirst()
            making = recipient.id
            condition.unlock()
            let message = Result {
                try factory.message(to: recipient.address, name: recipient.name, attributes: recipient.attributes)
            }
            condition.lock()
            making = nil
            ready.append((recipient.id, message))
            if wanted == recipient.id { condition.broadcast() }
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
