public import Foundation

/// A numbered issue: `issues/NNN/issue.md` (subject, date, preheader, status and the editor's
/// introduction) and the news items in `issues/NNN/items/`, in file-name order.
public struct Issue: Sendable, Equatable {
    public var number: Int
    public var folder: URL
    public var header: IssueHeader
    public var items: [NewsItem]

    public var isSent: Bool { header.status == .sent }

    public init(number: Int, folder: URL, header: IssueHeader, items: [NewsItem]) {
        self.number = number
        self.folder = folder
        self.header = header
        self.items = items
    }
}

public enum IssueStatus: String, Sendable, CaseIterable {
    /// Being written: items can be collected and added.
    case draft
    /// Mailed: frozen, nothing may be added.
    case sent
}

/// `issue.md`: the front matter and the introduction.
public struct IssueHeader: Sendable, Equatable {
    public var subject: String
    public var date: CalendarDate
    /// The line mail clients show after the subject.
    public var preheader: String?
    public var status: IssueStatus
    /// When the issue was first sent (ISO 8601, UTC), and to how many addresses in all; written
    /// by `newsletter send` when a send completes, shown by the archive.
    public var sent: Date?
    public var audience: Int?

    /// "marked sent on 2026-05-04T08:00:00Z to 27 addresses", with what the header knows.
    public var markedSent: String {
        "marked sent" + (sent.map { " on \(Self.timestamp.format($0))" } ?? "")
            + (audience.map { " to \($0) addresses" } ?? "")
    }
    /// The editor's introduction, in Markdown, and the file line it starts on.
    public var intro: String
    public var introLine: Int

    public static let fields = ["subject", "date", "preheader", "status", "sent", "audience"]

    public init(
        subject: String, date: CalendarDate, preheader: String?, status: IssueStatus, intro: String, introLine: Int
    ) {
        self.subject = subject
        self.date = date
        self.preheader = preheader
        self.status = status
        self.intro = intro
        self.introLine = introLine
    }

    private static let timestamp = Date.ISO8601FormatStyle()

    public init(parsing text: String, displayPath: String) throws {
        let front = try FrontMatter(text: text, file: displayPath)
        var problems = DiagnosticCollector()
        problems.attempt { try front.requireOnly(Self.fields) }
        let subject = problems.attempt { try front.text("subject", required: true) } ?? nil
        let date = problems.attempt { try front.date("date", required: true) } ?? nil
        let preheader = problems.attempt { try front.text("preheader") } ?? nil
        let statusText = problems.attempt { try front.text("status") } ?? nil
        let sentText = problems.attempt { try front.text("sent") } ?? nil
        let sent = sentText.flatMap { try? Self.timestamp.parse($0) }
        if let sentText, sent == nil {
            problems.record(
                Diagnostic(
                    "`sent` must be a time such as 2026-11-29T07:14:30Z, found `\(sentText)`.",
                    at: front.location(of: "sent"),
                    hint: "`newsletter send` writes it; remove the line if the issue was not sent."))
        }
        let audienceText = problems.attempt { try front.text("audience") } ?? nil
        let audience = audienceText.flatMap { Int($0) }
        if let audienceText, audience == nil {
            problems.record(
                Diagnostic(
                    "`audience` must be a whole number, found `\(audienceText)`.", at: front.location(of: "audience"),
                    hint: "`newsletter send` writes it: the number of addresses the issue was sent to."))
        }
        let status = IssueStatus(rawValue: statusText ?? IssueStatus.draft.rawValue)
        if status == nil {
            problems.record(
                Diagnostic(
                    "`status` must be `draft` or `sent`, found `\(statusText ?? "")`.",
                    at: front.location(of: "status"),
                    hint: "New issues are `draft`; `newsletter send` marks them `sent`."))
        }
        try problems.throwIfAny()
        guard let subject, let date, let status else {
            throw NewsletterError("The issue has no subject or date.", at: SourceLocation(file: displayPath, line: 1))
        }
        self.init(
            subject: subject, date: date, preheader: preheader, status: status, intro: front.body,
            introLine: front.bodyLine)
        self.sent = sent
        self.audience = audience
    }

    /// The text of `issue.md` for this header, front matter first.
    public var fileText: String {
        var lines = ["---", "subject: \(YAMLText.quoted(subject))", "date: \(date)"]
        if let preheader { lines.append("preheader: \(YAMLText.quoted(preheader))") }
        lines.append("status: \(status.rawValue)")
        if let sent { lines.append("sent: \(Self.timestamp.format(sent))") }
        if let audience { lines.append("audience: \(audience)") }
        lines.append("---")
        return lines.joined(separator: "\n") + "\n" + intro
    }
}

/// Writing single-line YAML strings safely: always double-quoted and escaped.
public enum YAMLText {
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    result += String(format: "\\u%04X", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
