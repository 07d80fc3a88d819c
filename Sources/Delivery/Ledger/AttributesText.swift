import Foundation

/// A recipient's attributes as the ledger's `attributes` column holds them: each pair as
/// U+001E, the name, U+001F, the value (nothing for none). Read for every message: splitting
/// on two bytes costs a small part of decoding a JSON object with Foundation.
/// Attributes with one of those two control characters are kept as a JSON object instead (a
/// list's values never have one, since rows with control characters are refused; a header
/// could), and so are those of ledgers written before this format.
enum AttributesText {
    private static let pairStart: UInt8 = 0x1E
    private static let valueStart: UInt8 = 0x1F

    static func encode(_ attributes: [String: String]) -> String {
        let pairs = attributes.sorted { $0.key < $1.key }
        func isSeparator(_ byte: UInt8) -> Bool { byte == pairStart || byte == valueStart }
        if pairs.contains(where: {
            $0.key.utf8.contains(where: isSeparator) || $0.value.utf8.contains(where: isSeparator)
        }) {
            let json =
                (try? JSONSerialization.data(withJSONObject: attributes, options: [.sortedKeys])) ?? Data("{}".utf8)
            return String(decoding: json, as: UTF8.self)
        }
        var bytes: [UInt8] = []
        for (key, value) in pairs {
            bytes.append(pairStart)
            bytes += key.utf8
            bytes.append(valueStart)
            bytes += value.utf8
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func decode(_ text: String) -> [String: String] {
        if text.utf8.first == UInt8(ascii: "{") {
            return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] ?? [:]
        }
        var attributes: [String: String] = [:]
        for pair in text.utf8.split(separator: pairStart) {
            guard let split = pair.firstIndex(of: valueStart) else { continue }
            attributes[String(Substring(pair[..<split]))] = String(Substring(pair[pair.index(after: split)...]))
        }
        return attributes
    }
}
