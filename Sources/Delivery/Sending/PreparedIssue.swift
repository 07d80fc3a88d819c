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

    /// What `check` and `build` point out about the issue without refusing it.
    public let warnings: [Diagnostic]
    /// The DKIM signatures of its messages (`[dkim]`), when the config has keys.
    public let dkim: DKIMSigner?

    /// `allowingPlaceholders`: for a test copy to the editor, of an issue still being written;
    /// otherwise an issue that holds a placeholder `issue new` wrote is refused.
    public init(workspace: Workspace, number: Int, allowingPlaceholders: Bool = false) throws {
        // The same checks as `newsletter build`: nothing is sent from an issue that does not build.
        let build = try IssueBuild(workspace: workspace, number: number)
        if allowingPlaceholders {
            warnings = build.warnings + build.placeholders
        } else {
            try build.requireNoPlaceholders()
            warnings = build.warnings
        }
        self.workspace = workspace
        config = build.composer.config
        dkim = try DKIMSigner.load(config.dkim, workspace: workspace)
        issue = build.issue
        composer = build.composer
        content = IssueContent(issue: issue, config: config)
        webPage = build.rendered.webHTML
    }
}
