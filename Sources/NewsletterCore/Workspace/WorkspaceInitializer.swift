public import Foundation

/// `newsletter init DIR`: a new workspace with a commented config, the default templates and
/// empty subscriber lists, in the shape DESIGN.md describes.
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
            ("subscribers/main.csv", "email,name\n"),
            ("subscribers/suppressed.csv", "email,reason,date\n"),
            ("issues/inbox/.keep", ""),
        ]
        files += DefaultTemplates.files.sorted { $0.key < $1.key }.map { ("templates/\($0.key)", $0.value) }
        for (path, text) in files {
            try TextFile.writeAtomically(text, to: workspace.root.appending(path: path))
        }
        return files.map(\.0)
    }

    static let gitignore = """
        # Derived output and operational state: rebuilt or kept by `newsletter`, not edited.
        build/
        .newsletter/
        .*.lock

        """

    static let defaultConfig = #"""
        # newsletter.toml: who publishes this newsletter and how it is composed.
        # Secrets never go here: the SMTP password is read from NEWSLETTER_SMTP_PASSWORD
        # and the unsubscribe key from NEWSLETTER_SECRET (or from files named below).

        # The newsletter's name, printed in the header of every issue.
        name = "Example Newsletter"
        # Where the web archive is published; each email's "view in browser" link points under it.
        base_url = "https://news.example.org/newsletter"
        # Dates are written for this locale ("7 April 2026" in en_GB).
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

        [lists]
        # The list that `send` and `preview` use when none is named (subscribers/main.csv).
        default = "main"

        [smtp]
        # The relay: smtp://host:port (STARTTLS) or smtps://host:port. `send --smtp URL` overrides it.
        url = "smtp://127.0.0.1:25"
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
        # secret_file = "/etc/newsletter/secret"       # read when NEWSLETTER_SECRET is not set
        # unsubscribe_email = "unsubscribe@example.org" # default: the sender's address

        """#
}
