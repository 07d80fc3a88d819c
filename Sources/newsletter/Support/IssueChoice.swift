import NewsletterCore

/// `build`, `preview` and `send` without a number take the newest draft, as `issue collect`
/// does, and say which on standard error, so that the editor sees it and the output stays the result.
enum IssueChoice {
    static func number(_ given: Int?, in workspace: Workspace, command: String) throws -> Int {
        if let given { return given }
        let number = try IssueEditor(workspace: workspace).newestDraft(for: command)
        Terminal.error("Taking issue \(number), the newest draft (name another: `newsletter \(command) N`).")
        return number
    }
}
