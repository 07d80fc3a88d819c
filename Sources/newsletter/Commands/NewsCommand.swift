import ArgumentParser
import Feeds
import Foundation
import NewsletterCore

struct NewsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "news",
        abstract: "Bring news into the inbox from the website's feed.",
        subcommands: [Import.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import an RSS 2.0, RSS 1.0 or Atom feed's new entries into issues/inbox/ as news items.",
            discussion: """
                The feed is fetched (http or https, at most 5 redirects, 10 MB at most) or read from a \
                file, and parsed completely before anything is written. Entries already imported are \
                recognised by their guid or id (the item's `source`) and skipped; HTML bodies are \
                sanitised and turned into Markdown.
                Example: newsletter news import https://www.example.org/news/feed.xml --since 2026-11-01
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Argument(help: ArgumentHelp("The feed's URL, or a file.", valueName: "url-or-file")) var source: String
        @Option(help: ArgumentHelp("Skip entries dated before this day.", valueName: "date")) var since: CalendarDate?
        @Option(help: ArgumentHelp("Give up on a download after this many seconds.", valueName: "seconds"))
        var timeout = 60
        @Option(help: ArgumentHelp("Refuse a feed larger than this.", valueName: "megabytes")) var maxSize = 10

        func validate() throws {
            guard timeout > 0, maxSize > 0 else {
                throw ValidationError("--timeout and --max-size must be above zero.")
            }
        }

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            var importer = FeedImport(workspace: workspace)
            importer.fetcher.timeout = timeout
            importer.fetcher.maximumBytes = maxSize * 1024 * 1024
            let report = try importer.run(source: source, since: since)
            for problem in report.refused { Terminal.error(ErrorPresenter.render(problem, as: "warning")) }
            for (title, file) in report.added { Terminal.print("  \(file)  \(title)") }
            var skipped: [String] = []
            if report.alreadyImported > 0 { skipped.append("\(report.alreadyImported) already imported") }
            if report.repeatedInFeed > 0 { skipped.append("\(report.repeatedInFeed) repeated in the feed") }
            if report.olderThanSince > 0, let since { skipped.append("\(report.olderThanSince) older than \(since)") }
            let skippedCount = report.alreadyImported + report.repeatedInFeed + report.olderThanSince
            Terminal.print(
                "\(report.format) feed: added \(report.added.count), skipped \(skippedCount)"
                    + (skipped.isEmpty ? "" : " (\(skipped.joined(separator: ", ")))")
                    + ", refused \(report.refused.count)" + (report.refused.isEmpty ? "" : " (see the warnings above)")
                    + ".")
        }
    }
}
