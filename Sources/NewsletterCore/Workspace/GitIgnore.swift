public import Foundation

/// The workspace's `.gitignore`, kept ignoring private keys: a key committed once stays in the
/// history for good, so the command that makes one checks this first.
public enum GitIgnore {
    static let keyPattern = "*.key"

    /// Adds `*.key` to the workspace's `.gitignore` (making the file if there is none) unless a
    /// line says so already. Returns how to say it in the command's output: `; git ignores it`,
    /// or that the line was added.
    @discardableResult
    public static func ensureKeysIgnored(in root: URL) throws -> String {
        let file = root.appending(path: ".gitignore")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        if lines.contains(keyPattern) { return "; git ignores it" }
        let separator = text.isEmpty || text.hasSuffix("\n") ? "" : "\n"
        let addition = separator + "# Private keys: the unsubscribe secret, DKIM keys.\n\(keyPattern)\n"
        try TextFile.writeAtomically(text + addition, to: file)
        return "; `*.key` added to .gitignore"
    }
}
