import Foundation

/// Header values as RFC 5322 and RFC 2047 want them. Anything that is not plain printable
/// ASCII, control characters included, is sent as an encoded word, so no value can ever start
/// a header line of its own; long values are folded at 78 columns.
enum HeaderEncoding {
    /// `Name: value`, folded, with CRLF. `value` must already be encoded.
    static func field(_ name: String, _ value: String) -> String {
        var bytes: [UInt8] = []
        appendField(name, value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `field`, written straight into a message: every message has a few of its own.
    static func appendField(_ name: String, _ value: String, to output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: name.utf8)
        output.append(contentsOf: [0x3A, 0x20])
        output.append(contentsOf: value.utf8)
        if output.count - start > 78 {
            let line = Array(output[start...])
            output.removeSubrange(start...)
            fold(line, into: &output)
        }
        output.append(contentsOf: [13, 10])
    }

    /// An unstructured value such as the subject: as it is when it is plain ASCII that folds,
    /// else as encoded words.
    static func unstructured(_ text: String) -> String {
        isPlain(text) && folds(text) ? text : encodedWords(text, phraseSafe: false)
    }

    /// A display name, as an atom sequence, a quoted string or encoded words.
    static func phrase(_ text: String) -> String {
        guard isPlain(text), folds(text) else { return encodedWords(text, phraseSafe: true) }
        if !text.utf8.contains(where: { atomSpecials.contains($0) }) { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }

    /// `Name <address>`, or the bare address when there is no name.
    static func mailbox(name: String?, address: String) -> String {
        guard let name, !name.isEmpty else { return address }
        return "\(phrase(name)) <\(address)>"
    }

    private static let atomSpecials = Set("()<>[]:;@\\,.\"".utf8)

    /// Whether folding at spaces can keep `text`'s lines near 78 characters: no run without a
    /// space is longer than `longestRun`. A longer run (a 1,000-character subject of one word)
    /// goes as encoded words of at most 75 characters, which fold between them; left alone it
    /// made a line the relay refused (SMTP's limit is 998).
    private static func folds(_ text: String) -> Bool {
        var run = 0
        for byte in text.utf8 {
            run = byte == 0x20 ? 0 : run + 1
            if run > longestRun { return false }
        }
        return true
    }

    /// What a line of 78 leaves after `Subject: ` or `List-Id: `, the longest names of the
    /// fields that take phrases or unstructured text, less a margin for a quoted phrase's quotes.
    private static let longestRun = 64

    /// Printable ASCII and spaces only, and no sequence that a decoder would read as an encoded word.
    private static func isPlain(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte >= 0x7F || (previous == 0x3D && byte == 0x3F) { return false }
            previous = byte
        }
        return true
    }

    /// RFC 2047 "Q" encoded words, each at most 75 characters, split between characters (never
    /// inside one), separated by spaces so that folding can break between them.
    static func encodedWords(_ text: String, phraseSafe: Bool) -> String {
        let prefix = "=?UTF-8?Q?"
        let budget = 75 - prefix.count - 2
        var words: [String] = []
        var current = ""
        for character in text {
            var encoded = ""
            for byte in String(character).utf8 {
                encoded += encode(byte, phraseSafe: phraseSafe)
            }
            if current.count + encoded.count > budget {
                words.append(prefix + current + "?=")
                current = ""
            }
            current += encoded
        }
        if !current.isEmpty || words.isEmpty { words.append(prefix + current + "?=") }
        return words.joined(separator: " ")
    }

    private static func encode(_ byte: UInt8, phraseSafe: Bool) -> String {
        if byte == 0x20 { return "_" }
        let isLetterOrDigit =
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        // In a phrase only these may stand for themselves (RFC 2047, section 5, rule 3).
        let safe = phraseSafe ? "!*+-/" : "!*+-/.,;:'()<>@[]"
        if isLetterOrDigit || (byte < 0x80 && safe.utf8.contains(byte)) {
            return String(UnicodeScalar(byte))
        }
        return String(format: "=%02X", byte)
    }

    /// Breaks a header line before spaces so that no line passes 78 characters where a space
    /// allows; an unbreakable run stays whole (and stays far below 998).
    /// Works on bytes: every message has a long List-Unsubscribe line, and a space is one byte.
    private static func fold(_ line: [UInt8], into output: inout [UInt8]) {
        var currentLength = 0
        var currentHasText = false
        // Each word, empty ones included, and the space before it (but the first).
        var start = 0
        while start <= line.count {
            let end = line[start...].firstIndex(of: 0x20) ?? line.count
            if start > 0 {
                if currentLength + 1 + (end - start) > 78, currentHasText {
                    output.append(contentsOf: [13, 10])
                    currentLength = 0
                    currentHasText = false
                }
                output.append(0x20)
                currentLength += 1
            }
            output.append(contentsOf: line[start..<end])
            currentLength += end - start
            currentHasText = currentHasText || end > start
            start = end + 1
        }
    }
}
