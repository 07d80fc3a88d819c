public import Foundation
import NewsletterCore

/// Why an address is never mailed again, on any list.
public enum SuppressionReason: String, Sendable, CaseIterable {
    /// Unsubscribed from everything.
    case unsubscribed
    case hardBounce = "hard-bounce"
    case complaint
    case manual
    /// Forgotten: only a keyed hash of the address is kept, so that it is never added again.
    case erased
}

public struct Suppression: Sendable, Equatable {
    public var reason: SuppressionReason
    public var at: Date
    public var note: String?
}
