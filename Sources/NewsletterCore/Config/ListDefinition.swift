/// A list as `newsletter.toml` declares it: what the sign-up form shows of it, and how people
/// join it. Who is on it is the store's.
public struct ListDefinition: Sendable, Equatable {
    public var name: String
    /// Its title on the form and in pages, such as "Riverside Energy News".
    public var title: String
    /// One line shown under the title on the form.
    public var description: String?
    /// Offered on the sign-up form (`public = true`); otherwise the editor adds people to it.
    public var isPublic: Bool
    public var optIn: OptIn

    public enum OptIn: String, Sendable, CaseIterable {
        /// A confirmation link is mailed first; only a confirmed address is mailed issues.
        case double
        /// The address is confirmed as it signs up.
        case single
    }

    public init(name: String, title: String, description: String?, isPublic: Bool, optIn: OptIn) {
        self.name = name
        self.title = title
        self.description = description
        self.isPublic = isPublic
        self.optIn = optIn
    }
}
