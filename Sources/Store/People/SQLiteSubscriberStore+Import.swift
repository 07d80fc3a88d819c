public import Foundation
internal import GRDB
public import NewsletterCore

/// Taking a CSV's rows in: confirmed, each with a consent event naming the file.
extension SQLiteSubscriberStore {
    /// Rows per transaction: a sign-up waits at most for one of these to commit.
    static let importBatch = 2_000

    public func importRows(
        into list: String, source: ConsentSource, now: Date, next: () throws -> Result<Subscriber, Diagnostic>?
    ) throws -> ImportReport {
        var report = ImportReport()
        var finished = false
        while !finished {
            try pool.write { database in
                var taken = 0
                while taken < Self.importBatch {
                    guard let row = try next() else {
                        finished = true
                        return
                    }
                    taken += 1
                    switch row {
                    case .failure(let problem):
                        report.badRows.append(problem)
                    case .success(let subscriber):
                        try Self.importOne(
                            subscriber, into: list, source: source, now: now, report: &report, in: database)
                    }
                }
            }
        }
        return report
    }

    private static func importOne(
        _ subscriber: Subscriber, into list: String, source: ConsentSource, now: Date, report: inout ImportReport,
        in database: Database
    ) throws {
        let key = subscriber.address.key
        if try isErased(key, in: database) {
            report.erasedEarlier.append(
                Diagnostic(
                    "\(subscriber.address) was erased at their request (`subscribers forget`); the row is skipped.",
                    at: subscriber.line > 0 ? SourceLocation(file: source.description, line: subscriber.line) : nil,
                    hint: "Remove the row from the file, so that it is not imported again."))
            return
        }
        let (id, _) = try upsert(subscriber, overwriting: false, now: now, in: database)
        switch try status(of: id, on: list, in: database) {
        case .confirmed?:
            report.alreadyListed += 1
        case .unsubscribed?:
            report.unsubscribedEarlier.append(
                Diagnostic(
                    "\(subscriber.address) left the list `\(list)` earlier; the row is skipped.",
                    at: subscriber.line > 0 ? SourceLocation(file: source.description, line: subscriber.line) : nil,
                    hint: "An import does not subscribe them again: they can sign up again themselves."))
        case .unconfirmed?, nil:
            try setStatus(.confirmed, of: id, on: list, now: now, in: database)
            try record(.imported, key: key, list: list, source: source, now: now, in: database)
            report.added += 1
            if try suppression(of: key, in: database) != nil { report.suppressed += 1 }
        }
    }
}
