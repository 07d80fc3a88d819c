import Foundation

/// A copy of the repository's sample workspace in a temporary folder, removed at the end, so
/// tests can change it freely. Its subscriber files are taken into the store and removed, as
/// an editor does once (`migrated: false` keeps them, for the tests of that step).
final class SampleWorkspace {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let root: URL

    init(migrated: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appending(path: "sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for entry in ["newsletter.toml", "issues", "subscribers", "templates"] {
            try FileManager.default.copyItem(
                at: Self.repository.appending(path: entry), to: root.appending(path: entry))
        }
        if migrated { try migrateSubscriberFiles() }
    }

    /// `subscribers migrate`, then the old files removed.
    func migrateSubscriberFiles() throws {
        let migrated = try CommandLineTool.run(["subscribers", "migrate"], in: root)
        guard migrated.status == 0 else {
            throw SMTPTestServer.ServerError(message: "subscribers migrate: \(migrated.stderr)")
        }
        try FileManager.default.removeItem(at: root.appending(path: "subscribers"))
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    func run(_ arguments: String...) throws -> CommandLineTool.Result {
        try CommandLineTool.run(arguments, in: root)
    }

    func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    func write(_ data: Data, to path: String) throws {
        let url = root.appending(path: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: root.appending(path: path), encoding: .utf8)
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appending(path: path).path)
    }
}

extension SampleWorkspace {
    /// Secrets for sends in tests; real ones come from the editor's environment.
    static let secret = "test-secret-0123456789abcdef0123456789"

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandLineTool.Result {
        try CommandLineTool.run(
            arguments, in: root, environment: ["NEWSLETTER_SECRET": Self.secret].merging(environment) { $1 })
    }

    /// Starts the binary in the background (with the test secret), for a test to interrupt.
    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = CommandLineTool.binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.environment = ProcessInfo.processInfo.environment.merging(["NEWSLETTER_SECRET": Self.secret]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Adds settings to newsletter.toml, such as an `[smtp]` section; a section the sample
    /// already has is replaced.
    func appendToConfig(_ text: String) throws {
        let replaced = Set(text.split(separator: "\n").filter { $0.hasPrefix("[") })
        var kept: [Substring] = []
        var skipping = false
        for line in try read("newsletter.toml").split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("[") { skipping = replaced.contains(line) }
            if !skipping { kept.append(line) }
        }
        try write(kept.joined(separator: "\n") + "\n" + text + "\n", to: "newsletter.toml")
    }

    /// Replaces every list with one of `count` generated subscribers, in a new store.
    func generateList(_ count: Int, name: String = "main") throws {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(at: root.appending(path: ".newsletter/state.sqlite\(suffix)"))
        }
        var text = "email,name,city\n"
        for index in 0..<count { text += "reader\(index)@example.org,Reader \(index),City \(index % 7)\n" }
        try write(text, to: "generated.csv")
        let imported = try CommandLineTool.run(["subscribers", "import", "generated.csv", "--list", name], in: root)
        guard imported.status == 0 else {
            throw SMTPTestServer.ServerError(message: "subscribers import: \(imported.stderr)")
        }
    }

    /// The active addresses of a list, as `subscribers export` prints them.
    func activeAddresses(list: String = "main") throws -> [String] {
        let export = try run(["subscribers", "export", "--list", list])
        return export.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
    }
}
