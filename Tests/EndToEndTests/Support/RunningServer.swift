import Foundation

/// `newsletter serve` or `newsletter preview` running on a free loopback port for one test,
/// and `curl` to talk to it (with --path-as-is, so that `..` reaches the server unchanged).
final class RunningServer {
    let process = Process()
    let base: String
    private let output: URL

    init(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws {
        output = FileManager.default.temporaryDirectory.appending(path: "server-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.executableURL = CommandLineTool.binary
        process.arguments = arguments + ["--port", "0"]
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = process.standardOutput
        try process.run()
        var found: String?
        for _ in 0..<200 where found == nil {
            Thread.sleep(forTimeInterval: 0.05)
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let range = text.range(of: "http://127.0.0.1:") {
                found = String(text[range.lowerBound...].prefix { !$0.isWhitespace })
            }
            if !process.isRunning { break }
        }
        guard let found else {
            let log = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            kill(process.processIdentifier, SIGKILL)
            throw SMTPTestServer.ServerError(message: "the server did not start: \(log)")
        }
        base = found
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: output)
    }

    var isRunning: Bool { process.isRunning }

    struct Reply {
        var status: Int
        var headers: String
        var body: String
    }

    func get(_ path: String) throws -> Reply { try request(path, extra: []) }

    func head(_ path: String) throws -> Reply { try request(path, extra: ["--head"]) }

    func post(_ path: String, body: String?) throws -> Reply {
        var extra = ["-X", "POST", "-H", "Content-Type: application/x-www-form-urlencoded"]
        if let body { extra += ["--data-binary", body] }
        return try request(path, extra: extra)
    }

    private func request(_ path: String, extra: [String]) throws -> Reply {
        let result = try CommandLineTool.run(
            URL(fileURLWithPath: "/usr/bin/curl"),
            ["-s", "-i", "--path-as-is", "--max-time", "10"] + extra + [base + path],
            in: FileManager.default.temporaryDirectory)
        let parts = result.stdout.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return Reply(status: status, headers: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}
