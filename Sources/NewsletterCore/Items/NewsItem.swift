public import Foundation

/// One piece of news: a Markdown file with YAML front matter, in the inbox or in an issue.
public struct NewsItem: Sendable, Equatable {
    /// Where the item lives, and how messages name it (relative to the workspace).
    public var file: URL
    public var displayPath: String

    public var title: String
    public var date: CalendarDate
    public var summary: String?
    /// "Read the full article" on the organisation's website.
    public var link: String?
    public var attachments: [Attachment]
    public var tags: [String]
    /// Where the item came from, such as a feed entry's id; imports use it to recognise an item.
    public var source: String?

    /// The CommonMark text after the front matter, and the file line it starts on.
    public var body: String
    public var bodyLine: Int

    public struct Attachment: Sendable, Equatable {
        public var title: String
        public var url: String

        public init(title: String, url: String) {
            self.title = title
            self.url = url
        }
    }

    /// The front-matter fields an item may have, in the order `init` writes them.
    public static let fields = ["title", "date", "summary", "link", "attachments", "tags", "source"]
}

extension NewsItem {
    /// Reads and checks the item at `url`. Problems name `displayPath` and the line.
    public init(contentsOf url: URL, displayPath: String) throws {
        let text = try TextFile.read(url, displayPath: displayPath)
        try self.init(parsing: text, file: url, displayPath: displayPath)
    }

    /// Every problem in the front matter is reported together, each with its line.
    public init(parsing text: String, file: URL, displayPath: String) throws {
        let front = try FrontMatter(text: text, file: displayPath)
        var problems = DiagnosticCollector()
        problems.attempt { try front.requireOnly(Self.fields) }
        let title = problems.attempt { try front.text("title", required: true) } ?? nil
        let date = problems.attempt { try front.date("date", required: true) } ?? nil
        let summary = problems.attempt { try front.text("summary") } ?? nil
        let link = problems.attempt { try front.url("link") } ?? nil
        let attachments = problems.attempt { try Self.attachments(in: front) } ?? []
        let tags = problems.attempt { try front.textList("tags") } ?? []
        let source = problems.attempt { try front.text("source") } ?? nil
        try problems.throwIfAny()
        guard let title, let date else {
            throw NewsletterError("The item has no title or date.", at: SourceLocation(file: displayPath, line: 1))
        }
        self.init(
            file: file, displayPath: displayPath, title: title, date: date, summary: summary, link: link,
            attachments: attachments, tags: tags, source: source, body: front.body, bodyLine: front.bodyLine)
    }

    private static func attachments(in front: FrontMatter) throws -> [Attachment] {
        try front.mappingList("attachments").enumerated().map { index, entry in
            let label = "attachments[\(index + 1)]"
            guard let title = entry.fields["title"]?.scalar?.string.trimmingCharacters(in: .whitespaces),
                !title.isEmpty,
                !title.contains(where: \.isControlCharacter)
            else {
                throw NewsletterError(
                    "\(label) needs a `title` on one line.", at: SourceLocation(file: front.file, line: entry.line),
                    hint: "Give the document a name readers recognise, such as `Strategic assessment 2026 (PDF)`.")
            }
            guard let url = try front.url("url", at: entry.fields["url"], line: entry.line, label: "\(label).url")
            else {
                throw NewsletterError(
                    "\(label) needs a `url`.", at: SourceLocation(file: front.file, line: entry.line),
                    hint: "Add `url: https://…` under its title.")
            }
            return Attachment(title: title, url: url)
        }
    }
}

extension NewsItem {
    /// What makes two files the same piece of news: the same `source`, or the same title on the
    /// same day. An item found twice in the issues is refused.
    public var identityKeys: [String] {
        var keys = ["title:\(date) \(title.lowercased())"]
        if let source { keys.append("source:\(source)") }
        return keys
    }
}
