import NewsletterCore

/// How `issue list` and `issue show` lay out issues for the terminal.
enum IssueTable {
    static func render(_ issues: [Issue]) -> String {
        guard !issues.isEmpty else { return "No issues yet. Start one with `newsletter issue new`." }
        // The number column grows past issue 999 rather than pushing the rest out of line.
        let numberWidth = max(3, issues.map { String($0.number).count }.max() ?? 0)
        var lines = [pad("No.", numberWidth) + "  Date        Status  Items  Subject"]
        for issue in issues {
            lines.append(
                pad(String(issue.number), numberWidth, right: true) + "  " + issue.header.date.description + "  "
                    + pad(issue.header.status.rawValue, 6) + "  " + pad(String(issue.items.count), 5, right: true)
                    + "  "
                    + issue.header.subject)
        }
        return lines.joined(separator: "\n")
    }

    static func details(of issue: Issue, workspace: Workspace) -> String {
        var lines = [
            "Issue \(issue.number) (\(issue.header.status.rawValue)), \(issue.header.date)",
            "Subject:   \(issue.header.subject)",
        ]
        if let preheader = issue.header.preheader { lines.append("Preheader: \(preheader)") }
        lines.append("Folder:    \(workspace.displayPath(issue.folder))/")
        lines.append("")
        lines.append("Items (\(issue.items.count)):")
        let width = issue.items.map { $0.file.lastPathComponent.count }.max() ?? 0
        for item in issue.items {
            lines.append("  \(pad(item.file.lastPathComponent, width))  \(item.date)  \(item.title)")
        }
        if issue.items.isEmpty {
            lines.append("  none yet: `newsletter issue collect \(issue.number)` moves the inbox's items here.")
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
