/// One thing the pre-send check found: how serious it is, what it is about, and what to do.
public struct Finding: Sendable, Equatable {
    public enum Severity: Int, Sendable, Comparable {
        /// Fine: said so that the editor sees what was checked.
        case passed
        /// Worth fixing; the mail still goes through.
        case warning
        /// What would make big mailbox providers (Gmail, Yahoo, Microsoft) refuse or junk the
        /// mail: `doctor` exits 1 and `send` stops unless --force.
        case refusal

        public static func < (left: Severity, right: Severity) -> Bool { left.rawValue < right.rawValue }
    }

    /// In the order they are shown.
    public enum Topic: String, Sendable, CaseIterable {
        case message = "message"
        case dns = "DNS"
        case relay = "relay"
        case links = "links"
        case spam = "SpamAssassin"
    }

    public var severity: Severity
    public var topic: Topic
    public var message: String
    /// What to do; none for a passed check.
    public var hint: String?

    public init(_ severity: Severity, _ topic: Topic, _ message: String, hint: String? = nil) {
        self.severity = severity
        self.topic = topic
        self.message = message
        self.hint = hint
    }

    public static func passed(_ topic: Topic, _ message: String) -> Finding { Finding(.passed, topic, message) }
    public static func warning(_ topic: Topic, _ message: String, hint: String) -> Finding {
        Finding(.warning, topic, message, hint: hint)
    }
    public static func refusal(_ topic: Topic, _ message: String, hint: String) -> Finding {
        Finding(.refusal, topic, message, hint: hint)
    }
}

extension Array where Element == Finding {
    /// Whether any finding would make providers refuse the mail.
    public var hasRefusal: Bool { contains { $0.severity == .refusal } }

    /// The findings that are not passes, worst first.
    public var problems: [Finding] { filter { $0.severity != .passed }.sorted { $0.severity > $1.severity } }
}
