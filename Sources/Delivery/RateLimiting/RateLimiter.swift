import Foundation
public import NewsletterCore
import Synchronization

/// One pace for all connections of a send: a steady rate with a burst allowance (the generic
/// cell rate algorithm), and optionally a cap over a sliding window, such as 10,000 messages an
/// hour. It never sleeps: `reserve(at:)` says when the next message may start, and the caller
/// waits, so tests drive it with any clock they like. Safe to share between threads.
public final class RateLimiter: Sendable {
    private let interval: Double
    private let tolerance: Double
    private let window: SendingSettings.Rate?
    private struct State {
        /// The theoretical arrival time of the next message.
        var nextArrival = -Double.infinity
        /// Start times inside the current window, oldest first, from `windowHead` on.
        var windowStarts: [Double] = []
        var windowHead = 0
    }
    private let state: Mutex<State>

    /// `history`: when earlier messages went, so that a resumed send counts them in the window.
    public init(rate: SendingSettings.Rate, burst: Int, window: SendingSettings.Rate?, history: [Double] = []) {
        interval = 1 / rate.perSecond
        tolerance = Double(max(1, burst) - 1) * interval
        self.window = window
        state = Mutex(State(windowStarts: history.sorted()))
    }

    public convenience init(settings: SendingSettings, history: [Double] = []) {
        self.init(rate: settings.rate, burst: settings.burst, window: settings.window, history: history)
    }

    /// Reserves a slot for one message at `now` or later and returns the time it may start.
    public func reserve(at now: Double) -> Double {
        state.withLock { reserve(at: now, in: &$0) }
    }

    private func reserve(at now: Double, in state: inout State) -> Double {
        var start = max(now, state.nextArrival - tolerance)
        if let window {
            let windowFloor = start - window.period
            while state.windowHead < state.windowStarts.count, state.windowStarts[state.windowHead] <= windowFloor {
                state.windowHead += 1
            }
            let inWindow = state.windowStarts.count - state.windowHead
            if inWindow >= window.count {
                // Wait until enough of the window's messages have aged out of it.
                start = max(start, state.windowStarts[state.windowStarts.count - window.count] + window.period)
                while state.windowHead < state.windowStarts.count,
                    state.windowStarts[state.windowHead] <= start - window.period
                {
                    state.windowHead += 1
                }
            }
            state.windowStarts.append(start)
            if state.windowHead > 4096, state.windowHead * 2 > state.windowStarts.count {
                state.windowStarts.removeFirst(state.windowHead)
                state.windowHead = 0
            }
        }
        state.nextArrival = max(state.nextArrival, start) + interval
        return start
    }
}
