import Foundation
import NewsletterCore
import Store

/// The list as it is read for a new send: subscribers to freeze, and how many there were.
typealias AudienceReader = ReadAhead<Subscriber, Int>

/// The rest of a long list's audience, after the first rows the send started with: frozen on
/// the main thread, a chunk per transaction between the connections' folds, while they mail.
/// Until it is whole, a connection that finds nothing to claim waits for the next chunk, and
/// the send is not `frozen`: a run stopped meanwhile leaves the rest to the next one.
final class AudienceRest {
    private let reader: AudienceReader
    let audience: Audience
    /// Rows per transaction: small enough that a connection waiting to fold is not held up.
    static let chunkSize = 512

    init(reader: AudienceReader, audience: Audience) {
        self.reader = reader
        self.audience = audience
    }

    /// Freezes the rest through `queue`; returns the whole audience's size, or nil when the
    /// send was told to stop first (the reader is then stopped).
    func freeze(through queue: LedgerQueue, control: SendControl) throws -> Int? {
        var chunk: [Subscriber] = []
        chunk.reserveCapacity(Self.chunkSize)
        do {
            while let subscriber = try reader.next() {
                chunk.append(subscriber)
                guard chunk.count == Self.chunkSize else { continue }
                if control.shouldStop {
                    reader.stop()
                    return nil
                }
                try queue.freeze(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
            if !chunk.isEmpty { try queue.freeze(chunk) }
            _ = try reader.finish()
            return try queue.completeFreeze()
        } catch {
            reader.stop()
            throw error
        }
    }

    /// Stops reading the list, for a send that cannot start.
    func abandon() { reader.stop() }
}
