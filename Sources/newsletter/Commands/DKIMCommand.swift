import ArgumentParser
import Delivery
import Foundation
import NewsletterCore

struct DKIMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim",
        abstract: "Make the keys that sign every message (DKIM), and say what to publish in DNS.",
        subcommands: [Keygen.self])

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new DKIM private key file and print its DNS record and its [[dkim.key]] table.",
            discussion: """
                The key goes in dkim/SELECTOR.key (readable by you only, ignored by git); it is never \\
                printed. Publish the TXT record, add the table to newsletter.toml, and every message \\
                is signed. Both kinds at once (two tables) is what RFC 8463 suggests while receivers \\
                learn Ed25519.
                Example: newsletter dkim keygen --algorithm ed25519-sha256 --selector ed2026
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @Option(help: "rsa-sha256 (2048 bits, read by every receiver) or ed25519-sha256.")
        var algorithm: String = DKIMSettings.Algorithm.rsaSHA256.rawValue
        @Option(help: ArgumentHelp("The selector, a DNS label (default: s and the year and month).", valueName: "s"))
        var selector: String?

        func validate() throws {
            guard DKIMSettings.Algorithm(rawValue: algorithm) != nil else {
                throw ValidationError("--algorithm must be rsa-sha256 or ed25519-sha256.")
            }
            if let selector, !DKIMSettings.isSelector(selector) {
                throw ValidationError("--selector must be a DNS label: letters, digits and hyphens, such as s2026.")
            }
        }

        func run() throws {
            let workspace = try workspaceOptions.workspace()
            let config = try workspace.loadConfig()
            let kind = DKIMSettings.Algorithm(rawValue: algorithm) ?? .rsaSHA256
            let now = Date().formatted(.iso8601.year().month().dateSeparator(.omitted))
            let name = selector ?? "s\(now)" + (kind == .ed25519SHA256 ? "e" : "")
            let relative = "dkim/\(name).key"
            let file = workspace.root.appending(path: relative)
            try SecretFile.create(try DKIMKey.generatePEM(kind), at: file)
            let key = try DKIMKey(.init(selector: name, algorithm: kind, file: file), displayPath: relative)
            let ignored = try GitIgnore.ensureKeysIgnored(in: workspace.root)
            let record = "\(name)._domainkey.\(config.dkim.domain)"
            Terminal.print(
                """
                Wrote the private key \(relative) (readable by you only\(ignored); keep a copy somewhere safe).

                Publish this TXT record in the DNS of \(config.dkim.domain):
                  name:  \(record)
                  value: \(key.dnsRecord)
                In a zone file (a TXT string holds at most 255 characters):
                  \(record). IN TXT ( \(DNSText.quotedStrings(key.dnsRecord)) )

                Then add to newsletter.toml:
                  [[dkim.key]]
                  selector = "\(name)"
                  algorithm = "\(kind.rawValue)"
                  file = "\(relative)"
                """)
        }
    }
}
