import Compose
public import Delivery
public import NewsletterCore

/// `doctor --links`: every http(s) link of the issue's items and introduction fetched, each
/// broken one named with the file it came from.
public enum LinkCheck {
    public static func findings(message: MessagePreview, issue: Issue, timeout: Int) -> [Finding] {
        let outline = HTMLOutline(html: message.html)
        var seen: Set<String> = []
        let web = outline.links.map(\.href).filter {
            let lowered = $0.lowercased()
            return (lowered.hasPrefix("http://") || lowered.hasPrefix("https://")) && seen.insert($0).inserted
        }
        // The template's own links (the issue's web page, the unsubscribe page) are not online
        // before the issue is sent and published: only what the editor wrote is fetched.
        let origins = Dictionary(uniqueKeysWithValues: web.map { ($0, origin(of: $0, in: issue)) }).compactMapValues {
            $0
        }
        let urls = web.filter { origins[$0] != nil }
        guard !urls.isEmpty else { return [.passed(.links, "The issue's items and introduction have no web links.")] }
        let results = LinkChecker.check(urls, timeout: timeout)
        let broken = results.filter(\.isBroken)
        guard !broken.isEmpty else {
            return [
                .passed(
                    .links,
                    "All \(MessageChecks.count(urls.count, "link")) of the items and the introduction answer (HEAD, or GET where HEAD is refused)."
                )
            ]
        }
        return broken.map { result in
            let what = result.failure ?? "HTTP \(result.status ?? 0)"
            return .warning(
                .links, "\(origins[result.url] ?? ""): \(result.url) is broken (\(what)).",
                hint: "Fix or remove the link; readers who click it land nowhere, and filters notice.")
        }
    }

    /// The item file whose text holds `url`, or the issue's introduction; nil for the template's.
    static func origin(of url: String, in issue: Issue) -> String? {
        for item in issue.items {
            let text = (try? String(contentsOf: item.file, encoding: .utf8)) ?? ""
            if text.contains(url) { return item.displayPath }
        }
        if issue.header.intro.contains(url) { return "issues/\(IssueNumber.folderName(issue.number))/issue.md" }
        return nil
    }
}
