import Foundation
import NewsletterCore

/// One send at a time per workspace: a second `newsletter send` would find the first one's
/// messages "in flight" and send them again. The lock is released when the process ends, however
/// it ends, so a killed send never leaves it behind. `newsletter status` holds it for a moment
/// when it recovers a dead send (`DeadRunRecovery`), so a send waits up to `patience` for it.
final class ProcessLock {
    private let descriptor: Int32
    /// In the workspace's state folder.
    static let sendLockName = "send.lock"

    init(file: URL, patience: Double = 0) throws {
        try? FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw NewsletterError(
                "\(file.path) cannot be opened: \(String(cString: strerror(errno))).",
                hint: "Check the folder's permissions.")
        }
        let deadline = Date().addingTimeInterval(patience)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            if Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
                continue
            }
            close(descriptor)
            throw NewsletterError(
                "Another `newsletter send` is running in this workspace.",
                hint:
                    "Wait for it to finish (or stop it with Ctrl-C); `newsletter status` shows its progress."
            )
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Whether another process holds the lock at this moment.
    static func isHeld(file: URL) -> Bool {
        let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(descriptor, LOCK_UN)
        return false
    }
}
