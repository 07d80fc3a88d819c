/// The message's lines and header fields as RFC 5322 wants them, which Gmail now enforces for
/// bulk mail: CRLF endings, no line over 998 octets, fields named in printable ASCII, no raw
/// 8-bit bytes in the header, and the fields that must appear once appearing once.
enum MessageFormat {
    /// RFC 5322, 3.6: at most once each; From and Date exactly once.
    static let once = ["from", "date", "sender", "reply-to", "to", "cc", "subject", "message-id"]
    static let required = ["from", "date", "message-id"]

    static func findings(for message: [UInt8], headers: MessageHeaders) -> [Finding] {
        var problems: [String] = []
        var line = 0
        var length = 0
        var longest = 0
        var bareLineBreaks = 0
        var index = 0
        while index < message.count {
            let byte = message[index]
            if byte == 0x0D, index + 1 < message.count, message[index + 1] == 0x0A {
                longest = max(longest, length)
                length = 0
                line += 1
                index += 2
                continue
            }
            if byte == 0x0D || byte == 0x0A { bareLineBreaks += 1 }
            length += 1
            index += 1
        }
        longest = max(longest, length)
        if longest > 998 { problems.append("a line of \(longest) octets (at most 998)") }
        if bareLineBreaks > 0 { problems.append("\(bareLineBreaks) bare CR or LF (lines end with CRLF)") }
        for field in headers.fields {
            let name = field.prefix { $0 != 0x3A }
            if name.count == field.count || name.isEmpty || !name.allSatisfy({ (0x21...0x7E).contains($0) }) {
                problems.append(
                    "a header line that is no field: `\(String(decoding: field.prefix(40), as: UTF8.self))`")
            }
            if field.contains(where: { $0 >= 0x80 }) {
                problems.append(
                    "raw 8-bit bytes in `\(String(decoding: name, as: UTF8.self))` (encoded words are needed)")
            }
        }
        let names = headers.names
        for name in required where !names.contains(name) { problems.append("no \(name) field") }
        for name in once where names.filter({ $0 == name }).count > 1 { problems.append("\(name) more than once") }
        guard problems.isEmpty else {
            return [
                .refusal(
                    .message, "The message breaks RFC 5322: \(problems.joined(separator: "; ")).",
                    hint:
                        "Gmail refuses such bulk mail. This is a bug of newsletter if the templates are not to blame: please report it."
                )
            ]
        }
        return [
            .passed(
                .message,
                "Lines and header fields as RFC 5322 wants (\(line + 1) lines, the longest \(longest) octets).")
        ]
    }
}
