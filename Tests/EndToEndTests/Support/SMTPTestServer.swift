import Foundation
import Testing

/// A real SMTP server for a test: `Tests/Servers/smtp_server.py` (aiosmtpd, Debian's
/// python3-aiosmtpd) on a free loopback port, saving messages in a Maildir. Stopped when the
/// test ends.
final class SMTPTestServer {
    static let script = SampleWorkspace.repository.appending(path: "Tests/Servers/smtp_server.py")
    static let inspector = SampleWorkspace.repository.appending(path: "Tests/Servers/inspect_maildir.py")
    static let python = URL(fileURLWithPath: "/usr/bin/python3")

    let maildir: URL
    let port: Int
    private let process: Process

    var url: String { "smtp://127.0.0.1:\(port)" }

    init(options: [String] = []) throws {
        maildir = FileManager.default.temporaryDirectory.appending(path: "maildir-\(UUID().uuidString)")
        process = Process()
        process.executableURL = Self.python
        process.arguments = [Self.script.path, "--maildir", maildir.path] + options
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("READY "),
            let port = Int(text.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.terminate()
            throw ServerError(message: "the SMTP server did not start: \(text)")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: a signal the runner may have blocked cannot leave the server behind.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: maildir)
    }

    struct ServerError: Error {
        var message: String
    }

    /// One accepted message, from the server's log.
    struct Arrival: Decodable {
        var time: Double
        var from: String
        var to: [String]
        var file: String
        var tls: Bool
        var auth: Bool
        /// The EHLO name the client gave.
        var helo: String?
        /// The client's port: one per connection.
        var peer: Int
    }

    func arrivals() throws -> [Arrival] {
        let file = maildir.appending(path: "arrivals.jsonl")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Arrival.self, from: Data($0.utf8)) }
    }

    /// Every message, parsed by Python's email package (policy strict) with raw-byte checks.
    func messages() throws -> [InspectedMessage] {
        let result = try CommandLineTool.run(Self.python, [Self.inspector.path, maildir.path], in: maildir)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode([InspectedMessage].self, from: Data(result.stdout.utf8))
    }
}

struct InspectedMessage: Decodable {
    var file: String
    var problems: [String]
    var to: String?
    var toName: String?
    var from: String?
    var fromName: String?
    var subject: String?
    var messageId: String?
    var replyTo: String?
    var listId: String?
    var listUnsubscribe: String?
    var listUnsubscribePost: String?
    var contentType: String?
    var parts: [Part]?

    struct Part: Decodable {
        var contentType: String
        var charset: String?
        var transferEncoding: String
        var text: String
    }
}

/// A self-signed certificate for `localhost` and 127.0.0.1, made with openssl for one test.
struct TestCertificate {
    let certificate: URL
    let key: URL

    init(in folder: URL) throws {
        certificate = folder.appending(path: "relay-cert.pem")
        key = folder.appending(path: "relay-key.pem")
        let result = try CommandLineTool.run(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.path, "-out", certificate.path, "-days",
                "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ], in: folder)
        guard result.status == 0 else { throw SMTPTestServer.ServerError(message: "openssl: \(result.stderr)") }
    }
}
