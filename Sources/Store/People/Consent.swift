public import Foundation
import NewsletterCore

/// What happened to a person, as the consent log records it.
public enum ConsentAction: String, Sendable, CaseIterable {
    /// Signed up on the form, or by a snippet posting to it.
    case asked
    /// Confirmed a sign-up (double opt-in), or signed up to a single opt-in list.
    case confirmed
    /// Came in with a CSV file (its name is the source).
    case imported
    /// Added by the editor (`subscribers add`).
    case added
    /// Left a list, or every list.
    case unsubscribed
    /// Signed up again after leaving.
    case resubscribed
    /// Taken off a list by the editor (`subscribers remove`).
    case removed
    case suppressed
    case unsuppressed
    case bounced
    case erased
}

/// Where a change came from: the page or file or command, and for the web, who asked.
public struct ConsentSource: Sendable, Equatable {
    public var description: String
    public var ip: String?
    public var userAgent: String?
    /// The consent text the person agreed to, kept once in the store by its hash.
    public var consentText: String?

    public init(_ description: String, ip: String? = nil, userAgent: String? = nil, consentText: String? = nil) {
        self.description = description
        self.ip = ip
        self.userAgent = userAgent
        self.consentText = consentText
    }
}

/// One line of the consent log.
public struct ConsentEvent: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var list: String?
    public var action: ConsentAction
    public var source: String
    public var ip: String?
    public var userAgent: String?
    public var consentText: String?
}
