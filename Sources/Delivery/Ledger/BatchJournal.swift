import Foundation
import NewsletterCore

/// A connection's record of its current batch, in a file of its own beside the ledger: first
/// the recipients it claimed, in the order it mails them, then how each message ended, a line
/// each, written before the next message goes out.
///
/// The ledger takes a connection's outcomes a batch at a time (`LedgerWriter.fold`); until
/// then this file is what survives a killed process, and the next run reads it back
/// (`LedgerWriter.recover`): the outcomes it holds count, the first recipient without one may
/// have been in flight (uncertain), the rest were never tried. A line is one `write` to the
/// OS's cache, which a killed process cannot undo; a SQLite transaction per message took about
/// a quarter of a connection's time.
///
/// A file holds one batch, numbered per connection ("epoch"). It is deleted once the ledger has
/// its outcomes, and the ledger keeps each connection's last folded epoch in the same
/// transaction, so a file left behind by a process killed between the two is known to be in
/// the ledger already. Not `Sendable`: one connection's thread owns it.
final class BatchJournal {
    struct Name: Equatable {
        var sendID: Int64
        /// The connection that wrote it.
        var slot: Int
        var epoch: Int64

        var fileName: String { "\(sendID)-\(slot)-\(epoch).batch" }

        init(sendID: Int64, slot: Int, epoch: Int64) {
            self.sendID = sendID
            self.slot = slot
            self.epoch = epoch
        }

        init?(fileName: String) {
            guard fileName.hasSuffix(".batch") else { return nil }
            let numbers = fileName.dropLast(6).split(separator: "-").compactMap { Int64($0) }
            guard numbers.count == 3 else { return nil }
            (sendID, slot, epoch) = (numbers[0], Int(numbers[1]), numbers[2])
        }
    }

    /// What a journal says.
    struct Contents: Equatable {
        var claimed: [Int64]
        var outcomes: [Outcome]
    }

    /// How one message ended, and when.
    struct Outcome: Equatable {
        var id: Int64
        var at: Double
        var result: DeliveryResult
    }

    let name: Name
    let url: URL
    private let descriptor: Int32

    /// Creates the journal of a new batch and writes which recipients it holds.
    init(folder: URL, name: Name, claimed: [Int64]) throws {
        self.name = name
        url = folder.appending(path: name.fileName)
        var descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == ENOENT {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else { throw Self.failure(url, doing: "created") }
        self.descriptor = descriptor
        try write("claimed " + claimed.map(String.init).joined(separator: " ") + "\n")
    }

    deinit {
        close(descriptor)
    }

    /// Records how a message ended; the line is in the OS's hands when this returns.
    func append(_ outcome: Outcome) throws {
        try write(Self.line(outcome))
    }

    /// Deletes the file, once the ledger holds everything in it.
    func remove() {
        unlink(url.path)
    }

    private func write(_ line: String) throws {
        var line = line
        let written = line.withUTF8 { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        // A short write to a regular file means the disk is full; the line is torn, and a torn
        // last line is ignored when the journal is read back.
        guard written == line.utf8.count else { throw Self.failure(url, doing: "written") }
    }

    private static func failure(_ url: URL, doing what: String) -> NewsletterError {
        NewsletterError(
            "The send journal \(url.path) cannot be \(what): \(String(cString: strerror(errno))).",
            hint: "Make room on the disk or fix the folder's permissions, then run the same command to continue.")
    }

    // MARK: - The file's lines

    /// `ID TIME KIND [FIELDS…]`, text fields escaped so that each is one word.
    static func line(_ outcome: Outcome) -> String {
        let start = "\(outcome.id) \(outcome.at) "
        switch outcome.result {
        case .sent(let reply, let messageID): return start + "sent \(escaped(messageID)) \(escaped(reply))\n"
        case .deferred(let code, let reply): return start + "deferred \(code) \(escaped(reply))\n"
        case .unconfirmed(let reply): return start + "unconfirmed \(escaped(reply))\n"
        case .failed(let code, let reply): return start + "failed \(code) \(escaped(reply))\n"
        case .suppressed: return start + "suppressed\n"
        case .notAttempted: return start + "not-attempted\n"
        }
    }

    /// Reads a journal back. Reading stops at the first line that is not whole and well formed:
    /// only the last line can be torn, by a process killed while writing it.
    static func read(_ url: URL) throws -> Contents {
        let data = try Data(contentsOf: url)
        var contents = Contents(claimed: [], outcomes: [])
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // The part after the last newline is torn (or empty).
        lines.removeLast()
        for (number, line) in lines.enumerated() {
            let words = line.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
            if number == 0 {
                guard words.first == "claimed" else { break }
                contents.claimed = words.dropFirst().compactMap { Int64($0) }
                continue
            }
            guard let outcome = outcome(words) else { break }
            contents.outcomes.append(outcome)
        }
        return contents
    }

    private static func outcome(_ words: [String]) -> Outcome? {
        guard words.count >= 3, let id = Int64(words[0]), let at = Double(words[1]) else { return nil }
        let fields = Array(words.dropFirst(3))
        let result: DeliveryResult
        switch (words[2], fields.count) {
        case ("sent", 2): result = .sent(reply: unescaped(fields[1]), messageID: unescaped(fields[0]))
        case ("deferred", 2): result = .deferred(code: Int(fields[0]) ?? 0, reply: unescaped(fields[1]))
        case ("unconfirmed", 1): result = .unconfirmed(reply: unescaped(fields[0]))
        case ("failed", 2): result = .failed(code: Int(fields[0]) ?? 0, reply: unescaped(fields[1]))
        case ("suppressed", 0): result = .suppressed
        case ("not-attempted", 0): result = .notAttempted
        default: return nil
        }
        return Outcome(id: id, at: at, result: result)
    }

    /// The journals of a send in `folder`.
    static func files(in folder: URL, sendID: Int64) -> [(name: Name, url: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.compactMap { fileName in
            guard let name = Name(fileName: fileName), name.sendID == sendID else { return nil }
            return (name, folder.appending(path: fileName))
        }
        .sorted { ($0.name.slot, $0.name.epoch) < ($1.name.slot, $1.name.epoch) }
    }

    /// `%XX` for the space, `%`, and control bytes; nothing else changes (replies are short
    /// ASCII, so this is cheap).
    static func escaped(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 > 0x20 && $0 != UInt8(ascii: "%") && $0 != 0x7F }) {
            return text.isEmpty ? "%" : text
        }
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if byte > 0x20 && byte != UInt8(ascii: "%") && byte != 0x7F {
                bytes.append(byte)
            } else {
                bytes += Array("%\(String(byte, radix: 16, uppercase: true).leftPadded(to: 2))".utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func unescaped(_ word: String) -> String {
        if word == "%" { return "" }
        guard word.utf8.contains(UInt8(ascii: "%")) else { return word }
        var bytes: [UInt8] = []
        var utf8 = word.utf8.makeIterator()
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "%"), let high = utf8.next(), let low = utf8.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
