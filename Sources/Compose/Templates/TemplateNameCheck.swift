import Foundation
public import NewsletterCore

/// `check`'s warnings about names in the templates that render as nothing: Mustache prints
/// nothing for a name it cannot find, so `{{issue.subjet}}` or `{{subscriber.first_name}}` on a
/// list without that column would go out as a gap. Each tag's name is looked up as Mustache
/// looks it up (in the sections around it, then outwards) in the shape of every value the
/// templates can have: the values of a sample issue with every optional field set, and the
/// subscriber fields the lists have.
public enum TemplateNameCheck {
    /// `subscriberFields`: the columns of the workspace's lists (`email` and `name` always).
    public static func warnings(
        templates: TemplateSet, config: NewsletterConfig, subscriberFields: Set<String>, listNames: [String]
    ) -> [Diagnostic] {
        let shapes: [(TemplateSet.Kind, ValueShape)] = [
            (.email, issueShape(config: config, subscriberFields: subscriberFields)),
            (.text, issueShape(config: config, subscriberFields: subscriberFields)),
            (.web, issueShape(config: config, subscriberFields: subscriberFields)),
            (.archive, archiveShape(config: config)),
            (.feed, archiveShape(config: config)),
        ]
        return shapes.flatMap { kind, shape in
            guard let source = templates.source(of: kind) else { return [Diagnostic]() }
            let unknown = unknownNames(in: source, shape: shape)
            return unknown.map { tag in
                diagnostic(
                    for: tag, origin: templates.origin(of: kind), shape: shape, subscriberFields: subscriberFields,
                    listNames: listNames, kind: kind)
            }
        }
    }

    /// A tag whose name the values do not have: its name, line and the sections around it.
    struct UnknownName: Equatable {
        var name: String
        var line: Int
    }

    /// The names in `source` that `shape` does not have, in the order they appear.
    static func unknownNames(in source: String, shape: ValueShape) -> [UnknownName] {
        var stack: [ValueShape] = [shape]
        var unknown: [UnknownName] = []
        for tag in MustacheTags.scan(source) {
            switch tag.kind {
            case .closeSection:
                if stack.count > 1 { stack.removeLast() }
            case .section, .invertedSection, .variable:
                let name = tag.argument
                let resolved = resolve(name, in: stack)
                if resolved == nil { unknown.append(UnknownName(name: name, line: tag.line)) }
                if tag.kind == .section { stack.append(resolved?.element ?? .anything) }
                if tag.kind == .invertedSection { stack.append(.leaf) }
            case .other:
                break
            }
        }
        return unknown
    }

    /// What `name` refers to, looked up from the innermost section outwards, as Mustache does.
    static func resolve(_ name: String, in stack: [ValueShape]) -> ValueShape? {
        if name == "." { return stack.last }
        let parts = name.split(separator: ".").map(String.init)
        guard let first = parts.first else { return nil }
        for context in stack.reversed() {
            if context == .anything { return .anything }
            guard let found = context.member(first) else { continue }
            return parts.dropFirst().reduce(Optional(found)) { shape, part in shape?.member(part) }
        }
        return nil
    }

    private static func diagnostic(
        for tag: UnknownName, origin: String, shape: ValueShape, subscriberFields: Set<String>, listNames: [String],
        kind: TemplateSet.Kind
    ) -> Diagnostic {
        let location = SourceLocation(file: origin, line: tag.line)
        if tag.name.hasPrefix("subscriber."), kind == .email || kind == .text {
            let field = tag.name.dropFirst("subscriber.".count)
            let columns = subscriberFields.union(["email", "name"]).sorted().map { "`\($0)`" }.joined(separator: ", ")
            return Diagnostic(
                "No subscriber has a `\(field)`, so `{{\(tag.name)}}` renders as nothing.", at: location,
                hint:
                    "The subscribers' fields are \(columns); \(nearest(to: tag.name, in: shape).map { "did you mean `\($0)`? " } ?? "")import a CSV with that column, or leave the value out."
            )
        }
        return Diagnostic(
            "`\(tag.name)` is not one of the templates' values, so it renders as nothing.", at: location,
            hint: (nearest(to: tag.name, in: shape).map { "Did you mean `\($0)`? " } ?? "")
                + "docs/templates.md lists every value.")
    }

