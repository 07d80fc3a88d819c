import Foundation
import NewsletterTestSupport
import Testing

@testable import Delivery

@Suite struct BatchJournalTests {
    let temporary = TemporaryFolder("journal")
    var folder: URL { temporary.url }

    @Test func everyOutcomeReadsBackAsWritten() throws {
        let awkward = "451 4.3.0 try %20 later\r\nInjected: header\t\u{7F} é"
        let outcomes: [BatchJournal.Outcome] = [
            .init(
                id: 7, at: 1_764_000_000.123456, result: .sent(reply: "250 2.0.0 Ok: queued as 1", messageID: "<a.b@x>")
            ),
            .init(id: 8, at: 2, result: .deferred(code: 451, reply: awkward)),
            .init(id: 9, at: 3, result: .unconfirmed(reply: "")),
            .init(id: 10, at: 4, result: .failed(code: 550, reply: "550 5.1.1 %")),
            .init(id: 11, at: 5, result: .suppressed),
            .init(id: 12, at: 6, result: .notAttempted),
        ]
        let journal = try BatchJournal(folder: folder, owner: .init(sendID: 3, slot: 1))
        try journal.start(epoch: 8, claimed: [1, 2])
        try journal.append(.init(id: 1, at: 1, result: .suppressed))
        // The next batch replaces the last one.
        try journal.start(epoch: 9, claimed: [7, 8, 9, 10, 11, 12, 13])
        for outcome in outcomes { try journal.append(outcome) }
        var line: [UInt8] = []
        BatchJournal.appendLine(outcomes[1], to: &line)
        #expect(line.filter { $0 == 0x0A || $0 == 0x0D } == [0x0A], "one line each")

        let contents = try BatchJournal.read(journal.url)
        #expect(contents.epoch == 9 && contents.claimed == [7, 8, 9, 10, 11, 12, 13])
        #expect(contents.outcomes == outcomes)
        #expect(try BatchJournal.files(in: folder, sendID: 3).map(\.owner) == [journal.owner])
        #expect(try BatchJournal.files(in: folder, sendID: 4).isEmpty)
        try journal.clear()
        #expect(try BatchJournal.read(journal.url) == .empty)
        journal.remove()
        #expect(try BatchJournal.files(in: folder, sendID: 3).isEmpty)
    }

    @Test func numbersAreWrittenInDecimalAndTimesToTheMicrosecond() throws {
        var line: [UInt8] = []
        BatchJournal.appendLine(
            .init(id: 9_007_199_254_740_993, at: 1_764_000_000.000_042, result: .suppressed), to: &line)
        BatchJournal.appendLine(.init(id: 0, at: 0, result: .notAttempted), to: &line)
        BatchJournal.appendLine(.init(id: -5, at: 2, result: .suppressed), to: &line)
        #expect(
            String(decoding: line, as: UTF8.self)
                == "9007199254740993 1764000000.000042 suppressed\n0 0.000000 not-attempted\n-5 2.000000 suppressed\n")
        // A time as the clock gives it reads back within a microsecond.
        let now = Date().timeIntervalSince1970
        let journal = try BatchJournal(folder: folder, owner: .init(sendID: 5, slot: 0))
        try journal.start(epoch: 1, claimed: [1])
        try journal.append(.init(id: 1, at: now, result: .suppressed))
        let read = try #require(try BatchJournal.read(journal.url).outcomes.first)
        #expect(abs(read.at - now) < 1e-6)
    }

    @Test func aBatchLargerThanTheFileGrowsIt() throws {
        let journal = try BatchJournal(folder: folder, owner: .init(sendID: 2, slot: 0))
        try journal.start(epoch: 1, claimed: Array(1...100))
        // 100 replies of 2,000 bytes: about three times the file's first size.
        let outcomes = (1...100).map { id in
            BatchJournal.Outcome(
                id: Int64(id), at: Double(id), result: .deferred(code: 451, reply: String(repeating: "x", count: 2000)))
        }
        for outcome in outcomes { try journal.append(outcome) }
        #expect(try BatchJournal.read(journal.url).outcomes == outcomes)
        // Emptied, it holds a new batch from its start.
        try journal.clear()
        try journal.start(epoch: 2, claimed: [7])
        try journal.append(outcomes[0])
        let contents = try BatchJournal.read(journal.url)
        #expect(contents.epoch == 2 && contents.claimed == [7] && contents.outcomes == [outcomes[0]])
    }

    @Test func aTornLastLineIsNotAnOutcome() throws {
        let journal = try BatchJournal(folder: folder, owner: .init(sendID: 1, slot: 0))
        try journal.start(epoch: 1, claimed: [1, 2])
        try journal.append(.init(id: 1, at: 1, result: .sent(reply: "250 ok", messageID: "<m@x>")))
        // What a process killed while copying the next line into the file can leave after the
        // lines: its start, or its bytes in another order, with zeros between them.
        let lines = try #require(try Data(contentsOf: journal.url).firstIndex(of: 0))
        for torn in [
            Data("2 2 sent <n@x> 25".utf8), Data("2 2 sent <n@x> 25".utf8) + Data(count: 5) + Data("k\n".utf8),
        ] {
            let handle = try FileHandle(forWritingTo: journal.url)
            try handle.seek(toOffset: UInt64(lines))
            try handle.write(contentsOf: torn)
            try handle.close()
            let contents = try BatchJournal.read(journal.url)
            #expect(contents.outcomes.map(\.id) == [1])
        }

        #expect(BatchJournal.unescaped("250%2") == nil && BatchJournal.unescaped("%zz") == nil)
        #expect(BatchJournal.unescaped("%0D%0A") == "\r\n")

        let torn = folder.appending(path: "1-1.journal")
        try Data("batch 2 4 5".utf8).write(to: torn)
        #expect(try BatchJournal.read(torn) == .empty, "a torn first line claims nothing")
    }
}
