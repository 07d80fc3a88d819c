public import Foundation

/// The editor's changes to issues: starting the next one, collecting the inbox into it, adding
/// files by hand. Each checks everything first and only then moves files, one rename at a time,
/// so a refused command changes nothing.
public struct IssueEditor: Sendable {
    public let workspace: Workspace

    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// A file an item was taken from, and where it is now.
    public struct Placement: Sendable, Equatable {
        public var item: NewsItem
        public var destination: URL
    }

    /// Starts the next issue: one more than the highest number, in a new `issues/NNN/` folder.
    public func createIssue(subject: String?, date: CalendarDate, preheader: String?, config: NewsletterConfig) throws
        -> Issue
    {
        let number = (try workspace.issueNumbers().last ?? 0) + 1
        let folder = workspace.issueFolder(number)
        // Whatever the editor did not give is a placeholder that `check` and `send` refuse.
        let header = IssueHeader(
            subject: try Self.checkedSubject(
                subject
                    ?? IssuePlaceholder.subjectText(
                        newsletter: config.name, issueLabel: config.labels["issue"], number: number)),
            date: date, preheader: preheader ?? IssuePlaceholder.preheaderText,
            status: .draft, intro: "\n\(IssuePlaceholder.introductionText(number: number))\n", introLine: 7)
        let folderExisted = FileManager.default.fileExists(atPath: folder.path)
        do {
            try FileManager.default.createDirectory(
                at: folder.appending(path: "items"), withIntermediateDirectories: true)
        } catch {
            throw NewsletterError(
                "The folder \(workspace.displayPath(folder)) cannot be created: \(TextFile.describe(error)).",
                hint: "Check the permissions of \(workspace.displayPath(workspace.issuesFolder)).")
        }
        do {
            try TextFile.writeAtomically(header.fileText, to: folder.appending(path: "issue.md"))
        } catch {
            // A folder without its issue.md would stop every command that lists the issues.
            if !folderExisted { try? FileManager.default.removeItem(at: folder) }
            throw error
        }
        return try workspace.loadIssue(number)
    }

    /// Moves the inbox items dated within `since...until` into issue `number` (default: the newest
    /// draft), oldest first, after the items it already has.
    public func collect(into number: Int?, since: CalendarDate?, until: CalendarDate?) throws -> (
        issue: Int, placed: [Placement]
    ) {
        let target = try number ?? newestDraft(for: "issue collect")
        let issue = try draftIssue(target)
        let pending = try workspace.inboxItems().filter { item in
            (since.map { item.date >= $0 } ?? true) && (until.map { item.date <= $0 } ?? true)
        }
        try workspace.checkNotInAnyIssue(pending)
        let placed = try place(pending, in: issue, moving: { _ in true })
        return (target, placed)
    }

    /// Adds the given item files to issue `number`, in the order given. Files from the inbox are
    /// moved out of it; files from elsewhere are copied, never removed.
    public func add(_ files: [URL], to number: Int) throws -> [Placement] {
        let issue = try draftIssue(number)
        var problems = DiagnosticCollector()
        let items = files.compactMap { file in
            problems.attempt { try NewsItem(contentsOf: file, displayPath: workspace.displayPath(file)) }
        }
        try problems.throwIfAny()
        try workspace.checkNotInAnyIssue(items)
        let inbox = workspace.inboxFolder.standardizedFileURL.path
        return try place(
            items, in: issue, moving: { $0.file.deletingLastPathComponent().standardizedFileURL.path == inbox })
    }

    /// The newest issue that is still a draft: what `collect`, `build`, `preview` and `send`
    /// take when no number is given. `command` names the command in the error's hint.
    public func newestDraft(for command: String) throws -> Int {
        let numbers = try workspace.issueNumbers()
        for number in numbers.reversed() {
            if let issue = try? workspace.loadIssue(number), !issue.isSent { return number }
        }
        throw NewsletterError(
            numbers.isEmpty
                ? "There is no issue yet, so no draft to take."
                : "There is no draft issue: every issue (\(numbers.map(String.init).joined(separator: ", "))) has been sent.",
            hint: "Start the next one with `newsletter issue new`, or name an issue: `newsletter \(command) N`.")
    }

    private func draftIssue(_ number: Int) throws -> Issue {
        let issue = try workspace.loadIssue(number)
        guard !issue.isSent else {
            throw NewsletterError(
                "Issue \(number) has been sent and cannot be changed.",
                at: SourceLocation(file: workspace.displayPath(issue.folder.appending(path: "issue.md"))),
                hint: "Start the next issue with `newsletter issue new` and add the items there.")
        }
        return issue
    }

    private func place(_ items: [NewsItem], in issue: Issue, moving shouldMove: (NewsItem) -> Bool) throws
        -> [Placement]
    {
        let itemsFolder = issue.folder.appending(path: "items")
        let existing = try workspace.markdownFiles(in: itemsFolder).map(\.lastPathComponent)
        var next = (existing.compactMap { FileOrder.split($0).number }.max() ?? 0) + 1
        let width = max(2, String(next + items.count - 1).count)
        var placed: [Placement] = []
        try FileManager.default.createDirectory(at: itemsFolder, withIntermediateDirectories: true)
        for item in items {
            let position = String(repeating: "0", count: max(0, width - String(next).count)) + String(next)
            let destination = itemsFolder.appending(path: "\(position)-\(item.file.lastPathComponent)")
            do {
                if shouldMove(item) {
                    try FileManager.default.moveItem(at: item.file, to: destination)
                } else {
                    try TextFile.writeAtomically(Data(contentsOf: item.file), to: destination)
                }
            } catch {
                throw NewsletterError(
                    "\(item.displayPath) cannot be placed in \(workspace.displayPath(itemsFolder)): \(TextFile.describe(error)).",
                    hint: placed.isEmpty ? "Nothing was changed." : "\(placed.count) item(s) before it were placed.")
            }
            placed.append(Placement(item: item, destination: destination))
            next += 1
        }
        return placed
    }

    static func checkedSubject(_ subject: String) throws -> String {
        let trimmed = subject.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !trimmed.contains(where: \.isControlCharacter) else {
            throw NewsletterError(
                "The subject must be one line of text.", hint: "Leave out line breaks and control characters.")
        }
        return trimmed
    }
}

extension IssueEditor {
    /// Records a completed send in the issue's `issue.md`: `status: sent`, the time of the first
    /// send, and the total audience so far. The introduction is kept as it is.
    public func recordSend(_ number: Int, at date: Date, audience: Int) throws {
        var issue = try workspace.loadIssue(number)
        issue.header.status = .sent
        issue.header.sent = issue.header.sent ?? date
        issue.header.audience = (issue.header.audience ?? 0) + audience
        try TextFile.writeAtomically(issue.header.fileText, to: issue.folder.appending(path: "issue.md"))
    }
}
