internal import CLibXML2
public import Foundation
public import NewsletterCore
import XMLSupport

/// The static archive: an index of the sent issues (newest first), each issue's page as it was
/// sent at `issues/NNN/`, and an Atom feed. Every page is checked with libxml2's HTML parser
/// and the feed must be well-formed XML, before anything is written.
public struct ArchiveSite: Sendable {
    /// Relative path → contents.
    public var files: [(path: String, contents: String)]
    /// Issues marked sent that have no frozen copy, and so are left out.
    public var warnings: [Diagnostic]
    public var issueCount: Int

    public static let feedFile = "feed.xml"

    /// Renders and checks the archive of `workspace`.
    public init(workspace: Workspace) throws {
        var problems = DiagnosticCollector()
        let composer = problems.attempt { try IssueComposer(workspace: workspace) }
        let issues = (try workspace.issueNumbers()).compactMap { number in
            problems.attempt { try workspace.loadIssue(number) }
        }
        try problems.throwIfAny()
        guard let composer else { throw NewsletterError("The archive cannot be built.") }
        let (config, templates) = (composer.config, composer.templates)

        var warnings: [Diagnostic] = []
        var pages: [(issue: Issue, page: String)] = []
        for issue in issues where issue.isSent {
            guard let frozen = IssueFreezer.frozenWebPage(of: issue) else {
                warnings.append(
                    Diagnostic(
                        "Issue \(issue.number) is marked sent but has no frozen copy (\(workspace.displayPath(issue.folder))/\(IssueFreezer.folderName)/), so the archive leaves it out.",
                        at: SourceLocation(file: workspace.displayPath(issue.folder.appending(path: "issue.md"))),
                        hint: "`newsletter issue freeze \(issue.number)` keeps it as the current templates render it."))
                continue
            }
            pages.append((issue, try TextFile.read(frozen, displayPath: workspace.displayPath(frozen))))
        }
        // Newest first: by the time it was sent, then by number.
        pages.sort {
            ($0.issue.header.sent ?? .distantPast, $0.issue.number) > (
                $1.issue.header.sent ?? .distantPast, $1.issue.number
            )
        }

        let values = Self.values(config: config, issues: pages.map(\.issue))
        var files: [(String, String)] = [
            ("index.html", templates.render(.archive, context: values)),
            (Self.feedFile, templates.render(.feed, context: values)),
        ]
        for (issue, page) in pages {
            files.append(("issues/\(IssueNumber.folderName(issue.number))/index.html", page))
        }
        for (path, contents) in files {
            problems.attempt {
                if path == Self.feedFile {
                    try XMLWellFormedness.check(contents, name: path, origin: templates.origin(of: .feed))
                } else {
                    let origin = path == "index.html" ? templates.origin(of: .archive) : "the frozen copy of its issue"
                    try WebPageChecker.check(contents, name: path, origin: origin)
                }
            }
        }
        try problems.throwIfAny()
        self.files = files
        self.warnings = warnings
        issueCount = pages.count
    }

    /// Writes every file under `folder`, each atomically.
    public func write(to folder: URL) throws {
        for (path, contents) in files {
            try TextFile.writeAtomically(contents, to: folder.appending(path: path))
        }
    }

    static func values(config: NewsletterConfig, issues: [Issue]) -> [String: Any] {
        let locale = config.dateLocale
        let timestamp = Date.ISO8601FormatStyle()
        let entries: [[String: Any]] = issues.map { issue in
            let sent = issue.header.sent ?? issue.header.date.noonUTC
            var entry: [String: Any] = [
                "number": issue.number,
                "number_padded": IssueNumber.folderName(issue.number),
                "subject": issue.header.subject,
                "date": issue.header.date.formatted(locale: locale),
                "date_iso": issue.header.date.description,
                "url": "issues/\(IssueNumber.folderName(issue.number))/",
                "absolute_url": config.webURL(forIssue: issue.number).absoluteString,
                "updated": timestamp.format(sent),
            ]
            entry["summary"] = issue.header.preheader
            if let audience = issue.header.audience { entry["audience"] = audience }
            return entry
        }
        let latest =
            issues.compactMap { $0.header.sent ?? $0.header.date.noonUTC }.max() ?? Date(timeIntervalSince1970: 0)
        var home = config.baseURL.absoluteString
        if !home.hasSuffix("/") { home += "/" }
        var organisation: [String: Any] = [
            "name": config.organisation.name, "postal_address": config.organisation.postalAddress,
        ]
        organisation["website"] = config.organisation.website?.absoluteString
        return [
            "newsletter": [
                "name": config.name, "base_url": config.baseURL.absoluteString,
                "language": config.locale.replacingOccurrences(of: "_", with: "-"),
            ],
            "organisation": organisation,
            "labels": IssueContent.labelValues(config.labels, newsletter: config.name),
            "issues": entries,
            "feed": ["id": home, "home": home, "url": home + feedFile, "updated": timestamp.format(latest)],
        ]
    }
}

/// Well-formedness of an XML document (the feed), checked by libxml2 without network access
/// and without expanding entities.
enum XMLWellFormedness {
    static func check(_ document: String, name: String, origin: String) throws {
        let ((), problems) = XMLErrorCollector.collecting {
            let parsed = document.withCString { text in
                xmlReadMemory(text, Int32(strlen(text)), name, "UTF-8", Int32(XML_PARSE_NONET.rawValue))
            }
            if let parsed { xmlFreeDoc(parsed) }
        }
        let errors = problems.filter { !$0.isWarning }
        guard !errors.isEmpty else { return }
        throw NewsletterError(
            diagnostics: ValidationReport.diagnostics(for: errors, in: document, name: name, origin: origin))
    }
}
