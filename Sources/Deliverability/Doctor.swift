public import Delivery
public import Foundation
import NewsletterCore

/// Everything that decides whether an issue reaches the inbox, as findings. The offline part
/// (the message itself) is what `send` runs first and the preview shows; `doctor` adds the DNS,
/// the relay, the links and SpamAssassin.
public enum Doctor {
    public struct Options: Sendable {
        /// `HOST:PORT` of the DNS server to ask; nil for the system's.
        public var dnsServer: String?
        public var smtpURL: URL?
        public var checkLinks: Bool
        public var linkTimeout: Int
        public var environment: [String: String]

        public init(
            dnsServer: String? = nil, smtpURL: URL? = nil, checkLinks: Bool = false, linkTimeout: Int = 10,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.dnsServer = dnsServer
            self.smtpURL = smtpURL
            self.checkLinks = checkLinks
            self.linkTimeout = linkTimeout
            self.environment = environment
        }
    }

    /// The message as the list's first subscriber gets it, signed as it will be, links made
    /// with a throwaway key (nothing is sent, and the workspace's key need not be set).
    public static func sampleMessage(prepared: PreparedIssue, list: String) throws -> MessagePreview {
        let throwaway = try UnsubscribeSecret(bytes: Data((0..<32).map { _ in UInt8.random(in: 0...255) }))
        return try MessagePreview.render(prepared: prepared, list: list, as: nil, secret: throwaway)
    }

    /// The checks that need no network.
    public static func offline(_ message: MessagePreview) -> [Finding] {
        MessageChecks.findings(for: message)
    }

    /// Every check, in the order they are shown.
    public static func run(prepared: PreparedIssue, list: String, options: Options) throws -> [Finding] {
        let message = try sampleMessage(prepared: prepared, list: list)
        var findings = offline(message)
        let resolver = try DNSResolver(server: options.dnsServer)
        findings += DNSChecks(resolver: resolver).findings(config: prepared.config, dkim: prepared.dkim)
        do {
            let endpoint = try SMTPEndpoint.resolve(
                settings: prepared.config.smtp, override: options.smtpURL, environment: options.environment)
            findings.append(RelayCheck.finding(endpoint: endpoint))
        } catch let error as NewsletterError {
            let diagnostic = error.diagnostics[0]
            findings.append(
                .refusal(.relay, diagnostic.message, hint: diagnostic.hint ?? "Check [smtp] in newsletter.toml."))
        }
        if options.checkLinks {
            findings += LinkCheck.findings(message: message, issue: prepared.issue, timeout: options.linkTimeout)
        }
        findings.append(SpamAssassinCheck.finding(for: message.raw))
        return findings
    }
}
