import Foundation
public import NewsletterCore

/// Sends confirmation mails for `serve`, one at a time on a queue of their own, through one
/// SMTP connection kept open (libcurl blocks while it waits for the relay, which must never
/// happen on Swift's cooperative threads, where it would hold up every request). A sign-up's
/// answer does not wait for its mail: the page is the same whether a mail goes out or not.
public final class ConfirmationMailer: Sendable {
    private let queue = DispatchQueue(label: "confirmation-mail")
    private let connection: ConnectionBox
    private let sender: String
    private let report: @Sendable (String) -> Void

    /// `report` hears the mails that could not go out.
    public init(endpoint: SMTPEndpoint, sender: String, report: @escaping @Sendable (String) -> Void) {
        connection = ConnectionBox(SMTPConnection(endpoint: endpoint))
        self.sender = sender
        self.report = report
    }

    /// Queues a mail to `address`; `done` hears whether the relay accepted it.
    public func send(_ message: [UInt8], to address: EmailAddress, done: @escaping @Sendable (Bool) -> Void = { _ in })
    {
        queue.async { [connection, sender, report] in
            let outcome = connection.value.send(from: sender, to: address.description, message: message)
            if case .accepted = outcome {
                done(true)
            } else {
                report("The confirmation mail to \(address) was not sent: \(outcome.description)")
                done(false)
            }
        }
    }

    /// Waits for the mails queued so far (for tests, and before the server stops).
    public func drain() {
        queue.sync {}
    }
}

/// `SMTPConnection` is not `Sendable` (its curl handle belongs to one thread at a time); the
/// mailer's serial queue is the only place it is used, one mail after the other.
private final class ConnectionBox: @unchecked Sendable {
    let value: SMTPConnection

    init(_ value: SMTPConnection) {
        self.value = value
    }
}

extension SMTPOutcome {
    /// For a message about a mail that did not go out.
    var description: String {
        switch self {
        case .accepted(let reply): reply
        case .deferred(_, let reply), .rejected(_, let reply), .unconfirmed(let reply): reply
        case .fatal(let problem): problem
        }
    }
}
