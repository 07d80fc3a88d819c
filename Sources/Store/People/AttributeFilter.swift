import Foundation
public import NewsletterCore

/// `send --where FIELD=VALUE` (or `FIELD!=VALUE`): a condition on a subscriber's attribute.
public struct AttributeFilter: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var value: String
    public var equal: Bool

    public init(field: String, value: String, equal: Bool) {
        self.field = field
        self.value = value
        self.equal = equal
    }

    /// `city=Riga` or `lang!=de`; `nil` when the text has neither.
    public init?(_ text: String) {
        if let range = text.range(of: "!=") {
            self.init(field: String(text[..<range.lowerBound]), value: String(text[range.upperBound...]), equal: false)
        } else if let range = text.range(of: "=") {
            self.init(field: String(text[..<range.lowerBound]), value: String(text[range.upperBound...]), equal: true)
        } else {
            return nil
        }
        field = field.trimmingCharacters(in: .whitespaces)
        guard !field.isEmpty, !field.contains(where: \.isControlCharacter), !value.contains(where: \.isControlCharacter)
        else { return nil }
    }

    public var description: String { "\(field)\(equal ? "=" : "!=")\(value)" }

    /// Whether `subscriber` meets it: a missing attribute is not equal to any value.
    public func holds(for subscriber: Subscriber) -> Bool {
        let actual = subscriber.attributes[field]
        return equal ? actual == value : actual != value
    }
}
