import Foundation

/// The one test of what counts as a usable link in an item or the config.
public enum URLCheck {
    /// An absolute `http` or `https` URL with a host, without spaces or control characters.
    public static func isAbsoluteWebURL(_ text: String) -> Bool {
        guard !text.contains(where: { $0.isWhitespace || $0.isControlCharacter }),
            let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else { return false }
        return true
    }
}
