public import Foundation
public import NewsletterCore

/// A person as the store holds them.
public struct StoredSubscriber: Sendable, Equatable {
    public var id: Int64
    /// How links name them: random, unrelated to the address.
    public var publicID: String
    public var subscriber: Subscriber
    public var createdAt: Date

    public var address: EmailAddress { subscriber.address }
}
