import Compose
import Delivery
public import Foundation
import Hummingbird
import Logging
public import NewsletterCore
import ServiceLifecycle
import Store

/// The HTTP servers: `preview` for the editor, on this machine; `serve` for subscribers,
/// behind a reverse proxy: the unsubscribe endpoints and the archive.
public enum SiteServer {
    /// Serves the preview of issue `number` until interrupted. `announce` gets the address once
    /// the server listens (port 0 picks a free one).
    public static func preview(
        workspace: Workspace, number: Int, list: String?, recipient: String?, host: String, port: Int,
        announce: @escaping @Sendable (String) -> Void
    ) async throws {
        // The issue must exist, and the subscriber named; a build problem is shown in the page instead.
        let config = try workspace.loadConfig()
        if !(try workspace.issueNumbers()).contains(number) { _ = try workspace.loadIssue(number) }
        if let recipient {
            try MessagePreview.requireActiveSubscriber(
                recipient, of: list ?? config.lists.defaultList, in: workspace, config: config)
        }
        let router = Router(context: SiteContext.self)
        router.add(middleware: ControlCharacterGuard())
        try PreviewRoutes(workspace: workspace, number: number, list: list, recipient: recipient).add(to: router)
        try await run(router, host: host, port: port, announce: announce)
    }

    /// Serves the sign-up, the unsubscribe endpoints and the archive (built into
    /// `archiveFolder` first). `smtp` overrides the config's relay, which confirmation mails go
    /// through; `report` hears what goes wrong that no request is told of (a mail not sent).
    public static func serve(
        workspace: Workspace, host: String, port: Int, archiveFolder: URL, smtp: URL? = nil,
        environment: [String: String], report: @escaping @Sendable (String) -> Void = { _ in },
        announce: @escaping @Sendable (String) -> Void
    ) async throws {
        let config = try workspace.loadConfig()
        let templates = try TemplateSet(workspace: workspace)
        let secret = try UnsubscribeSecret.load(settings: config.sending, environment: environment)
        let site = try ArchiveSite(workspace: workspace)
        try site.write(to: archiveFolder)
        let router = Router(context: SiteContext.self)
        router.add(middleware: ControlCharacterGuard())
        router.add(middleware: FileMiddleware(archiveFolder.path, searchForIndexHtml: true, logger: quietLogger))
        let people = try PeopleAccess.open(workspace).store
        UnsubscribeRoutes(
            config: config, people: people, ledger: try DeliveryLedger(workspace: workspace), secret: secret
        ).add(to: router)
        // Without a relay the form still works for single opt-in lists; a double opt-in
        // sign-up is kept, unconfirmed, and the missing relay said.
        let mailer = (try? SMTPEndpoint.resolve(settings: config.smtp, override: smtp, environment: environment)).map {
            ConfirmationMailer(endpoint: $0, sender: config.bounces.address, report: report)
        }
        if mailer == nil, config.lists.lists.contains(where: { $0.isPublic && $0.optIn == .double }) {
            report("No relay is set (smtp.url or --smtp): sign-ups to double opt-in lists cannot be confirmed by mail.")
        }
        SignUpRoutes(
            config: config, templates: templates, people: people, secret: secret, mailer: mailer, report: report
        ).add(to: router)
        try await run(router, host: host, port: port, announce: announce)
        mailer?.drain()
    }

    /// Warnings and errors only: the command prints its own line when the server listens.
    private static var quietLogger: Logger {
        var logger = Logger(label: "newsletter")
        logger.logLevel = .warning
        return logger
    }

    private static func run(
        _ router: Router<SiteContext>, host: String, port: Int, announce: @escaping @Sendable (String) -> Void
    ) async throws {
        let logger = quietLogger
        let app = Application(
            router: router,
            // A connection that sends nothing for half a minute (a request left half-sent) is
            // closed: each held memory until the process ended.
            server: .http1(configuration: .init(idleTimeout: .seconds(30))),
            configuration: .init(address: .hostname(host, port: port), serverName: "newsletter"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                announce("http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/")
            },
            logger: logger)
        // Ctrl-C or SIGTERM lets requests in flight finish for a moment, then ends the rest:
        // an open preview tab's reload stream (and a request left half-sent) would otherwise
        // hold the process for as long as it stays open.
        var configuration = ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .milliseconds(300)
        try await ServiceGroup(configuration: configuration).run()
    }
}
