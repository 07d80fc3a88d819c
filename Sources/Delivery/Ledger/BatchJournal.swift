import Foundation
import NewsletterCore

/// A connection's record of its current batch, in a file of its own beside the ledger: first
/// the recipients it claimed, in the order it mails them, then how each message ended, a line
/// each, written before the next message goes out.
///
/// The ledger takes a connection's outcomes a batch at a time (`LedgerWriter.fold`); until
/// then this file is what survives a killed process, and the next run reads it back
/// (`LedgerWriter.recover`): the outcomes it holds count, the first recipient without one may
/// have been in flight (uncertain), the rest were never tried. A line is copied into the file's
/// pages, mapped shared: those are the OS's cache, which a killed process cannot undo, and no
/// system call is made per message (cheaper than a `write` per line, and far cheaper than a
/// SQLite transaction per message; docs/benchmarks.md).
///
/// The file holds one batch at a time, numbered per connection ("epoch"). It is emptied once
/// the ledger has the batch's outcomes, and the ledger keeps each connection's last folded
/// epoch in the same transaction, so a batch left behind by a process killed between the two
/// is known to be in the ledger already. The file is emptied rather than replaced: creating a
/// file per batch made ext4 search for a fresh inode each time, which showed in a send.
/// Not `Sendable`: one connection's thread owns it.
final class BatchJournal {
    /// Whose journal: one file per connection ("slot") of a send.
    struct Owner: Equatable {
        var sendID: Int64
        var slot: Int

        var fileName: String { "\(sendID)-\(slot).journal" }

        init(sendID: Int64, slot: Int) {
            self.sendID = sendID
            self.slot = slot
        }

        init?(fileName: String) {
            guard fileName.hasSuffix(".journal") else { return nil }
            let numbers = fileName.dropLast(8).split(separator: "-").compactMap { Int64($0) }
            guard numbers.count == 2 else { return nil }
            (sendID, slot) = (numbers[0], Int(numbers[1]))
        }
    }

    /// What a journal says: nothing, or one batch.
    struct Contents: Equatable {
        var epoch: Int64
        var claimed: [Int64]
        var outcomes: [Outcome]

        static let empty = Contents(epoch: 0, claimed: [], outcomes: [])
    }

    /// How one message ended, and when.
    struct Outcome: Equatable {
        var id: Int64
        var at: Double
        var result: DeliveryResult
    }

    let owner: Owner
    let url: URL
    private let descriptor: Int32
    /// The file's bytes, mapped: the lines, then zeros.
    private var mapping: UnsafeMutableRawBufferPointer
    /// How many bytes the lines take.
    private var used = 0
    /// The file's first size, enough for a batch of 64 ordinary outcomes; it doubles when needed.
    static let initialCapacity = 64 * 1024
    /// The batch the file holds, if any.
    private(set) var epoch: Int64?
    /// The line being written, kept between lines: one per message.
    private var line: [UInt8] = []

