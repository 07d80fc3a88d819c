public import Foundation
public import Store

/// What `newsletter status` shows of one send.
public struct SendStatus: Sendable {
    public var send: SendRecord
    public var counts: [RecipientState: Int]
    /// Recipients that were in flight when a run died: they may have received the issue twice.
    /// The lists hold the first hundred; `counts` has them all.
    public var uncertain: [String]
    public var uncertainCount: Int
    public var failures: [(address: String, reply: String)]
    public var deferred: [(address: String, reply: String, nextAttempt: Date)]

    public var remaining: Int { (counts[.pending] ?? 0) + (counts[.deferred] ?? 0) + (counts[.sending] ?? 0) }
}
