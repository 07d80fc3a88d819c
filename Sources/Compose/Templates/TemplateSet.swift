import Foundation
internal import Mustache
public import NewsletterCore

/// The Mustache templates an issue is rendered with: the workspace's own files in `templates/`,
/// or the built-in defaults for any it does not have.
public struct TemplateSet: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case email = "email.xhtml.mustache"
        case text = "email.txt.mustache"
        case web = "web.html.mustache"
        case archive = "archive.html.mustache"
        case feed = "feed.atom.mustache"
        /// The public sign-up's pages (`serve`: /subscribe, /confirm).
        case subscribe = "subscribe.html.mustache"
        /// The confirmation mail's two parts.
        case confirmEmail = "confirm.xhtml.mustache"
        case confirmText = "confirm.txt.mustache"
    }

    private let templates: [Kind: MustacheTemplate]
    /// Each template's text, to find which of its lines made a line of a rendered document.
    private let sources: [Kind: String]
    /// How messages name each template: its workspace path, or "the built-in …" default.
    private let origins: [Kind: String]

    /// Loads and parses every template; all syntax errors are reported together, with lines.
    public init(workspace: Workspace) throws {
        var problems = DiagnosticCollector()
        var templates: [Kind: MustacheTemplate] = [:]
        var origins: [Kind: String] = [:]
        var sources: [Kind: String] = [:]
        for kind in Kind.allCases {
            let file = workspace.templatesFolder.appending(path: kind.rawValue)
            let origin: String
            let text: String?
            if FileManager.default.fileExists(atPath: file.path) {
                origin = workspace.displayPath(file)
                text = problems.attempt { try TextFile.read(file, displayPath: origin) }
            } else {
                origin = "the built-in \(kind.rawValue)"
                text = DefaultTemplates.files[kind.rawValue]
            }
            origins[kind] = origin
            guard let text else { continue }
            sources[kind] = text
            templates[kind] = problems.attempt { try Self.parse(text, kind: kind, origin: origin) }
        }
        try problems.throwIfAny()
        self.templates = templates
        self.origins = origins
        self.sources = sources
    }

    /// Which line of the `kind` template made each line of `rendered`, rendered from `context`.
    func lineMap(of kind: Kind, context: [String: Any], rendered: String) -> TemplateLineMap? {
        sources[kind].flatMap { TemplateLineMap(template: $0, context: context, rendered: rendered) }
    }

    /// The text of the `kind` template, the workspace's or the built-in one.
    func source(of kind: Kind) -> String? {
        sources[kind]
    }

    public func origin(of kind: Kind) -> String {
        origins[kind] ?? kind.rawValue
    }

    /// `kind` rendered with `context`; "" for a template that is missing.
    public func render(_ kind: Kind, context: [String: Any]) -> String {
        templates[kind]?.render(context) ?? ""
    }

    private static func parse(_ text: String, kind: Kind, origin: String) throws -> MustacheTemplate {
        if kind == .email { try requireEscapedSubscriberValues(text, origin: origin) }
        // The plain-text templates are never HTML-escaped; the others always are.
        let source = kind == .text || kind == .confirmText ? "{{% CONTENT_TYPE: TEXT }}" + text : text
        do {
            return try MustacheTemplate(string: source)
        } catch let error as MustacheTemplate.ParserError {
            // A section left open is found only at the end of the file: name where it opens.
            if case .expectedSectionEnd? = error.error as? MustacheTemplate.Error, let open = unclosedSection(in: text)
            {
                throw NewsletterError(
                    "The template's section {{#\(open.name)}} is not closed by the end of the file.",
                    at: SourceLocation(file: origin, line: open.line),
                    hint: "Close it with {{/\(open.name)}} where it should end.")
            }
            throw NewsletterError(
                "The template has a syntax error: \(describe(error.error)).",
                at: SourceLocation(file: origin, line: error.context.lineNumber),
                hint:
                    "The line reads `\(error.context.line.trimmingCharacters(in: .whitespaces))`; check that every {{#section}} is closed by a matching {{/section}}."
            )
        }
    }

    /// The innermost section (`{{#name}}` or `{{^name}}`) that `text` opens and never closes,
    /// with its line; only for reporting, after Mustache's parser has refused the template.
    /// `nil` once the delimiters change (`{{=<% %>=}}`): the tags that follow are not read.
    private static func unclosedSection(in text: String) -> (name: String, line: Int)? {
        let (tags, stopped) = MustacheTags.scanned(text)
        guard !stopped else { return nil }
        var open: [(name: String, line: Int)] = []
        for tag in tags {
            switch tag.kind {
            case .section, .invertedSection: open.append((tag.argument, tag.line))
            case .closeSection:
                if let index = open.lastIndex(where: { $0.name == tag.argument }) { open.removeSubrange(index...) }
            default: break
            }
        }
        return open.last
    }

    /// A subscriber's own text never becomes markup: `{{{subscriber.city}}}` or
    /// `{{& subscriber.city}}` in the email's HTML would put it there unescaped, and a message
    /// that no validation saw could then go out broken.
    private static func requireEscapedSubscriberValues(_ text: String, origin: String) throws {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for opener in ["{{{", "{{&"] {
                var rest = line[...]
                while let tag = rest.range(of: opener) {
                    rest = rest[tag.upperBound...]
                    guard rest.drop(while: \.isWhitespace).hasPrefix("subscriber") else { continue }
                    throw NewsletterError(
                        "The email template puts a subscriber's value in the HTML unescaped (`\(line.trimmingCharacters(in: .whitespaces))`).",
                        at: SourceLocation(file: origin, line: number + 1),
                        hint: "Write it with two braces, such as {{subscriber.city}}: Mustache then escapes it.")
                }
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "a section is closed with a different name than it was opened with"
        case .unfinishedName: return "a tag is not closed with }}"
        case .expectedSectionEnd: return "a section is opened but never closed"
        case .invalidSetDelimiter: return "a set-delimiter tag is malformed"
        default: return "\(error)"
        }
    }
}
