/// A TXT record's value as a zone file writes it: one string holds at most 255 bytes (RFC 1035,
/// 3.3), so a 2048-bit RSA key's record is several, which receivers join without a space.
public enum DNSText {
    public static func quotedStrings(_ value: String, limit: Int = 255) -> String {
        var strings: [String] = []
        var rest = Substring(value)
        while !rest.isEmpty {
            strings.append("\"\(rest.prefix(limit))\"")
            rest = rest.dropFirst(limit)
        }
        return strings.joined(separator: " ")
    }
}
