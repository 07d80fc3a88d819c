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
