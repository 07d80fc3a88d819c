import Foundation

/// `[lists]`: the default list, and one table per list, `[lists.NAME]`:
///
///     [lists]
///     default = "main"
///
///     [lists.main]
///     title = "Riverside Energy News"
///     description = "What the cooperative does, four times a year."
///     public = true          # offered on the sign-up form
///     opt_in = "double"      # or "single"
struct RawLists: Decodable {
    var `default`: String?
    var tables: [(name: String, table: Table)] = []

    struct Table: Decodable {
        var title: String?
        var description: String?
        var `public`: Bool?
        var optIn: String?

        enum CodingKeys: String, CodingKey {
            case title, description, `public`
            case optIn = "opt_in"
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            if key.stringValue == "default" {
                `default` = try container.decode(String.self, forKey: key)
            } else {
                tables.append((key.stringValue, try container.decode(Table.self, forKey: key)))
            }
        }
    }

    init() {}

    /// `newsletterName`: the title of a list declared by `default` alone, as older configs have it.
    func validated(in file: RawConfigFile, newsletterName: String) throws -> NewsletterConfig.ListSettings {
        var problems = DiagnosticCollector()
        var lists: [ListDefinition] = []
        for (name, table) in tables {
            let key = "lists.\(name)"
            guard SubscriberList.isValidName(name), name.lowercased() != SuppressionList.name else {
                problems.record(
                    Diagnostic(
                        "`\(name)` cannot be a list's name.", at: file.location(ofKey: key),
                        hint: "List names are made of letters, digits, hyphens and underscores, such as `main`."))
                continue
            }
            func text(_ value: String?, _ field: String) -> String? {
                value.flatMap { value in
                    problems.attempt { try ConfigValue.text(value, key: "\(key).\(field)", multiline: false, in: file) }
                }
            }
            var optIn = ListDefinition.OptIn.double
            if let value = table.optIn {
                if let parsed = ListDefinition.OptIn(rawValue: value) {
                    optIn = parsed
                } else {
                    problems.record(
                        Diagnostic(
                            "`\(key).opt_in` must be `double` or `single`, found `\(value)`.",
                            at: file.location(ofKey: "\(key).opt_in"),
                            hint:
                                "`double` (the default) mails a confirmation link first; `single` adds people as they sign up."
                        ))
                }
            }
            lists.append(
                ListDefinition(
                    name: name, title: text(table.title, "title") ?? name,
                    description: text(table.description, "description"), isPublic: table.public ?? false,
                    optIn: optIn))
        }
        let defaultName =
            self.default.flatMap { value in
                problems.attempt { try ConfigValue.text(value, key: "lists.default", multiline: false, in: file) }
            } ?? lists.first?.name ?? "main"
        if lists.isEmpty {
            // A config from before lists were declared: the default list, public, double opt-in.
            lists = [
                ListDefinition(
                    name: defaultName, title: newsletterName, description: nil, isPublic: true, optIn: .double)
            ]
        } else if !lists.contains(where: { $0.name == defaultName }) {
            problems.record(
                Diagnostic(
                    "`lists.default` is `\(defaultName)`, but no `[lists.\(defaultName)]` is declared.",
                    at: file.location(ofKey: "lists.default"),
                    hint:
                        "The lists are \(lists.map { "`\($0.name)`" }.joined(separator: ", ")); name one of them, or declare it."
                ))
        }
        try problems.throwIfAny()
        return NewsletterConfig.ListSettings(defaultList: defaultName, lists: lists)
    }
}
