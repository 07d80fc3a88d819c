/// One piece of news in two places would be mailed twice: these checks find it.
extension Workspace {
    /// Refuses an issue whose items repeat each other or an item of another issue.
    public func checkNoDuplicates(in issue: Issue) throws {
        var problems = DiagnosticCollector()
        var seen: [String: NewsItem] = [:]
        for item in issue.items {
            for key in item.identityKeys {
                if let first = seen[key], first.displayPath != item.displayPath {
                    problems.record(Self.duplicate(item, of: first))
                    break
                }
                seen[key] = item
            }
        }
        for other in try issueNumbers() where other != issue.number {
            // Another issue that cannot be read is its own problem, reported when it is checked.
            guard let otherIssue = try? loadIssue(other) else { continue }
            if let clash = firstClash(of: issue.items, with: otherIssue.items) {
                problems.record(Self.duplicate(clash.item, of: clash.existing, otherIssue: other))
            }
        }
        try problems.throwIfAny()
    }

    /// Refuses items that are already in an issue, before anything is moved.
    func checkNotInAnyIssue(_ items: [NewsItem]) throws {
        var problems = DiagnosticCollector()
        for number in try issueNumbers() {
            guard let issue = try? loadIssue(number) else { continue }
            for item in items {
                if let clash = firstClash(of: [item], with: issue.items) {
                    problems.record(Self.duplicate(clash.item, of: clash.existing, otherIssue: number))
                }
            }
        }
        try problems.throwIfAny()
    }

    private func firstClash(of items: [NewsItem], with others: [NewsItem]) -> (item: NewsItem, existing: NewsItem)? {
        var keys: [String: NewsItem] = [:]
        for other in others { for key in other.identityKeys { keys[key] = other } }
        for item in items {
            for key in item.identityKeys {
                if let existing = keys[key] {
                    return (item, existing)
                }
            }
        }
        return nil
    }

    private static func duplicate(_ item: NewsItem, of existing: NewsItem, otherIssue: Int? = nil) -> Diagnostic {
        let sameFile = existing.file.standardizedFileURL == item.file.standardizedFileURL
        let place =
            otherIssue.map { sameFile ? "issue \($0)" : "issue \($0) as \(existing.displayPath)" }
            ?? existing.displayPath
        return Diagnostic(
            "This item (“\(item.title)”, \(item.date)) is already in \(place).",
            at: SourceLocation(file: item.displayPath, line: 1),
            hint: "An item belongs to one issue only: remove one of the two files.")
    }
}
