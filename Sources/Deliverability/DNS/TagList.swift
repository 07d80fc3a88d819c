import Foundation

/// A DKIM key record or a DMARC record: `name=value` pairs between semicolons (RFC 6376,
/// 3.2), names in lower case, whitespace around them ignored.
struct TagList {
    private(set) var tags: [String: String] = [:]
    /// The names in order, to tell whether a record starts with its version.
    private(set) var order: [String] = []

    init(_ record: String) {
        for pair in record.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let name = parts.first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() } ?? ""
            guard !name.isEmpty else { continue }
            order.append(name)
            tags[name] = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespacesAndNewlines) : ""
        }
    }

    subscript(name: String) -> String? { tags[name] }
}
