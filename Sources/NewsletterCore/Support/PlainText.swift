import Foundation

extension String {
    /// Printable ASCII only: no control character, and no whitespace but the space. Checked
    /// byte by byte, it lets the common case (a subscriber list has many thousand rows) skip
    /// the slower Unicode checks.
    public var isPrintableASCII: Bool {
        utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// The text without whitespace at either end, as Foundation's `.whitespaces` has it (spaces,
    /// tabs and the other Unicode spaces; `trimmingSpaces` takes only spaces and tabs). The
    /// Foundation call runs only when an end is whitespace or not ASCII, which is rare.
    public func trimmingWhitespace() -> String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        func isPlain(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }
        return isPlain(first) && isPlain(last) ? self : trimmingCharacters(in: .whitespaces)
    }
}
