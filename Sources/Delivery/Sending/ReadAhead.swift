import Foundation
import NewsletterCore

/// Runs a producer on a thread of its own and hands what it produces to the calling thread, in
/// order, a chunk at a time, holding at most a few chunks: with two cores, reading and checking
/// a subscriber list overlaps with storing it, which takes about as long. When the
/// consumer throws, the producer is stopped at its next element.
///
/// Either `run` it with a consumer, or `start` it and take elements with `next` (one consuming
/// thread), then `finish`; or `stop` it early. Its thread has exited once `run`, `finish` or
/// `stop` returns.
final class ReadAhead<Element: Sendable, Output: Sendable>: @unchecked Sendable {
    // `@unchecked`: `chunks`, `outcome` and `cancelled` are touched only while `condition` is
    // locked; `current`, `position` and `thread` only by the consuming thread.
    private let condition = NSCondition()
    private var chunks: [[Element]] = []
    private var outcome: Result<Output, any Error>?
    private var cancelled = false
    private let capacity: Int
    /// The chunk being handed out by `next`, and how far.
    private var current: [Element] = []
    private var position = 0
    private var thread: JoinableThread?

    private struct Cancelled: Error {}

    private init(capacity: Int) {
        self.capacity = capacity
    }

    static func run(
        chunkSize: Int = 1024, capacity: Int = 8,
        producing: @escaping @Sendable (_ emit: (Element) throws -> Void) throws -> Output,
        consuming: (Element) throws -> Void
    ) throws -> Output {
        let queue = start(chunkSize: chunkSize, capacity: capacity, producing: producing)
        do {
            while let element = try queue.next() { try consuming(element) }
        } catch {
            queue.stop()
            throw error
        }
        return try queue.finish()
    }

    /// Starts the producer; take what it produces with `next`.
    static func start(
        chunkSize: Int = 1024, capacity: Int = 8,
        producing: @escaping @Sendable (_ emit: (Element) throws -> Void) throws -> Output
    ) -> ReadAhead {
        let queue = ReadAhead(capacity: capacity)
        queue.thread = JoinableThread(name: "read-ahead") {
            var pending: [Element] = []
            var outcome = Result {
                try producing { element in
                    pending.append(element)
                    if pending.count == chunkSize {
                        try queue.put(pending)
                        pending.removeAll(keepingCapacity: true)
                    }
                }
            }
            if case .success = outcome, !pending.isEmpty {
                do { try queue.put(pending) } catch { outcome = .failure(error) }
            }
            queue.finish(outcome)
        }
        return queue
    }

    /// The next element; nil once the producer has finished and everything was taken. Throws
    /// the producer's error after what it produced before it (but its last, partial chunk).
    func next() throws -> Element? {
        while position == current.count {
            guard let chunk = try take() else { return nil }
            (current, position) = (chunk, 0)
        }
        defer { position += 1 }
        return current[position]
    }

    /// The producer's result, once `next` has returned nil; its thread has exited.
    func finish() throws -> Output {
        thread?.join()
        guard let outcome = finishedOutcome else { preconditionFailure("finish() before the producer ended") }
        return try outcome.get()
    }

    /// Stops the producer at its next element and waits until its thread has exited, so that
    /// nothing reads the list after the consumer gave up.
    func stop() {
        cancel()
        thread?.join()
    }

    private func put(_ chunk: [Element]) throws {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= capacity, !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        chunks.append(chunk)
        condition.broadcast()
    }

    /// The next chunk; nil once the producer has finished and every chunk was taken.
    private func take() throws -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty, outcome == nil { condition.wait() }
        guard !chunks.isEmpty else {
            // A failed producer's error is the consumer's, so it is thrown where it is read.
            if case .failure(let error) = outcome { throw error }
            return nil
        }
        condition.broadcast()
        return chunks.removeFirst()
    }

    private func finish(_ outcome: Result<Output, any Error>) {
        condition.lock()
        self.outcome = outcome
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the producer and waits for it, so that nothing reads the list after the consumer gave up.
    private func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while outcome == nil { condition.wait() }
        condition.unlock()
    }

    private var finishedOutcome: Result<Output, any Error>? {
        condition.lock()
        defer { condition.unlock() }
        return outcome
    }
}
