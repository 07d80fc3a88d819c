import Foundation
public import NewsletterCore

/// `newsletter news import`: a website's feed into the inbox. The whole feed is fetched and
/// parsed before anything is written; entries already imported (recognised by their `source`,
/// the entry's guid or id, in the inbox or in any issue) are skipped, so importing twice adds
/// nothing new; entries without a title or a date are refused with a warning that names them.
public struct FeedImport: Sendable {
    public struct Report: Sendable {
        public var format = ""
        public var added: [(title: String, file: String)] = []
        public var alreadyImported = 0
        public var repeatedInFeed = 0
        public var olderThanSince = 0
        /// Entries refused, each named, with the reason.
        public var refused: [Diagnostic] = []
    }

    public let workspace: Workspace
    public var fetcher = FeedFetcher()

    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    public func run(source: String, since: CalendarDate? = nil) throws -> Report {
        let data = try fetcher.fetch(source)
        let feed = try FeedParser.parse(data, source: source)
        var report = Report(format: feed.format.rawValue)
        var known = knownSources()
        var files: [(URL, String)] = []
        var names = Set((try? FileManager.default.contentsOfDirectory(atPath: workspace.inboxFolder.path)) ?? [])
        for entry in feed.entries {
            let name = entry.title.map { "“\($0)”" } ?? entry.id.map { "`\($0)`" } ?? "the entry"
            let location = SourceLocation(file: source, line: entry.line)
            guard let title = entry.title else {
                report.refused.append(
                    Diagnostic(
                        "The entry \(name) has no title; it is skipped.", at: location,
                        hint: "Give it a title in the feed, or write the item by hand."))
                continue
            }
            guard let date = entry.date else {
                let reason =
                    entry.dateText.map { "its date `\($0)` is not an RFC 822 or RFC 3339 date" } ?? "it has no date"
                report.refused.append(
                    Diagnostic(
                        "The entry \(name) is skipped: \(reason).", at: location,
                        hint: "Items need a date to be collected into an issue."))
                continue
            }
            let sourceID = entry.id ?? entry.link ?? "\(source)#\(title)"
            guard known.insert(sourceID).inserted else {
                if files.contains(where: { $0.1.contains(YAMLText.quoted(sourceID)) }) {
                    report.repeatedInFeed += 1
                } else {
                    report.alreadyImported += 1
                }
                continue
            }
            if let since, date.day < since {
                report.olderThanSince += 1
                continue
            }
            guard let text = itemText(entry, title: title, day: date.day, source: sourceID) else {
                report.refused.append(
                    Diagnostic(
                        "The entry \(name) is skipped: its HTML nests elements more than 256 deep, and the HTML parser stops there, so most of its text would be lost.",
                        at: location, hint: "Copy its text into an item by hand."))
                continue
            }
            let file = workspace.inboxFolder.appending(path: uniqueName(title: title, day: date.day, taken: &names))
            do {
                _ = try NewsItem(parsing: text, file: file, displayPath: workspace.displayPath(file))
            } catch {
                report.refused.append(
                    Diagnostic("The entry \(name) does not make a valid item: \(error).", at: location))
                continue
            }
            files.append((file, text))
            report.added.append((title, workspace.displayPath(file)))
        }
        for (file, text) in files { try TextFile.writeAtomically(text, to: file) }
        return report
    }

    /// The `source` of every item in the inbox and in every issue. An item that cannot be read
    /// is left out here: `newsletter check` reports it.
    private func knownSources() -> Set<String> {
        var folders = [workspace.inboxFolder]
        folders += ((try? workspace.issueNumbers()) ?? []).map { workspace.issueFolder($0).appending(path: "items") }
        var sources = Set<String>()
        for folder in folders {
            for file in (try? workspace.markdownFiles(in: folder)) ?? [] {
                if let source = try? NewsItem(contentsOf: file, displayPath: file.path).source {
                    sources.insert(source)
                }
            }
        }
        return sources
    }

    /// The item's file, or `nil` when the entry's body cannot be read whole.
    private func itemText(_ entry: FeedEntry, title: String, day: CalendarDate, source: String) -> String? {
        var lines = ["---", "title: \(YAMLText.quoted(title))", "date: \(day)"]
        if let summary = entry.summary, !summary.isEmpty { lines.append("summary: \(YAMLText.quoted(summary))") }
        if let link = entry.link, URLCheck.isAbsoluteWebURL(link) { lines.append("link: \(YAMLText.quoted(link))") }
        lines.append("source: \(YAMLText.quoted(source))")
        lines.append("---")
        var body = ""
        if let html = entry.bodyHTML {
            guard let markdown = MarkdownWriter.markdown(fromHTML: html) else { return nil }
            body = markdown
        }
        return lines.joined(separator: "\n") + "\n" + body + (body.isEmpty ? "" : "\n")
    }

    /// `2026-11-02-lisbon-assembly-elects-a-new-board.md`, made unique in the inbox.
    private func uniqueName(title: String, day: CalendarDate, taken: inout Set<String>) -> String {
        let folded = title.folding(
            options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en"))
        var slug = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.hasSuffix("-"), !slug.isEmpty {
                slug.append("-")
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        if slug.count > 60 { slug = String(slug.prefix(60)).split(separator: "-").dropLast().joined(separator: "-") }
        if slug.isEmpty { slug = "news" }
        var name = "\(day)-\(slug).md"
        var counter = 2
        while taken.contains(name) {
            name = "\(day)-\(slug)-\(counter).md"
            counter += 1
        }
        taken.insert(name)
        return name
    }
}
