import Foundation
internal import Yams

/// The YAML block at the top of a news item or an issue file, and the Markdown after it.
/// Every accessor reports problems with the file's own line numbers.
struct FrontMatter {
    let file: String
    let body: String
    /// The file line on which the Markdown body starts.
    let bodyLine: Int
    private let fields: [String: (node: Node, line: Int)]
    private let keyOrder: [String]
    private let startLine = 1

    /// Splits `text` into front matter and body. The block opens with `---` on line 1 and closes
    /// with `---` (or `...`) on a line of its own.
    init(text: String, file: String) throws {
        self.file = file
        let lines = TextLines.split(text)
        guard lines.first.map({ $0.trimmingTrailingWhitespace() == "---" }) == true else {
            throw NewsletterError(
                "Expected YAML front matter starting with `---` on the first line.",
                at: SourceLocation(file: file, line: 1),
                hint: "Begin the file with `---`, then `title:` and `date:` lines, then `---`, then the text.")
        }
        guard
            let closing = lines.indices.dropFirst().first(where: {
                ["---", "..."].contains(lines[$0].trimmingTrailingWhitespace())
            })
        else {
            throw NewsletterError(
                "The front matter that starts on line 1 is never closed.",
                at: SourceLocation(file: file, line: 1),
                hint: "Add a line with `---` after the last field.")
        }
        let yaml = lines[1..<closing].joined(separator: "\n")
        body = lines[(closing + 1)...].joined(separator: "\n")
        bodyLine = closing + 2

        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.describe(error, file: file)
        }
        guard let root else {
            (fields, keyOrder) = ([:], [])
            return
        }
        guard let mapping = root.mapping else {
            throw NewsletterError(
                "The front matter must be a list of `key: value` lines.",
                at: SourceLocation(file: file, line: 2),
                hint: "Write one field per line, such as `title: \"Budapest conference\"`.")
        }
        var fields: [String: (node: Node, line: Int)] = [:]
        var order: [String] = []
        for (key, value) in mapping {
            let name = key.string ?? ""
            let line = (key.mark?.line ?? 1) + 1
            if fields[name] != nil {
                throw NewsletterError(
                    "The field `\(name)` appears twice.", at: SourceLocation(file: file, line: line),
                    hint: "Keep one of them.")
            }
            fields[name] = (value, line)
            order.append(name)
        }
        self.fields = fields
        self.keyOrder = order
    }

    var keys: [String] { keyOrder }

    func location(of key: String) -> SourceLocation {
        SourceLocation(file: file, line: fields[key]?.line ?? 1)
    }

    /// Refuses fields outside `known`, so a misspelt `summray:` is not silently ignored.
    func requireOnly(_ known: [String]) throws {
        let unknown = keyOrder.filter { !known.contains($0) }
        guard !unknown.isEmpty else { return }
        throw NewsletterError(
            diagnostics: unknown.map { key in
                Diagnostic(
                    "Unknown field `\(key)`.", at: location(of: key),
                    hint: "The fields are \(known.map { "`\($0)`" }.joined(separator: ", ")).")
            })
    }

    /// A single-line text field: whitespace runs (a folded YAML string's line breaks among
    /// them) become single spaces; other control characters are refused.
    func text(_ key: String, required: Bool = false) throws -> String? {
        guard let (node, line) = fields[key] else {
            if required { throw missing(key) }
            return nil
        }
        if node.null != nil {
            if required { throw missing(key, empty: true) }
            return nil
        }
        guard let raw = node.scalar?.string else {
            throw NewsletterError(
                "The field `\(key)` must be a single text value.", at: location(of: key),
                hint: "Write it on one line, in double quotes if it contains a colon.")
        }
        let collapsed =
            Self.isPlainLine(raw)
            ? raw : raw.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
        if let bad = collapsed.first(where: \.isControlCharacter) {
            throw NewsletterError(
                "The field `\(key)` contains a control character (\(bad.unicodeDescription)).",
                at: SourceLocation(file: file, line: line), hint: "Remove it.")
        }
        if collapsed.isEmpty {
            if required { throw missing(key, empty: true) }
            return nil
        }
        return collapsed
    }

    func date(_ key: String, required: Bool = false) throws -> CalendarDate? {
        guard let value = try text(key, required: required) else { return nil }
        guard let date = CalendarDate(iso: value) else {
            let suggestion = CalendarDate.suggestion(for: value).map { "; for that day write `\(key): \($0)`" } ?? ""
            throw NewsletterError(
                "`\(key)` must be a date written YYYY-MM-DD, found `\(value)`.",
                at: location(of: key),
                hint: "Use the year, month and day with hyphens, such as `2026-04-07`\(suggestion).")
        }
        return date
    }

    /// An absolute http(s) or mailto URL.
    func url(_ key: String, at node: Node? = nil, line: Int? = nil, label: String? = nil) throws -> String? {
        let value: String?
        if let node {
            value = node.scalar?.string.trimmingCharacters(in: .whitespaces)
        } else {
            value = try text(key)
        }
        guard let value, !value.isEmpty else { return nil }
        guard URLCheck.isAbsoluteWebURL(value) else {
            throw NewsletterError(
                "`\(label ?? key)` must be an absolute http or https URL, found `\(value)`.",
                at: SourceLocation(file: file, line: line ?? location(of: key).line),
                hint: "Write the full address, starting with https://.")
        }
        return value
    }

    /// A list of texts, written either as a YAML sequence or as one comma-separated text.
    func textList(_ key: String) throws -> [String] {
        guard let (node, _) = fields[key] else { return [] }
        if let sequence = node.sequence {
            return try sequence.map { element in
                guard let value = element.scalar?.string else {
                    throw NewsletterError(
                        "Each entry of `\(key)` must be a single word or phrase.", at: location(of: key))
                }
                return value.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
        }
        guard let value = try text(key) else { return [] }
        return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A list of mappings, such as `attachments`, each with its own line for messages.
    func mappingList(_ key: String) throws -> [(fields: [String: Node], line: Int)] {
        guard let (node, line) = fields[key] else { return [] }
        if node.null != nil { return [] }
        guard let sequence = node.sequence else {
            throw NewsletterError(
                "`\(key)` must be a list of entries, each starting with `- `.",
                at: SourceLocation(file: file, line: line),
                hint: "Write each entry as `- title: \"…\"` followed by an indented `url: https://…`.")
        }
        return try sequence.map { element in
            let elementLine = (element.mark?.line ?? line) + 1
            guard let mapping = element.mapping else {
                throw NewsletterError(
                    "Each entry of `\(key)` must have named fields such as `title:` and `url:`.",
                    at: SourceLocation(file: file, line: elementLine))
            }
            var fields: [String: Node] = [:]
            for (name, value) in mapping { fields[name.string ?? ""] = value }
            return (fields, elementLine)
        }
    }

    /// Whether `text` is already one clean line: no control bytes (C0, DEL, or C1 as `C2 80…9F`),
    /// no doubled, leading or trailing spaces. Most values are; they skip the slower clean-up.
    private static func isPlainLine(_ text: String) -> Bool {
        var previous: UInt8 = 0x20
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte)) { return false }
            if byte == 0x20, previous == 0x20 { return false }
            previous = byte
        }
        return previous != 0x20
    }

    private func missing(_ key: String, empty: Bool = false) -> NewsletterError {
        NewsletterError(
            empty ? "The field `\(key)` is empty." : "The required field `\(key)` is missing.",
            at: fields[key] == nil ? SourceLocation(file: file, line: startLine) : location(of: key),
            hint: "Add a line `\(key): …` between the `---` lines.")
    }

    private static func describe(_ error: YamlError, file: String) -> NewsletterError {
        let hint = "Check the quoting: values with a colon, `#` or quotes need double quotes."
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            // The context (such as "while scanning a quoted scalar") points where the trouble began.
            let line = (context?.mark.line ?? mark.line) + 1
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return NewsletterError(
                "The front matter is not valid YAML: \(detail).", at: SourceLocation(file: file, line: line), hint: hint
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            return NewsletterError(
                "The front matter repeats \(duplicates.map { "`\($0)`" }.joined(separator: ", ")).",
                at: SourceLocation(file: file, line: context.mark.line + 1), hint: "Keep one of each.")
        default:
            return NewsletterError(
                "The front matter is not valid YAML: \(error).", at: SourceLocation(file: file, line: 2), hint: hint)
        }
    }
}

extension Substring {
    func trimmingTrailingWhitespace() -> Substring {
        var result = self
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
