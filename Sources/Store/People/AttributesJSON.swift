import Foundation

/// A subscriber's attributes as the store keeps them: a JSON object of strings, keys sorted,
/// which SQLite's `json_each` (and PostgreSQL's jsonb) can look into for `send --where`.
enum AttributesJSON {
    static func encode(_ attributes: [String: String]) -> String {
        guard !attributes.isEmpty,
            let data = try? JSONSerialization.data(withJSONObject: attributes, options: [.sortedKeys])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
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
        var generator = SystemRandomNumberGenerator()
        // 22 characters of 6 bits: 132 random bits.
        return String(decoding: (0..<22).map { _ in alphabet[Int(generator.next() % 64)] }, as: UTF8.self)
    }

    static func isWellFormed(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 22 && text.utf8.allSatisfy { alphabet.contains($0) }
    }
}
