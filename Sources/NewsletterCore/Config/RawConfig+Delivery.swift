public import Foundation

extension RawConfig.SMTP {
    static let fallback = SMTPSettings(
        url: nil, username: nil, passwordFile: nil, startTLS: nil, caFile: nil,
        heloName: "localhost", connectTimeout: 10, timeout: 60, connections: 4)

    func validated(in file: RawConfigFile, root: URL, baseURL: String) throws -> SMTPSettings {
        var problems = DiagnosticCollector()
        let parsed = url.flatMap { text in problems.attempt { try SMTPURL.parse(text, key: "smtp.url", in: file) } }
        var startTLS: SMTPSettings.StartTLS?
        if let startTLSText = self.startTLS {
            if let value = SMTPSettings.StartTLS(rawValue: startTLSText) {
                startTLS = value
            } else {
                problems.record(
                    Diagnostic(
                        "`smtp.starttls` must be `required`, `optional` or `off`, found `\(startTLSText)`.",
                        at: file.location(ofKey: "smtp.starttls"),
                        hint: "Leave it out to require TLS except to this machine."))
            }
        }
        if let username, username.contains(where: \.isControlCharacter) {
            problems.record(
                Diagnostic("`smtp.username` contains a control character.", at: file.location(ofKey: "smtp.username")))
        }
        let helo = heloName ?? URL(string: baseURL)?.host ?? "localhost"
        if !helo.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) {
            problems.record(
                Diagnostic(
                    "`smtp.helo_name` must be a host name, found `\(helo)`.",
                    at: file.location(ofKey: "smtp.helo_name"),
                    hint: "Use the sending machine's name, such as news.example.org."))
        }
        let connectTimeout = problems.attempt {
            try ConfigValue.positive(self.connectTimeout ?? 10, key: "smtp.connect_timeout", in: file)
        }
        let timeout = problems.attempt { try ConfigValue.positive(self.timeout ?? 60, key: "smtp.timeout", in: file) }
        let connections = problems.attempt {
            try ConfigValue.within(
                SMTPSettings.connectionRange, self.connections ?? 4, key: "smtp.connections", in: file)
        }
        try problems.throwIfAny()
        return SMTPSettings(
            url: parsed, username: username,
            passwordFile: passwordFile.map { ConfigValue.path($0, root: root) },
            startTLS: startTLS, caFile: caFile.map { ConfigValue.path($0, root: root) }, heloName: helo,
            connectTimeout: connectTimeout ?? 10, timeout: timeout ?? 60, connections: connections ?? 4)
    }
}

extension RawConfig.Sending {
    static let fallback = SendingSettings(
        rate: .init(count: 10, period: 1), burst: 10, window: nil, maxAttempts: 5, retryAfter: 60, maxRetryAge: 86400,
        maxErrors: 100, secretFile: nil, unsubscribeEmail: "")

    func validated(in file: RawConfigFile, root: URL, sender: String) throws -> SendingSettings {
        var problems = DiagnosticCollector()
        func rate(_ text: String?, key: String) -> SendingSettings.Rate? {
            guard let text else { return nil }
            guard let rate = SendingSettings.Rate(text) else {
                problems.record(
                    Diagnostic(
                        "`\(key)` must be a count per period such as `50/s`, `3000/min` or `10000/h`, found `\(text)`.",
                        at: file.location(ofKey: key),
                        hint:
                            "The periods are s, min, h and day; the count is 1 to \(SendingSettings.Rate.maximumCount)."
                    ))
                return nil
            }
            return rate
        }
        let steady = rate(self.rate, key: "sending.rate") ?? Self.fallback.rate
        let window = rate(self.window, key: "sending.window")
        func positive(_ value: Int?, _ key: String, _ fallback: Int) -> Int {
            value.flatMap { value in problems.attempt { try ConfigValue.positive(value, key: key, in: file) } }
                ?? fallback
        }
        // Without its own setting it is the sender's address, which is checked as `sender.email`.
        let unsubscribe = unsubscribeEmail.flatMap { value in
            problems.attempt { try ConfigValue.emailAddress(value, key: "sending.unsubscribe_email", in: file) }
        }
        let settings = SendingSettings(
            rate: steady, burst: positive(burst, "sending.burst", max(1, Int(steady.perSecond.rounded(.up)))),
            window: window,
            maxAttempts: positive(maxAttempts, "sending.max_attempts", 5),
            retryAfter: TimeInterval(positive(retryAfter, "sending.retry_after", 60)),
            maxRetryAge: TimeInterval(positive(maxRetryAge, "sending.max_retry_age", 86400)),
            maxErrors: positive(maxErrors, "sending.max_errors", 100),
            secretFile: secretFile.map { ConfigValue.path($0, root: root) }, unsubscribeEmail: unsubscribe ?? sender)
        try problems.throwIfAny()
        return settings
    }
}

/// The relay's address: `smtp://host[:port]` or `smtps://host[:port]`, nothing else.
public enum SMTPURL {
    static func parse(_ text: String, key: String, in file: RawConfigFile) throws -> URL {
        guard let url = parse(text) else {
            throw NewsletterError(
                "`\(key)` must be `smtp://host:port` or `smtps://host:port`, found `\(text)`.",
                at: file.location(ofKey: key),
                hint: "The password goes in NEWSLETTER_SMTP_PASSWORD or a file, never in the URL.")
        }
        return url
    }

    /// The URL, or `nil` when it is not a plain smtp or smtps URL (credentials, a path or a query are refused).
    public static func parse(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
            let host = url.host, !host.isEmpty, url.user == nil, url.password == nil, url.query == nil,
            url.path.isEmpty || url.path == "/", !text.contains(where: \.isControlCharacter)
        else { return nil }
        return url
    }
}
