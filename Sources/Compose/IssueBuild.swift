public import Foundation
public import NewsletterCore

/// One issue, loaded, checked and rendered: what `newsletter build` writes and `check` checks.
public struct IssueBuild: Sendable {
    public let issue: Issue
    public let rendered: RenderedIssue
    /// What rendered it: the workspace's config and templates.
    public let composer: IssueComposer

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
        let rendered = problems.attempt { try composer.compose(issue) }
        try problems.throwIfAny()
        guard let rendered else { throw NewsletterError("Issue \(issue.number) cannot be built.") }
        self.issue = issue
        self.rendered = rendered
        self.composer = composer
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
