public import Foundation
public import NewsletterCore

/// What the rest of the tool asks of the store about people: the one place their SQL lives
/// behind (`SQLiteSubscriberStore`; a later store on PostgreSQL implements the same). Every
/// change of a person's standing writes a consent event in the same transaction.
public protocol SubscriberStore: Sendable {
    // MARK: Lists

    /// Every member of `list`, whatever their status, in the order they joined.
    func members(of list: String) throws -> [ListedMember]

    /// Calls `body` with each subscriber a send of `list` mails: confirmed, not suppressed,
    /// meeting every filter, and (with `notReceiving`) not among those who received that
    /// issue in any send; in the order they joined. Returns how many there were.
    @discardableResult
    func eachActiveMember(
        of list: String, filters: [AttributeFilter], notReceiving issue: Int?, _ body: (Subscriber) throws -> Void
    ) throws -> Int

    /// The lists anyone is on, and how many are mailed on each.
    func listCounts() throws -> [(list: String, active: Int, all: Int)]

    /// The attribute names any subscriber has (for `check`'s warnings).
    func attributeNames() throws -> Set<String>

    // MARK: Changes by the editor

    /// Adds `subscriber` to `list` as confirmed (their attributes merged into what is held),
    /// unless they unsubscribed from it or were erased. `source` names the command.
    func add(_ subscriber: Subscriber, to list: String, source: ConsentSource, now: Date) throws -> AddOutcome

    /// Takes `address` off `list`; `false` when it was not on it.
    func remove(_ address: EmailAddress, from list: String, source: ConsentSource, now: Date) throws -> Bool

    /// Adds the subscribers `next` yields to `list`, confirmed, a transaction every few
    /// thousand rows (so that a long import never holds up a sign-up for long). `next` gives a
    /// row's subscriber, or why the row is not one, or `nil` at the end.
    func importRows(
        into list: String, source: ConsentSource, now: Date, next: () throws -> Result<Subscriber, Diagnostic>?
    ) throws -> ImportReport

    /// Never mails `address` again, on any list; `false` when it was suppressed already.
    func suppress(_ address: EmailAddress, reason: SuppressionReason, source: ConsentSource, now: Date) throws -> Bool

    /// Lets a suppressed address be mailed again; `reason` is recorded. `false` when it was not suppressed.
    func unsuppress(_ address: EmailAddress, reason: String, source: ConsentSource, now: Date) throws -> Bool

    func suppression(of address: EmailAddress) throws -> Suppression?

    /// Whether `address` was erased (`forget`): only a keyed hash of it is held.
    func wasErased(_ address: EmailAddress) throws -> Bool

    // MARK: The person

    func person(_ address: EmailAddress) throws -> PersonRecord?

    func subscriber(publicID: String) throws -> StoredSubscriber?

    func subscriber(address: EmailAddress) throws -> StoredSubscriber?

    /// The person leaves `list`, or every list when `nil` (and is then suppressed as
    /// unsubscribed). Returns the lists they left.
    @discardableResult
    func unsubscribe(_ address: EmailAddress, from list: String?, source: ConsentSource, now: Date) throws -> [String]

    /// Erases the person everywhere (subscriber, lists, consent log, the rows of past sends,
    /// whose counts stay) and keeps a keyed hash of the address in the suppression list.
    /// `false` when the store held nothing of them.
    func forget(_ address: EmailAddress, source: ConsentSource, now: Date) throws -> Bool

    // MARK: The public sign-up

    /// Someone asked, on the form, to join `lists`: a single opt-in list they join at once, a
    /// double opt-in one they wait on (unconfirmed) until they follow the mailed link. A name
    /// typed on the form is kept only for a new person (a stranger cannot rename anyone).
    func signUp(
        _ address: EmailAddress, name: String?, lists: [ListDefinition], source: ConsentSource, now: Date
    ) throws -> SignUpOutcome

    /// The person followed a confirmation link: the lists it names that they still wait on
    /// become confirmed. `nonce` makes the link work once.
    func confirm(publicID: String, lists: [String], nonce: String, source: ConsentSource, now: Date) throws
        -> ConfirmOutcome

    /// Counts a sign-up from `ip`; returns how many there were from it in the last hour, this one included.
    func noteSignUpAttempt(ip: String, now: Date) throws -> Int

    /// Whether a confirmation mail may go to `address` now: at most one per address a day,
    /// and at most `hourlyCap` in all an hour. When it may, it is counted.
    func reserveConfirmationMail(for address: EmailAddress, hourlyCap: Int, now: Date) throws -> Bool

    // MARK: Following changes

    /// The newest consent event's id: a running send follows the log from there.
    func lastEventID() throws -> Int64

    /// The addresses (by key) a send of `list` must not mail as it starts: suppressed, or no
    /// longer confirmed members of the list; and the newest event's id, to follow from.
    func stoppedKeys(list: String) throws -> (keys: Set<String>, lastID: Int64)

    /// How the members of `list` stand: how many are mailed (meeting `filters`), and how many
    /// are not, by why.
    func audienceSummary(of list: String, filters: [AttributeFilter], notReceiving issue: Int?) throws
        -> AudienceSummary

    /// The addresses (by key) that left `list` or were suppressed after event `id`, and the
    /// newest event's id.
    func stops(after id: Int64, list: String) throws -> (keys: [String], lastID: Int64)
}

extension SubscriberStore {
    @discardableResult
    public func eachActiveMember(
        of list: String, filters: [AttributeFilter], _ body: (Subscriber) throws -> Void
    ) throws -> Int {
        try eachActiveMember(of: list, filters: filters, notReceiving: nil, body)
    }

    public func audienceSummary(of list: String, filters: [AttributeFilter]) throws -> AudienceSummary {
        try audienceSummary(of: list, filters: filters, notReceiving: nil)
    }
}
