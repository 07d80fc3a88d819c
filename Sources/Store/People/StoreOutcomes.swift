import Foundation
public import NewsletterCore

/// What a sign-up did.
public struct SignUpOutcome: Sendable, Equatable {
    /// How confirmation links name the person.
    public var publicID: String
    /// The double opt-in lists they now wait on: a confirmation mail is due.
    public var toConfirm: [String]
    /// The single opt-in lists they joined.
    public var joined: [String]
}

/// What following a confirmation link did.
public enum ConfirmOutcome: Sendable, Equatable {
    /// These lists were confirmed (none when all were confirmed already).
    case confirmed(address: EmailAddress, lists: [String])
    /// The link was used before.
    case used
    /// The person is not in the store any more (erased since).
    case unknown
}

/// What `add` did.
public enum AddOutcome: Sendable, Equatable {
    case added
    /// On the list already; their attributes were updated.
    case alreadyListed
    /// They left the list earlier: an editor's add does not undo that (they sign up again).
    case unsubscribedEarlier
    case erasedEarlier
}
