import Foundation

/// A subscriber's attributes as the store keeps them: a JSON object of strings, keys sorted,
/// which SQLite's `json_each` (and PostgreSQL's jsonb) can look into for `send --where`.
enum AttributesJSON {
    /// Written by hand, keys sorted: every imported row has its attributes encoded, and
    /// Foundation's serializer costs several times the insert.
    static func encode(_ attributes: [String: String]) -> String {
        guard !attributes.isEmpty else { return "{}" }
        var output = "{"
        for (index, key) in attributes.keys.sorted().enumerated() {
            if index > 0 { output += "," }
            append(key, to: &output)
            output += ":"
            append(attributes[key] ?? "", to: &output)
        }
        return output + "}"
    }

    /// A JSON string: quotes, backslashes and control characters escaped (RFC 8259).
    private static func append(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case _ where scalar.value < 0x20: output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    static func decode(_ text: String) -> [String: String] {
        guard text != "{}", let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object.compactMapValues { $0 as? String }
    }
}

/// The random ids that links name people by: 16 bytes from the system's generator, base64url.
enum PublicID {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func make() -> String {
        // 22 characters of 6 bits, 132 random bits, from glibc's arc4random (ChaCha20, seeded
        // by the kernel): a system call per id cost a long import a tenth of its time.
        var bytes = [UInt8](repeating: 0, count: 22)
        arc4random_buf(&bytes, bytes.count)
        return String(decoding: bytes.map { alphabet[Int($0 & 63)] }, as: UTF8.self)
    }

    static func isWellFormed(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 22 && text.utf8.allSatisfy { alphabet.contains($0) }
    }
}
