import Foundation
import Store
import Synchronization

/// Who a running send must no longer mail: suppressed, or gone from the list, as the store's
/// consent log says. It is followed once a second at most, so that an unsubscribe that
/// arrives during a send (on this machine or, through a shared store, another) is honoured by it.
final class SuppressionWatch: Sendable {
    private struct State {
        /// Read under the lock only: one look at the store at a time.
        let people: any SubscriberStore
        var keys: Set<String>
        var lastEvent: Int64
        var lastLook = Date.distantPast
    }
    private let state: Mutex<State>
    private let list: String

    init(people: any SubscriberStore, list: String) throws {
        self.list = list
        let (keys, lastEvent) = try people.stoppedKeys(list: list)
        state = Mutex(State(people: people, keys: keys, lastEvent: lastEvent))
    }

    func contains(_ key: String, now: Date = Date()) -> Bool {
        state.withLock { state in
            if now.timeIntervalSince(state.lastLook) >= 1 {
                state.lastLook = now
                // A store that cannot be read for a moment leaves the set as it was; the next
                // look tries again.
                if let (new, last) = try? state.people.stops(after: state.lastEvent, list: list) {
                    state.keys.formUnion(new)
                    state.lastEvent = last
                }
            }
            return state.keys.contains(key)
        }
    }
}
