public import Foundation
public import NewsletterCore
public import Store

/// `--dry-run`: renders and checks every message a send would make, counts them, and sends
/// nothing and records nothing.
public struct DryRun: Sendable {
    public struct Result: Sendable {
        public var messages = 0
        public var bytes = 0
        /// The list's members who are not mailed, by why.
        public var summary = AudienceSummary()
        /// How the audience is named: "the list `main` where city=Riga".
        public var audience = ""
    }

    public static func run(
        prepared: PreparedIssue, list: String, filters: [AttributeFilter] = [], onlyNew: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        throws -> Result
    {
        let secret = try UnsubscribeSecret.load(settings: prepared.config.sending, environment: environment)
        let audience = try Audience(
            workspace: prepared.workspace, config: prepared.config, list: list, filters: filters,
            notReceiving: onlyNew ? prepared.issue.number : nil)
        let factory = MessageFactory(
            config: prepared.config, list: list, content: prepared.content, composer: prepared.composer, secret: secret,
            dkim: prepared.dkim)
        var result = Result()
        try audience.readEach { subscriber in
            let message = try factory.message(
                to: subscriber.address.description, name: subscriber.name, attributes: subscriber.attributes)
            result.messages += 1
            result.bytes += message.bytes.count
        }
        result.summary = try audience.summary()
        result.audience = audience.description
        return result
    }
}

/// `--test-to ADDRESS`: one copy, personalised as the list's first subscriber, sent to the
/// editor's own address and recorded nowhere.
public struct TestCopy: Sendable {
    public static func send(
        prepared: PreparedIssue, list: String, to address: EmailAddress, smtpURL: URL?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (personalisedAs: String, reply: String) {
        let endpoint = try SMTPEndpoint.resolve(
            settings: prepared.config.smtp, override: smtpURL, environment: environment)
        let secret = try UnsubscribeSecret.load(settings: prepared.config.sending, environment: environment)
        let audience = try Audience(workspace: prepared.workspace, config: prepared.config, list: list)
        let first = try audience.people.members(of: list).first { $0.isActive }?.subscriber
        let model = first ?? Subscriber(address: address, name: nil)
        let factory = MessageFactory(
            config: prepared.config, list: list, content: prepared.content, composer: prepared.composer, secret: secret,
            dkim: prepared.dkim)
        let message = try factory.message(to: address.description, name: model.name, attributes: model.attributes)
        let connection = SMTPConnection(endpoint: endpoint)
        // As a send opens: a relay that cannot be reached or logged in to is named as such.
        if case .fatal(let problem) = connection.open() {
            throw NewsletterError(problem, hint: "Nothing was sent.")
        }
        switch connection.send(from: prepared.config.bounces.address, to: address.description, message: message.bytes) {
        case .accepted(let reply):
            return (model.address.description, reply)
        case .deferred(_, let reply), .rejected(_, let reply), .unconfirmed(let reply):
            throw NewsletterError(
                "The relay did not accept the test copy: \(reply).", hint: "Check the address and the relay's settings."
            )
        case .fatal(let problem):
            throw NewsletterError(
                problem, hint: "Check [smtp] in newsletter.toml, NEWSLETTER_SMTP_PASSWORD and --smtp.")
        }
    }
}
