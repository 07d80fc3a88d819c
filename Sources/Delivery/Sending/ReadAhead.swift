import Foundation
import NewsletterCore

/// Runs a producer on a thread of its own and hands what it produces to the calling thread, in
/// order, a chunk at a time, holding at most a few chunks: with two cores, reading and checking
/// a subscriber list overlaps with storing it (a million rows: about 5.5 s of each). When the
/// consumer throws, the producer is stopped at its next element.
final class ReadAhead<Element: Sendable, Output: Sendable>: @unchecked Sendable {
    // `@unchecked`: every property is touched only while `condition` is locked.
    private let condition = NSCondition()
    private var chunks: [[Element]] = []
    private var outcome: Result<Output, any Error>?
    private var cancelled = false
    private let capacity: Int

    private struct Cancelled: Error {}

    private init(capacity: Int) {
        self.capacity = capacity
    }

    static func run(
        chunkSize: Int = 1024, capacity: Int = 8,
        producing: @escaping @Sendable (_ emit: (Element) throws -> Void) throws -> Output,
        consuming: (Element) throws -> Void
    ) throws -> Output {
        let queue = ReadAhead(capacity: capacity)
        let thread = JoinableThread(name: "read-ahead") {
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
        // The producer's thread has exited, whatever happened, before this returns.
        defer { thread.join() }
        do {
            while let chunk = try queue.take() {
                for element in chunk { try consuming(element) }
            }
        } catch {
            queue.cancel()
            throw error
        }
        // `take` returned nil: the producer has finished.
        guard let outcome = queue.finishedOutcome else { preconditionFailure("the producer ended without an outcome") }
        return try outcome.get()
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
