/// Who a rendering is for: a subscriber's fields, which templates reach as
/// `{{subscriber.email}}`, `{{subscriber.name}}` and `{{subscriber.ATTRIBUTE}}`, and their own
/// unsubscribe link.
public struct Recipient: Sendable, Equatable {
    public var email: String
    public var name: String?
    public var attributes: [String: String]
    public var unsubscribeURL: String

    public init(email: String, name: String?, attributes: [String: String] = [:], unsubscribeURL: String) {
        self.email = email
        self.name = name
        self.attributes = attributes
        self.unsubscribeURL = unsubscribeURL
    }

    /// The stand-in `build` and `check` render with: each personal value shows as the
    /// placeholder that sending fills in.
    public static let placeholder = Recipient(
        email: "{{subscriber.email}}", name: "{{subscriber.name}}", unsubscribeURL: "{{unsubscribe_url}}")

    /// The values under `subscriber`. Empty fields are left out, so that a template section
    /// such as `{{#subscriber.city}}…{{/subscriber.city}}` is skipped for a subscriber without one.
    public var fields: [String: String] {
        var values = attributes.filter { !$0.value.isEmpty }
        values["email"] = email
        if let name, !name.isEmpty { values["name"] = name }
        return values
    }
}
