/// Quoted-printable (RFC 2045) for the message bodies: UTF-8 text becomes 7-bit lines of at
/// most 76 characters, so no line of the message comes near SMTP's 998-octet limit. Line breaks
/// in the text become CRLF. Every message of a send goes through here, so it works on raw bytes.
enum QuotedPrintable {
    static let maximumLineLength = 76
    /// `=` CRLF: a line break that decoders remove.
    static let softBreak: [UInt8] = [0x3D, 13, 10]
    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Appends the encoding of `text` to `output`.
    static func encode(_ text: String, into output: inout [UInt8]) {
        var text = text
        text.withUTF8 { input in encode(input, into: &output) }
    }

    static func encode(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        // Each byte takes at most 3 characters, each line adds at most a soft break and a CRLF.
        let worstCase = input.count * 3 + (input.count / 24 + 2) * 3
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: worstCase))
        let written = output.withUnsafeMutableBufferPointer { buffer -> Int in
            hex.withUnsafeBufferPointer { hex in
                var out = start
                var lineLength = 0
                // A space or tab is held back: at the end of a line it must be encoded.
                var pendingWhitespace: UInt8 = 0
                var index = 0

                @inline(__always) func room(_ length: Int) {
                    if lineLength + length > maximumLineLength - 1 {
                        buffer[out] = 0x3D
                        buffer[out + 1] = 13
                        buffer[out + 2] = 10
                        out += 3
                        lineLength = 0
                    }
                }
                @inline(__always) func literal(_ byte: UInt8) {
                    room(1)
                    buffer[out] = byte
                    out += 1
                    lineLength += 1
                }
                @inline(__always) func escaped(_ byte: UInt8) {
                    room(3)
                    buffer[out] = 0x3D
                    buffer[out + 1] = hex[Int(byte >> 4)]
                    buffer[out + 2] = hex[Int(byte & 0xF)]
                    out += 3
                    lineLength += 3
                }
                @inline(__always) func flushWhitespace(endOfLine: Bool) {
                    guard pendingWhitespace != 0 else { return }
                    let byte = pendingWhitespace
                    pendingWhitespace = 0
                    if endOfLine { escaped(byte) } else { literal(byte) }
                }
                @inline(__always) func lineBreak() {
                    flushWhitespace(endOfLine: true)
                    buffer[out] = 13
                    buffer[out + 1] = 10
                    out += 2
                    lineLength = 0
                }

                while index < input.count {
                    let byte = input[index]
                    index += 1
                    switch byte {
                    case 10:
                        lineBreak()
                    case 13:
                        // CR LF or a lone CR: one line break either way.
                        if index < input.count, input[index] == 10 { index += 1 }
                        lineBreak()
                    case 0x20, 0x09:
                        flushWhitespace(endOfLine: false)
                        pendingWhitespace = byte
                    case 0x2E where lineLength == 0:
                        // A dot at the start of a line is how SMTP ends a message; curl escapes
                        // it, but an encoded dot keeps the body safe on any path.
                        flushWhitespace(endOfLine: false)
                        if lineLength == 0 { escaped(byte) } else { literal(byte) }
                    case 33...60, 62...126:
                        flushWhitespace(endOfLine: false)
                        literal(byte)
                    default:
                        flushWhitespace(endOfLine: false)
                        escaped(byte)
                    }
                }
                flushWhitespace(endOfLine: true)
                return out - start
            }
        }
        output.removeLast(worstCase - written)
    }
}
