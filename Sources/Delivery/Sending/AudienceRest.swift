import Foundation
import NewsletterCore

/// The list as it is read for a new send: subscribers to freeze, and what reading found.
typealias AudienceReader = ReadAhead<Subscriber, (report: SubscriberList.Report, suppressedCount: Int)>

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
    let listPath: String
    /// Rows per transaction: small enough that a connection waiting to fold is not held up.
    static let chunkSize = 512

    init(reader: AudienceReader, listPath: String) {
        self.reader = reader
        self.listPath = listPath
    }

    /// Freezes the rest through `queue`; returns the whole audience's size and what reading the
    /// list found, or nil when the send was told to stop first (the reader is then stopped).
    func freeze(through queue: LedgerQueue, control: SendControl) throws -> (
        audience: Int, reading: (report: SubscriberList.Report, suppressedCount: Int)
    )? {
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
            let reading = try reader.finish()
            return (try queue.completeFreeze(), reading)
        } catch {
            reader.stop()
            throw error
        }
    }

    /// Stops reading the list, for a send that cannot start.
    func abandon() { reader.stop() }
}

/// What the editor is told once a send's audience is frozen: the rows that were skipped, and
/// how many are to be mailed.
enum AudienceReport {
    /// `completing`: the rest of an audience a stopped run began, whose first rows were read
    /// from the list as it was then (some since mailed, bounced or gone from it).
    static func note(
        _ reading: (report: SubscriberList.Report, suppressedCount: Int), audience: Int, listPath: String,
        completing: Bool = false, reporter: some SendReporter
    ) {
        let (report, suppressed) = reading
        for problem in report.badRows.prefix(20) {
            reporter.note("warning: \(problem.location.map { "\($0): " } ?? "")\(problem.message)")
        }
        if report.badRows.count > 20 { reporter.note("warning: … and \(report.badRows.count - 20) more bad rows.") }
        let skipped = "\(report.badRows.count) bad row\(report.badRows.count == 1 ? "" : "s") skipped"
        guard !completing else {
            // Counting repeats against an audience partly frozen from another reading would not add up.
            reporter.note("\(listPath): the rest of the list is in the ledger; \(audience) to mail in all; \(skipped).")
            return
        }
        // The ledger dropped repeated addresses as it froze the audience.
        let repeated = report.accepted - suppressed - audience
        reporter.note(
            "\(listPath): \(audience) to mail; \(suppressed) suppressed, \(repeated) repeated and \(skipped).")
    }
}
