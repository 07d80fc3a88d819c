import Foundation

/// A thread whose end can be waited for: `join` returns once the thread has exited, its
/// thread-local state (OpenSSL's, libxml2's) released. Foundation's `Thread` can only tell
/// that its body is about to return; a process that exits right after would run the
/// libraries' exit handlers while that thread still cleans up after them.
public final class JoinableThread: @unchecked Sendable {
    // `@unchecked`: `joined` is touched only by the thread that made this one.
    private let thread: pthread_t
    private var joined = false

    /// How the kernel schedules the thread.
    public enum Scheduling: Sendable {
        /// As the thread that starts it: from the main thread, as the process was started
        /// (normally SCHED_OTHER; SCHED_BATCH under `chrt -b`, say, which is kept).
        case inherited
        /// Linux's SCHED_BATCH: the thread gets its full share of the CPU, but when it wakes
        /// it does not preempt what is running. For a bulk job whose threads wake thousands of
        /// times a second, each time a reply comes: they then wait for a running process (a
        /// relay on the same host, say) to reach a natural break instead of cutting into it.
        case batch
    }

    /// What the new thread runs, handed over through pthread's context pointer.
    private final class Start {
        let name: String
        let scheduling: Scheduling
        let body: @Sendable () -> Void

        init(name: String, scheduling: Scheduling, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.scheduling = scheduling
            self.body = body
        }
    }

    /// Starts `body` on a new thread named `name` (as `top -H` and debuggers show it).
    public init(name: String, scheduling: Scheduling = .inherited, _ body: @escaping @Sendable () -> Void) {
        let start = Unmanaged.passRetained(Start(name: name, scheduling: scheduling, body: body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { context in
                guard let context else { return nil }
                let start = Unmanaged<Start>.fromOpaque(context).takeRetainedValue()
                Thread.current.name = start.name
                if start.scheduling == .batch { JoinableThread.scheduleAsBatch() }
                start.body()
                return nil
            }, start)
        // pthread_create fails only when the system is out of threads or memory.
        precondition(status == 0, "a thread could not be started: \(String(cString: strerror(status)))")
        self.thread = thread
    }

    /// Makes the calling thread a batch one. Any thread may; if the kernel refuses, the thread
    /// runs as a normal one, only a little slower.
    private static func scheduleAsBatch() {
        #if os(Linux)
            // SCHED_BATCH from <sched.h>, which Swift's Glibc module does not export.
            let schedBatch: Int32 = 3
            var parameter = sched_param()
            parameter.sched_priority = 0
            _ = pthread_setschedparam(pthread_self(), schedBatch, &parameter)
        #endif
    }

    deinit {
        // Never joined: its resources go back when it ends.
        if !joined { pthread_detach(thread) }
    }

    /// Waits until the thread has exited.
    public func join() {
        guard !joined else { return }
        pthread_join(thread, nil)
        joined = true
    }
}
