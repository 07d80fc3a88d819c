public import Foundation

/// Files that must survive a crash or a power cut once a command has said they are written,
/// such as the suppression list: written under a temporary name, flushed to disk, renamed into
/// place, and the folder flushed too. Updates hold an exclusive lock so that two processes (a
/// send and the unsubscribe server) never lose each other's changes.
public enum DurableFile {
    /// Replaces `url` with `data`, durably and atomically; a symbolic link stays one, and the
    /// file it points to is the one replaced (a shared suppression list, say).
    public static func write(_ data: Data, to link: URL) throws {
        let url = link.resolvingSymlinksInPath()
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appending(path: ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            let written = data.withUnsafeBytes { buffer -> Bool in
                guard let base = buffer.baseAddress else { return true }
                var offset = 0
                while offset < buffer.count {
                    let count = Foundation.write(descriptor, base + offset, buffer.count - offset)
                    if count < 0 { if errno == EINTR { continue } else { return false } }
                    offset += count
                }
                return true
            }
            let synced = written && fsync(descriptor) == 0
            close(descriptor)
            guard synced else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            guard rename(temporary.path, url.path) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            let folderDescriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if folderDescriptor >= 0 {
                fsync(folderDescriptor)
                close(folderDescriptor)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw NewsletterError(
                "\(url.path) cannot be written: \(TextFile.describe(error)).",
                hint: "Check that you may write to \(folder.path) and that the disk is not full; the file is unchanged."
            )
        }
    }

    /// Runs `body` holding an exclusive lock tied to `url` (a `.NAME.lock` file beside it).
    public static func withLock<Result>(on url: URL, _ body: () throws -> Result) throws -> Result {
        let lockFile = url.deletingLastPathComponent().appending(path: ".\(url.lastPathComponent).lock")
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(lockFile.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw NewsletterError(
                "\(lockFile.path) cannot be opened to lock \(url.lastPathComponent): \(String(cString: strerror(errno))).",
                hint: "Check that you may write to \(url.deletingLastPathComponent().path).")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw NewsletterError("\(url.lastPathComponent) cannot be locked: \(String(cString: strerror(errno))).")
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
