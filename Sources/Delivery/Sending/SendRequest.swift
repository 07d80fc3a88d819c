public import Foundation
public import NewsletterCore
public import Store

/// What the editor asked `newsletter send` for.
public struct SendRequest: Sendable {
    public var list: String
    /// `--smtp URL`: another relay for this run.
    public var smtpURL: URL?
    public var connections: Int?
    public var rate: SendingSettings.Rate?
    /// Send again to a list that already got the issue.
    public var force: Bool
    /// `--where`: only the members whose attributes meet every one.
    public var filters: [AttributeFilter]
    /// `--only-new`: the members who have not received the issue (late sign-ups, a row mended).
    public var onlyNew: Bool

    public init(
        list: String, smtpURL: URL? = nil, connections: Int? = nil, rate: SendingSettings.Rate? = nil,
        force: Bool = false, filters: [AttributeFilter] = [], onlyNew: Bool = false
    ) {
        self.list = list
        self.smtpURL = smtpURL
        self.connections = connections
        self.rate = rate
        self.force = force
        self.filters = filters
        self.onlyNew = onlyNew
    }

    /// The filters as the ledger records them: "city=Riga, lang!=de".
    public var filterText: String { filters.map(\.description).joined(separator: ", ") }
}
