public import Foundation
public import NewsletterCore

/// Keeps an issue exactly as it was sent, so the archive shows what went out even after the
/// templates change: `issues/NNN/sent/` holds the web page and the email's HTML and text, the
/// personal values left as their placeholders, and `issue.md` records when and to how many.
public enum IssueFreezer {
    public static let folderName = "sent"
    public static let fileNames = (web: "web.html", email: "email.xhtml", text: "email.txt")

    /// The frozen web page of an issue, if it was frozen.
    public static func frozenWebPage(of issue: Issue) -> URL? {
        let file = issue.folder.appending(path: "\(folderName)/\(fileNames.web)")
        return FileManager.default.fileExists(atPath: file.path) ? file : nil
    }

    /// Freezes `issue` as `composer` renders it, unless an earlier send froze it already (the
    /// first send is the record); adds `audience` to the issue's total.
    public static func freeze(
        _ issue: Issue, composer: IssueComposer, workspace: Workspace, sentAt: Date, audience: Int
    ) throws {
        let folder = issue.folder.appending(path: folderName)
        if !FileManager.default.fileExists(atPath: folder.appending(path: fileNames.web).path) {
            let rendered = try composer.compose(issue)
            try TextFile.writeAtomically(rendered.emailXHTML, to: folder.appending(path: fileNames.email))
            try TextFile.writeAtomically(rendered.text, to: folder.appending(path: fileNames.text))
            // The web page last: its presence is what says the issue is frozen.
            try TextFile.writeAtomically(rendered.webHTML, to: folder.appending(path: fileNames.web))
        }
        try IssueEditor(workspace: workspace).recordSend(issue.number, at: sentAt, audience: audience)
    }

    /// `issue freeze`: marks an issue sent by other means (before the workspace existed) and
    /// freezes it; sent at `sentAt`, by default at noon UTC of the issue's date. An issue frozen
    /// already is refused: its copy is the record of what went out.
    public static func freezeByHand(
        _ issue: Issue, composer: IssueComposer, workspace: Workspace, sentAt: Date?, audience: Int
    ) throws {
        guard frozenWebPage(of: issue) == nil else {
            throw NewsletterError(
                "Issue \(issue.number) is frozen already.",
                hint: "Its copy in issues/\(IssueNumber.folderName(issue.number))/\(folderName)/ is what was sent.")
        }
        try freeze(
            issue, composer: composer, workspace: workspace, sentAt: sentAt ?? issue.header.date.noonUTC,
            audience: audience)
    }
}
