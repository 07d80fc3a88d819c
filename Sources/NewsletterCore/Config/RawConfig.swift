import Foundation

/// `newsletter.toml` exactly as written, before its values are checked.
struct RawConfig: Decodable {
    var name: String
    var baseURL: String
    var locale: String?
    var sender: Sender
    var organisation: Organisation
    var compose: Compose?
    var lists: RawLists?
    var smtp: SMTP?
    var sending: Sending?
    /// Any of `Labels.keys`; checked in `validated`, where an unknown one is named with its line.
    var labels: [String: String]?
    var signup: SignUp?
    var dkim: DKIM?
    var bounces: Bounces?

    enum CodingKeys: String, CodingKey {
        case name, locale, sender, organisation, compose, lists, smtp, sending, labels, signup, dkim, bounces
        case baseURL = "base_url"
    }

    struct Sender: Decodable {
        var name: String
        var email: String
        var replyTo: String?

        enum CodingKeys: String, CodingKey {
            case name, email
            case replyTo = "reply_to"
        }
    }

    struct Organisation: Decodable {
        var name: String
        var website: String?
        var about: String
        var postalAddress: String
        var contact: String?

        enum CodingKeys: String, CodingKey {
            case name, website, about, contact
            case postalAddress = "postal_address"
        }
    }

    struct Compose: Decodable {
        var allowRawHTML: Bool?
        var lineBreaks: String?

        enum CodingKeys: String, CodingKey {
            case allowRawHTML = "allow_raw_html"
            case lineBreaks = "line_breaks"
        }
    }

    struct SignUp: Decodable {
        var consent: String?
        var confirmDays: Int?
        var perIPPerHour: Int?
        var confirmationsPerHour: Int?
        var trustedProxies: [String]?

        enum CodingKeys: String, CodingKey {
            case consent
            case confirmDays = "confirm_days"
            case perIPPerHour = "per_ip_per_hour"
            case confirmationsPerHour = "confirmations_per_hour"
            case trustedProxies = "trusted_proxies"
        }

        func validated(in file: RawConfigFile) throws -> SignUpSettings {
            var problems = DiagnosticCollector()
            func positive(_ value: Int?, _ key: String, _ fallback: Int) -> Int {
                value.flatMap { value in problems.attempt { try ConfigValue.positive(value, key: key, in: file) } }
                    ?? fallback
            }
            let defaults = SignUpSettings()
            let settings = SignUpSettings(
                consent: consent.flatMap { value in
                    problems.attempt { try ConfigValue.text(value, key: "signup.consent", multiline: true, in: file) }
                } ?? defaults.consent,
                confirmDays: positive(confirmDays, "signup.confirm_days", defaults.confirmDays),
                perIPPerHour: positive(perIPPerHour, "signup.per_ip_per_hour", defaults.perIPPerHour),
                confirmationsPerHour: positive(
                    confirmationsPerHour, "signup.confirmations_per_hour", defaults.confirmationsPerHour),
                trustedProxies: trustedProxies ?? [])
            try problems.throwIfAny()
            return settings
        }
    }

    struct Bounces: Decodable {
        var address: String?
        var verp: Bool?
    }

    struct DKIM: Decodable {
        var domain: String?
        var key: [Key]?

        struct Key: Decodable {
            var selector: String
            var algorithm: String?
            var file: String
        }

        func validated(in file: RawConfigFile, root: URL, sender: String) throws -> DKIMSettings {
            var problems = DiagnosticCollector()
            let fallback = sender.split(separator: "@").last.map(String.init) ?? ""
            let domain = (self.domain ?? fallback).lowercased()
            // A domain taken from a bad sender address is that setting's problem, named there.
            if self.domain != nil, !DKIMSettings.isSelector(domain) || !domain.contains(".") {
                problems.record(
                    Diagnostic(
                        "`dkim.domain` must be a domain name, found `\(domain)`.",
                        at: file.location(ofKey: "dkim.domain"),
                        hint: "Leave it out to sign for the sender's domain."))
            }
            var keys: [DKIMSettings.Key] = []
            for (index, key) in (self.key ?? []).enumerated() {
                let label = "dkim.key[\(index + 1)]"
                guard DKIMSettings.isSelector(key.selector) else {
                    problems.record(
                        Diagnostic(
                            "`\(label).selector` must be a DNS label such as `s2026`, found `\(key.selector)`.",
                            at: file.location(ofKey: "dkim.key.selector", occurrence: index + 1),
                            hint: "Letters, digits and hyphens: the record lives at SELECTOR._domainkey.\(domain)."))
                    continue
                }
                guard let algorithm = DKIMSettings.Algorithm(rawValue: key.algorithm ?? "rsa-sha256") else {
                    problems.record(
                        Diagnostic(
                            "`\(label).algorithm` must be `rsa-sha256` or `ed25519-sha256`, found `\(key.algorithm ?? "")`.",
                            at: file.location(ofKey: "dkim.key.algorithm", occurrence: index + 1),
                            hint: "`newsletter dkim keygen --algorithm ALG` makes a key of either kind."))
                    continue
                }
                keys.append(
                    .init(selector: key.selector, algorithm: algorithm, file: ConfigValue.path(key.file, root: root)))
            }
            try problems.throwIfAny()
            return DKIMSettings(domain: domain, keys: keys)
        }
    }

