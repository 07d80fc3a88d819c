public import Foundation
public import NewsletterCore

/// Where a person stands on one list.
public enum MembershipStatus: String, Sendable, CaseIterable {
    /// Signed up, not confirmed yet (double opt-in): not mailed.
    case unconfirmed
    /// Mailed.
    case confirmed
    /// Left the list: not mailed, and not added back by an import.
    case unsubscribed
}

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

/// A person as the store holds them.
public struct StoredSubscriber: Sendable, Equatable {
    public var id: Int64
    /// How links name them: random, unrelated to the address.
    public var publicID: String
    public var subscriber: Subscriber
    public var createdAt: Date

    public var address: EmailAddress { subscriber.address }
}

/// A person's standing on a list.
public struct Membership: Sendable, Equatable {
    public var list: String
    public var status: MembershipStatus
    public var changedAt: Date
}

public struct Suppression: Sendable, Equatable {
    public var reason: SuppressionReason
    public var at: Date
    public var note: String?
}

/// Everything the store holds about a person: for `subscribers show`, and for the person.
public struct PersonRecord: Sendable {
    public var subscriber: StoredSubscriber
    public var memberships: [Membership]
    public var suppression: Suppression?
    public var events: [ConsentEvent]
    /// The sends they were in: issue, list, state, when.
    public var sends: [SendEntry]

    public struct SendEntry: Sendable, Equatable {
        public var issue: Int
        public var list: String
        public var state: String
        public var sentAt: Date?
    }
}

/// A row of `subscribers list`: a member of a list and whether they are mailed.
public struct ListedMember: Sendable {
    public var subscriber: Subscriber
    public var status: MembershipStatus
    public var suppression: SuppressionReason?

    /// Confirmed and not suppressed: mailed by the next send.
    public var isActive: Bool { status == .confirmed && suppression == nil }
}

/// What an import did.
public struct ImportReport: Sendable {
    public var added = 0
    /// Already on the list (confirmed or waiting): left as they were.
    public var alreadyListed = 0
    /// On the list but unsubscribed from it: not added back.
    public var unsubscribedEarlier: [Diagnostic] = []
    /// Erased earlier (`subscribers forget`): not stored again.
    public var erasedEarlier: [Diagnostic] = []
    /// Added, but suppressed: they will not be mailed.
    public var suppressed = 0
    /// Rows that are not subscribers (reported by the reader), and repeats within the file.
    public var badRows: [Diagnostic] = []
    public var duplicates = 0

    public init() {}
}

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
