import Foundation

/// A thread whose end can be waited for: `join` returns once the thread has exited, its
/// thread-local state (OpenSSL's, libxml2's) released. Foundation's `Thread` can only tell
/// that its body is about to return; a process that exits right after would run the
/// libraries' exit handlers while that thread still cleans up after them.
public final class JoinableThread: @unchecked Sendable {
    // `@unchecked`: `joined` is touched only by the thread that made this one.
    private let thread: pthread_t
    private var joined = false

    /// What the new thread runs, handed over through pthread's context pointer.
    private final class Start {
        let name: String
        let body: @Sendable () -> Void

        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts `body` on a new thread named `name` (as `top -H` and debuggers show it).
    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        let start = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { context in
                guard let context else { return nil }
                let start = Unmanaged<Start>.fromOpaque(context).takeRetainedValue()
                Thread.current.name = start.name
                start.body()
                return nil
            }, start)
        // pthread_create fails only when the system is out of threads or memory.
        precondition(status == 0, "a thread could not be started: \(String(cString: strerror(status)))")
        self.thread = thread
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
