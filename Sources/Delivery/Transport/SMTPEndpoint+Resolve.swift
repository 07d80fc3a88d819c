public import Foundation
public import NewsletterCore

extension SMTPEndpoint {
    /// The relay of `[smtp]`, or `override` (`--smtp`), with the password from
    /// `NEWSLETTER_SMTP_PASSWORD` or `smtp.password_file`.
    public static func resolve(
        settings: SMTPSettings, override: URL?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SMTPEndpoint {
        guard let url = override ?? settings.url else {
            throw NewsletterError(
                "No relay is set: newsletter.toml has no `smtp.url`, and no --smtp was given.",
                hint:
                    "Add the relay your provider gives you under [smtp] in newsletter.toml, such as `url = \"smtp://relay.example.org:587\"` (STARTTLS) or `smtps://…:465`, or give one for this run with `--smtp URL`."
            )
        }
        var password = environment["NEWSLETTER_SMTP_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        if password == nil, let file = settings.passwordFile {
            guard let data = try? Data(contentsOf: file) else {
                throw NewsletterError(
                    "The SMTP password file \(file.path) cannot be read.",
                    hint:
                        "Check `smtp.password_file` in newsletter.toml and the file's permissions, or set NEWSLETTER_SMTP_PASSWORD."
                )
            }
            password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        if settings.username != nil, password == nil {
            throw NewsletterError(
                "`smtp.username` is set but there is no password.",
                hint:
                    "Set NEWSLETTER_SMTP_PASSWORD, or name a file holding it in `smtp.password_file`; it never goes in newsletter.toml."
            )
        }
        let startTLS: SMTPStartTLS =
            switch settings.startTLS(for: url) {
            case .required: .required
            case .optional: .optional
            case .off: .off
            }
        return SMTPEndpoint(
            url: url, heloName: settings.heloName, username: settings.username, password: password, startTLS: startTLS,
            caFile: settings.caFile?.path, connectTimeout: settings.connectTimeout, timeout: settings.timeout)
    }
}
