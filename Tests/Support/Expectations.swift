public import NewsletterCore
public import Testing

/// Runs `body`, expects a `NewsletterError`, and returns its diagnostics for closer checks.
@discardableResult
public func expectDiagnostics(
    sourceLocation: Testing.SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> [Diagnostic] {
    do {
        try body()
        Issue.record("expected a NewsletterError, but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as NewsletterError {
        return error.diagnostics
    } catch {
        Issue.record("expected a NewsletterError, got \(error)", sourceLocation: sourceLocation)
    }
    return []
}

/// Expects exactly one diagnostic at `file`:`line` whose message contains `fragment`, with a hint.
public func expectOneProblem(
    at file: String, line: Int?, containing fragment: String, sourceLocation: Testing.SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    let diagnostics = expectDiagnostics(sourceLocation: sourceLocation, body)
    guard diagnostics.count == 1, let diagnostic = diagnostics.first else {
        Issue.record(
            "expected one diagnostic, got \(diagnostics.count): \(diagnostics)", sourceLocation: sourceLocation)
        return
    }
    #expect(diagnostic.location?.file == file, sourceLocation: sourceLocation)
    #expect(diagnostic.location?.line == line, sourceLocation: sourceLocation)
    #expect(
        diagnostic.message.contains(fragment), "“\(diagnostic.message)” lacks “\(fragment)”",
        sourceLocation: sourceLocation)
    #expect(diagnostic.hint?.isEmpty == false, "every problem says what to do", sourceLocation: sourceLocation)
}
