public import Compose
import Foundation
public import NewsletterCore

/// An issue ready to be mailed: loaded, rendered once with placeholders and validated, with
/// the config, the composer and the per-recipient content.
public struct PreparedIssue: Sendable {
    public let workspace: Workspace
    public let config: NewsletterConfig
    public let issue: Issue
    public let composer: IssueComposer
    public let content: IssueContent

    public init(workspace: Workspace, number: Int) throws {
        var problems = DiagnosticCollector()
        let config = problems.attempt { try workspace.loadConfig() }
        let templates = problems.attempt { try TemplateSet(workspace: workspace) }
        let issue = problems.attempt { try workspace.loadIssue(number) }
        try problems.throwIfAny()
        guard let config, let templates, let issue else { throw NewsletterError("Issue \(number) cannot be prepared.") }
        let composer = IssueComposer(config: config, templates: templates)
        // The same checks as `newsletter build`: nothing is sent from an issue that does not build.
        _ = try IssueBuild(workspace: workspace, issue: issue, composer: composer)
        self.workspace = workspace
        self.config = config
        self.issue = issue
        self.composer = composer
        content = IssueContent(issue: issue, config: config)
    }
}
