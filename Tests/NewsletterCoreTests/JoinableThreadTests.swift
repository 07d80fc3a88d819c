import Foundation
import Synchronization
import Testing

@testable import NewsletterCore

@Suite struct JoinableThreadTests {
    #if os(Linux)
        /// The scheduling policy the kernel gives a thread started with `scheduling`.
        private func policy(of scheduling: JoinableThread.Scheduling) -> Int32 {
            let seen = Mutex<Int32>(-1)
            let thread = JoinableThread(name: "policy-probe", scheduling: scheduling) {
                let policy = sched_getscheduler(0)
                seen.withLock { $0 = policy }
            }
            thread.join()
            return seen.withLock { $0 }
        }

        @Test func aBatchThreadIsScheduledAsBatchAndAnotherAsItsStarter() {
            // SCHED_BATCH is 3 in <sched.h>.
            #expect(policy(of: .batch) == 3)
            #expect(policy(of: .inherited) == sched_getscheduler(0))
        }
    #endif

    @Test func joinWaitsForTheBodyToFinish() {
        let done = Mutex(false)
        let thread = JoinableThread(name: "join-probe") {
            usleep(20_000)
            done.withLock { $0 = true }
        }
        thread.join()
        #expect(done.withLock { $0 })
    }
}
