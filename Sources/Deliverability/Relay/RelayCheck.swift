public import Delivery
import NewsletterCore

/// Whether the relay offers STARTTLS and accepts the login: a session that sends nothing. A
/// relay on this machine without TLS is no finding, as for `send`.
public enum RelayCheck {
    public static func finding(endpoint: SMTPEndpoint) -> Finding {
        let relay = endpoint.url.absoluteString
        switch RelayProbe.probe(endpoint) {
        case .secured:
            let login = endpoint.username.map { " and accepts the login of \($0)" } ?? ""
            return .passed(.relay, "\(relay) answers over TLS\(login).")
        case .unsecured:
            if SMTPSettings.isLoopback(endpoint.url.host ?? "") {
                return .passed(.relay, "\(relay) answers (on this machine, where TLS is not needed).")
            }
            return .warning(
                .relay,
                "\(relay) answers, but TLS is not required (`smtp.starttls` is \(endpoint.startTLS.rawValue)): the password and the list may cross the network in plain text.",
                hint: "Set `starttls = \"required\"` under [smtp], or use smtps://.")
        case .failed(let problem):
            return .refusal(
                .relay, problem, hint: "Check [smtp] in newsletter.toml, NEWSLETTER_SMTP_PASSWORD and --smtp.")
        }
    }
}
