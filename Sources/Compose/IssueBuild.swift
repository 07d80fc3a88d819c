public import Foundation
public import NewsletterCore

/// One issue, loaded, checked and rendered: what `newsletter build` writes and `check` checks.
public struct IssueBuild: Sendable {
    public let issue: Issue
    public let rendered: RenderedIssue
    /// What rendered it: the workspace's config and templates.
    public let composer: IssueComposer
    /// What `check` and `build` point out without refusing the issue.
    public let warnings: [Diagnostic]
    /// The placeholders `issue new` wrote that are still there: `check` and `send` refuse the
    /// issue for them, `build` and `preview` only say so.
    public let placeholders: [Diagnostic]

    public static let fileNames = (email: "email.xhtml", text: "email.txt", web: "web.html")

    /// Loads issue `number` with the workspace's config and templates, refuses items found in
    /// another issue, renders and validates. Every problem found is reported together.
    public init(workspace: Workspace, number: Int) throws {
        var problems = DiagnosticCollector()
        let composer = problems.attempt { try IssueComposer(workspace: workspace) }
        let issue = problems.attempt { try workspace.loadIssue(number) }
        try problems.throwIfAny()
        guard let composer, let issue else { throw NewsletterError("Issue \(number) cannot be built.") }
        try self.init(workspace: workspace, issue: issue, composer: composer)
    }

    /// Builds an issue already loaded, with a composer shared by several builds.
    public init(workspace: Workspace, issue: Issue, composer: IssueComposer) throws {
        var problems = DiagnosticCollector()
        problems.attempt { try workspace.checkNoDuplicates(in: issue) }
        let composed = problems.attempt { try composer.composeWithWarnings(issue) }
        try problems.throwIfAny()
        guard let composed else { throw NewsletterError("Issue \(issue.number) cannot be built.") }
        self.issue = issue
        self.rendered = composed.rendered
        self.composer = composer
        warnings = composed.warnings
        placeholders = IssuePlaceholder.problems(in: issue, workspace: workspace)
    }

    /// Throws the placeholders left in the issue, if any: an issue is not ready to check clean
    /// or to send while one is there.
    public func requireNoPlaceholders() throws {
        if !placeholders.isEmpty { throw NewsletterError(diagnostics: placeholders) }
    }

    /// Writes the three files into `folder`, each atomically; returns their names and sizes.
    public func write(to folder: URL) throws -> [(name: String, bytes: Int)] {
        let files = [
            (Self.fileNames.email, rendered.emailXHTML),
            (Self.fileNames.text, rendered.text),
            (Self.fileNames.web, rendered.webHTML),
        ]
        for (name, text) in files {
            try TextFile.writeAtomically(text, to: folder.appending(path: name))
        }
        return files.map { ($0.0, $0.1.utf8.count) }
    }
}
