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
    /// The issue's web page, as `build` writes it.
    public let webPage: String

    public init(workspace: Workspace, number: Int) throws {
        // The same checks as `newsletter build`: nothing is sent from an issue that does not build.
        let build = try IssueBuild(workspace: workspace, number: number)
        self.workspace = workspace
        config = build.composer.config
        issue = build.issue
        composer = build.composer
        content = IssueContent(issue: issue, config: config)
        webPage = build.rendered.webHTML
    }
}