    /// The known dotted name closest to `name`, when one is close enough to be a misspelling.
    private static func nearest(to name: String, in shape: ValueShape) -> String? {
        let candidates = shape.dottedNames()
        let scored = candidates.map { ($0, EditDistance.between(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, best.0.count / 4) else { return nil }
        return best.0
    }

    // MARK: The shapes of the values

    private static func issueShape(config: NewsletterConfig, subscriberFields: Set<String>) -> ValueShape {
        var full = config
        full.organisation.website = full.organisation.website ?? URL(string: "https://example.org")
        full.organisation.contact = full.organisation.contact ?? "contact"
        full.sender.replyTo = full.sender.replyTo ?? "reply@example.org"
        let item = """
            ---
            title: "T"
            date: 2026-01-01
            summary: "S"
            link: https://example.org/a
            attachments:
              - title: "D"
                url: https://example.org/d.pdf
            tags: [t]
            source: s
            ---
            Body with [a link](https://example.org/b).
            """
        let items =
            (try? NewsItem(parsing: item, file: URL(fileURLWithPath: "/sample.md"), displayPath: "sample.md"))
            .map { [$0] } ?? []
        let header = IssueHeader(
            subject: "S", date: CalendarDate(iso: "2026-01-01") ?? .today(), preheader: "P", status: .draft,
            intro: "I", introLine: 1)
        let issue = Issue(number: 1, folder: URL(fileURLWithPath: "/"), header: header, items: items)
        var values = IssueContent(issue: issue, config: full).values(for: .placeholder)
        values["subscriber"] = Dictionary(
            uniqueKeysWithValues: (subscriberFields.union(["email", "name"])).map { ($0, "x") })
        return ValueShape(values)
    }

    private static func archiveShape(config: NewsletterConfig) -> ValueShape {
        var full = config
        full.organisation.website = full.organisation.website ?? URL(string: "https://example.org")
        let header = IssueHeader(
            subject: "S", date: CalendarDate(iso: "2026-01-01") ?? .today(), preheader: "P", status: .sent,
            intro: "I", introLine: 1)
        var issue = Issue(number: 1, folder: URL(fileURLWithPath: "/"), header: header, items: [])
        issue.header.audience = 1
        issue.header.sent = Date(timeIntervalSince1970: 0)
        return ValueShape(ArchiveSite.values(config: full, issues: [issue]))
    }
}

/// The shape of template values: which names a value has, whatever they hold.
indirect enum ValueShape: Equatable {
    /// Text, a number or a flag: no names inside.
    case leaf
    case dictionary([String: ValueShape])
    /// A list's items, all of one shape (the union of their names).
    case list(ValueShape)
    /// A section over something whose names are not known: any name inside is accepted.
    case anything

    init(_ value: Any) {
        switch value {
        case let dictionary as [String: Any]:
            self = .dictionary(dictionary.mapValues(ValueShape.init))
        case let list as [Any]:
            self = .list(list.map(ValueShape.init).reduce(.dictionary([:])) { $0.merged(with: $1) })
        default:
            self = .leaf
        }
    }

    /// The value `name` inside this one; a list's items are reached as Mustache reaches them
    /// inside a section over it.
    func member(_ name: String) -> ValueShape? {
        if case .dictionary(let members) = self { return members[name] }
        return nil
    }

    /// What a section over this value puts in context: a list's item, or the value itself.
    var element: ValueShape {
        if case .list(let item) = self { return item }
        return self
    }

    func merged(with other: ValueShape) -> ValueShape {
        switch (self, other) {
        case (.dictionary(let left), .dictionary(let right)):
            return .dictionary(left.merging(right) { $0.merged(with: $1) })
        default:
            return other
        }
    }

    /// Every name reachable from here, dotted (`issue.subject`, `items.title`).
    func dottedNames(prefix: String = "") -> [String] {
        switch self {
        case .dictionary(let members):
            return members.flatMap { key, value in [prefix + key] + value.dottedNames(prefix: "\(prefix)\(key).") }
        case .list(let item):
            return item.dottedNames(prefix: "")
        case .leaf, .anything:
            return []
        }
    }
}
