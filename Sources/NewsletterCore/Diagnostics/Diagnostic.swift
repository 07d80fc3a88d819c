/// Where a problem was found: a file (shown relative to the workspace when inside it) and,
/// when known, a 1-based line.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?

    public init(file: String, line: Int? = nil) {
        self.file = file
        self.line = line
    }

    public var description: String {
        line.map { "\(file):\($0)" } ?? file
    }
}

/// One problem, written for the editor: where, what was expected, and what to do about it.
public struct Diagnostic: Error, Sendable, Hashable {
    public var location: SourceLocation?
    /// A full sentence: what is wrong, and what was found.
    public var message: String
    /// A full sentence: what to do about it.
    public var hint: String?

    public init(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }
}
