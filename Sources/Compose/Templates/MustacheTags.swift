/// The tags of a Mustache template, with their lines, for the checks that report a template's
/// problems at its own lines (a section left open, a name the values do not have). The
/// template itself is parsed by swift-mustache; this only reads the tags again to place them.
enum MustacheTags {
    struct Tag: Equatable {
        enum Kind: Equatable {
            /// `{{name}}`, `{{{name}}}`, `{{& name}}`.
            case variable
            /// `{{#name}}`.
            case section
            /// `{{^name}}`.
            case invertedSection
            /// `{{/name}}`.
            case closeSection
            /// Comments, partials, pragmas.
            case other
        }

        var kind: Kind
        /// The name, with a transform's parentheses taken off: `uppercased(name)` → `name`.
        var argument: String
        var line: Int
    }

    /// The tags in order. Reading stops at a change of delimiters (`{{=<% %>=}}`): the tags
    /// after it are not written with braces. `stoppedAtDelimiters` says so.
    static func scan(_ text: String) -> [Tag] {
        scanned(text).tags
    }

    static func scanned(_ text: String) -> (tags: [Tag], stoppedAtDelimiters: Bool) {
        var tags: [Tag] = []
        var rest = text[...]
        var line = 1
        while let start = rest.range(of: "{{") {
            line += rest[..<start.lowerBound].count(where: { $0 == "\n" })
            // A triple mustache closes with }}}; a comment may span lines.
            let triple = rest[start.upperBound...].hasPrefix("{")
            guard let end = rest[start.upperBound...].range(of: triple ? "}}}" : "}}") else { break }
            let inside = rest[start.upperBound..<end.lowerBound]
            rest = rest[end.upperBound...]
            let tag = inside.trimmingCharacters(in: .whitespacesAndNewlines)
            defer { line += inside.count(where: { $0 == "\n" }) }
            if triple {
                tags.append(Tag(kind: .variable, argument: name(tag.dropFirst()), line: line))
                continue
            }
            guard let sigil = tag.first else { continue }
            switch sigil {
            case "=": return (tags, true)
            case "#": tags.append(Tag(kind: .section, argument: name(tag.dropFirst()), line: line))
            case "^": tags.append(Tag(kind: .invertedSection, argument: name(tag.dropFirst()), line: line))
            case "/": tags.append(Tag(kind: .closeSection, argument: name(tag.dropFirst()), line: line))
            case "&": tags.append(Tag(kind: .variable, argument: name(tag.dropFirst()), line: line))
            case "!", ">", "%", "<", "$": tags.append(Tag(kind: .other, argument: tag, line: line))
            default: tags.append(Tag(kind: .variable, argument: name(tag[...]), line: line))
            }
        }
        return (tags, false)
    }

    /// `  uppercased(item.title) ` → `item.title`.
    private static func name(_ text: Substring) -> String {
        var name = text.trimmingCharacters(in: .whitespaces)
        if let open = name.lastIndex(of: "("), name.hasSuffix(")") {
            name = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
        }
        return name.trimmingCharacters(in: .whitespaces)
    }
}
