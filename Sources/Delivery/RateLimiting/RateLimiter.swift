import Foundation
public import NewsletterCore

/// One pace for all connections of a send: a steady rate with a burst allowance (the generic
/// cell rate algorithm), and optionally a cap over a sliding window, such as 10,000 messages an
/// hour. It never sleeps: `reserve(at:)` says when the next message may start, and the caller
/// waits, so tests drive it with any clock they like. Safe to share between threads.
public final class RateLimiter: @unchecked Sendable {
    // `@unchecked`: every stored property is read and written only while `lock` is held.
    private let lock = NSLock()
    private let interval: Double
    private let tolerance: Double
    private let window: SendingSettings.Rate?
    /// The theoretical arrival time of the next message.
    private var nextArrival = -Double.infinity
    /// Start times inside the current window, oldest first, from `windowHead` on.
    private var windowStarts: [Double] = []
    private var windowHead = 0

    /// `history`: when earlier messages went, so that a resumed send counts them in the window.
    public init(rate: SendingSettings.Rate, burst: Int, window: SendingSettings.Rate?, history: [Double] = []) {
        interval = 1 / rate.perSecond
        tolerance = Double(max(1, burst) - 1) * interval
        self.window = window
        windowStarts = history.sorted()
    }

    public convenience init(settings: SendingSettings, history: [Double] = []) {
        self.init(rate: settings.rate, burst: settings.burst, window: settings.window, history: history)
    }

    /// Reserves a slot for one message at `now` or later and returns the time it may start.
    public func reserve(at now: Double) -> Double {
        lock.lock()
        defer { lock.unlock() }
        var start = max(now, nextArrival - tolerance)
        if let window {
            let windowFloor = start - window.period
            while windowHead < windowStarts.count, windowStarts[windowHead] <= windowFloor { windowHead += 1 }
            let inWindow = windowStarts.count - windowHead
            if inWindow >= window.count {
                // Wait until enough of the window's messages have aged out of it.
                start = max(start, windowStarts[windowStarts.count - window.count] + window.period)
                while windowHead < windowStarts.count, windowStarts[windowHead] <= start - window.period {
                    windowHead += 1
                }
            }
            windowStarts.append(start)
            if windowHead > 4096, windowHead * 2 > windowStarts.count {
                windowStarts.removeFirst(windowHead)
                windowHead = 0
            }
        }
        nextArrival = max(nextArrival, start) + interval
        return start
    }
}
