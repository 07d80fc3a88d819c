import ArgumentParser
import Compose
import Foundation
import NewsletterCore
import Site

struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Preview an issue in a browser, as a subscriber will get it, refreshed as you edit.",
        discussion: """
            Serves, on this machine only by default: the email as the subscriber gets it, its plain \
            text, the web page, the headers and the raw message (.eml), and every validation problem \
            with its line. The page reloads itself when an item, the issue, a template, a list or \
            the config changes. Ctrl-C stops it.
            Example: newsletter preview 3 --as agnes.banfi@example.org --open
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: "The issue number (default: the newest draft).") var number: Int?
    @Option(help: "The port (0 picks a free one).") var port: Int = 4080
    @Option(help: "The address to listen on.") var host: String = "127.0.0.1"
    @Option(
        name: .customLong("as"),
        help: ArgumentHelp("Render for this subscriber (default: the list's first).", valueName: "address"))
    var recipient: String?
    @Option(help: "The list (default: the config's `lists.default`).") var list: String?
    @Flag(help: "Open the preview in the system's browser.") var open = false

    func run() async throws {
        let workspace = try workspaceOptions.workspace()
        let number = try IssueChoice.number(number, in: workspace, command: "preview")
        let open = open
        try await SiteServer.preview(
            workspace: workspace, number: number, list: list, recipient: recipient, host: host, port: port
        ) { url in
            Terminal.print("Previewing issue \(number) at \(url) (Ctrl-C to stop)")
            if open { Browser.open(url) }
        }
    }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the sign-up form, the unsubscribe endpoints and the archive, behind a reverse proxy.",
        discussion: """
            /subscribe is the sign-up form (POST it form-encoded or as JSON); a double opt-in \
            list's confirmation link, /confirm/TOKEN, is mailed through the relay (smtp.url or \
            --smtp). GET /unsubscribe/TOKEN shows the person's lists; POST /unsubscribe/TOKEN \
            with List-Unsubscribe=One-Click (RFC 8058) takes them off the list. Everything else \
            is the archive, built into --archive first. The key of the links comes from \
            sending.secret_file or NEWSLETTER_SECRET, as for `send`.
            Example: newsletter serve --host 127.0.0.1 --port 8080
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: "The address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "The port (0 picks a free one).") var port: Int = 8080
    @Option(help: ArgumentHelp("Where to build the archive it serves (default: build/archive).", valueName: "dir"))
    var archive: String?
    @Option(
        help: ArgumentHelp("Another relay for the confirmation mails, such as smtp://127.0.0.1:2525.", valueName: "url")
    )
    var smtp: String?

    func validate() throws {
        if let smtp, SMTPURL.parse(smtp) == nil {
            throw ValidationError("--smtp must look like smtp://host:port or smtps://host:port.")
        }
    }

    func run() async throws {
        let workspace = try workspaceOptions.workspace()
        let folder =
            archive.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? workspace.buildFolder.appending(path: "archive")
        try await SiteServer.serve(
            workspace: workspace, host: host, port: port, archiveFolder: folder, smtp: smtp.flatMap(SMTPURL.parse),
            environment: ProcessInfo.processInfo.environment,
            report: { Terminal.error("warning: \($0)") },
            announce: { url in
                Terminal.print("Serving the archive, /unsubscribe and the sign-up form at \(url) (Ctrl-C to stop)")
                Terminal.print("  The sign-up form: \(url)subscribe (a form on your own site can post to it)")
            })
    }
}

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Write the static archive: an index of the sent issues, a page per issue, an Atom feed.",
        discussion: """
            Each issue's page is the one frozen when it was sent, at issues/NNN/ (the address each \
            email's "view in browser" link points to under base_url). Every page is checked with \
            libxml2 and the feed must be well-formed XML, before anything is written.
            Example: newsletter archive --out /var/www/newsletter
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: ArgumentHelp("Where to write it (default: build/archive).", valueName: "dir")) var out: String?

    func run() throws {
        let workspace = try workspaceOptions.workspace()
        let folder =
            out.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? workspace.buildFolder.appending(path: "archive")
        let site = try ArchiveSite(workspace: workspace)
        try site.write(to: folder)
        for warning in site.warnings { Terminal.error(ErrorPresenter.render(warning, as: "warning")) }
        Terminal.print(
            "Wrote the archive of \(site.issueCount) issue\(site.issueCount == 1 ? "" : "s") to \(workspace.displayPath(folder)): index.html, \(ArchiveSite.feedFile) and \(site.files.count - 2) issue page\(site.files.count - 2 == 1 ? "" : "s")."
        )
    }
}

struct FreezeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freeze",
        abstract: "Mark an issue sent and keep it as the templates render it now (for issues sent by other means).",
        discussion: """
            `newsletter send` freezes an issue by itself when a send completes; this is for issues \
            that went out before the workspace existed. Example: newsletter issue freeze 2 --sent 2026-08-03T08:00:00Z --audience 412
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: "The issue number.") var number: Int
    @Option(
        help: ArgumentHelp(
            "When it was sent, such as 2026-08-03T08:00:00Z (default: the issue's date).", valueName: "time"))
    var sent: String?
    @Option(help: "How many addresses it was sent to.") var audience: Int = 0

    func run() throws {
        let workspace = try workspaceOptions.workspace()
        let issue = try workspace.loadIssue(number)
        let time = try sent.map { text in
            guard let parsed = try? Date.ISO8601FormatStyle().parse(text) else {
                throw ValidationError("--sent must be a time such as 2026-08-03T08:00:00Z.")
            }
            return parsed
        }
        let composer = try IssueComposer(workspace: workspace)
        try IssueFreezer.freezeByHand(issue, composer: composer, workspace: workspace, sentAt: time, audience: audience)
        Terminal.print(
            "Froze issue \(number) in \(workspace.displayPath(issue.folder))/\(IssueFreezer.folderName)/ and marked it sent."
        )
    }
}

/// `--open`: the system's way to open a URL, when it has one.
enum Browser {
    static func open(_ url: String) {
        let candidates = [ProcessInfo.processInfo.environment["BROWSER"], "xdg-open", "sensible-browser"].compactMap {
            $0
        }
        for name in candidates {
            let path = name.hasPrefix("/") ? name : "/usr/bin/\(name)"
            guard FileManager.default.isExecutableFile(atPath: path) else { continue }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = [url]
            if (try? process.run()) != nil { return }
        }
        Terminal.error("No browser found to open \(url); open it yourself.")
    }
}
