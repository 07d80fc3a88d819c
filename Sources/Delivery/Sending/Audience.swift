import Foundation
import NewsletterCore
import Store

/// The audience of a send: the confirmed members of a list who are not suppressed and meet the
/// send's filters, as the store holds them now; repeats cannot happen (one row a person).
struct Audience: Sendable {
    let people: any SubscriberStore
    let list: String
    let filters: [AttributeFilter]
    /// `send --only-new`: leave out whoever received this issue in any send.
    let notReceiving: Int?

    init(
        workspace: Workspace, config: NewsletterConfig, list: String, filters: [AttributeFilter] = [],
        notReceiving issue: Int? = nil
    ) throws {
        _ = try config.lists.require(list)
        people = try PeopleAccess.open(workspace).store
        self.list = list
        self.filters = filters
        notReceiving = issue
    }

    /// How messages name it: "the list `main`", "the list `main` where city=Riga".
    var description: String { Self.describe(list: list, filters: filters) }

    static func describe(list: String, filters: [AttributeFilter]) -> String {
        "the list `\(list)`" + (filters.isEmpty ? "" : " where \(filters.map(\.description).joined(separator: ", "))")
    }

    /// Calls `body` with each subscriber to mail, in the order they joined; returns how many.
    @discardableResult
    func readEach(_ body: (Subscriber) throws -> Void) throws -> Int {
        try people.eachActiveMember(of: list, filters: filters, notReceiving: notReceiving, body)
    }

    func summary() throws -> AudienceSummary {
        try people.audienceSummary(of: list, filters: filters, notReceiving: notReceiving)
    }
}
