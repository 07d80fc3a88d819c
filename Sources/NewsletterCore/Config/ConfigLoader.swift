public import Foundation
internal import TOMLKit

/// Reads and checks `newsletter.toml`. Every problem names the key and, where it can be found,
/// its line; unknown keys are refused so that a misspelt setting never goes unnoticed.
public enum ConfigLoader {
    public static let fileName = "newsletter.toml"

    /// `\u0000` or `\U00000000` outside a comment, not itself escaped (`\\u0000` is a
    /// backslash and text).
    static func holdsNULEscape(_ line: Substring) -> Bool {
        let code = line.prefix { $0 != "#" }
        for escape in ["\\u0000", "\\U00000000"] {
            var rest = code[...]
            while let found = rest.range(of: escape) {
                let backslashes = rest[..<found.lowerBound].reversed().prefix { $0 == "\\" }.count
                if backslashes % 2 == 0 { return true }
                rest = rest[found.upperBound...]
            }
        }
        return false
    }

    public static func load(from url: URL) throws -> NewsletterConfig {
        let text = try TextFile.read(url, displayPath: fileName)
        return try parse(text, root: url.deletingLastPathComponent())
    }

    /// `root`: the folder relative paths in the config start from.
    public static func parse(_ text: String, root: URL = URL(fileURLWithPath: ".")) throws -> NewsletterConfig {
        let file = RawConfigFile(text: text)
        // TOML lets a string hold a NUL (`\u0000`); TOMLKit cuts the string there, so the rest
        // of the value would be lost, and the checks for control characters with it.
        if let line = file.lines.firstIndex(where: Self.holdsNULEscape) {
            throw NewsletterError(
                "A NUL character (`\\u0000`) cannot be used in the configuration.",
                at: SourceLocation(file: fileName, line: line + 1), hint: "Remove it.")
        }
        let raw: RawConfig
        do {
            raw = try TOMLDecoder(strictDecoding: true).decode(RawConfig.self, from: text)
        } catch let error as TOMLParseError {
            throw NewsletterError(
                "This is not valid TOML: \(error.description).",
                at: SourceLocation(file: fileName, line: error.source.begin.line),
                hint: "Fix the syntax; strings need double quotes and sections are written `[name]`.")
        } catch let error as UnexpectedKeysError {
            // Each unexpected key comes with the coding path that leads to it (the key included).
            let keys = error.keys.map { key, path in
                var parts = path.map(\.stringValue)
                if parts.last != key { parts.append(key) }
                return parts.joined(separator: ".")
            }.sorted()
            throw NewsletterError(
                diagnostics: keys.map { key in
                    Diagnostic(
                        "Unknown setting `\(key)`.",
                        at: SourceLocation(file: fileName, line: file.line(ofKey: key)),
                        hint:
                            "Check its spelling and section; `newsletter init` writes a commented example of every setting."
                    )
                })
        } catch let error as DecodingError {
            throw file.error(for: error)
        }
        return try raw.validated(in: file, root: root)
    }
}

/// The text of the config file, for pointing at the line of a key.
struct RawConfigFile {
    let lines: [Substring]

    init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The line that sets a dotted key such as `sender.email`, found by its section and name.
    /// `occurrence`: for a key of an array of tables (`[[dkim.key]]`), which table's, from 1.
    func line(ofKey dottedKey: String, occurrence: Int = 1) -> Int? {
        var seen = 0
        let parts = dottedKey.split(separator: ".")
        guard let name = parts.last else { return nil }
        let section = parts.dropLast().joined(separator: ".")
        var current = ""
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                current = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                if section.isEmpty == false, current == dottedKey { return index + 1 }
                continue
            }
            guard current == section, line.hasPrefix(name) else { continue }
            let rest = line.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("=") else { continue }
            seen += 1
            if seen == occurrence { return index + 1 }
        }
        return nil
    }

    func location(ofKey key: String, occurrence: Int = 1) -> SourceLocation {
        SourceLocation(file: ConfigLoader.fileName, line: line(ofKey: key, occurrence: occurrence))
    }

    func error(for error: DecodingError) -> NewsletterError {
        switch error {
        case .keyNotFound(let key, let context):
            var parts = context.codingPath.map(\.stringValue)
            if parts.last != key.stringValue { parts.append(key.stringValue) }
            let path = parts.joined(separator: ".")
            // TOMLKit reports a value of the wrong type as a missing key.
            if let line = line(ofKey: path) {
                return NewsletterError(
                    "The setting `\(path)` has a value of the wrong type.",
                    at: SourceLocation(file: ConfigLoader.fileName, line: line),
                    hint:
                        "Text is written in double quotes, true and false without; `newsletter init` writes an example of every setting."
                )
            }
            let section = parts.dropLast().joined(separator: ".")
            return NewsletterError(
                "The setting `\(path)` is missing.",
                at: SourceLocation(file: ConfigLoader.fileName, line: section.isEmpty ? nil : line(ofKey: section)),
                hint: "Add it; `newsletter init` writes a commented example of every setting.")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return NewsletterError(
                "The setting `\(path)` must be \(Self.describe(type)).",
                at: location(ofKey: path),
                hint: "Strings are written in double quotes; true and false without.")
        case .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return NewsletterError(
                "The setting `\(path)` has an unusable value: \(context.debugDescription)", at: location(ofKey: path))
        @unknown default:
            return NewsletterError(
                "The configuration cannot be read: \(error).", at: SourceLocation(file: ConfigLoader.fileName))
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string in double quotes"
        case is Bool.Type: "true or false"
        case is Int.Type: "a whole number"
        default:
            // Sections decode as tables (TOMLKit's `TOMLTable`); other types by their Swift name.
            type is TOMLTable.Type ? "a section, written [name] with its settings below" : "a \(type)"
        }
    }
}
