public import Foundation

/// `newsletter.toml`: who publishes the newsletter and how it is composed. Never secrets:
/// passwords and keys come from the environment or from files the config names.
public struct NewsletterConfig: Sendable, Equatable {
    /// The newsletter's name, printed in every issue's header.
    public var name: String
    /// Where the web archive lives; "view in browser" links point under it.
    public var baseURL: URL
    /// The locale that dates are written in, such as `en_GB`.
    public var locale: String
    public var sender: Sender
    public var organisation: Organisation
    public var compose: ComposeSettings
    /// The public sign-up form.
    public var signup: SignUpSettings
    /// The DKIM signatures every message carries.
    public var dkim: DKIMSettings
    /// Where bounces go, and whether each message's envelope sender names its recipient (VERP).
    public var bounces: BouncesSettings
    /// The words around the editor's text, in the locale's language unless `[labels]` says otherwise.
    public var labels: Labels
    public var lists: ListSettings
    public var smtp: SMTPSettings
    public var sending: SendingSettings

    public struct Sender: Sendable, Equatable {
        public var name: String
        public var email: String
        public var replyTo: String?
    }

    /// The publishing organisation: its "About" paragraph and contact line are printed once,
    /// in each issue's footer.
    public struct Organisation: Sendable, Equatable {
        public var name: String
        public var website: URL?
        public var about: String
        public var postalAddress: String
        public var contact: String?
    }

    public struct ComposeSettings: Sendable, Equatable {
        /// Raw HTML inside Markdown is dropped unless this is on; when on it is sanitised.
        public var allowRawHTML: Bool
        /// Which of the lines an editor typed inside a paragraph stay lines.
        public var lineBreaks: LineBreakRule

        public init(allowRawHTML: Bool, lineBreaks: LineBreakRule = .auto) {
            self.allowRawHTML = allowRawHTML
            self.lineBreaks = lineBreaks
        }
    }

    public struct ListSettings: Sendable, Equatable {
        /// The list `send` and `preview` use when none is named.
        public var defaultList: String
        /// Every list, as `[lists.NAME]` declares it, in name order.
        public var lists: [ListDefinition]

        public init(defaultList: String, lists: [ListDefinition]) {
            self.defaultList = defaultList
            self.lists = lists
        }

        public func definition(of name: String) -> ListDefinition? {
            lists.first { $0.name == name }
        }

        /// The list named `name`, or an error naming the declared ones.
        public func require(_ name: String) throws -> ListDefinition {
            if let list = definition(of: name) { return list }
            throw NewsletterError(
                "There is no list `\(name)` in newsletter.toml.",
                hint:
                    "The lists are \(lists.map { "`\($0.name)`" }.joined(separator: ", ")); declare a new one with a `[lists.\(name)]` table (title, description, public, opt_in)."
            )
        }
    }

    /// The issue's public page under the base URL: `…/issues/007/`.
    public func webURL(forIssue number: Int) -> URL {
        baseURL.appending(path: "issues/\(IssueNumber.folderName(number))/")
    }

    public var dateLocale: Locale { Locale(identifier: locale) }

    /// The unsubscribe page of one token, under the base URL: `…/unsubscribe/TOKEN`.
    public func unsubscribeURL(token: String) -> URL {
        baseURL.appending(path: "unsubscribe/\(token)")
    }
}
