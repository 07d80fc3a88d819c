public import NewsletterCore

/// The retry policy of `[sending]`.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var retryAfter: Double
    public var maxAge: Double

    public init(maxAttempts: Int, retryAfter: Double, maxAge: Double) {
        self.maxAttempts = maxAttempts
        self.retryAfter = retryAfter
        self.maxAge = maxAge
    }

    public init(settings: SendingSettings) {
        self.init(maxAttempts: settings.maxAttempts, retryAfter: settings.retryAfter, maxAge: settings.maxRetryAge)
    }

    /// Whether a deferral of `recipient` at `now` is their last: they are then failed, not
    /// retried. (`attempts` counts the attempt that was deferred.)
    func givesUp(on recipient: ClaimedRecipient, at now: Double) -> Bool {
        recipient.attempts >= maxAttempts || now - recipient.firstAttemptAt >= maxAge
    }
}
