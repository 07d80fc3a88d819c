/// Quoted-printable (RFC 2045) for the message bodies: UTF-8 text becomes 7-bit lines of at
/// most 76 characters, so no line of the message comes near SMTP's 998-octet limit. Line breaks
/// in the text become CRLF.
enum QuotedPrintable {
    static let maximumLineLength = 76
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Appends the encoding of `text` to `output`.
    static func encode(_ text: some Sequence<UInt8>, into output: inout [UInt8]) {
        var lineLength = 0
        // Trailing spaces and tabs would be lost in transit: the last one on a line is encoded.
        var pendingWhitespace: UInt8?

        func put(_ bytes: UInt8..., length: Int) {
            if lineLength + length > maximumLineLength - 1 {
                output.append(contentsOf: [UInt8(ascii: "="), 13, 10])
                lineLength = 0
            }
            output.append(contentsOf: bytes)
            lineLength += length
        }
        func flushWhitespace(endOfLine: Bool) {
            guard let whitespace = pendingWhitespace else { return }
            pendingWhitespace = nil
            if endOfLine {
                put(UInt8(ascii: "="), hex[Int(whitespace >> 4)], hex[Int(whitespace & 0xF)], length: 3)
            } else {
                put(whitespace, length: 1)
            }
        }

        var previousWasCR = false
        for byte in text {
            switch byte {
            case 10:
                if previousWasCR {
                    previousWasCR = false
                    continue
                }
                flushWhitespace(endOfLine: true)
                output.append(contentsOf: [13, 10])
                lineLength = 0
            case 13:
                // CR alone or CR LF: a line break either way.
                flushWhitespace(endOfLine: true)
                output.append(contentsOf: [13, 10])
                lineLength = 0
                previousWasCR = true
                continue
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                flushWhitespace(endOfLine: false)
                pendingWhitespace = byte
            case 33...60, 62...126:
                flushWhitespace(endOfLine: false)
                // A dot alone at the start of a line is what SMTP ends a message with; curl
                // escapes it anyway, but an encoded dot keeps the body safe on any path.
                if byte == UInt8(ascii: "."), lineLength == 0 {
                    put(UInt8(ascii: "="), UInt8(ascii: "2"), UInt8(ascii: "E"), length: 3)
                } else {
                    put(byte, length: 1)
                }
            default:
                flushWhitespace(endOfLine: false)
                put(UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0xF)], length: 3)
            }
            previousWasCR = false
        }
        flushWhitespace(endOfLine: true)
    }
}
