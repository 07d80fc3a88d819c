import Foundation

/// A session with the relay that sends nothing: connect, greet, STARTTLS, log in, NOOP, as a
/// send opens. What `doctor` asks of the relay.
public enum RelayProbe {
    public enum Outcome: Sendable, Equatable {
        /// Answered the NOOP, over TLS (smtps://, or STARTTLS that was required).
        case secured
        /// Answered, but TLS was not required (a loopback relay, or `starttls = "off"`/"optional"),
        /// so it may have gone in plain text.
        case unsecured
        /// Could not be reached, secured or logged in to: what went wrong.
        case failed(String)
    }

    public static func probe(_ endpoint: SMTPEndpoint) -> Outcome {
        SMTPConnection.initializeLibrary()
        let connection = SMTPConnection(endpoint: endpoint)
        switch connection.open() {
        case .fatal(let problem): return .failed(problem)
        case .deferred(_, let reply), .rejected(_, let reply), .unconfirmed(let reply):
            return .failed("The relay did not answer the NOOP: \(reply).")
        case .accepted:
            let implicit = endpoint.url.scheme?.lowercased() == "smtps"
            return implicit || endpoint.startTLS == .required ? .secured : .unsecured
        }
    }
}
