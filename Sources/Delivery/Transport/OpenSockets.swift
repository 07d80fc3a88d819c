import Foundation

/// The sockets libcurl has open for one connection, told by its socket callbacks, so that
/// another thread can cut them: a send that cannot start stops its connections at once, even
/// one still waiting for a silent relay, and its process never exits while a connection is
/// inside libcurl or OpenSSL (their exit handlers would free what that thread is using).
final class OpenSockets: @unchecked Sendable {
    // `@unchecked`: `sockets` and `cut` are only touched while `lock` is held.
    private let lock = NSLock()
    private var sockets: Set<Int32> = []
    private var cut = false

    /// A socket libcurl made; false when the connection was cut already (libcurl then gives up).
    func opened(_ socket: Int32) -> Bool {
        lock.withLock {
            if cut { return false }
            sockets.insert(socket)
            return true
        }
    }

    /// Closes a socket for libcurl, under the lock: its number cannot be reused for another
    /// file while `cutAll` is shutting it down.
    func close(_ socket: Int32) -> Int32 {
        lock.withLock {
            sockets.remove(socket)
            return Glibc.close(socket)
        }
    }

    /// Shuts every socket down, which ends a connect, a TLS handshake or a wait for a reply at
    /// once, and refuses the sockets libcurl would make next.
    func cutAll() {
        lock.withLock {
            cut = true
            for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }
}
