/// `[signup]`: the public sign-up form that `newsletter serve` offers at /subscribe.
public struct SignUpSettings: Sendable, Equatable {
    /// The consent text shown on the form, which the person agrees to by signing up; kept in the
    /// store (once, by its hash) with each sign-up.
    public var consent: String
    /// How long a confirmation link works.
    public var confirmDays: Int
    /// Sign-ups an hour from one IP address.
    public var perIPPerHour: Int
    /// Confirmation mails an hour in all, so that a wave of bots cannot burn the relay's name.
    public var confirmationsPerHour: Int
    /// Proxies whose `X-Forwarded-For` is believed for the client's address (the socket's
    /// address otherwise).
    public var trustedProxies: [String]

    public static let defaultConsent =
        "I agree to receive this newsletter by email. I can unsubscribe at any time with the link in every issue."

    public init(
        consent: String = defaultConsent, confirmDays: Int = 7, perIPPerHour: Int = 10,
        confirmationsPerHour: Int = 200, trustedProxies: [String] = []
    ) {
        self.consent = consent
        self.confirmDays = confirmDays
        self.perIPPerHour = perIPPerHour
        self.confirmationsPerHour = confirmationsPerHour
        self.trustedProxies = trustedProxies
    }
}
