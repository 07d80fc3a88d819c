public import Foundation

/// `newsletter init DIR`: a new workspace with a commented config, the default templates,
/// empty subscriber lists and the key of its unsubscribe links, in the shape DESIGN.md describes.
public enum WorkspaceInitializer {
    /// Creates the workspace; refuses a folder that already holds a `newsletter.toml`.
    /// Returns the files written, relative to the workspace.
    public static func create(at root: URL) throws -> [String] {
        let workspace = Workspace(root: root)
        if FileManager.default.fileExists(atPath: workspace.configFile.path) {
            throw NewsletterError(
                "\(root.path) is already a workspace (it has a \(ConfigLoader.fileName)).",
                hint: "Choose a new folder; nothing was changed.")
        }
        var files: [(String, String)] = [
            (ConfigLoader.fileName, defaultConfig),
            (".gitignore", gitignore),
            ("issues/inbox/.keep", ""),
        ]
        files += DefaultTemplates.files.sorted { $0.key < $1.key }.map { ("templates/\($0.key)", $0.value) }
        for (path, text) in files {
            try TextFile.writeAtomically(text, to: workspace.root.appending(path: path))
        }
        try SecretFile.create(secretFileText, at: workspace.root.appending(path: secretFileName))
        return files.map(\.0) + [secretFileName]
    }

    /// The key of the workspace's unsubscribe links, which `sending.secret_file` names.
    public static let secretFileName = "secret.key"

    static var secretFileText: String {
        """
        \(SecretFile.newKey())
        # The key of this newsletter's unsubscribe links (newsletter.toml, sending.secret_file).
        # Keep it, back it up, and never commit it: a new key breaks every link already mailed.
        # To rotate it, put a new key (`openssl rand -hex 32`) on the first line and keep this
        # one below it: links signed with it keep working until you remove its line.

        """
    }

    static let gitignore = """
        # Derived output and operational state: rebuilt or kept by `newsletter`, not edited.
        build/
        .newsletter/
        .*.lock
        # Keys (the unsubscribe links' secret.key): never in git.
        *.key

        """

    static let defaultConfig = #"""
        # newsletter.toml: who publishes this newsletter and how it is composed.
        # Secrets never go here: the SMTP password is read from NEWSLETTER_SMTP_PASSWORD (or
        # smtp.password_file) and the unsubscribe key from secret.key (or NEWSLETTER_SECRET).

        # The newsletter's name, printed in the header of every issue.
        name = "Example Newsletter"
        # Where the web archive is published; each email's "view in browser" link points under it.
        base_url = "https://news.example.org/newsletter"
        # Dates and the templates' words ("Issue n.", "Unsubscribe") are written for this
        # locale: en_GB gives "7 April 2026"; fr_FR, de_DE, es_ES, it_IT, nl_NL and pt_PT
        # have their own words, other languages English ones.
        locale = "en_GB"

        [sender]
        # The From: line of every message.
        name = "Example Organisation"
        email = "newsletter@example.org"
        # Where replies go, when not to the sender.
        reply_to = "editor@example.org"

        [organisation]
        name = "Example Organisation"
        website = "https://www.example.org"
        # Printed once, in the footer of every issue.
        about = """
        The Example Organisation brings people together. Write two or three sentences here about
        who you are; they appear once at the foot of every issue."""
        # The postal address that commercial email must carry.
        postal_address = "1 Example Street, 1000 Example City"
        contact = "editor@example.org"

        [compose]
        # Raw HTML inside Markdown is dropped unless this is true; when true it is sanitised
        # (no scripts, styles, event handlers or javascript: links).
        allow_raw_html = false
        # Lines you type inside a paragraph: "auto" keeps a line you ended early (a contact
        # block: name, email, phone) as a line and joins a paragraph wrapped in the file;
        # "commonmark" joins them all unless a line ends with a backslash; "keep" keeps them all.
        line_breaks = "auto"

        # [labels]
        # Any word the templates print around your text, in place of the locale's:
        # issue = "Issue n."
        # in_this_issue = "In this issue"
        # read_more = "Read the full article"
        # you_receive = "You receive {newsletter} at"
        # unsubscribe = "Unsubscribe"

        [lists]
        # The list that `send` and `preview` use when none is named.
        default = "main"

        # Each list: its title and one line on the sign-up form, whether the form offers it
        # (public), and how people join it: "double" (the default) mails a link to confirm;
        # "single" adds them as they sign up. Who is on it is kept in the store (.newsletter/).
        [lists.main]
        title = "Example Newsletter"
        description = "News from the Example Organisation, a few times a year."
        public = true
        opt_in = "double"

        [smtp]
        # The relay your mail provider gives you: smtp://host:587 (STARTTLS) or smtps://host:465.
        # Until it is set, `send` says so; `send --smtp URL` gives one for a single run.
        # url = "smtp://relay.example.org:587"
        # username = "newsletter"          # the password: NEWSLETTER_SMTP_PASSWORD or password_file
        # password_file = "/etc/newsletter/smtp-password"
        # starttls = "required"            # required | optional | off (default: required, optional to loopback)
        # ca_file = "certs/relay.pem"      # trust a private relay's certificate
        # helo_name = "news.example.org"   # default: the base URL's host
        # connections = 4
        # connect_timeout = 10             # seconds
        # timeout = 60                     # seconds per message

        [sending]
        # The pace your relay allows, for all connections together: 50/s, 3000/min, 10000/h.
        rate = "10/s"
        # burst = 10                       # messages that may go at once above the rate
        # window = "10000/h"               # a cap over a sliding window
        # max_attempts = 5                 # for 4xx replies and connection trouble
        # retry_after = 60                 # seconds before the first retry, doubled each time
        # max_retry_age = 86400            # seconds after the first attempt
        # max_errors = 100                 # the send pauses after this many failures in a run
        # The key of the unsubscribe links, made by `newsletter init` (never commit it;
        # NEWSLETTER_SECRET, when set, is used instead). Keep it: a new key breaks old links.
        secret_file = "secret.key"
        # unsubscribe_email = "unsubscribe@example.org" # default: the sender's address

        # Where bounces go: each message's envelope sender is this address, tagged for its
        # recipient (VERP), such as newsletter+1-2s-4f0c9a6b21d3@example.org.
        # [bounces]
        # address = "bounces@example.org"     # default: the sender's address
        # verp = false                         # for a relay that wants one fixed envelope sender

        """#
}
