import Delivery

/// A message's header fields as written (folds kept), and their unfolded values by name.
struct MessageHeaders {
    /// Each field's bytes, without its final CRLF.
    let fields: [ArraySlice<UInt8>]

    init(_ message: [UInt8]) {
        fields = DKIMCanonicalization.split(message).fields
    }

    /// The names, in lower case, in order.
    var names: [String] { fields.map(DKIMCanonicalization.name(of:)) }

    /// The first field named `name` (lower case), unfolded and trimmed.
    func value(of name: String) -> String? {
        guard let field = fields.first(where: { DKIMCanonicalization.name(of: $0) == name }) else { return nil }
        let text = String(decoding: field, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return text[text.index(after: colon)...].replacingOccurrences(of: "\r\n", with: "")
            .trimmingCharacters(in: .whitespaces)
    }
}
