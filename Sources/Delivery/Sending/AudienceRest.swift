import Foundation
import NewsletterCore
import Store

/// The list as it is read for a new send: subscribers to freeze, and how many there were.
typealias AudienceReader = ReadAhead<Subscriber, Int>

/// How a send was opened: the send, whether it was resumed, and for a long list the rest of
/// its audience, frozen while its first recipients are mailed (`AudienceRest`).
struct OpenedSend {
    var send: SendRecord
    var resumed: Bool
    var rest: AudienceRest?
    /// The thread compiling the first subscriber's shape, to be joined before the send returns.
    var compile: JoinableThread?
}

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

/// What the editor is told once a send's audience is frozen: how many are to be mailed, and
/// how many members of the list are not, by why.
enum AudienceReport {
    /// `completing`: the rest of an audience a stopped run began, whose first rows were read
    /// from the list as it was then (some since mailed, or gone from it).
    static func note(_ audience: Audience, frozen count: Int, completing: Bool = false, reporter: some SendReporter) {
        let name = audience.description.prefix(1).uppercased() + audience.description.dropFirst()
        guard !completing else {
            reporter.note("\(name): the rest of the audience is in the ledger; \(count) to mail in all.")
            return
        }
        guard let summary = try? audience.summary() else {
            reporter.note("\(name): \(count) to mail.")
            return
        }
        var skipped = [
            "\(summary.suppressed) suppressed", "\(summary.unconfirmed) unconfirmed",
            "\(summary.unsubscribed) unsubscribed",
        ]
        if !audience.filters.isEmpty { skipped.append("\(summary.filteredOut) not matching") }
        if audience.notReceiving != nil { skipped.append("\(summary.receivedAlready) who received it already") }
        reporter.note("\(name): \(count) to mail; \(skipped.joined(separator: ", ")).")
    }
}