    /// Opens a connection's journal, empty.
    init(folder: URL, owner: Owner) throws {
        self.owner = owner
        url = folder.appending(path: owner.fileName)
        var descriptor = open(url.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == ENOENT {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            descriptor = open(url.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else { throw Self.failure(url, doing: "created") }
        self.descriptor = descriptor
        do {
            mapping = try Self.map(descriptor, capacity: Self.initialCapacity, url: url)
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit {
        munmap(mapping.baseAddress, mapping.count)
        close(descriptor)
    }

    /// Gives the file `capacity` bytes on the disk (so that a full disk is an error here, not
    /// a crash when a page is written) and maps them.
    private static func map(_ descriptor: Int32, capacity: Int, url: URL) throws -> UnsafeMutableRawBufferPointer {
        let status = posix_fallocate(descriptor, 0, off_t(capacity))
        guard status == 0 else {
            errno = status
            throw failure(url, doing: "written")
        }
        let start = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0)
        guard let start, start != MAP_FAILED else { throw failure(url, doing: "mapped") }
        return UnsafeMutableRawBufferPointer(start: start, count: capacity)
    }

    /// Starts a batch: which recipients it holds, in the order they are mailed. Only once the
    /// ledger has the previous batch's outcomes.
    func start(epoch: Int64, claimed: [Int64]) throws {
        try clear()
        line.removeAll(keepingCapacity: true)
        line += "batch \(epoch) ".utf8
        for id in claimed {
            Self.appendInteger(id, to: &line)
            line.append(UInt8(ascii: " "))
        }
        line[line.count - 1] = 0x0A
        try write(line)
        self.epoch = epoch
    }

    /// Forgets the batch, once the ledger has its outcomes.
    func clear() throws {
        guard epoch != nil else { return }
        // The first byte first: a journal that starts with a zero reads as empty.
        mapping[0] = 0
        mapping.baseAddress?.initializeMemory(as: UInt8.self, repeating: 0, count: used)
        used = 0
        epoch = nil
    }

    /// Records how a message ended; the line is in the OS's hands when this returns.
    func append(_ outcome: Outcome) throws {
        line.removeAll(keepingCapacity: true)
        Self.appendLine(outcome, to: &line)
        try write(line)
    }

    /// Deletes the file, at the end of a run, once the ledger holds everything in it.
    func remove() {
        unlink(url.path)
        epoch = nil
    }

    /// Copies the line into the file's pages after the last one. A process killed during the
    /// copy leaves part of the line, in no particular order, among the zeros that follow the
    /// lines: `read` stops at the first zero.
    private func write(_ line: [UInt8]) throws {
        if used + line.count > mapping.count {
            let larger = try Self.map(descriptor, capacity: max(mapping.count * 2, used + line.count), url: url)
            munmap(mapping.baseAddress, mapping.count)
            mapping = larger
        }
        line.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: mapping[used...]).copyMemory(from: $0) }
        used += line.count
    }

    private static func failure(_ url: URL, doing what: String) -> NewsletterError {
        NewsletterError(
            "The send journal \(url.path) cannot be \(what): \(String(cString: strerror(errno))).",
            hint: "Make room on the disk or fix the folder's permissions, then run the same command to continue.")
    }

    // MARK: - The file's lines

    /// `ID TIME KIND [FIELDS…]`, text fields escaped so that each is one word. Written for every
    /// message on the connection's thread, so its numbers go in digit by digit, not through text.
    static func appendLine(_ outcome: Outcome, to line: inout [UInt8]) {
        appendInteger(outcome.id, to: &line)
        line.append(UInt8(ascii: " "))
        appendSeconds(outcome.at, to: &line)
        line.append(UInt8(ascii: " "))
        switch outcome.result {
        case .sent(let reply, let messageID):
            line += "sent ".utf8
            appendEscaped(messageID, to: &line)
            line.append(UInt8(ascii: " "))
            appendEscaped(reply, to: &line)
        case .deferred(let code, let reply):
            line += "deferred \(code) ".utf8
            appendEscaped(reply, to: &line)
        case .unconfirmed(let reply):
            line += "unconfirmed ".utf8
            appendEscaped(reply, to: &line)
        case .failed(let code, let reply):
            line += "failed \(code) ".utf8
            appendEscaped(reply, to: &line)
        case .suppressed: line += "suppressed".utf8
        case .notAttempted: line += "not-attempted".utf8
        }
        line.append(0x0A)
    }

    /// Reads a journal back. Reading stops at the first zero byte, where the lines end (no line
    /// holds one: control bytes are escaped), and at the first line that is not whole and well
    /// formed: only the last line can be torn, by a process killed while writing it.
    static func read(_ url: URL) throws -> Contents {
        var data = try Data(contentsOf: url)
        if let end = data.firstIndex(of: 0) { data = data[..<end] }
        var contents = Contents.empty
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // The part after the last newline is torn (or empty).
        lines.removeLast()
        for (number, line) in lines.enumerated() {
            let words = line.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
            if number == 0 {
                guard words.count >= 2, words[0] == "batch", let epoch = Int64(words[1]) else { break }
                contents.epoch = epoch
                contents.claimed = words.dropFirst(2).compactMap { Int64($0) }
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
        case ("sent", 2):
            guard let messageID = unescaped(fields[0]), let reply = unescaped(fields[1]) else { return nil }
            result = .sent(reply: reply, messageID: messageID)
        case ("deferred", 2):
            guard let code = Int(fields[0]), let reply = unescaped(fields[1]) else { return nil }
            result = .deferred(code: code, reply: reply)
        case ("unconfirmed", 1):
            guard let reply = unescaped(fields[0]) else { return nil }
            result = .unconfirmed(reply: reply)
        case ("failed", 2):
            guard let code = Int(fields[0]), let reply = unescaped(fields[1]) else { return nil }
            result = .failed(code: code, reply: reply)
        case ("suppressed", 0): result = .suppressed
        case ("not-attempted", 0): result = .notAttempted
        default: return nil
        }
        return Outcome(id: id, at: at, result: result)
    }

    /// The journals of a send in `folder`.
    static func files(in folder: URL, sendID: Int64) throws -> [(owner: Owner, url: URL)] {
        try journals(in: folder).filter { $0.owner.sendID == sendID }.sorted { $0.owner.slot < $1.owner.slot }
    }

    /// The sends that have journals in `folder`.
    static func sendIDs(in folder: URL) throws -> Set<Int64> {
        Set(try journals(in: folder).map(\.owner.sendID))
    }

    /// No folder is no journal; a folder that cannot be read is an error: recovering as if
    /// there were no journals would mail again what they say was sent.
    private static func journals(in folder: URL) throws -> [(owner: Owner, url: URL)] {
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw NewsletterError(
                "The send journals in \(folder.path) cannot be read: \(error.localizedDescription)",
                hint: "Fix the folder's permissions and run the same command again; nothing was sent.")
        }
        return names.compactMap { fileName in
            Owner(fileName: fileName).map { ($0, folder.appending(path: fileName)) }
        }
    }

    /// A time as seconds with six decimals (`1764000000.123456`), which `read` takes back as
    /// any decimal; a time that is not an ordinary one is written as Swift writes it.
    static func appendSeconds(_ time: Double, to line: inout [UInt8]) {
        guard time >= 0, time < 1e12 else {
            line += "\(time)".utf8
            return
        }
        let microseconds = UInt64((time * 1_000_000).rounded())
        appendDecimal(microseconds / 1_000_000, to: &line)
        line.append(UInt8(ascii: "."))
        appendDecimal(microseconds % 1_000_000, to: &line, digits: 6)
    }

    /// `value` in decimal, with its sign.
    static func appendInteger(_ value: Int64, to line: inout [UInt8]) {
        if value < 0 { line.append(UInt8(ascii: "-")) }
        appendDecimal(value.magnitude, to: &line)
    }

    /// `value` in decimal, with leading zeros up to `digits`.
    static func appendDecimal(_ value: UInt64, to line: inout [UInt8], digits: Int = 1) {
        // The digits go in last first, then are turned around.
        let start = line.count
        var rest = value
        repeat {
            line.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10))
            rest /= 10
        } while rest > 0
        while line.count - start < digits { line.append(UInt8(ascii: "0")) }
        line[start...].reverse()
    }

    /// `%XX` for the space, `%`, and control bytes; nothing else changes (replies are short
    /// ASCII, so this is cheap). The empty text is a lone `%`, so that every field is a word.
    static func appendEscaped(_ text: String, to line: inout [UInt8]) {
        if text.isEmpty { return line.append(UInt8(ascii: "%")) }
        // Nearly always: nothing to escape.
        if text.utf8.allSatisfy(keepsItself) { return line.append(contentsOf: text.utf8) }
        for byte in text.utf8 {
            if keepsItself(byte) {
                line.append(byte)
            } else {
                line += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            }
        }
    }

    private static func keepsItself(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte != UInt8(ascii: "%") && byte != 0x7F
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// nil for a word `escaped` cannot have made.
    static func unescaped(_ word: String) -> String? {
        if word == "%" { return "" }
        guard word.utf8.contains(UInt8(ascii: "%")) else { return word }
        var bytes: [UInt8] = []
        var utf8 = word.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8.next().flatMap(hexDigit), let low = utf8.next().flatMap(hexDigit) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
