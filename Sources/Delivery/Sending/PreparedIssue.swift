public import Compose
public import Foundation
public import NewsletterCore

/// An issue ready to be mailed: loaded, rendered once with placeholders and validated, with
/// the config, the composer and the per-recipient content.
public struct PreparedIssue: Sendable {
    public let workspace: Workspace
    public let config: NewsletterConfig
    public let issue: Issue
    public let composer: IssueComposer
    public let content: IssueContent

    public init(workspace: Workspace, number: Int) throws {
        var problems = DiagnosticCollector()
        let config = problems.attempt { try workspace.loadConfig() }
        let templates = problems.attempt { try TemplateSet(workspace: workspace) }
        let issue = problems.attempt { try workspace.loadIssue(number) }
        try problems.throwIfAny()
        guard let config, let templates, let issue else { throw NewsletterError("Issue \(number) cannot be prepared.") }
        let composer = IssueComposer(config: config, templates: templates)
        // The same checks as `newsletter build`: nothing is sent from an issue that does not build.
        _ = try IssueBuild(workspace: workspace, issue: issue, composer: composer)
        self.workspace = workspace
        self.config = config
        self.issue = issue
        self.composer = composer
        content = IssueContent(issue: issue, config: config)
    }
}

extension SMTPEndpoint {
    /// The relay of `[smtp]`, or `override` (`--smtp`), with the password from
    /// `NEWSLETTER_SMTP_PASSWORD` or `smtp.password_file`.
    public static func resolve(
        settings: SMTPSettings, override: URL?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SMTPEndpoint {
        let url = override ?? settings.url
        var password = environment["NEWSLETTER_SMTP_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        if password == nil, let file = settings.passwordFile {
            guard let data = try? Data(contentsOf: file) else {
                throw NewsletterError(
                    "The SMTP password file \(file.path) cannot be read.",
                    hint:
                        "Check `smtp.password_file` in newsletter.toml and the file's permissions, or set NEWSLETTER_SMTP_PASSWORD."
                )
            }
            password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        if settings.username != nil, password == nil {
            throw NewsletterError(
                "`smtp.username` is set but there is no password.",
                hint:
                    "Set NEWSLETTER_SMTP_PASSWORD, or name a file holding it in `smtp.password_file`; it never goes in newsletter.toml."
            )
        }
        let startTLS: SMTPStartTLS =
            switch settings.startTLS(for: url) {
            case .required: .required
            case .optional: .optional
            case .off: .off
            }
        return SMTPEndpoint(
            url: url, heloName: settings.heloName, username: settings.username, password: password, startTLS: startTLS,
            caFile: settings.caFile?.path, connectTimeout: settings.connectTimeout, timeout: settings.timeout)
    }
}

/// The audience of a send: the list without suppressed addresses; repeats are dropped by the ledger.
struct Audience {
    let list: SubscriberList
    let suppressed: Set<String>

    init(workspace: Workspace, list name: String) throws {
        list = try SubscriberList(name: name, workspace: workspace)
        suppressed = Set(try SuppressionList(workspace: workspace).load().entries.keys)
    }

    /// Calls `body` with each subscriber to mail; returns what reading the list found.
    @discardableResult
    func readEach(registry: some AddressRegistry = NoAddressRegistry(), _ body: (Subscriber) throws -> Void) throws
        -> (report: SubscriberList.Report, suppressedCount: Int)
    {
        var suppressedCount = 0
        let report = try list.readEach(registry: registry) { subscriber in
            if suppressed.contains(subscriber.address.key) {
                suppressedCount += 1
            } else {
                try body(subscriber)
            }
        }
        return (report, suppressedCount)
    }
}
