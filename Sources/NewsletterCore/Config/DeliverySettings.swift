public import Foundation

/// `[smtp]`: the relay and how to talk to it. The password is never here: it comes from
/// `NEWSLETTER_SMTP_PASSWORD` or from the file `password_file` names.
public struct SMTPSettings: Sendable, Equatable {
    /// How many connections a send may open: each is a thread, a curl handle and a journal file.
    public static let connectionRange = 1...256
    /// `smtp://host:port` (STARTTLS) or `smtps://host:port` (TLS from the start); `nil` until
    /// the editor sets one (`newsletter init` leaves it commented out), so that the first send
    /// says no relay is set instead of failing to reach a guessed one.
    public var url: URL?
    public var username: String?
    public var passwordFile: URL?
    /// `nil`: required, except to this machine (see `startTLS(for:)`).
    public var startTLS: StartTLS?
    /// A CA certificate (PEM) to trust, for a relay with a private certificate.
    public var caFile: URL?
    /// The EHLO name.
    public var heloName: String
    public var connectTimeout: Int
    public var timeout: Int
    public var connections: Int

    public enum StartTLS: String, Sendable, CaseIterable {
        /// Refuse to send unless the relay offers TLS.
        case required
        /// Use TLS when offered.
        case optional
        /// Never ask for TLS.
        case off
    }

    /// The STARTTLS policy for a relay at `url`: the configured one, or by default required
    /// except to this machine.
    public func startTLS(for url: URL) -> StartTLS {
        startTLS ?? (Self.isLoopback(url.host ?? "") ? .optional : .required)
    }

    /// Whether the host is this machine, where STARTTLS is not required by default.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}

/// `[sending]`: pace, retries and the unsubscribe headers.
public struct SendingSettings: Sendable, Equatable {
    public var rate: Rate
    /// How many messages may go at once above the steady rate.
    public var burst: Int
    /// A cap over a sliding window, such as 10,000 an hour.
    public var window: Rate?
    public var maxAttempts: Int
    /// The first retry waits this long; each next one twice as long.
    public var retryAfter: TimeInterval
    /// A message still not accepted this long after its first attempt fails for good.
    public var maxRetryAge: TimeInterval
    /// The send pauses after this many failed or deferred messages in one run.
    public var maxErrors: Int
    /// Where the HMAC key for unsubscribe links is read from when `NEWSLETTER_SECRET` is not set.
    public var secretFile: URL?
    /// The `mailto:` of the List-Unsubscribe header.
    public var unsubscribeEmail: String

    /// `50/s`, `3000/min`, `10000/h`, `100000/day`.
    public struct Rate: Sendable, Equatable, CustomStringConvertible {
        public var count: Int
        public var period: TimeInterval

        public init(count: Int, period: TimeInterval) {
            self.count = count
            self.period = period
        }

        public init?(_ text: String) {
            let parts = text.replacingOccurrences(of: " ", with: "").split(separator: "/")
            let periods: [String: TimeInterval] = [
                "s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "day": 86400,
                "d": 86400,
            ]
            guard parts.count == 2, let count = Int(parts[0]), (1...Self.maximumCount).contains(count),
                let period = periods[String(parts[1])]
            else { return nil }
            self.init(count: count, period: period)
        }

        /// Far beyond any relay, and small enough for every sum a rate takes part in.
        public static let maximumCount = 1_000_000_000

        public var perSecond: Double { Double(count) / period }

        public var description: String {
            let unit = [1: "s", 60: "min", 3600: "h", 86400: "day"][Int(period)] ?? "\(Int(period))s"
            return "\(count)/\(unit)"
        }
    }
}
