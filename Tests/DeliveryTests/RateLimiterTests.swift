import Foundation
import NewsletterCore
import Testing

@testable import Delivery

@Suite struct RateLimiterTests {
    /// Simulates one sender asking for slots as soon as it may, over `seconds`.
    func schedule(_ limiter: RateLimiter, from start: Double = 1000, for seconds: Double) -> [Double] {
        var now = start
        var times: [Double] = []
        while true {
            let slot = limiter.reserve(at: now)
            if slot >= start + seconds { break }
            times.append(slot)
            now = slot
        }
        return times
    }

    @Test func aBurstThenTheSteadyRate() {
        let limiter = RateLimiter(rate: .init(count: 50, period: 1), burst: 10, window: nil)
        let times = schedule(limiter, for: 30)
        #expect(times.prefix(10).allSatisfy { $0 == 1000 })
        #expect(abs(times[11] - times[10] - 0.02) < 1e-9)
        // 30 s at 50/s plus the burst's head start.
        #expect(abs(Double(times.count) - (30 * 50 + 9)) <= 1)
    }

    @Test func noSecondHoldsMoreThanTheRatePlusTheBurst() {
        let limiter = RateLimiter(rate: .init(count: 50, period: 1), burst: 10, window: nil)
        let times = schedule(limiter, for: 30)
        for (index, time) in times.enumerated() {
            let inWindow = times[index...].prefix { $0 < time + 1 }.count
            #expect(inWindow <= 60)
        }
    }

    @Test func slidingWindowCapsAnHour() {
        let limiter = RateLimiter(
            rate: .init(count: 100, period: 1), burst: 100, window: .init(count: 500, period: 3600))
        let times = schedule(limiter, for: 3600 * 2)
        #expect(times.count == 1000)
        #expect(times[499] < 1010)
        #expect(times[500] >= times[0] + 3600)
        for (index, time) in times.enumerated() {
            #expect(times[index...].prefix { $0 < time + 3600 }.count <= 500)
        }
    }

    @Test func aResumedSendCountsWhatItAlreadySentInTheWindow() {
        let history = (0..<400).map { 1000 - 600 + Double($0) * 0.1 }
        let limiter = RateLimiter(
            rate: .init(count: 100, period: 1), burst: 100, window: .init(count: 500, period: 3600), history: history)
        let times = schedule(limiter, for: 3600)
        #expect(times.filter { $0 < 1000 + 2900 }.count == 100)
    }

    @Test func isSafeAcrossThreads() async {
        let limiter = RateLimiter(rate: .init(count: 1000, period: 1), burst: 1, window: nil)
        let slots = await withTaskGroup(of: [Double].self) { group in
            for _ in 0..<4 { group.addTask { (0..<250).map { _ in limiter.reserve(at: 0) } } }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(slots).count == 1000)
        #expect(abs((slots.max() ?? 0) - 0.999) < 1e-6)
    }
}
