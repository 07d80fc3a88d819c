import NewsletterCore

/// The `check` warnings about line breaks (`compose.line_breaks`), each with the fix.
enum LineBreakWarnings {
    static func diagnostics(_ findings: [LineBreakFinding], file: String, firstLine: Int, rule: LineBreakRule)
        -> [Diagnostic]
    {
        findings.map { finding in
            let line = firstLine + finding.line - 1
            switch finding.kind {
            case .joinedAmongKept:
                return Diagnostic(
                    "This line is joined to the next one, since it reaches the paragraph's width, while the paragraph's shorter lines stay lines.",
                    at: SourceLocation(file: file, line: line),
                    hint:
                        "To keep it a line of its own, end it with a backslash (`\\`); if the paragraph is one paragraph, join its lines."
                )
            case .joinedShortLines:
                let last = firstLine + finding.lastLine - 1
                return Diagnostic(
                    "Lines \(line) to \(last) are joined into one line, as CommonMark has it (`compose.line_breaks = \"\(rule.rawValue)\"`), though they look like lines of their own.",
                    at: SourceLocation(file: file, line: line),
                    hint:
                        "End each line that should stay a line with a backslash (`\\`), or set `line_breaks = \"auto\"` under [compose] in newsletter.toml."
                )
            }
        }
    }
}