    struct SMTP: Decodable {
        var url: String?
        var username: String?
        var passwordFile: String?
        var startTLS: String?
        var caFile: String?
        var heloName: String?
        var connectTimeout: Int?
        var timeout: Int?
        var connections: Int?

        enum CodingKeys: String, CodingKey {
            case url, username, timeout, connections
            case passwordFile = "password_file"
            case startTLS = "starttls"
            case caFile = "ca_file"
            case heloName = "helo_name"
            case connectTimeout = "connect_timeout"
        }
    }

    struct Sending: Decodable {
        var rate: String?
        var burst: Int?
        var window: String?
        var maxAttempts: Int?
        var retryAfter: Int?
        var maxRetryAge: Int?
        var maxErrors: Int?
        var secretFile: String?
        var unsubscribeEmail: String?

        enum CodingKeys: String, CodingKey {
            case rate, burst, window
            case maxAttempts = "max_attempts"
            case retryAfter = "retry_after"
            case maxRetryAge = "max_retry_age"
            case maxErrors = "max_errors"
            case secretFile = "secret_file"
            case unsubscribeEmail = "unsubscribe_email"
        }
    }

    /// `root` is the workspace folder: relative paths in the config are relative to it.
    func validated(in file: RawConfigFile, root: URL) throws -> NewsletterConfig {
        var problems = DiagnosticCollector()
        func text(_ value: String, _ key: String, multiline: Bool = false) -> String {
            problems.attempt { try ConfigValue.text(value, key: key, multiline: multiline, in: file) } ?? value
        }
        func url(_ value: String, _ key: String) -> URL? {
            problems.attempt { try ConfigValue.webURL(value, key: key, in: file) }
        }
        func email(_ value: String, _ key: String) -> String {
            problems.attempt { try ConfigValue.emailAddress(value, key: key, in: file) } ?? value
        }

        let locale = problems.attempt { try ConfigValue.locale(self.locale ?? "en_GB", in: file) } ?? "en_GB"
        let config = NewsletterConfig(
            name: text(name, "name"),
            baseURL: url(baseURL, "base_url") ?? URL(fileURLWithPath: "/"),
            locale: locale,
            sender: .init(
                name: text(sender.name, "sender.name"),
                email: email(sender.email, "sender.email"),
                replyTo: sender.replyTo.map { email($0, "sender.reply_to") }),
            organisation: .init(
                name: text(organisation.name, "organisation.name"),
                website: organisation.website.flatMap { url($0, "organisation.website") },
                about: text(organisation.about, "organisation.about", multiline: true),
                postalAddress: text(organisation.postalAddress, "organisation.postal_address"),
                contact: organisation.contact.map { text($0, "organisation.contact") }),
            compose: .init(
                allowRawHTML: compose?.allowRawHTML ?? false,
                lineBreaks: problems.attempt { try ConfigValue.lineBreaks(compose?.lineBreaks, in: file) } ?? .auto),
            signup: problems.attempt { try (signup ?? SignUp()).validated(in: file) } ?? SignUpSettings(),
            dkim: problems.attempt { try (dkim ?? DKIM()).validated(in: file, root: root, sender: sender.email) }
                ?? DKIMSettings(domain: "", keys: []),
            bounces: BouncesSettings(
                address: bounces?.address.map { email($0, "bounces.address") } ?? sender.email,
                verp: bounces?.verp ?? true),
            labels: Labels(
                locale: locale,
                overrides: problems.attempt { try ConfigValue.labels(labels ?? [:], in: file) } ?? [:]),
            lists: problems.attempt { try (lists ?? RawLists()).validated(in: file, newsletterName: name) }
                ?? NewsletterConfig.ListSettings(defaultList: "main", lists: []),
            smtp: problems.attempt { try (smtp ?? SMTP()).validated(in: file, root: root, baseURL: baseURL) }
                ?? SMTP.fallback,
            sending: problems.attempt {
                try (sending ?? Sending()).validated(in: file, root: root, sender: sender.email)
            }
                ?? Sending.fallback)
        try problems.throwIfAny()
        return config
    }
}

