import ArgumentParser
import Compose
import Foundation
import NewsletterCore
import Site

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
