/// The one error type that reaches the editor: one or more diagnostics, each naming its file,
/// line and remedy. The command line has a single presenter for it; anything else that escapes
/// is a bug and is shown as one.
public struct NewsletterError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        diagnostics = [Diagnostic(message, at: location, hint: hint)]
    }

    public init(diagnostics: [Diagnostic]) {
        precondition(!diagnostics.isEmpty, "an error needs at least one diagnostic")
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.map { diagnostic in
            let place = diagnostic.location.map { "\($0): " } ?? ""
            return place + diagnostic.message
        }.joined(separator: "\n")
    }
}

/// Runs several independent steps and reports every failure together, so that `check` shows
/// all the problems of an issue at once instead of one per run.
public struct DiagnosticCollector {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    /// Runs `body`; if it throws, the error is recorded and `nil` returned.
    public mutating func attempt<Value>(_ body: () throws -> Value) -> Value? {
        do {
            return try body()
        } catch let error as NewsletterError {
            diagnostics += error.diagnostics
        } catch {
            diagnostics.append(Diagnostic("\(error)"))
        }
        return nil
    }

    public mutating func record(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// Throws everything recorded so far, if anything was.
    public func throwIfAny() throws {
        if !diagnostics.isEmpty { throw NewsletterError(diagnostics: diagnostics) }
    }
}
