import ArgumentParser
import Compose
import Foundation
import NewsletterCore
import Site

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