/// Checks of single config values. Values that can end up in a mail header must hold no line
/// breaks or other control characters: they are refused here, before anything is composed.
enum ConfigValue {
    static func text(_ value: String, key: String, multiline: Bool, in file: RawConfigFile) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw NewsletterError(
                "The setting `\(key)` is empty.", at: file.location(ofKey: key), hint: "Give it a value.")
        }
        let allowed: Set<Character> = multiline ? ["\n", "\t"] : []
        if let bad = trimmed.first(where: { $0.isControlCharacter && !allowed.contains($0) }) {
            throw NewsletterError(
                "The setting `\(key)` contains a control character (\(bad.unicodeDescription)).",
                at: file.location(ofKey: key),
                hint: "Write it on one line without control characters; it may end up in a mail header.")
        }
        return trimmed
    }

    /// A locale such as `en_GB`, `pt-BR` or `de` that the system knows (as `en_GB`, `pt_BR`,
    /// `de`): it names the months in dates and goes in the documents' `lang` attribute.
    static func locale(_ value: String, in file: RawConfigFile) throws -> String {
        let identifier = value.replacingOccurrences(of: "-", with: "_")
        guard identifier.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || ($0 < 0x80 && isalnum(Int32($0)) != 0) }),
            Locale.availableIdentifiers.contains(identifier)
        else {
            throw NewsletterError(
                "The setting `locale` must be a locale the system knows, such as `en_GB`, `de_AT` or `de`; found `\(value)`.",
                at: file.location(ofKey: "locale"),
                hint:
                    "Write the language in lower case, then an underscore and the country in capitals if you want one.")
        }
        return identifier
    }

    static func webURL(_ value: String, key: String, in file: RawConfigFile) throws -> URL {
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host?.isEmpty == false, !value.contains(where: \.isControlCharacter)
        else {
            throw NewsletterError(
                "The setting `\(key)` must be an absolute http or https URL, found `\(value)`.",
                at: file.location(ofKey: key),
                hint: "Write it in full, such as `https://news.example.org/newsletter`.")
        }
        // Links made of it go in mail headers (List-Unsubscribe), which cannot fold inside a
        // URL, and SMTP refuses a line over 998 octets.
        guard value.utf8.count <= maximumURLLength else {
            throw NewsletterError(
                "The setting `\(key)` is \(value.utf8.count) characters long; at most \(maximumURLLength) fit in a mail header with the links made of it.",
                at: file.location(ofKey: key), hint: "Use a shorter address.")
        }
        return url
    }

    static let maximumURLLength = 500

    static func lineBreaks(_ value: String?, in file: RawConfigFile) throws -> LineBreakRule {
        guard let value else { return .auto }
        guard let rule = LineBreakRule(rawValue: value) else {
            throw NewsletterError(
                "The setting `compose.line_breaks` must be \(LineBreakRule.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")); found `\(value)`.",
                at: file.location(ofKey: "compose.line_breaks"),
                hint:
                    "`auto` (the default) keeps a line you ended early as a line; `commonmark` joins lines unless one ends with `\\`; `keep` keeps every line."
            )
        }
        return rule
    }

    /// `[labels]`: each key one of `Labels.keys`, each value one line of text.
    static func labels(_ values: [String: String], in file: RawConfigFile) throws -> [String: String] {
        var problems = DiagnosticCollector()
        var checked: [String: String] = [:]
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard Labels.keys.contains(key) else {
                problems.record(
                    Diagnostic(
                        "Unknown label `labels.\(key)`.", at: file.location(ofKey: "labels.\(key)"),
                        hint: "The labels are \(Labels.keys.map { "`\($0)`" }.joined(separator: ", "))."))
                continue
            }
            checked[key] = problems.attempt { try text(value, key: "labels.\(key)", multiline: false, in: file) }
        }
        try problems.throwIfAny()
        return checked
    }

    static func emailAddress(_ value: String, key: String, in file: RawConfigFile) throws -> String {
        do {
            return try EmailAddress(value).description
        } catch {
            throw NewsletterError(
                "The setting `\(key)` must be a plain email address, found `\(value)` (\(error.reason)).",
                at: file.location(ofKey: key),
                hint: "Write only the address, such as `newsletter@example.org`; the display name has its own setting.")
        }
    }

    static func positive(_ value: Int, key: String, in file: RawConfigFile) throws -> Int {
        guard value > 0 else {
            throw NewsletterError(
                "The setting `\(key)` must be a whole number above zero, found \(value).",
                at: file.location(ofKey: key),
                hint: "Remove the line to use the default.")
        }
        return value
    }

    static func within(_ range: ClosedRange<Int>, _ value: Int, key: String, in file: RawConfigFile) throws -> Int {
        guard range.contains(value) else {
            throw NewsletterError(
                "The setting `\(key)` must be a whole number from \(range.lowerBound) to \(range.upperBound), found \(value).",
                at: file.location(ofKey: key),
                hint: "Remove the line to use the default.")
        }
        return value
    }

    /// A path, relative to the workspace unless absolute.
    static func path(_ value: String, root: URL) -> URL {
        value.hasPrefix("/") ? URL(fileURLWithPath: value) : root.appending(path: value)
    }
}

extension Character {
    /// C0 and C1 controls and DEL: characters that must never reach a header or a document.
    public var isControlCharacter: Bool {
        unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// `U+000A` and the like, for messages.
    public var unicodeDescription: String {
        unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined(separator: " ")
    }
}
