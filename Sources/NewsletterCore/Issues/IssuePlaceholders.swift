import Foundation

/// What `issue new` writes where the editor has yet to write: the subject (when none is given),
/// the preheader (when none is given) and the introduction. An issue that still holds one is
/// not ready: `check` and `send` refuse it, naming the line, so the placeholder is never mailed.
public enum IssuePlaceholder: String, Sendable, CaseIterable {
    case subject, preheader, introduction

    /// The text `issue new` writes for issue `number` of the newsletter called `name`.
    public static func subjectText(newsletter name: String, issueLabel: String, number: Int) -> String {
        "\(name), \(issueLabel) \(number) \(subjectMark)"
    }

    public static let preheaderText = "(Write the preheader here: the line mail clients show after the subject.)"

    public static func introductionText(number: Int) -> String {
        "Write the introduction to issue \(number) here, in Markdown."
    }

    /// Each placeholder is recognised by a part the editor would not write, whatever the number,
    /// the newsletter's name or the line around it.
    private static let subjectMark = "(write the subject here)"
    private static let preheaderMark = "(write the preheader here"
    private static let introductionMarks = ["write the introduction to issue", "here, in markdown."]

    /// The placeholders still in `header`.
    public static func remaining(in header: IssueHeader) -> [IssuePlaceholder] {
        func holds(_ text: String?, _ marks: [String]) -> Bool {
            guard let text = text?.lowercased() else { return false }
            return marks.allSatisfy { text.contains($0) }
        }
        return allCases.filter { placeholder in
            switch placeholder {
            case .subject: holds(header.subject, [subjectMark])
            case .preheader: holds(header.preheader, [preheaderMark])
            case .introduction: holds(header.intro, introductionMarks)
            }
        }
    }

    /// One problem per placeholder left in issue `issue`, at its line of `issue.md`.
    public static func problems(in issue: Issue, workspace: Workspace) -> [Diagnostic] {
        let file = issue.folder.appending(path: "issue.md")
        let lines = ((try? String(contentsOf: file, encoding: .utf8)) ?? "").lowercased()
            .split(separator: "\n", omittingEmptySubsequences: false)
        return remaining(in: issue.header).map { placeholder in
            let mark =
                switch placeholder {
                case .subject: subjectMark
                case .preheader: preheaderMark
                case .introduction: introductionMarks[0]
                }
            let line = lines.firstIndex { $0.contains(mark) }.map { $0 + 1 }
            return Diagnostic(
                "The \(placeholder.rawValue) of issue \(issue.number) is still the placeholder that `issue new` wrote.",
                at: SourceLocation(file: workspace.displayPath(file), line: line),
                hint: placeholder.remedy)
        }
    }

    private var remedy: String {
        switch self {
        case .subject: "Write the issue's subject on that line, in place of the placeholder."
        case .preheader:
            "Write the line mail clients show after the subject, or remove the `preheader` line to show none."
        case .introduction: "Write the introduction below the front matter, in place of the placeholder."
        }
    }
}
