public import Foundation

/// A new file that holds a key: created readable by its owner only (mode 0600) from the first
/// byte, never over an existing file, so a key is neither exposed nor replaced by accident.
public enum SecretFile {
    /// 32 random bytes as 64 hexadecimal digits, from the system's generator.
    public static func newKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    public static func create(_ text: String, at url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw NewsletterError(
                "The key file \(url.path) cannot be created: \(String(cString: strerror(errno))).",
                hint: errno == EEXIST ? "It exists already; it was left as it is." : "Check the folder's permissions.")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw NewsletterError(
                "The key file \(url.path) cannot be written: \(String(cString: strerror(errno))).",
                hint: "Check that the disk is not full.")
        }
    }
}
