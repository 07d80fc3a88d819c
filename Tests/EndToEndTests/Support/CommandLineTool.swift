import Foundation
import Testing

/// Runs the built `newsletter` binary, as an editor would, and captures what it prints.
enum CommandLineTool {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The binary SwiftPM built next to this test bundle.
    static let binary: URL = {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // The runner lives in `NewsletterPackageTests.xctest` or directly in the products folder.
        while !FileManager.default.isExecutableFile(atPath: folder.appending(path: "newsletter").path),
            folder.path != "/"
        {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appending(path: "newsletter")
    }()

    static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Result {
        try run(binary, arguments, in: folder, environment: environment)
    }

    /// Runs any program; output goes through files so a large output cannot fill a pipe and block.
    static func run(_ program: URL, _ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws
        -> Result
    {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let outputs = FileManager.default.temporaryDirectory.appending(path: "cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outputs) }
        let stdoutFile = outputs.appending(path: "stdout")
        let stderrFile = outputs.appending(path: "stderr")
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: try String(contentsOf: stdoutFile, encoding: .utf8),
            stderr: try String(contentsOf: stderrFile, encoding: .utf8))
    }
}

/// The independent check the issue asks for: every email.xhtml the tests build must also pass
/// `xmllint --noout --valid --nonet`.
func expectValidWithXmllint(_ file: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let result = try CommandLineTool.run(
        URL(fileURLWithPath: "/usr/bin/xmllint"), ["--noout", "--valid", "--nonet", file.path],
        in: file.deletingLastPathComponent())
    #expect(result.status == 0, "xmllint: \(result.stderr)", sourceLocation: sourceLocation)
}
