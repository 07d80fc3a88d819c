/// One row of a subscriber list: the address, an optional name, and every other column as an
/// attribute that templates can use (`{{subscriber.city}}`).
public struct Subscriber: Sendable, Equatable {
    public var address: EmailAddress
    public var name: String?
    public var attributes: [String: String]
    /// The file line the row starts on.
    public var line: Int

    public init(address: EmailAddress, name: String?, attributes: [String: String] = [:], line: Int = 0) {
        self.address = address
        self.name = name
        self.attributes = attributes
        self.line = line
    }

    /// A name typed for one subscriber (`subscribers add --name`): no control characters, which
    /// could end up in a header.
    public static func checkedName(_ name: String?, option: String = "--name") throws -> String? {
        if let bad = name?.first(where: \.isControlCharacter) {
            throw NewsletterError(
                "\(option) may not contain control characters (found \(bad.unicodeDescription)).",
                hint: "Give the name on one line.")
        }
        return name
    }
}

/// The columns of a list file: `email` (required), `name`, and attributes.
public struct SubscriberColumns: Sendable, Equatable {
    public var names: [String]
    let emailIndex: Int
    let nameIndex: Int?

    /// Reads a header row; the column names are compared without case and surrounding spaces.
    public init(header: [String], file: String) throws {
        names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        if let bad = names.firstIndex(where: { $0.contains(where: \.isControlCharacter) }) {
            // Most often a file whose lines end with a lone CR (old Mac files): its whole
            // content reads as one header row, and would be written back as column names.
            throw NewsletterError(
                "Column \(bad + 1) of the header holds a control character, such as a line break.",
                at: SourceLocation(file: file, line: 1),
                hint: "If the file's lines end with a lone CR (old Mac files), save it with LF or CRLF line endings.")
        }
        let lowered = names.map { $0.lowercased() }
        guard let email = lowered.firstIndex(of: "email") else {
            throw NewsletterError(
                "The first row must name the columns, with one called `email`; found \(names.map { "`\($0)`" }.joined(separator: ", ")).",
                at: SourceLocation(file: file, line: 1),
                hint: "Start the file with a header such as `email,name,city`.")
        }
        var seen = Set<String>()
        for name in lowered where !seen.insert(name).inserted {
            throw NewsletterError(
                "The column `\(name)` appears twice in the header.", at: SourceLocation(file: file, line: 1),
                hint: "Give every column its own name.")
        }
        if let empty = names.firstIndex(of: "") {
            throw NewsletterError(
                "Column \(empty + 1) of the header has no name.", at: SourceLocation(file: file, line: 1),
                hint: "Name every column; templates use the names, as in {{subscriber.city}}.")
        }
        emailIndex = email
        nameIndex = lowered.firstIndex(of: "name")
    }

    /// Reads one data row; a bad row is a diagnostic, never a stop.
    public func subscriber(from fields: [String], line: Int, file: String) -> Result<Subscriber, Diagnostic> {
        func problem(_ message: String, _ hint: String) -> Result<Subscriber, Diagnostic> {
            .failure(Diagnostic(message, at: SourceLocation(file: file, line: line), hint: hint))
        }
        guard fields.count == names.count else {
            return problem(
                "This row has \(fields.count) field\(fields.count == 1 ? "" : "s"), the header has \(names.count); the row is skipped.",
                "Quote fields that contain commas, such as \"Peña, José\".")
        }
        let address: EmailAddress
        do {
            address = try EmailAddress(fields[emailIndex])
        } catch {
            return problem(
                "`\(fields[emailIndex])` is not a usable address: \(error.reason); the row is skipped.",
                "Write a plain address such as name@example.org.")
        }
        for (index, value) in fields.enumerated() where index != emailIndex && !value.isPrintableASCII {
            if let bad = value.first(where: \.isControlCharacter) {
                return problem(
                    "The `\(names[index])` field contains a control character (\(bad.unicodeDescription)); the row is skipped.",
                    "Remove line breaks and control characters from the field.")
            }
        }
        var attributes: [String: String] = [:]
        for (index, value) in fields.enumerated() where index != emailIndex && index != nameIndex {
            attributes[names[index]] = value.trimmingWhitespace()
        }
        let name = nameIndex.map { fields[$0].trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        return .success(Subscriber(address: address, name: name, attributes: attributes, line: line))
    }
}
