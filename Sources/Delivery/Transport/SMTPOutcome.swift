/// What the relay said to one message.
enum SMTPOutcome: Equatable {
    /// Accepted (2xx after the data).
    case accepted(reply: String)
    /// Refused for now (4xx) or the connection failed: try again later.
    case deferred(code: Int, reply: String)
    /// The whole message went out but the connection broke before the relay answered: it may
    /// have been delivered. Tried again, and reported as uncertain.
    case unconfirmed(reply: String)
    /// Refused for good (5xx).
    case rejected(code: Int, reply: String)
    /// A problem no retry will fix (the password, TLS, the certificate): stop the send.
    case fatal(String)
}
