import Foundation
import Synchronization
import Testing

@testable import Delivery

@Suite struct ReadAheadTests {
    struct Stop: Error, Equatable {}

    @Test func handsOverEverythingInOrderAndTheProducersResult() throws {
        var seen: [Int] = []
        let total = try ReadAhead<Int, Int>.run(chunkSize: 7, capacity: 2) { emit in
            for number in 0..<10_000 { try emit(number) }
            return 10_000
        } consuming: {
            seen.append($0)
        }
        #expect(total == 10_000)
        #expect(seen == Array(0..<10_000))
    }

    @Test func aProducerErrorReachesTheConsumerAfterWhatCameBefore() throws {
        var seen: [Int] = []
        #expect(throws: Stop()) {
            try ReadAhead<Int, Void>.run(chunkSize: 10, capacity: 2) { emit in
                for number in 0..<25 { try emit(number) }
                throw Stop()
            } consuming: {
                seen.append($0)
            }
        }
        // The last, partial chunk is not handed over once the producer failed.
        #expect(seen == Array(0..<20))
    }

    @Test func aConsumerErrorStopsTheProducer() throws {
        let produced = Atomic<Int>(0)
        #expect(throws: Stop()) {
            try ReadAhead<Int, Void>.run(chunkSize: 10, capacity: 2) { emit in
                for number in 0..<1_000_000 {
                    try emit(number)
                    produced.add(1, ordering: .relaxed)
                }
            } consuming: { number in
                if number == 15 { throw Stop() }
            }
        }
        // The producer may run ahead by the chunks the queue holds, never through the list.
        #expect(produced.load(ordering: .relaxed) < 100)
    }

    @Test func elementsTakenOneAtATimeThenTheResult() throws {
        let queue = ReadAhead<Int, String>.start(chunkSize: 3, capacity: 2) { emit in
            for number in 0..<10 { try emit(number) }
            return "done"
        }
        var seen: [Int] = []
        while let number = try queue.next() { seen.append(number) }
        #expect(seen == Array(0..<10))
        #expect(try queue.next() == nil)
        #expect(try queue.finish() == "done")
    }

    @Test func stoppingHaltsTheProducerPartWay() throws {
        let produced = Atomic<Int>(0)
        let queue = ReadAhead<Int, Void>.start(chunkSize: 10, capacity: 2) { emit in
            for number in 0..<1_000_000 {
                try emit(number)
                produced.add(1, ordering: .relaxed)
            }
        }
        #expect(try queue.next() == 0)
        queue.stop()
        let stoppedAt = produced.load(ordering: .relaxed)
        #expect(stoppedAt < 100)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(produced.load(ordering: .relaxed) == stoppedAt, "its thread has exited")
    }
}
