import Foundation
import Synchronization

/// The sockets libcurl has open for one connection, told by its socket callbacks, so that
/// another thread can cut them: a send that cannot start stops its connections at once, even
/// one still waiting for a silent relay, and its process never exits while a connection is
/// inside libcurl or OpenSSL (their exit handlers would free what that thread is using).
final class OpenSockets: Sendable {
    private struct State {
        var sockets: Set<Int32> = []
        var cut = false
    }
    private let state = Mutex(State())

    /// A socket libcurl made; false when the connection was cut already (libcurl then gives up).
    func opened(_ socket: Int32) -> Bool {
        state.withLock { state in
            if state.cut { return false }
            state.sockets.insert(socket)
            return true
        }
    }

    /// Closes a socket for libcurl, under the lock: its number cannot be reused for another
    /// file while `cutAll` is shutting it down.
    func close(_ socket: Int32) -> Int32 {
        state.withLock { state in
            state.sockets.remove(socket)
            return Glibc.close(socket)
        }
    }

    /// Shuts every socket down, which ends a connect, a TLS handshake or a wait for a reply at
    /// once, and refuses the sockets libcurl would make next.
    func cutAll() {
        state.withLock { state in
            state.cut = true
            for socket in state.sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }
}
